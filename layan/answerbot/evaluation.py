"""`layan answerbot eval`: the answer bot measured on a knowledge base and its questions.

Each collection of KB.jsonl becomes its own fresh workspace (inside a transaction that is rolled
back, so nothing is left behind); every query of that collection is asked with the product's
default settings. The file formats are described in docs/answerbot.md.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from layan.accounts import services as accounts_services
from layan.accounts.models import Workspace
from layan.answerbot.services import Answer, answer
from layan.knowledge import services as knowledge_services
from layan.knowledge.models import Article

LANGUAGES = {"en": "en", "id": "id", "zh": "zh-hans", "zh-hans": "zh-hans"}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class Tally:
    n: int = 0
    in_kb: int = 0
    out_of_kb: int = 0
    top1: int = 0
    reciprocal: float = 0.0
    answered: int = 0
    answered_right: int = 0
    oos_ok: int = 0
    latencies: list[float] = field(default_factory=list)

    def add(self, *, gold: str | None, ranking: list[str], answered: str | None, ms: float) -> None:
        self.n += 1
        self.latencies.append(ms)
        if answered is not None:
            self.answered += 1
        if gold is None:
            self.out_of_kb += 1
            self.oos_ok += answered is None
            return
        self.in_kb += 1
        self.top1 += bool(ranking) and ranking[0] == gold
        if gold in ranking[:10]:
            self.reciprocal += 1 / (ranking.index(gold) + 1)
        self.answered_right += answered == gold

    def figures(self) -> dict[str, float | int]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "n": self.n,
            "top1": round(self.top1 / self.in_kb, 4) if self.in_kb else 0.0,
            "mrr10": round(self.reciprocal / self.in_kb, 4) if self.in_kb else 0.0,
            "answered": round(self.answered / self.n, 4) if self.n else 0.0,
            "precision": round(self.answered_right / self.answered, 4) if self.answered else 0.0,
            "coverage": round(self.answered_right / self.in_kb, 4) if self.in_kb else 0.0,
            "oos_ok": round(self.oos_ok / self.out_of_kb, 4) if self.out_of_kb else 0.0,
            "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        }


class Rollback(Exception):
    pass


def _load_collection(name: str, entries: list[dict[str, Any]]) -> tuple[Workspace, dict[int, str]]:
    """A workspace holding the collection as published articles: article pk -> entry id."""
    languages = list(dict.fromkeys(LANGUAGES[e["language"]] for e in entries))
    workspace = accounts_services.workspace_create(
        name=f"eval {name}",
        slug=slugify(f"eval-{name}")[:50] or "eval",
        timezone_name="UTC",
        languages=languages,
        default_language=languages[0],
    )
    ids: dict[int, str] = {}
    for entry in entries:
        article = knowledge_services.article_create(
            workspace=workspace,
            author=None,
            language=LANGUAGES[entry["language"]],
            title=entry["title"],
            body=entry.get("answer") or "",
            questions="\n".join(entry.get("alt_questions") or []),
        )
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
        knowledge_services.article_reindex(article_id=article.pk)
        ids[article.pk] = entry["id"]
    return workspace, ids


def evaluate(
    kb: Iterable[dict[str, Any]], queries: Iterable[dict[str, Any]]
) -> dict[str, dict[str, dict[str, float | int]]]:
    by_collection: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in kb:
        by_collection[entry["collection"]].append(entry)
    asked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for query in queries:
        asked[query["collection"]].append(query)
    per_language: dict[str, Tally] = defaultdict(Tally)
    per_collection: dict[str, Tally] = defaultdict(Tally)
    for collection, entries in by_collection.items():
        try:
            with transaction.atomic():
                workspace, ids = _load_collection(collection, entries)
                for query in asked.get(collection, []):
                    started = time.perf_counter()
                    result = answer(
                        question=query["text"],
                        workspace=workspace,
                        language=LANGUAGES.get(query.get("language", "")),
                    )
                    ms = (time.perf_counter() - started) * 1000
                    ranking = [ids[pk] for pk in result.candidates if pk in ids]
                    if isinstance(result, Answer):
                        ranking = [
                            ids[result.article.pk],
                            *[r for r in ranking if r != ids[result.article.pk]],
                        ]
                    answered = ids[result.article.pk] if isinstance(result, Answer) else None
                    language = query["language"]
                    for tally in (
                        per_language[language],
                        per_collection[f"{language}/{collection}"],
                    ):
                        tally.add(gold=query.get("gold"), ranking=ranking, answered=answered, ms=ms)
                raise Rollback
        except Rollback:
            pass
    return {
        "by_language": {key: tally.figures() for key, tally in sorted(per_language.items())},
        "by_collection": {key: tally.figures() for key, tally in sorted(per_collection.items())},
    }
