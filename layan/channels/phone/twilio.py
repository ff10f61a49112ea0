"""Twilio's voice webhook contract, which compatible services speak too.

A call to the shop's number makes the service POST form fields (`CallSid`, `From`, `To`,
`CallStatus`, `CallerName`, …) to the voice address and play the TwiML it answers; when the
dialled call ends it POSTs to the `<Dial action>` address (`DialCallStatus`,
`DialCallDuration`, `RecordingUrl`), and a finished recording to `recordingStatusCallback`
(`RecordingSid`, `RecordingUrl`, `RecordingDuration`). Every request carries
`X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the auth token, over the full address
requested followed by each POST field's name and value, sorted by name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr


def signature(auth_token: str, url: str, fields: Iterable[tuple[str, str]]) -> str:
    data = url + "".join(f"{name}{value}" for name, value in sorted(fields))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_valid(
    auth_token: str, urls: Iterable[str], fields: list[tuple[str, str]], given: str
) -> bool:
    """Whether `given` signs the request as sent to any of `urls` (the public address, and the
    one the request reached when a proxy rewrote it)."""
    if not auth_token or not given:
        return False
    return any(
        hmac.compare_digest(signature(auth_token, url, fields), given.strip()) for url in urls
    )


def dial(numbers: list[str], *, action: str, recording_callback: str, caller_id: str = "") -> str:
    """TwiML ringing `numbers` at once, recording the answered call (`caller_id`: the number
    the called person sees)."""
    lines = "".join(f"<Number>{escape(number)}</Number>" for number in numbers)
    shown = f" callerId={quoteattr(caller_id)}" if caller_id else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        f'<Dial action={quoteattr(action)}{shown} record="record-from-answer" '
        f"recordingStatusCallback={quoteattr(recording_callback)}>{lines}</Dial>"
        "</Response>"
    )


def hang_up() -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>'


def empty() -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response/>'
