"""A reader in the help center, in headless Chromium: search, vote, switch language, FAQ."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from layan.knowledge import services
from layan.knowledge.models import Article, ArticleFeedback
from layan.testing.personas import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shipping(cast: Cast) -> Article:
    category = services.category_save(
        workspace=cast.workspace,
        category=None,
        slug="shipping",
        position=0,
        names={"en": ("Shipping", ""), "id": ("Pengiriman", ""), "zh-hans": ("配送", "")},
    )
    article = services.article_create(
        workspace=cast.workspace,
        author=cast.alice,
        category=category,
        language="en",
        title="How much does shipping cost?",
        body="From **Rp 9,000** in Jakarta.",
    )
    services.article_translation_save(
        article=article,
        language="id",
        title="Berapa ongkos kirimnya?",
        body="Mulai **Rp 9.000** di Jakarta.",
        questions="Berapa ongkir?",
        actor=cast.alice,
    )
    services.article_translation_save(
        article=article,
        language="zh-hans",
        title="运费怎么计算？",
        body="雅加达 Rp 9,000 起。",
        questions="",
        actor=cast.alice,
    )
    services.article_set_status(article=article, status="published")
    services.article_index(article_id=article.pk)
    for title in ["Is there free shipping?", "Do you ship to Bali?", "Can I pay by card?"]:
        faq = services.article_create(
            workspace=cast.workspace,
            author=cast.alice,
            category=category,
            kind="faq",
            language="en",
            title=title,
            body=f"Answer to: {title}",
        )
        services.article_set_status(article=faq, status="published")
    return article


def test_suggestions_appear_while_typing_and_open_the_article(
    shipping: Article, new_page: Callable[..., Page]
) -> None:
    page = new_page(locale="id-ID")
    page.goto("/")
    page.get_by_role("searchbox").first.press_sequentially("ongkir", delay=30)
    suggestion = page.get_by_role("option").get_by_role("link", name="Berapa ongkos kirimnya?")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Berapa ongkos kirimnya?")


def test_a_reader_votes_an_article_helpful(
    shipping: Article, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(f"/a/{shipping.pk}/")
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_role("status")).to_have_text("Thanks! We're glad it helped.")
    assert list(ArticleFeedback.objects.values_list("helpful", flat=True)) == [True]


def test_switching_language_on_an_article_opens_its_translation(
    shipping: Article, new_page: Callable[..., Page]
) -> None:
    page = new_page(locale="en-US")
    page.goto(f"/a/{shipping.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How much does shipping cost?")
    page.locator("#language-header").select_option("zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("运费怎么计算？")
    assert f"/zh-hans/articles/{shipping.pk}-" in page.url
    expect(page.get_by_role("link", name="帮助中心").first).to_be_visible()


def test_the_faq_filters_as_you_type(shipping: Article, new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/faq/")
    questions = page.locator("details[data-faq-entry]")
    expect(questions).to_have_count(3)
    page.get_by_label("Filter questions").fill("bali")
    expect(page.locator("details[data-faq-entry]:visible")).to_have_count(1)
    expect(page.get_by_text("Answer to: Do you ship to Bali?")).to_be_visible()
    # Words no question has: the page says so, instead of going blank.
    page.get_by_label("Filter questions").fill("zzz furniture")
    expect(page.locator("details[data-faq-entry]:visible")).to_have_count(0)
    expect(page.get_by_text("No question here matches these words.")).to_be_visible()
    page.get_by_label("Filter questions").fill("")
    expect(page.locator("details[data-faq-entry]:visible")).to_have_count(3)
    expect(page.get_by_text("No question here matches these words.")).to_be_hidden()
