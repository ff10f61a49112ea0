"""A call's webhook requests into InboundMessages: the ring, the end (status, duration) and the
recording, each once (the provider retries), all continuing the caller's conversation."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from layan.inboxes.payloads import json_object
from layan.inboxes.types import InboundMessage

ENDED = {"completed", "busy", "no-answer", "failed", "canceled"}


def stored(kind: str, body: bytes, *, customer: str = "") -> bytes:
    """What is stored for one request: its kind (voice, status, recording), its fields, and for
    a call placed from the desk the customer's number (the caller is then the shop)."""
    fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    event: dict[str, Any] = {"kind": kind, "fields": fields}
    if customer:
        event["customer"] = customer
    return json.dumps(event, sort_keys=True).encode()


# The generic CTI webhook's events (JSON) as the fields of Twilio's requests.
CTI_EVENTS = {"ringing": "voice", "ended": "status", "recording": "recording"}


def cti_stored(body: bytes) -> bytes:
    """A generic CTI event — `{"event": "ringing"|"ended"|"recording", "call_id", "from", "to",
    "caller_name", "status", "duration", "recording_id", "recording_url"}` — stored as the
    request of the same kind would be. ValueError when it is not one."""
    data = json_object(body, what="a CTI event")
    kind = CTI_EVENTS.get(str(data.get("event", "")))
    if kind is None:
        raise ValueError("a CTI event is ringing, ended or recording")
    fields = {
        "CallSid": data.get("call_id"), "From": data.get("from"), "To": data.get("to"),
        "CallerName": data.get("caller_name"), "CallStatus": data.get("status") or "completed",
        "CallDuration": data.get("duration"), "RecordingSid": data.get("recording_id"),
        "RecordingUrl": data.get("recording_url"), "RecordingDuration": data.get("duration"),
    }  # fmt: skip
    present = {name: str(value) for name, value in fields.items() if value not in (None, "")}
    return json.dumps({"kind": kind, "fields": present, "cti": True}, sort_keys=True).encode()


def parse_event(payload: bytes) -> InboundMessage:
    event = json_object(payload, what="a call event")
    found = event.get("fields")
    fields: dict[str, Any] = found if isinstance(found, dict) else {}
    sid = str(fields.get("CallSid", ""))[:64]
    caller = str(event.get("customer") or fields.get("From", "")).strip()
    if not sid or not caller:
        raise ValueError("a call event needs its CallSid and the caller (From)")
    kind = event.get("kind")
    call: dict[str, Any] = {"sid": sid, "to": str(fields.get("To", ""))[:32]}
    if kind == "voice":
        call["state"] = "ringing"
        external_id = f"call:{sid}"
    elif kind == "status":
        state = str(fields.get("DialCallStatus") or fields.get("CallStatus") or "")
        if state not in ENDED:
            return _ignored(f"call-{state}:{sid}", caller, f"a call {state or 'update'}")
        call["state"] = state
        call["duration"] = _seconds(fields.get("DialCallDuration") or fields.get("CallDuration"))
        external_id = f"call-end:{sid}"
    elif kind == "recording":
        recording = str(fields.get("RecordingSid", ""))[:64]
        url = str(fields.get("RecordingUrl", ""))[:2000]
        if not recording or not url or fields.get("RecordingStatus", "completed") != "completed":
            return _ignored(f"call-recording:{sid}:{recording}", caller, "a recording not ready")
        call.update(state="recorded", duration=_seconds(fields.get("RecordingDuration")))
        external_id = f"call-recording:{recording}"
        # Twilio serves a recording as MP3 at its address + ".mp3"; a CTI gives the file itself.
        url = url if event.get("cti") else url + ".mp3"
        media = [{"kind": "audio", "url": url, "file_id": recording,
                  "name": f"call-{sid[-8:]}.mp3", "type": "audio/mpeg", "size": 0}]  # fmt: skip
        return _message(external_id, caller, fields, {"call": call, "media": media})
    else:
        raise ValueError(f"not a call event: {kind!r}")
    return _message(external_id, caller, fields, {"call": call})


def _message(
    external_id: str, caller: str, fields: dict[str, Any], headers: dict[str, Any]
) -> InboundMessage:
    return InboundMessage(
        external_id=external_id[:255],
        identity_kind="phone",
        sender_address=caller[:32],
        sender_name=str(fields.get("CallerName", ""))[:160],
        headers=headers,
        continues_latest=True,
    )


def _ignored(external_id: str, caller: str, why: str) -> InboundMessage:
    return InboundMessage(
        external_id=external_id[:255], identity_kind="phone", sender_address=caller, ignored=why
    )


def _seconds(value: Any) -> int:
    try:
        return max(0, int(str(value)))
    except ValueError:
        return 0
