"""The answer bot: answer from the help center, or hand off to a person — never guess.

`answer()` returns an `Answer` only when its calibrated confidence clears the workspace
threshold; otherwise a `Handoff` says why (no content, low confidence, the customer asked for a
person, or a sensitive topic such as a complaint).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from layan.accounts.models import Workspace
from layan.answerbot import llm, retrieval
from layan.answerbot.embeddings import embedder
from layan.answerbot.models import BotSession, Passage
from layan.answerbot.sessions import bot_session_end, bot_session_open
from layan.conversations.models import Conversation
from layan.conversations.services import conversation_bot_outcome
from layan.knowledge.models import Article, ArticleTranslation
from layan.search import engine
from layan.search.analysis import detect_language, fold

HANDOFF_FILE = Path(__file__).parent / "data" / "handoff.txt"
CANDIDATES = 10
# Confidence = logistic(W_BIAS + W_SCORE * fused score of the top article + W_MARGIN * its lead
# over the runner-up + W_SIMILARITY * its best cosine similarity + W_AGREE * [the lexical
# engine ranks it first too]). Fitted once on the development set (docs/answerbot.md): five
# numbers, describing the scale of the model's scores rather than any particular sentences.
W_BIAS = -9.81
W_SCORE = 2.53
W_MARGIN = 1.44
W_SIMILARITY = 7.78
W_AGREE = 1.2
# Chosen for precision >= 0.95 on the development set: a wrong answer costs more than a handoff.
# It is the default of each workspace's own setting (Workspace.bot_confidence).
DEFAULT_THRESHOLD = 0.9


@dataclass(frozen=True)
class Answer:
    article: Article
    translation: ArticleTranslation
    passage: str
    confidence: float
    language: str
    candidates: list[int] = field(default_factory=list)
    # What to tell the customer: the passage, or (LAYAN_LLM_BASE_URL) an answer written from
    # the article's passages with [n] citations.
    text: str = ""
    generated: bool = False


@dataclass(frozen=True)
class Handoff:
    # "no_content", "low_confidence", "asked_for_person" or "sensitive".
    reason: str
    confidence: float = 0.0
    candidates: list[int] = field(default_factory=list)


@functools.cache
def handoff_patterns() -> dict[tuple[str, str], list[re.Pattern[str]]]:
    table: dict[tuple[str, str], list[re.Pattern[str]]] = {}
    key = ("", "")
    for line in HANDOFF_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            reason, language = line[1:-1].split()
            key = (reason, language)
        else:
            table.setdefault(key, []).append(re.compile(line))
    return table


def _explicit_handoff(question: str) -> str | None:
    text = fold(question)
    # Every language's patterns apply: customers mix languages in one message.
    for reason in ("person", "sensitive"):
        for (pattern_reason, _language), patterns in handoff_patterns().items():
            if pattern_reason == reason and any(p.search(text) for p in patterns):
                return "asked_for_person" if reason == "person" else "sensitive"
    return None


def confidence(score: float, margin: float, similarity: float, agree: bool) -> float:
    z = (
        W_BIAS
        + W_SCORE * score
        + W_MARGIN * margin
        + W_SIMILARITY * similarity
        + W_AGREE * (1.0 if agree else 0.0)
    )
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def answer(
    *,
    question: str,
    workspace: Workspace,
    language: str | None = None,
    channel: str = "web",
    threshold: float | None = None,
) -> Answer | Handoff:
    """Answer `question` from the workspace's public help center, or say why a person should.

    `threshold`: the confidence an answer needs; by default the workspace's setting."""
    if threshold is None:
        threshold = workspace.bot_confidence
    question = question.strip()[:1000]
    reason = _explicit_handoff(question)
    if reason:
        return Handoff(reason=reason)
    languages = list(dict.fromkeys([*(c for c in [language] if c), *workspace.languages]))
    lexical = engine.search(
        workspace_id=workspace.pk,
        query=question,
        languages=languages,
        visibility=("public",),
        limit=CANDIDATES,
        # The dense side already tolerates misspellings; skipping this keeps answers fast.
        correct_typos=False,
    )
    lexical_pairs = [(hit.object_id, hit.score) for hit in lexical]
    model = embedder()
    if model is not None and question:
        vector = model.questions([question])[0]
        ranking = retrieval.rank_articles(
            vector, workspace.pk, ("public",), lexical_pairs, CANDIDATES
        )
    else:
        ranking = [
            retrieval.Ranked(article_id=pk, score=score, similarity=0.0, passage_id=0, language="")
            for pk, score in lexical_pairs
        ]
    if not ranking:
        return Handoff(reason="no_content")
    ranked = [hit.article_id for hit in ranking]
    top = ranking[0]
    runner_up = ranking[1].score if len(ranking) > 1 else 0.0
    agree = bool(lexical_pairs) and lexical_pairs[0][0] == top.article_id
    score = confidence(top.score, top.score - runner_up, top.similarity, agree)
    chosen = top.article_id
    lexical_ids = [pk for pk, _score in lexical_pairs]
    candidates = ranked + [pk for pk in lexical_ids if pk not in ranked]
    if score < threshold:
        return Handoff(reason="low_confidence", confidence=score, candidates=candidates)
    article = Article.objects.prefetch_related("translations").get(pk=chosen)
    translations = {t.language: t for t in article.translations.all()}
    # The language the customer wrote in when it can be told (an Indonesian question on an
    # English page), else the page's, else the one that matched — of those the article has.
    written = detect_language(question, workspace.languages)
    answer_language = next(
        (code for code in (written, language, top.language) if code in translations),
        next(iter(translations)),
    )
    translation = translations[answer_language]
    sections = _sections(article.pk, answer_language)
    passage = sections[0] if sections else translation.title
    composed = llm.compose(
        question=question,
        sources=[llm.Source(title=translation.title, text=text) for text in sections[:3]],
        language=answer_language,
    )
    return Answer(
        article=article,
        translation=translation,
        passage=passage,
        confidence=score,
        language=answer_language,
        candidates=candidates,
        text=composed.text if composed else passage,
        generated=composed is not None,
    )


