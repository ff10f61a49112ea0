"""Customer emails for tests: written to Toko Test's support address unless told otherwise."""

from __future__ import annotations

from typing import Any

from layan.inboxes.email.compose import customer_email as compose

INBOX_ADDRESS = "support@toko-test.example"


def customer_email(*, to: str = INBOX_ADDRESS, **fields: Any) -> bytes:
    return compose(to=to, **fields)
