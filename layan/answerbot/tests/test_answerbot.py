"""The answer bot answers from the help center in en / id / zh, or hands off, and says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from layan.accounts.models import Workspace
from layan.answerbot import retrieval
from layan.answerbot.models import Passage
from layan.answerbot.services import Answer, Handoff, answer
from layan.core.worker import run_tasks_now
from layan.knowledge import services as knowledge
from layan.knowledge.models import Article
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("I want to talk to a real person", "asked_for_person"),
        ("can I speak with an agent please", "asked_for_person"),
        ("saya mau bicara dengan CS", "asked_for_person"),
        ("转人工", "asked_for_person"),
        ("This is fraud, I will call my lawyer", "sensitive"),
        ("mau komplain, barang tidak sampai", "sensitive"),
        ("我要投诉", "sensitive"),
    ],
)
def test_asking_for_a_person_or_a_sensitive_topic_hands_off_at_once(
    cast: Cast, question: str, reason: str
) -> None:
    assert answer(question=question, workspace=cast.workspace) == Handoff(reason=reason)


def test_an_empty_help_center_hands_off_for_lack_of_content(cast: Cast) -> None:
    assert answer(question="How long does a refund take?", workspace=cast.workspace) == Handoff(
        reason="no_content"
    )


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("how long until my refund arrives?", "en", 0),
        ("kapan dana refund saya masuk?", "id", 0),
        ("退款什么时候到账", "zh-hans", 0),
        ("I entered the wrong delivery address", "en", 1),
        ("bisa bayar pakai kartu kredit?", "id", 2),
    ],
)
def test_the_right_article_ranks_first_in_each_language(
    cast: Cast, articles: list[Article], question: str, language: str, expected: int
) -> None:
    result = answer(question=question, workspace=cast.workspace, language=language, threshold=0)
    assert isinstance(result, Answer)
    assert result.article == articles[expected]
    assert result.language == language
    assert result.candidates[0] == articles[expected].pk


@pytest.mark.parametrize(
    ("question", "page", "expected"),
    [
        # Written in another language than the page's: answered in the one it is written in.
        ("berapa lama refund saya masuk?", "en", "id"),
        ("how long until my refund arrives?", "id", "en"),
        # Nothing tells the language of a lone word: the page's.
        ("refund", "id", "id"),
    ],
)
def test_the_answer_is_in_the_language_the_customer_wrote(
    cast: Cast, articles: list[Article], question: str, page: str, expected: str
) -> None:
    result = answer(question=question, workspace=cast.workspace, language=page, threshold=0)
    assert isinstance(result, Answer)
    assert result.article == articles[0]
    assert (result.language, result.translation.language) == (expected, expected)


def test_a_near_verbatim_question_is_answered_with_confidence(
    cast: Cast, articles: list[Article]
) -> None:
    result = answer(question="How long does a refund take?", workspace=cast.workspace)
    assert isinstance(result, Answer)
    assert result.article == articles[0]
    assert result.passage == "Refunds reach your bank account within 3 to 7 working days."
    assert result.confidence >= 0.9


def test_an_off_topic_question_is_handed_off_not_answered(
    cast: Cast, articles: list[Article]
) -> None:
    result = answer(question="What will the weather be on Mars tomorrow?", workspace=cast.workspace)
    assert isinstance(result, Handoff)
    assert result.reason == "low_confidence"


def test_a_chinese_question_can_be_answered_from_another_language(cast: Cast) -> None:
    article = knowledge.article_create(
        workspace=cast.workspace,
        author=cast.alice,
        language="en",
        title="How long does a refund take?",
        body="Within 3 to 7 working days.",
        questions="When do I get my money back?",
    )
    knowledge.article_set_status(article=article, status="published")
    run_tasks_now()
    result = answer(
        question="退款多久到账", workspace=cast.workspace, language="zh-hans", threshold=0
    )
    assert isinstance(result, Answer)
    # No Chinese translation exists, so the answer says which language it is in.
    assert (result.article, result.language) == (article, "en")


def test_passages_follow_publishing(cast: Cast, articles: list[Article]) -> None:
    first = articles[0]
    # Title + one question per language, and one answer section each.
    assert Passage.objects.filter(article_id=first.pk, kind="question").count() == 6
    assert Passage.objects.filter(article_id=first.pk, kind="section").count() == 3
    built = retrieval.matrix(cast.workspace.pk)
    assert first.pk in built.article_ids
    assert retrieval.matrix(cast.workspace.pk) is built  # nothing changed: the same matrix
    knowledge.article_set_status(article=first, status="archived")
    run_tasks_now()
    assert not Passage.objects.filter(article_id=first.pk).exists()
    # The process notices at its next question, and answers from what is published now.
    rebuilt = retrieval.matrix(cast.workspace.pk)
    assert rebuilt.version > built.version
    assert first.pk not in rebuilt.article_ids
    assert set(rebuilt.article_ids) == {article.pk for article in articles[1:]}


def test_the_eval_command_reports_every_figure_and_leaves_nothing_behind(
    cast: Cast, tmp_path: Path
) -> None:
    kb = [
        {
            "id": "refund",
            "language": "en",
            "collection": "shop",
            "title": "How long does a refund take?",
            "alt_questions": ["When do I get my money back?"],
            "answer": "3 to 7 days.",
        },
        {
            "id": "address",
            "language": "en",
            "collection": "shop",
            "title": "How do I change my delivery address?",
            "alt_questions": [],
            "answer": None,
        },
        {
            "id": "zh-refund",
            "language": "zh",
            "collection": "zh-shop",
            "title": "退款多久到账？",
            "alt_questions": [],
            "answer": None,
        },
    ]
    queries = [
        {
            "qid": "1",
            "text": "How long does a refund take?",
            "language": "en",
            "collection": "shop",
            "gold": "refund",
        },
        {
            "qid": "2",
            "text": "change delivery address",
            "language": "en",
            "collection": "shop",
            "gold": "address",
        },
        {
            "qid": "3",
            "text": "What is the capital of Peru?",
            "language": "en",
            "collection": "shop",
            "gold": None,
            "null_type": "off_topic",
        },
        {
            "qid": "4",
            "text": "退款多久到账",
            "language": "zh",
            "collection": "zh-shop",
            "gold": "zh-refund",
        },
    ]
    (tmp_path / "kb.jsonl").write_text("\n".join(json.dumps(e) for e in kb))
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(q) for q in queries))
    workspaces = Workspace.objects.count()
    call_command(
        "answerbot",
        "eval",
        "--kb",
        str(tmp_path / "kb.jsonl"),
        "--queries",
        str(tmp_path / "q.jsonl"),
        "--json",
        str(tmp_path / "out.json"),
        verbosity=0,
    )
    figures = json.loads((tmp_path / "out.json").read_text())
    assert set(figures) == {"by_language", "by_collection"}
    assert set(figures["by_collection"]) == {"en/shop", "zh/zh-shop"}
    english = figures["by_language"]["en"]
    assert set(english) == {
        "n",
        "top1",
        "mrr10",
        "answered",
        "precision",
        "coverage",
        "oos_ok",
        "p50_ms",
        "p95_ms",
    }
    assert (english["n"], english["top1"], english["mrr10"]) == (3, 1.0, 1.0)
    assert english["oos_ok"] == 1.0
    assert figures["by_language"]["zh"]["top1"] == 1.0
    assert Workspace.objects.count() == workspaces
    assert not Passage.objects.exists()


def test_each_workspace_sets_how_sure_the_bot_must_be(cast: Cast, articles: list[Article]) -> None:
    question = "How long does a refund take?"
    assert isinstance(answer(question=question, workspace=cast.workspace), Answer)
    cast.workspace.bot_confidence = 1.0
    cast.workspace.save(update_fields=["bot_confidence"])
    result = answer(question=question, workspace=cast.workspace)
    assert isinstance(result, Handoff)
    assert result.reason == "low_confidence"
