"""What a person clicks: the help center and the desk in headless Chromium (Debian's)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from layan.accounts.models import User
from layan.sla.hours import Interval
from layan.testing.personas import PASSWORD, Cast, set_hours

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[..., Page]

WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "zh": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
}


def log_in(page: Page, email: str) -> None:
    page.goto("/desk/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_an_admin_logs_in_and_works_in_indonesian_then_chinese(
    cast: Cast, new_page: NewPage
) -> None:
    page = new_page(locale="en-US")
    log_in(page, "iris@toko-test.example")
    expect(page.locator("body")).to_have_attribute("data-socket", "open")
    page.locator("#language-desk").select_option("id")
    expect(page.get_by_role("link", name="Beranda")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Halo, Iris")
    page.get_by_role("link", name="Pengaturan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruang kerja")
    page.locator("#language-desk").select_option("zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作区")
    expect(page.get_by_role("link", name="个人资料")).to_be_visible()
    assert User.objects.get(pk=cast.iris.pk).language == "zh-hans"


def test_the_footer_shows_support_hours_in_the_visitors_zone_and_language(
    cast: Cast, new_page: NewPage
) -> None:
    # Given the shop opens only on one day, three days from now (Jakarta time), 09:00-17:00,
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    opening_day = dt.datetime.now(jakarta).date() + dt.timedelta(days=3)
    set_hours(cast.workspace, [Interval(opening_day.weekday(), dt.time(9), dt.time(17))])
    weekday = opening_day.weekday()
    # when visitors in Shanghai (one hour ahead) open the help center in three languages,
    expectations = {
        "en-US": (f"We're closed now. Back {WEEKDAYS['en'][weekday]} at 10:00.", "China time"),
        "id-ID": (
            f"Kami sedang tutup. Kembali hari {WEEKDAYS['id'][weekday]} pukul 10.00.",
            "waktu Tiongkok",
        ),
        # Chinese sentences follow each other without a space.
        "zh-CN": (f"我们现在已下班。{WEEKDAYS['zh'][weekday]} 10:00 恢复服务。", "北京时间"),
    }
    for locale, (sentence, zone) in expectations.items():
        page = new_page(locale=locale, timezone_id="Asia/Shanghai")
        page.goto("/")
        # then, once the browser has told its zone, the footer speaks their time and language,
        # and names the zone as they do.
        footer = page.locator("#support-hours")
        expect(footer).to_contain_text(sentence)
        expect(footer).to_contain_text(zone)
        # The promise survives navigation without another round trip.
        page.goto("/contact/")
        expect(page.locator("#support-hours")).to_contain_text(sentence)


def test_a_colleagues_availability_changes_live_on_the_desk(cast: Cast, new_page: NewPage) -> None:
    iris = new_page()
    log_in(iris, "iris@toko-test.example")
    expect(iris.locator("body")).to_have_attribute("data-socket", "open")
    alice_on_iris_desk = iris.locator(f'[data-agent-presence="{cast.alice.pk}"]')
    expect(alice_on_iris_desk).to_have_attribute("data-availability", "offline")

    alice = new_page()
    log_in(alice, "alice@toko-test.example")
    expect(alice_on_iris_desk).to_have_attribute("data-availability", "offline")
    # Alice goes online; Iris sees it without reloading.
    alice.locator("#my-availability").get_by_role("button", name="Online").click()
    expect(alice_on_iris_desk).to_have_attribute("data-availability", "online")
    alice.locator("#my-availability").get_by_role("button", name="Away").click()
    expect(alice.locator("#my-availability").get_by_role("button", name="Away")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(alice_on_iris_desk).to_have_attribute("data-availability", "away")
    expect(alice_on_iris_desk).to_contain_text("Away")


def test_the_help_center_fits_a_phone_screen(cast: Cast, new_page: NewPage) -> None:
    page = new_page(viewport={"width": 360, "height": 740}, locale="id-ID", is_mobile=True)
    long_query = "pengirimanbarangkeluarjawa" * 12
    for path in ["/", "/contact/", "/search/?q=ongkir", f"/search/?q={long_query}", "/faq/"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone"
        expect(page.get_by_role("searchbox")).to_be_visible()
        expect(page.get_by_role("link", name="Hubungi kami").first).to_be_visible()
        # The header's brand and the search box keep a margin from the screen's edges.
        for selector in [".hc-brand", ".hc-search input"]:
            box = page.locator(selector).first.bounding_box()
            assert box is not None
            assert box["x"] >= 8, f"{selector} touches the left edge on {path}"
            assert box["x"] + box["width"] <= 360 - 8, f"{selector} touches the right edge"


def test_an_admin_invites_an_agent_who_sets_a_password_and_logs_in(
    cast: Cast, new_page: NewPage, outbox: list[Any]
) -> None:
    from layan.core.worker import run_tasks_now

    iris = new_page()
    log_in(iris, "iris@toko-test.example")
    iris.goto("/desk/settings/agents/new/")
    iris.get_by_label("Email address").fill("budi@toko-test.example")
    iris.get_by_label("Name").fill("Budi Santoso")
    iris.get_by_label("Care").check()
    iris.get_by_role("button", name="Send invitation").click()
    expect(iris.get_by_role("status")).to_contain_text("Budi Santoso is invited")
    run_tasks_now()
    link = str(outbox[0].body).split("http://127.0.0.1:8000", 1)[1].split()[0]
    budi = new_page()
    budi.goto(link)
    budi.get_by_label(re.compile(r"^New password:?$")).fill("Budi-pass-2026")
    budi.get_by_label("New password confirmation").fill("Budi-pass-2026")
    budi.get_by_role("button", name="Save password").click()
    expect(budi.get_by_role("heading", level=1)).to_have_text("Password saved")
    budi.get_by_role("link", name="Log in").click()
    budi.get_by_label("Email address").fill("budi@toko-test.example")
    budi.get_by_label("Password").fill("Budi-pass-2026")
    budi.get_by_role("button", name="Log in").click()
    expect(budi.get_by_role("heading", level=1)).to_have_text("Hello, Budi")
