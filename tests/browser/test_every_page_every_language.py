"""Every page, in English, Indonesian and Chinese, as its readers see it in Chromium: no
English left on an Indonesian or Chinese page, no raw code or placeholder, dates in the
language's own words.

The site's URL list is the one the nonsense test uses; the demo shop is behind it, and an
admin is signed in so that the desk's pages are seen too."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from layan.accounts.models import User
from layan.core.tests.test_every_page import site_paths
from layan.core.worker import run_tasks_now
from layan.wiring import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[..., Page]

LOCALES = {"en": "en-US", "id": "id-ID", "zh-hans": "zh-CN"}
CATALOGUE = Path(__file__).parents[2] / "layan" / "locale" / "id" / "LC_MESSAGES" / "django.po"

# Raw code or a placeholder that reached a person.
RAW = re.compile(
    r"%\(\w+\)s|%s\b|\{\{|\}\}|\{%|%\}|\{(?:name|names|number|count|time|minutes|position)\}"
    r"|\bundefined\b|\bNaN\b|\[object Object\]|\b[a-z]+_[a-z_]+\b"
)
# What Layan says to the reader: the page's text less form fields (their values are the
# reader's own), messages (written by or for a customer, in the customer's language), and help
# texts, code and a canned reply's source, which show placeholders on purpose
# ({{ customer.first_name }}).
READABLE_TEXT = """() => {
  const skip = "input, textarea, select, option, code, pre, .helptext, [data-template-source], "
    + ".message-text, .message-rendered, .preview, script, style, template";
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll(skip).forEach((node) => node.remove());
  clone.querySelectorAll("[hidden]").forEach((node) => node.remove());
  return clone.innerText || clone.textContent;
}"""
ENGLISH_DATES = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|a\.m\.|p\.m\.)\b"
)
# Words that are the same in every language of the site (names, brands, codes).
SAME_EVERYWHERE = re.compile(r"^(FAQ|Email|WhatsApp|Telegram|Instagram|API|SMTP|IMAP|\W+)$")


def english_phrases() -> set[str]:
    """Layan's own English phrases of three words or more (the catalogue's msgids)."""
    text = CATALOGUE.read_text(encoding="utf-8")
    phrases = set()
    for block in text.split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not match:
            continue
        msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
        plain = re.sub(r"%\(\w+\)s|\{\w+\}|<[^>]+>", "\n", msgid)
        for piece in plain.split("\n"):
            piece = piece.strip(" .,:;()")
            if len(piece.split()) >= 3 and not SAME_EVERYWHERE.match(piece):
                phrases.add(piece)
    return phrases


def log_in(page: Page) -> None:
    page.goto("/desk/login/")
    page.locator("input[name=username]").fill("iris@toko.example")
    page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("body")).to_have_attribute("data-socket", "open")


@pytest.mark.parametrize("language", list(LOCALES))
def test_every_page_speaks_its_readers_language(language: str, new_page: NewPage) -> None:
    demo.load()
    run_tasks_now()
    User.objects.filter(email="iris@toko.example").update(language=language)
    page = new_page(locale=LOCALES[language])
    log_in(page)
    english = english_phrases() if language != "en" else set()
    problems: list[str] = []
    paths = [
        path
        for path in site_paths()
        if not path.endswith(("/logout/", "/bulk/", "/reply/", "/update/", "/retry/"))
        and "/delete/" not in path
        and not path.startswith("/api/")
    ]
    for path in paths:
        try:
            response = page.goto(path)
        except PlaywrightError:
            # A POST-only endpoint answers a GET with an empty 405: not a page.
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        text = page.evaluate(READABLE_TEXT)
        for match in RAW.finditer(text):
            problems.append(f"{path}: raw {match.group(0)!r}")
        if language != "en":
            problems += [f"{path}: raw None" for _ in re.finditer(r"\bNone\b", text)]
            for phrase in english:
                if phrase in text:
                    problems.append(f"{path}: English {phrase!r}")
            for match in ENGLISH_DATES.finditer(text):
                problems.append(f"{path}: English date word {match.group(0)!r}")
    assert not problems, "\n".join(sorted(set(problems)))
