"""Calls from a Twilio-compatible voice service: signed webhooks in (ringing, ended,
recorded), the caller's conversation and card, the recording kept, the desk told as it rings."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from layan.channels.phone import twilio
from layan.conversations.models import Conversation, Message
from layan.customers.models import Identity
from layan.inboxes.models import InboundRaw, Inbox
from layan.inboxes.services import inbox_create
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast
from layan.testing.provider import Answer, FakeProvider
from layan.wiring.background import run_once

pytestmark = pytest.mark.django_db(transaction=True)

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token"
CALLER = "+6281234567890"


@pytest.fixture
def inbox(cast: Cast) -> Inbox:
    return inbox_create(
        workspace=cast.workspace, kind="phone", name="Toko phone", address="+62215000123",
        config={"account_sid": SID, "auth_token": TOKEN, "ring_numbers": ["+6281100002222"]},
    )  # fmt: skip


def hook(inbox: Inbox, kind: str, fields: dict[str, str], *, token: str = TOKEN) -> Any:
    path = f"/hooks/phone/{inbox.pk}/{kind}/"
    signed = twilio.signature(token, settings.BASE_URL + path, fields.items())
    return Client().post(
        path,
        data=urllib.parse.urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signed},
    )


def ringing(sid: str = "CA1") -> dict[str, str]:
    return {
        "CallSid": sid, "AccountSid": SID, "From": CALLER, "To": "+62215000123",
        "CallStatus": "ringing", "Direction": "inbound", "CallerName": "SITI RAHMA",
    }  # fmt: skip


def test_a_call_rings_the_shops_lines_and_the_desk_is_told_who_calls(
    inbox: Inbox, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from layan.realtime import push

    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(push, "group_send", lambda group, message: sent.append(message))
    # The caller wrote on WhatsApp before: the same number is the same customer.
    from layan.customers.services import customer_resolve

    known = customer_resolve(workspace=cast.workspace, kind="whatsapp", address="6281234567890")
    response = hook(inbox, "voice", ringing())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    twiml = response.content.decode()
    assert "<Number>+6281100002222</Number>" in twiml
    assert f'action="{settings.BASE_URL}/hooks/phone/{inbox.pk}/status/"' in twiml
    assert 'record="record-from-answer"' in twiml
    hook(inbox, "voice", ringing())  # the service retried
    run_once()
    conversation = Conversation.objects.get(inbox=inbox)
    assert conversation.customer_id == known.pk
    assert Identity.objects.filter(customer=known, kind="phone", address=CALLER).exists()
    [call] = Message.objects.filter(conversation=conversation)
    assert call.headers["call"]["state"] == "ringing"
    [pop] = [m for m in sent if m["event"] == "call.ringing"]
    assert pop["data"]["customer"] == known.pk
    assert pop["data"]["number"] == conversation.number


def test_the_end_and_the_recording_join_the_call_once(
    inbox: Inbox, cast: Cast, api: FakeProvider
) -> None:
    recording = f"{api.url}/2010-04-01/Accounts/{SID}/Recordings/RE1"
    api.answer(
        "GET",
        f"/2010-04-01/Accounts/{SID}/Recordings/RE1.mp3",
        Answer(content=b"ID3-recording", content_type="audio/mpeg"),
    )
    hook(inbox, "voice", ringing())
    ended = {**ringing(), "DialCallStatus": "completed", "DialCallDuration": "187"}
    assert hook(inbox, "status", ended).status_code == 200
    hook(inbox, "status", ended)
    hook(
        inbox,
        "recording",
        {"CallSid": "CA1", "From": CALLER, "RecordingSid": "RE1", "RecordingUrl": recording,
         "RecordingDuration": "180", "RecordingStatus": "completed"},
    )  # fmt: skip
    run_once()
    conversation = Conversation.objects.get(inbox=inbox)
    states = [m.headers["call"]["state"] for m in conversation.messages.order_by("id")]
    assert states == ["ringing", "completed", "recorded"]
    recorded = conversation.messages.get(external_id="call-recording:RE1")
    assert recorded.attachments.get().file.read() == b"ID3-recording"
    [download] = api.calls_to(f"/2010-04-01/Accounts/{SID}/Recordings/RE1.mp3")
    assert download.headers["Authorization"].startswith("Basic ")
    page = client_for(cast.alice).get(f"/desk/conversations/{conversation.number}/")
    html = page.content.decode()
    assert "Call ended after 3:07" in html
    assert "Recording of the call (3:00)" in html


def test_a_missed_call_and_a_bad_signature(inbox: Inbox, cast: Cast) -> None:
    assert hook(inbox, "voice", ringing(), token="wrong").status_code == 403
    assert not InboundRaw.objects.exists()
    hook(inbox, "voice", ringing("CA2"))
    hook(inbox, "status", {**ringing("CA2"), "DialCallStatus": "no-answer"})
    hook(inbox, "status", {**ringing("CA2"), "CallStatus": "in-progress"})
    run_once()
    conversation = Conversation.objects.get(inbox=inbox)
    assert conversation.messages.filter(external_id="call-end:CA2").exists()
    assert InboundRaw.objects.filter(status="ignored").count() == 1
    page = client_for(cast.alice).get(f"/desk/conversations/{conversation.number}/")
    assert "Missed call: nobody answered" in page.content.decode()


def test_a_phone_inbox_without_a_service_is_logged_by_hand(cast: Cast) -> None:
    manual = inbox_create(workspace=cast.workspace, kind="phone", name="Front desk")
    assert manual.config == {}
    assert Client().post(f"/hooks/phone/{manual.pk}/voice/", {"CallSid": "x"}).status_code == 404


def test_an_agent_calls_a_customer_from_their_card(cast: Cast, api: FakeProvider) -> None:
    from layan.customers.services import customer_resolve

    line = inbox_create(
        workspace=cast.workspace, kind="phone", name="Toko phone", address="+62215000123",
        config={"account_sid": SID, "auth_token": TOKEN, "ring_numbers": ["+6281100002222"],
                "api_base": api.url},
    )  # fmt: skip
    calls = f"/2010-04-01/Accounts/{SID}/Calls.json"
    api.answer("POST", calls, Answer({"sid": "CA77", "status": "queued"}, 201))
    customer = customer_resolve(
        workspace=cast.workspace, kind="whatsapp", address="6281234567890", name="Siti"
    )
    alice = client_for(cast.alice)
    card = alice.get(f"/desk/customers/{customer.pk}/").content.decode()
    assert "data-call-customer" in card
    assert f'value="{line.pk}:+6281100002222"' in card
    response = alice.post(
        f"/desk/phone/customers/{customer.pk}/call/",
        {"number": CALLER, "line": f"{line.pk}:+6281100002222"},
    )
    conversation = Conversation.objects.get(inbox=line)
    assert response["Location"] == f"/desk/conversations/{conversation.number}/"
    [placed] = api.calls_to(calls)
    form = urllib.parse.parse_qs(placed.body.decode())
    assert form["To"] == ["+6281100002222"]
    assert form["From"] == ["+62215000123"]
    message = conversation.messages.get()
    assert form["Url"] == [f"{settings.BASE_URL}/hooks/phone/{line.pk}/connect/{message.pk}/"]
    assert placed.headers["Authorization"].startswith("Basic ")
    assert (message.external_id, message.author_agent_id) == ("call:CA77", cast.alice.pk)
    # Alice answers her phone: the service asks what next, and is told to call the customer.
    path = f"/hooks/phone/{line.pk}/connect/{message.pk}/"
    fields = {"CallSid": "CA77", "From": "+62215000123", "To": "+6281100002222"}
    twiml = Client().post(
        path, data=urllib.parse.urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": twilio.signature(TOKEN, settings.BASE_URL + path,
                                                        fields.items())},
    ).content.decode()  # fmt: skip
    assert f"<Number>{CALLER}</Number>" in twiml
    assert 'callerId="+62215000123"' in twiml
    action = f"/hooks/phone/{line.pk}/status/?call={message.pk}"
    assert f'action="{settings.BASE_URL}{action}"' in twiml
    # The call ends: it joins the customer's conversation, not a new one for the shop's number.
    ended = {**fields, "DialCallStatus": "completed", "DialCallDuration": "65"}
    signed = twilio.signature(TOKEN, settings.BASE_URL + action, ended.items())
    Client().post(
        action, data=urllib.parse.urlencode(ended),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signed},
    )  # fmt: skip
    run_once()
    assert Conversation.objects.filter(inbox=line).count() == 1
    end = conversation.messages.get(external_id="call-end:CA77")
    assert end.headers["call"]["duration"] == 65
    assert end.conversation.customer_id == customer.pk


def test_a_call_the_service_refuses_is_shown_to_the_agent(cast: Cast, api: FakeProvider) -> None:
    from layan.customers.services import customer_resolve

    line = inbox_create(
        workspace=cast.workspace, kind="phone", name="Toko phone", address="+62215000123",
        config={"account_sid": SID, "auth_token": TOKEN, "ring_numbers": ["+6281100002222"],
                "api_base": api.url},
    )  # fmt: skip
    api.answer(
        "POST",
        f"/2010-04-01/Accounts/{SID}/Calls.json",
        Answer({"code": 21211, "message": "The 'To' number is not a valid phone number."}, 400),
    )
    customer = customer_resolve(workspace=cast.workspace, kind="phone", address=CALLER)
    response = client_for(cast.alice).post(
        f"/desk/phone/customers/{customer.pk}/call/",
        {"number": CALLER, "line": f"{line.pk}:+6281100002222"},
        follow=True,
    )
    assert "not a valid phone number" in response.content.decode()
    [message] = Message.objects.filter(inbox=line)
    assert message.headers["call"]["state"] == "failed"


def test_another_phone_system_sends_signed_json_call_events(cast: Cast, api: FakeProvider) -> None:
    import hashlib
    import hmac
    import json

    secret = "pbx-shared-secret"
    pbx = inbox_create(
        workspace=cast.workspace, kind="phone", name="Office PBX", address="+62215000999",
        config={"cti_secret": secret},
    )  # fmt: skip
    api.answer("GET", "/rec/77.wav", Answer(content=b"RIFF-call", content_type="audio/wav"))

    def send(event: dict[str, Any], key: str = secret) -> Any:
        body = json.dumps(event).encode()
        signed = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
        return Client().post(
            f"/hooks/phone/{pbx.pk}/cti/", data=body, content_type="application/json",
            headers={"X-Layan-Signature": signed},
        )  # fmt: skip

    ring = {"event": "ringing", "call_id": "pbx-77", "from": "+6281234567890", "to": "201"}
    assert send(ring, key="wrong").status_code == 403
    assert send({"event": "transfer", "call_id": "x"}).status_code == 400
    assert send(ring).status_code == 204
    send(ring)
    send({"event": "ended", "call_id": "pbx-77", "from": "+6281234567890", "duration": 42})
    send({"event": "recording", "call_id": "pbx-77", "from": "+6281234567890",
          "recording_id": "r77", "recording_url": f"{api.url}/rec/77.wav"})  # fmt: skip
    run_once()
    conversation = Conversation.objects.get(inbox=pbx)
    states = [m.headers["call"]["state"] for m in conversation.messages.order_by("id")]
    assert states == ["ringing", "completed", "recorded"]
    assert (
        conversation.messages.get(external_id="call-end:pbx-77").headers["call"]["duration"] == 42
    )
    recorded = conversation.messages.get(external_id="call-recording:r77")
    assert recorded.attachments.get().file.read() == b"RIFF-call"
