"""The knowledge base: writing, translating, publishing, searching and learning from readers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from layan.core.worker import run_tasks_now
from layan.knowledge import services
from layan.knowledge.models import Article, ArticleFeedback, SearchLog
from layan.search.models import Document
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def publish(cast: Cast, **texts: tuple[str, str]) -> Article:
    """An article with one translation per keyword argument (language=(title, body))."""
    (language, (title, body)), *others = texts.items()
    article = services.article_create(
        workspace=cast.workspace,
        author=cast.alice,
        language=language.replace("_", "-"),
        title=title,
        body=body,
    )
    for language, (title, body) in others:
        services.article_translation_save(
            article=article,
            language=language.replace("_", "-"),
            title=title,
            body=body,
            questions="",
            actor=cast.alice,
        )
    services.article_set_status(article=article, status=Article.Status.PUBLISHED)
    run_tasks_now()
    return article


def test_a_published_article_is_found_after_the_worker_indexes_it(cast: Cast) -> None:
    article = services.article_create(
        workspace=cast.workspace,
        author=cast.alice,
        language="zh-hans",
        title="退款多久到账",
        body="审核通过后3-7个工作日原路退回。",
    )
    # A draft is not searchable.
    run_tasks_now()
    assert not Document.objects.exists()
    services.article_set_status(article=article, status=Article.Status.PUBLISHED)
    run_tasks_now()
    html = Client(headers={"Accept-Language": "zh-CN"}).get("/search/?q=退款").content.decode()
    assert f"/zh-hans/articles/{article.pk}-" in html
    # Archiving takes it out of the index again.
    services.article_set_status(article=article, status=Article.Status.ARCHIVED)
    run_tasks_now()
    assert not Document.objects.filter(object_id=article.pk).exists()


def test_markdown_is_rendered_and_sanitised(cast: Cast) -> None:
    article = publish(
        cast, en=("Tips", "**Bold** <script>alert(1)</script> [x](javascript:evil())")
    )
    body_html = article.translations.get().body_html
    assert "<strong>Bold</strong>" in body_html
    assert "<script>" not in body_html
    assert 'href="javascript:' not in body_html
    assert "&lt;script&gt;" in body_html


def test_every_save_is_a_revision_and_an_old_one_can_be_restored(cast: Cast) -> None:
    article = publish(cast, en=("Shipping", "Version one"))
    services.article_translation_save(
        article=article,
        language="en",
        title="Shipping",
        body="Version two",
        questions="",
        actor=cast.olga,
    )
    # Saving the same text again adds no revision.
    services.article_translation_save(
        article=article,
        language="en",
        title="Shipping",
        body="Version two",
        questions="",
        actor=cast.olga,
    )
    translation = article.translations.get()
    assert [r.body for r in translation.revisions.all()] == ["Version two", "Version one"]
    first = translation.revisions.last()
    assert first is not None
    services.revision_restore(revision=first, actor=cast.iris)
    translation.refresh_from_db()
    assert translation.body == "Version one"
    assert translation.revisions.count() == 3


def test_an_article_can_only_be_written_in_the_workspaces_languages(cast: Cast) -> None:
    cast.workspace.languages = ["en"]
    cast.workspace.save()
    with pytest.raises(ValidationError):
        services.article_create(
            workspace=cast.workspace, author=cast.alice, language="id", title="Halo", body=""
        )


def test_the_article_page_speaks_its_language_and_links_its_translations(cast: Cast) -> None:
    article = publish(
        cast,
        en=("Shipping costs", "From Rp 9,000."),
        id=("Ongkos kirim", "Mulai Rp 9.000."),
    )
    english = article.translations.get(language="en")
    html = Client().get(f"/id/articles/{article.pk}-ongkos-kirim/").content.decode()
    assert '<html lang="id">' in html
    assert "<h1>Ongkos kirim</h1>" in html
    assert (
        f'hreflang="en" href="http://testserver/en/articles/{article.pk}-{english.slug}/"' in html
    )
    assert f'data-next="/en/articles/{article.pk}-{english.slug}/"' in html
    # An outdated slug redirects to the current one.
    old = Client().get(f"/id/articles/{article.pk}-old-title/")
    assert (old.status_code, old["Location"]) == (301, f"/id/articles/{article.pk}-ongkos-kirim/")
    assert Article.objects.get(pk=article.pk).views == 1


def test_internal_and_unpublished_articles_are_not_public(cast: Cast) -> None:
    internal = publish(cast, en=("Refund exceptions", "Only for agents"))
    services.article_settings_update(
        article=internal, category=None, kind="article", visibility="internal", review_by=None
    )
    run_tasks_now()
    translation = internal.translations.get()
    assert Client().get(f"/en/articles/{internal.pk}-{translation.slug}/").status_code == 404
    assert "Refund exceptions" not in Client().get("/search/?q=refund").content.decode()


def test_readers_vote_and_the_desk_sees_helpfulness(cast: Cast) -> None:
    article = publish(cast, en=("Returns", "Within 7 days."))
    reader = Client()
    thanks = reader.post(f"/a/{article.pk}/feedback/", {"helpful": "no", "comment": "Too short"})
    assert "Thanks for telling us" in thanks.content.decode()
    reader.post(f"/a/{article.pk}/feedback/", {"helpful": "yes"})
    assert reader.post(f"/a/{article.pk}/feedback/", {"helpful": "maybe"}).status_code == 400
    assert list(ArticleFeedback.objects.values_list("helpful", "comment").order_by("id")) == [
        (False, "Too short"),
        (True, ""),
    ]
    report = client_for(cast.alice).get("/desk/knowledge/report/").content.decode()
    assert "<td>1</td><td>1</td>" in report


def test_feedback_on_an_english_article_is_english_whatever_the_language_cookie(
    cast: Cast,
) -> None:
    article = publish(cast, en=("Returns", "Within 7 days."), id=("Retur", "Dalam 7 hari."))
    reader = Client()
    reader.cookies["django_language"] = "id"
    english = article.translations.get(language="en")
    page = reader.get(f"/en/articles/{article.pk}-{english.slug}/").content.decode()
    assert '<input type="hidden" name="language" value="en">' in page
    thanks = reader.post(f"/a/{article.pk}/feedback/", {"helpful": "yes", "language": "en"})
    assert "Thanks" in thanks.content.decode()
    # A language the article is not written in is ignored (the request's language stands).
    reader.post(f"/a/{article.pk}/feedback/", {"helpful": "no", "language": "zh-hans"})
    assert list(ArticleFeedback.objects.values_list("language", flat=True).order_by("id")) == [
        "en",
        "id",
    ]


def test_searches_are_logged_with_clicks_and_gaps(cast: Cast) -> None:
    article = publish(cast, en=("Refunds", "How refunds work."))
    visitor = Client()
    visitor.get("/search/?q=Refunds")
    visitor.get("/search/?q=refunds ")
    visitor.get("/search/?q=teleport")
    # Suggestions while typing are not logged.
    visitor.get("/search/suggest/?q=ref")
    log = SearchLog.objects.filter(normalized="refunds").first()
    assert log is not None
    translation = article.translations.get()
    visitor.get(f"/en/articles/{article.pk}-{translation.slug}/?s={log.pk}")
    assert SearchLog.objects.get(pk=log.pk).clicked == article
    report = client_for(cast.iris).get("/desk/knowledge/report/").content.decode()
    assert 'refunds <span class="muted">× 2</span>' in report
    assert 'teleport <span class="muted">× 1</span>' in report


def test_suggestions_answer_while_typing(cast: Cast) -> None:
    publish(cast, en=("Changing your delivery address", "Until the order ships."))
    html = Client().get("/search/suggest/?q=address").content.decode()
    assert "Changing your delivery address" in html


def test_the_faq_groups_entries_by_topic(cast: Cast) -> None:
    shipping = services.category_save(
        workspace=cast.workspace,
        category=None,
        slug="shipping",
        position=0,
        names={"en": ("Shipping", ""), "id": ("Pengiriman", "")},
    )
    entry = publish(cast, en=("Is there free shipping?", "Over Rp 300,000."))
    services.article_settings_update(
        article=entry, category=shipping, kind="faq", visibility="public", review_by=None
    )
    html = Client().get("/faq/").content.decode()
    assert '<section data-faq-group id="topic-shipping">' in html
    assert "<summary>Is there free shipping?</summary>" in html


def test_reindex_rebuilds_the_whole_index(cast: Cast) -> None:
    article = publish(cast, en=("Payments", "Bank transfer."))
    Document.objects.all().delete()
    Document.objects.create(
        workspace_id=cast.workspace.pk,
        kind="article",
        object_id=999,
        language="en",
        visibility="public",
        length=1.0,
    )
    call_command("search", "reindex", verbosity=0)
    assert list(Document.objects.values_list("object_id", flat=True)) == [article.pk]


def test_agents_write_and_publish_from_the_desk(cast: Cast) -> None:
    alice = client_for(cast.alice)
    response = alice.post(
        "/desk/knowledge/new/",
        {
            "kind": "article",
            "language": "en",
            "visibility": "public",
            "title": "Gift wrap",
            "questions": "Can you wrap my gift?",
            "body": "Yes, for **Rp 10,000**.",
        },
    )
    article = Article.objects.get()
    assert response["Location"] == f"/desk/knowledge/{article.pk}/en/"
    assert (
        "Yes, for <strong>Rp 10,000</strong>."
        in alice.post(
            "/desk/knowledge/preview/", {"body": "Yes, for **Rp 10,000**."}
        ).content.decode()
    )
    alice.post(f"/desk/knowledge/{article.pk}/status/", {"status": "published", "language": "en"})
    run_tasks_now()
    assert "Gift wrap" in Client().get("/search/?q=wrap+gift").content.decode()
    page = alice.get(f"/desk/knowledge/{article.pk}/id/").content.decode()
    assert "(missing)" in page


def test_another_workspace_cannot_open_the_article(cast: Cast) -> None:
    article = publish(cast, en=("Secret", "x"))
    assert client_for(cast.stella).get(f"/desk/knowledge/{article.pk}/en/").status_code == 404


def test_the_sitemap_lists_every_public_article_in_every_language(cast: Cast) -> None:
    article = publish(cast, en=("Returns", "7 days."), id=("Retur", "7 hari."))
    draft = services.article_create(
        workspace=cast.workspace, author=cast.alice, language="en", title="Draft", body=""
    )
    xml = Client().get("/sitemap.xml").content.decode()
    assert f"<loc>http://testserver/id/articles/{article.pk}-retur/</loc>" in xml
    assert (
        f'<xhtml:link rel="alternate" hreflang="en" '
        f'href="http://testserver/en/articles/{article.pk}-returns/"/>' in xml
    )
    assert f"/articles/{draft.pk}-" not in xml


def test_the_shipping_policy_is_edited_once_and_read_in_every_language(cast: Cast) -> None:
    iris = client_for(cast.iris)
    assert "/shipping-returns/" not in Client().get("/").content.decode()
    form = {
        "currency": "Rp",
        "processing_days_min": "1",
        "processing_days_max": "2",
        "cutoff_time": "14:00",
        "duties": "none",
        "return_window_days": "14",
        "free_returns_when_faulty": "on",
        "return_steps_en": "Open **My orders**.",
        "return_steps_id": "Buka **Pesanan saya**.",
        "options-TOTAL_FORMS": "2",
        "options-INITIAL_FORMS": "0",
        "options-0-name_en": "Regular",
        "options-0-name_id": "Reguler",
        "options-0-days_min": "2",
        "options-0-days_max": "4",
        "options-0-cost": "15000",
        "options-0-free_over": "300000",
    }
    assert iris.post("/desk/knowledge/shipping/", form).status_code == 302
    english = Client().get("/shipping-returns/").content.decode()
    assert "Orders are packed within 1 to 2 working days." in english
    assert "Orders paid before 14:00 (Jakarta time) are packed the same working day." in english
    assert "<td>Regular</td>" in english
    assert "Free on orders over Rp 300,000" in english
    assert "You can return an item within 14 days of delivery." in english
    assert "Open <strong>My orders</strong>." in english
    indonesian = Client(headers={"Accept-Language": "id"}).get("/shipping-returns/")
    html = indonesian.content.decode()
    assert "<td>Reguler</td>" in html
    assert "Rp 300.000" in html
    assert "Buka <strong>Pesanan saya</strong>." in html
    # The footer of every page now links it.
    assert 'href="/shipping-returns/"' in Client().get("/").content.decode()


def test_a_half_filled_delivery_option_is_refused(cast: Cast) -> None:
    response = client_for(cast.iris).post(
        "/desk/knowledge/shipping/",
        {
            "currency": "Rp",
            "processing_days_min": "3",
            "processing_days_max": "1",
            "duties": "none",
            "return_window_days": "7",
            "options-TOTAL_FORMS": "1",
            "options-INITIAL_FORMS": "0",
            "options-0-name_en": "Express",
        },
    )
    html = response.content.decode()
    assert "The range ends before it starts." in html
    assert "Give the option a name, its delivery days and cost." in html


def test_an_earlier_version_is_compared_with_the_current_text(cast: Cast) -> None:
    article = publish(cast, en=("Returns", "Within 7 days.\nKeep the receipt."))
    services.article_translation_save(
        article=article,
        language="en",
        title="Returns",
        body="Within 14 days.\nKeep the receipt.",
        questions="",
        actor=cast.olga,
    )
    first = article.translations.get().revisions.last()
    assert first is not None
    html = client_for(cast.alice).get(f"/desk/knowledge/revisions/{first.pk}/").content.decode()
    assert '<span class="diff-removed">- Within 7 days.</span>' in html
    assert '<span class="diff-added">+ Within 14 days.</span>' in html
    assert '<span class="diff-same">  Keep the receipt.</span>' in html
    assert client_for(cast.stella).get(f"/desk/knowledge/revisions/{first.pk}/").status_code == 404


def test_the_help_center_forgives_a_typo_when_nothing_matches_as_typed(cast: Cast) -> None:
    article = publish(cast, en=("Changing your delivery address", "Until the order ships."))
    html = Client().get("/search/?q=adress").content.decode()
    assert f"/en/articles/{article.pk}-" in html


def test_a_query_in_another_language_finds_that_languages_article_first(cast: Cast) -> None:
    # A reader whose browser speaks English types in Indonesian. The English payments article
    # shares one word with the query (the e-wallet DANA); the refund article's Indonesian
    # translation has all of it ("pengembalian dana" = refund).
    payments = publish(
        cast,
        en=("Which payment methods do you accept?", "Bank transfer, GoPay, OVO, DANA and COD."),
    )
    refunds = publish(
        cast,
        en=("How long does a refund take?", "Three working days after we receive the item."),
        id=("Berapa lama pengembalian dana?", "Dana dikembalikan dalam tiga hari kerja."),
    )

    html = Client().get("/search/?q=pengembalian+dana").content.decode()
    assert html.index(f"/id/articles/{refunds.pk}-") < html.index(f"/en/articles/{payments.pk}-")
    # Typed in the reader's language, the reader's language still comes first.
    html = Client().get("/search/?q=refund").content.decode()
    assert f"/en/articles/{refunds.pk}-" in html
    assert f"/id/articles/{refunds.pk}-" not in html
