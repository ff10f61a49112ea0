"""A call in Chromium, in English, Indonesian and Chinese: while the phone rings, the agent's
desk shows who is calling and opens the caller's card in one click."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from layan.accounts.models import User
from layan.channels.phone import twilio
from layan.customers.services import customer_resolve
from layan.inboxes.services import inbox_create
from layan.testing.personas import PASSWORD, Cast
from layan.wiring.background import run_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en": "en-US", "id": "id-ID", "zh-hans": "zh-CN"}
INCOMING = {"en": "Incoming call: Siti Rahma", "id": "Panggilan masuk: Siti Rahma",
            "zh-hans": "来电：Siti Rahma"}  # fmt: skip
TOKEN = "twilio-auth-token"


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_desk_shows_who_is_calling_and_opens_their_card(
    language: str, cast: Cast, new_page: Callable[..., Page]
) -> None:
    inbox = inbox_create(
        workspace=cast.workspace, kind="phone", name="Toko phone", address="+62215000123",
        config={"account_sid": "AC" + "ab" * 16, "auth_token": TOKEN,
                "ring_numbers": ["+6281100002222"]},
    )  # fmt: skip
    customer = customer_resolve(
        workspace=cast.workspace, kind="whatsapp", address="+6281234567890", name="Siti Rahma"
    )
    User.objects.filter(pk=cast.alice.pk).update(language=language)
    agent = new_page(locale=LOCALES[language])
    agent.goto("/desk/login/")
    agent.locator("input[name=username]").fill(cast.alice.email)
    agent.locator("input[name=password]").fill(PASSWORD)
    agent.locator("form button[type=submit]").click()
    expect(agent.locator("body")).to_have_attribute("data-socket", "open")

    fields = {"CallSid": "CA9", "From": "+6281234567890", "To": "+62215000123",
              "CallStatus": "ringing"}  # fmt: skip
    path = f"/hooks/phone/{inbox.pk}/voice/"
    Client().post(
        path,
        data=urllib.parse.urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers={
            "X-Twilio-Signature": twilio.signature(TOKEN, settings.BASE_URL + path, fields.items())
        },
    )
    run_once()
    toast = agent.locator("[data-incoming-call]")
    expect(toast).to_have_text(INCOMING[language])
    toast.click()
    expect(agent).to_have_url(f"{agent.url.split('/desk/')[0]}/desk/customers/{customer.pk}/")
    expect(agent.locator("main")).to_contain_text("+6281234567890")


CALL_WORDS = {"en": ("Call", "Calling +6281234567890"),
              "id": ("Telepon", "Menelepon +6281234567890"),
              "zh-hans": ("拨打", "正在拨打 +6281234567890")}  # fmt: skip


@pytest.mark.parametrize("language", list(LOCALES))
def test_an_agent_calls_a_customer_from_their_card(
    language: str, cast: Cast, new_page: Callable[..., Page]
) -> None:
    from layan.testing.provider import Answer, FakeProvider

    button, logged = CALL_WORDS[language]
    with FakeProvider() as api:
        sid = "AC" + "ab" * 16
        api.answer("POST", f"/2010-04-01/Accounts/{sid}/Calls.json", Answer({"sid": "CA5"}, 201))
        inbox_create(
            workspace=cast.workspace, kind="phone", name="Toko phone", address="+62215000123",
            config={"account_sid": sid, "auth_token": TOKEN, "ring_numbers": ["+6281100002222"],
                    "api_base": api.url},
        )  # fmt: skip
        customer = customer_resolve(
            workspace=cast.workspace, kind="phone", address="+6281234567890", name="Siti Rahma"
        )
        User.objects.filter(pk=cast.alice.pk).update(language=language)
        agent = new_page(locale=LOCALES[language])
        agent.goto("/desk/login/")
        agent.locator("input[name=username]").fill(cast.alice.email)
        agent.locator("input[name=password]").fill(PASSWORD)
        agent.locator("form button[type=submit]").click()
        expect(agent.locator("body")).to_have_attribute("data-socket", "open")
        agent.goto(f"/desk/customers/{customer.pk}/")
        agent.locator("form[data-call-customer]").get_by_role("button", name=button).click()
        expect(agent.locator(".thread [data-call=dialing]")).to_have_text("📞 " + logged)
        assert len(api.calls_to(f"/2010-04-01/Accounts/{sid}/Calls.json")) == 1