def _sections(article_id: int, language: str) -> list[str]:
    """The article's answer sections in that language, in order (the first is the answer)."""
    return list(
        Passage.objects.filter(article_id=article_id, language=language, kind="section")
        .order_by("position")
        .values_list("text", flat=True)
    )


def bot_ask(
    *,
    workspace: Workspace,
    question: str,
    language: str | None,
    channel: str,
    session_key: str = "",
    conversation_id: int | None = None,
    suggested: Sequence[int] = (),
    count_unanswered: bool = False,
) -> Answer | Handoff:
    """The one door to the answer bot, for every surface (the chat, the acknowledgement, the
    contact form's suggestions, the agent's sidebar): its answer, or why it hands off.

    When a customer is the one asking (`session_key`: a chat, a request, a form), the
    self-service session that counts the attempt is opened too: when the bot answered, when
    articles were `suggested`, or always with `count_unanswered` (a chat, where the hand-off
    itself is the session's end)."""
    result = answer(question=question, workspace=workspace, language=language, channel=channel)
    article_id = result.article.pk if isinstance(result, Answer) else next(iter(suggested), None)
    if session_key and (article_id is not None or count_unanswered):
        bot_session_open(
            workspace=workspace,
            key=session_key,
            channel=channel,
            question=question.strip(),
            language=language or "",
            article_id=result.article.pk
            if isinstance(result, Answer)
            else next(iter(suggested), None),
            conversation_id=conversation_id,
        )
    return result


def bot_settle(
    *,
    workspace_id: int,
    session_key: str,
    resolved: bool,
    reason: str,
    conversation: Conversation | None = None,
    action: str = "",
    once: bool = False,
) -> bool:
    """The customer's word on a self-service attempt ends its session (the first word counts):
    `resolved` (it answered them) or handed to a person, with why. The conversation, if any,
    records it on its timeline (`action`, by default "resolved" / "handed_off"; a resolved
    conversation is solved); with `once`, only when this ended the session (a link the
    customer may click twice). False: the session had ended already."""
    ended = bot_session_end(
        workspace_id=workspace_id,
        key=session_key,
        outcome=BotSession.Outcome.RESOLVED if resolved else BotSession.Outcome.HANDED_OFF,
        reason=reason,
    )
    if conversation is not None and (ended or not once):
        conversation_bot_outcome(
            conversation=conversation,
            action=action or ("resolved" if resolved else "handed_off"),
            reason="" if resolved or action else reason,
        )
    return ended
