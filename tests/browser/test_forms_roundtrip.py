"""Every settings and desk form, opened in each language and saved unchanged in Chromium: no
error, and nothing stored changes.

A form that renders a value the browser cannot show (a time as "08.00.00" in an
``<input type=time>``), or a field the page leaves out, loses data on an unchanged save: the
admin changes nothing and the shop's hours or shipping cut-off are gone. Only a real browser
shows it: it drops what its inputs cannot hold, where a test client would send it back as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from layan.accounts.models import Team, User
from layan.conversations.models import Conversation, Macro
from layan.customers.models import Company, Customer
from layan.inboxes.models import Inbox
from layan.knowledge.models import Article
from layan.wiring import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NewPage = Callable[..., Page]

LANGUAGES = ["en", "id", "zh-hans"]

# Columns a save may touch without changing what is stored (bookkeeping, not data).
BOOKKEEPING = {"pages_version", "last_seen_at", "last_login", "updated_at", "indexed_at"}
# Rows written by the act of browsing (sessions, tasks, presence), not by a form.
SKIPPED_MODELS = {"availabilityevent", "searchlog", "dbtaskresult"}


def stored_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of Layan's own models, less bookkeeping columns."""
    state = {}
    for model in apps.get_models():
        if not model.__module__.startswith("layan.") or model._meta.model_name in SKIPPED_MODELS:
            continue
        rows = []
        for row in model._default_manager.order_by("pk").values():
            rows.append({k: v for k, v in row.items() if k not in BOOKKEEPING})
        state[model._meta.label] = rows
    return state


def without_ids(rows: list[dict[str, Any]]) -> list[str]:
    """The rows' values, whichever ids they have: a schedule saved by replacing its rows with
    the same ones has not changed."""
    return sorted(repr({k: v for k, v in row.items() if k != "id"}) for row in rows)


def differences(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[str]:
    """What a save changed, column by column ("id 3 cutoff_time: 14:00 -> None")."""
    was = {row["id"]: row for row in old}
    now = {row["id"]: row for row in new}
    found = [f"id {pk} removed" for pk in was.keys() - now.keys()]
    found += [f"id {pk} added: {now[pk]}" for pk in now.keys() - was.keys()]
    for pk in was.keys() & now.keys():
        found += [
            f"id {pk} {column}: {was[pk][column]!r} -> {now[pk][column]!r}"
            for column in was[pk]
            if was[pk][column] != now[pk][column]
        ]
    return found


def form_pages() -> list[tuple[str, str]]:
    """(path, the form's selector) for every form that edits something that exists."""
    alice = User.objects.get(email="alice@toko.example")
    article = Article.objects.filter(translations__language="zh-hans").order_by("pk").first()
    assert article is not None
    customer = Customer.objects.order_by("pk").first()
    conversation = Conversation.objects.order_by("pk").first()
    assert customer is not None
    assert conversation is not None
    pages = [
        ("/desk/profile/", "form.card"),
        ("/desk/settings/workspace/", "form.card"),
        ("/desk/settings/hours/", "form.card"),
        ("/desk/settings/channels/", "form.card"),
        (f"/desk/settings/agents/{alice.pk}/", "form.card"),
        ("/desk/knowledge/shipping/", "form.card"),
        (f"/desk/knowledge/{article.pk}/zh-hans/", "form.card"),
        (f"/desk/knowledge/{article.pk}/zh-hans/", "form[action$='/settings/']"),
        (f"/desk/customers/{customer.pk}/", "form.card"),
        (f"/desk/conversations/{conversation.number}/", "form[action$='/update/']"),
    ]
    pages += [(f"/desk/settings/teams/{team.pk}/", "form.card") for team in Team.objects.all()]
    pages += [(f"/desk/settings/inboxes/{inbox.pk}/", "form.card") for inbox in Inbox.objects.all()]
    pages += [
        (f"/desk/settings/companies/{company.pk}/", "form.card")
        for company in Company.objects.all()
    ]
    pages += [(f"/desk/settings/macros/{macro.pk}/", "form.card") for macro in Macro.objects.all()]
    return pages


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/desk/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").click()
    expect(page.locator("body")).to_have_attribute("data-socket", "open")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_form_saved_unchanged_keeps_every_value(
    language: str, new_page: NewPage, db: None
) -> None:
    demo.load()
    User.objects.filter(email="iris@toko.example").update(language=language)
    page = new_page(locale={"en": "en-US", "id": "id-ID", "zh-hans": "zh-CN"}[language])
    log_in(page, "iris@toko.example", demo.DEMO_PASSWORD)
    pages = form_pages()
    assert len(pages) > 15
    before = stored_state()
    problems = []
    for path, selector in pages:
        page.goto(path)
        form = page.locator(selector).first
        button = form.locator("button[type=submit]:not([name])").first
        with page.expect_navigation():
            button.click()
        errors = page.locator(".errorlist, .form-error, [role=alert].error")
        if errors.count():
            problems.append(f"{path} {selector}: {errors.all_inner_texts()}")
        after = stored_state()
        for label, rows in after.items():
            if rows != before[label] and without_ids(rows) != without_ids(before[label]):
                problems.append(
                    f"{path} {selector} changed {label}: {differences(before[label], rows)}"
                )
        before = after
    assert not problems, "\n".join(problems)
