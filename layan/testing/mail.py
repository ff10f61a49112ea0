"""Customer emails for tests: written to Toko Test's support address unless told otherwise."""

from __future__ import annotations

from typing import Any

from layan.inboxes.compose import customer_email as compose

INBOX_ADDRESS = "support@toko-test.example"


def customer_email(*, to: str = INBOX_ADDRESS, **fields: Any) -> bytes:
    return compose(to=to, **fields)


def without_acknowledgements(messages: list[Any]) -> list[Any]:
    """Mail other than the automatic "we got your message" (Django messages or raw bytes)."""

    def automatic(message: Any) -> bool:
        if isinstance(message, bytes):
            return b"Auto-Submitted: auto-replied" in message
        return bool(message.extra_headers.get("Auto-Submitted") == "auto-replied")

    return [message for message in messages if not automatic(message)]
