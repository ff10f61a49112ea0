"""Keeping the answer bot's passages in line with published articles."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import F

from layan.answerbot.embeddings import embedder, to_bytes
from layan.answerbot.models import Passage, PassageSet
from layan.core.events import Event
from layan.core.sanitize import html_to_text
from layan.knowledge.models import Article

MAX_SECTION_CHARS = 600


def sections(body_html: str) -> list[str]:
    """Answer text cut at paragraphs and headings into passages of a readable size."""
    blocks = [html_to_text(part) for part in re.split(r"</(?:p|h[2-4]|li|tr)>", body_html)]
    out: list[str] = []
    for block in (b for b in blocks if b):
        if out and len(out[-1]) + len(block) < MAX_SECTION_CHARS // 2:
            out[-1] = f"{out[-1]} {block}"
        else:
            out.append(block[:MAX_SECTION_CHARS])
    return out


def article_passages_index(*, article_id: int) -> int:
    """Re-embed a published article's questions and sections; drop everything otherwise.

    The vectors are computed before the transaction (tens of milliseconds per text, seconds
    for a long article): on SQLite a write transaction holds the database's only write lock,
    and mail piped in by `layan email ingest` would wait on it."""
    article = (
        Article.objects.filter(pk=article_id, status=Article.Status.PUBLISHED)
        .prefetch_related("translations")
        .first()
    )
    model = embedder()
    rows: list[Passage] = []
    if article is not None and model is not None:
        for translation in article.translations.all():
            questions = [translation.title, *translation.question_list]
            answer_sections = sections(translation.body_html)
            vectors = [*model.questions(questions)] if questions else []
            if answer_sections:
                vectors += [*model.passages(answer_sections)]
            kinds = [Passage.Kind.QUESTION] * len(questions) + [Passage.Kind.SECTION] * len(
                answer_sections
            )
            for position, (kind, text, vector) in enumerate(
                zip(kinds, questions + answer_sections, vectors, strict=True)
            ):
                rows.append(
                    Passage(
                        workspace_id=article.workspace_id,
                        article_id=article.pk,
                        language=translation.language,
                        visibility=article.visibility,
                        kind=kind,
                        position=position,
                        text=text,
                        vector=to_bytes(vector),
                    )
                )
    with transaction.atomic():
        stale = Passage.objects.filter(article_id=article_id)
        changed = set(stale.values_list("workspace_id", flat=True).distinct())
        stale.delete()
        # Tasks are idempotent and re-read: an article changed while its vectors were computed
        # has another index task queued behind this one, which writes the newer text.
        Passage.objects.bulk_create(rows)
        if article is not None:
            changed.add(article.workspace_id)
        for workspace_id in changed:
            passages_changed(workspace_id=workspace_id)
    return len(rows)


def passages_changed(*, workspace_id: int) -> None:
    """Tell every process that this workspace's passages changed (inside the writer's
    transaction: they see it when the new passages are committed)."""
    updated = PassageSet.objects.filter(pk=workspace_id).update(version=F("version") + 1)
    if not updated:
        PassageSet.objects.get_or_create(workspace_id=workspace_id, defaults={"version": 1})


def on_article_indexed(event: Event) -> None:
    """Event handler, in the same run as the article's search postings (the index task, or the
    demo's load): the answer bot's passages follow the article as it is now."""
    article_passages_index(article_id=int(event.payload["article"]))
