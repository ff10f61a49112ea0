"""The public help center shell: every page has the brand, contact paths and support hours."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from layan.accounts.models import ContactChannel, Workspace
from layan.sla.hours import Interval
from layan.testing.personas import Cast, set_hours

pytestmark = pytest.mark.django_db

# Monday 23 November 2026, 10:00 in Jakarta (03:00 UTC): Toko Test is open (Mon-Fri 09-17).
MONDAY_MORNING = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
# Saturday 28 November 2026, 12:00 in Jakarta: closed until Monday 09:00.
SATURDAY_NOON = dt.datetime(2026, 11, 28, 5, 0, tzinfo=dt.UTC)


def page(path: str = "/", **headers: str) -> str:
    return Client(headers=headers).get(path).content.decode()


@pytest.mark.parametrize("path", ["/", "/contact/", "/search/?q=ongkir+ke+Surabaya"])
def test_every_public_page_has_the_support_hours_footer(cast: Cast, path: str) -> None:
    with time_machine.travel(MONDAY_MORNING, tick=False):
        html = page(path)
    assert "We're open now. We usually reply within 2 hours." in html
    assert "Open until 17:00 today." in html


def test_closed_on_saturday_says_when_support_is_back(cast: Cast) -> None:
    with time_machine.travel(SATURDAY_NOON, tick=False):
        html = page()
    assert "We're closed now." in html
    assert "Back Monday at 09:00." in html


def test_the_footer_speaks_the_visitors_language(cast: Cast) -> None:
    with time_machine.travel(SATURDAY_NOON, tick=False):
        indonesian = page(**{"Accept-Language": "id-ID,id;q=0.9"})
        chinese = page(**{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "Kami sedang tutup." in indonesian
    assert "Kembali hari Senin pukul 09.00." in indonesian
    assert "我们现在已下班。" in chinese
    assert "星期一 09:00 恢复服务。" in chinese


def test_the_footer_uses_the_visitors_time_zone_once_the_browser_tells_it(cast: Cast) -> None:
    client = Client()
    client.cookies["layan_tz"] = "Asia/Shanghai"
    with time_machine.travel(SATURDAY_NOON, tick=False):
        html = client.get("/support-hours/").content.decode()
    # Monday 09:00 in Jakarta is 10:00 in Shanghai.
    assert "Back Monday at 10:00." in html
    assert "Times are shown in China time." in html
    # The weekly table stays in the shop's own zone, and says so.
    assert "Support hours (Jakarta time)" in html
    with translation.override("zh-hans"):
        chinese = client.get("/support-hours/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "北京时间" in chinese
    assert "Asia/Shanghai" not in chinese


def test_an_encoded_time_zone_cookie_is_understood(cast: Cast) -> None:
    client = Client()
    client.cookies["layan_tz"] = "America%2FSao_Paulo"
    assert "Times are shown in Sao Paulo (UTC-03:00)." in client.get("/").content.decode()


def test_a_bogus_time_zone_cookie_is_ignored(cast: Cast) -> None:
    client = Client()
    client.cookies["layan_tz"] = "Mars/Olympus_Mons"
    assert "Times are shown in Jakarta time." in client.get("/").content.decode()


def test_contact_us_lists_the_channels_with_links_that_open_them(cast: Cast) -> None:
    for position, (kind, value) in enumerate(
        [("whatsapp", "+62 812-3456-7890"), ("telegram", "@tokotest"), ("address", "Jl. Test 1")]
    ):
        ContactChannel.objects.create(
            workspace=cast.workspace, kind=kind, value=value, position=position
        )
    ContactChannel.objects.create(
        workspace=cast.workspace, kind="phone", value="+62 21 555", is_active=False
    )
    html = page("/contact/")
    assert 'href="https://wa.me/6281234567890"' in html
    assert 'href="https://t.me/tokotest"' in html
    assert "Jl. Test 1" in html
    assert "+62 21 555" not in html


def test_the_brand_colour_and_name_come_from_the_workspace(cast: Cast) -> None:
    Workspace.objects.filter(pk=cast.workspace.pk).update(brand_colour="#aa3300")
    html = page()
    assert "--brand: #aa3300;" in html
    assert "Toko Test" in html


def test_a_fresh_install_explains_how_to_set_up(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 503
    assert "layan setup" in response.content.decode()


def test_search_queries_in_any_script_are_echoed_safely(cast: Cast) -> None:
    html = page("/search/?q=<script>退款多久到账</script>")
    assert "&lt;script&gt;退款多久到账&lt;/script&gt;" in html
    assert "<script>退款" not in html


def test_a_null_character_in_a_query_or_form_is_a_clear_400(cast: Cast) -> None:
    client = Client()
    for path in ("/search/?q=refund%00", "/api/v1/health?x=%00"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "null character" in response.content.decode()
    response = client.post("/i18n/language/", {"language": "id\x00", "next": "/"})
    assert response.status_code == 400
    # Everything else goes through as before.
    assert client.get("/search/?q=refund").status_code == 200


def test_a_visitors_language_choice_is_remembered_without_an_account(cast: Cast) -> None:
    visitor = Client(headers={"Accept-Language": "en"})
    response = visitor.post("/i18n/language/", {"language": "id", "next": "/contact/"})
    assert response["Location"] == "/contact/"
    assert response.cookies["django_language"]["max-age"] == 365 * 24 * 3600
    assert "<h1>Hubungi kami</h1>" in visitor.get("/contact/").content.decode()
    assert '<html lang="id">' in visitor.get("/").content.decode()


def test_overnight_hours_say_they_end_tomorrow(cast: Cast) -> None:
    # Monday 17:00 -> Tuesday 08:00 (Jakarta), then Tuesday 08:00-12:00: one stretch.
    set_hours(
        cast.workspace,
        [Interval(0, dt.time(17), dt.time(8)), Interval(1, dt.time(8), dt.time(12))],
    )
    monday_late = dt.datetime(2026, 11, 30, 15, 25, tzinfo=dt.UTC)  # 22:25 in Jakarta
    with time_machine.travel(monday_late, tick=False):
        english = page()
        indonesian = page(**{"Accept-Language": "id-ID,id;q=0.9"})
    assert "Open until 12:00 tomorrow." in english
    assert "today" not in english.split("hours-status")[1].split("</p>")[0]
    assert "Buka sampai besok pukul 12.00." in indonesian


def test_the_help_center_offers_the_shops_chat_once_it_has_one(cast: Cast) -> None:
    from layan.inboxes.services import inbox_create

    assert "widget.js" not in page()
    inbox_create(workspace=cast.workspace, kind="chat", name="Website chat")
    # Cached pages are renewed: every page offers the chat.
    for path in ["/", "/faq/", "/contact/"]:
        assert f'data-workspace="{cast.workspace.slug}"' in page(path)


def test_channel_notes_and_holiday_names_speak_the_readers_language(cast: Cast) -> None:
    ContactChannel.objects.create(
        workspace=cast.workspace,
        kind="whatsapp",
        value="+62 812 0000 1111",
        notes={"en": "Chat with us on WhatsApp.", "id": "Chat dengan kami lewat WhatsApp."},
    )
    set_hours(
        cast.workspace,
        [Interval(0, dt.time(9), dt.time(17))],
        holidays=[(dt.date(2026, 12, 25), {"en": "Christmas Day", "id": "Hari Raya Natal"})],
    )
    with time_machine.travel(SATURDAY_NOON, tick=False):
        english = page("/contact/", **{"Accept-Language": "en"})
        indonesian = page("/contact/", **{"Accept-Language": "id-ID,id;q=0.9"})
        chinese = page("/contact/", **{"Accept-Language": "zh-CN"})
    assert "Chat with us on WhatsApp." in english
    assert "Christmas Day" in english
    assert "Hari Raya Natal" not in english
    assert "Chat dengan kami lewat WhatsApp." in indonesian
    assert "Hari Raya Natal" in indonesian
    # Not written in Chinese: the workspace's default language (English here) stands in.
    assert "Chat with us on WhatsApp." in chinese
    assert "Chat dengan kami" not in chinese
