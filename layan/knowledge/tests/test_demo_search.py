"""Help-center search on the demo shop, as its shoppers type: Chinese questions and
Indonesian typos."""

from __future__ import annotations

import pytest

from layan.accounts.models import Workspace
from layan.core.worker import run_tasks_now
from layan.knowledge.selectors import search_articles
from layan.wiring import demo

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop(transactional_db: None) -> Workspace:
    workspace = demo.load().workspace
    run_tasks_now()
    return workspace


def titles(workspace: Workspace, query: str, language: str) -> list[str]:
    return [
        result.link.translation.title
        for result in search_articles(workspace=workspace, query=query, language=language)
        if result.link.translation.language == language
    ]


def test_chinese_question_words_do_not_decide_the_ranking(shop: Workspace) -> None:
    # "怎么" (how) is in many titles; the question is about paying.
    assert titles(shop, "怎么付款", "zh-hans")[0] == "支持哪些支付方式？"
    returns = titles(shop, "怎么退货", "zh-hans")
    assert returns[0] == "如何退货？"
    # Not every Chinese article: only those about returning goods.
    assert "运费怎么计算？" not in returns
    assert "如何修改收货地址" not in returns


def test_indonesian_typos_are_forgiven_like_english_ones(shop: Workspace) -> None:
    # A misspelt word finds what the word finds, alone or in a question.
    assert titles(shop, "pengirman", "id") == titles(shop, "pengiriman", "id")
    assert titles(shop, "berapa lama pengirman", "id")[:1] == ["Kapan pesanan saya sampai?"]
    assert titles(shop, "pengembalin dana", "id")[:1] == ["Berapa lama pengembalian dana?"]
    assert titles(shop, "shiping cost", "en")[:1] == ["How much does shipping cost?"]


def test_the_shipping_page_says_same_day_in_words(shop: Workspace) -> None:
    from django.test import Client

    for language, same_day in [("en", "Same day"), ("id", "Hari yang sama"), ("zh-hans", "当日达")]:
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/shipping-returns/").content.decode()
        # The page itself: the support-hours line around it may say "until 12.00 today"
        # ("sampai pukul 12.00 hari ini"), which is right whatever the hour.
        main = page.split("<main>")[1].split("</main>")[0]
        assert same_day in main
        assert "0 days" not in main
        assert "0 hari" not in main
        assert "0 天" not in main
        assert " 0 " not in main
