"""Channel secrets (passwords, access tokens, app secrets) sealed at rest.

An inbox's settings live in `Inbox.config` (JSON). The fields its adapter names in
`secret_fields` are stored sealed: Fernet (AES-128-CBC with an HMAC-SHA256 tag) under a key from
the environment, `LAYAN_ENCRYPTION_KEY`, or one derived from the install's secret key when that
is not set. Several keys, comma-separated, allow rotation: the first seals, every one opens. A
sealed value reads `sealed:<token>`; `unseal` passes a value that is not sealed through unchanged
(settings saved before sealing existed), and a data migration seals those.

Secrets never go back to a browser: the settings forms show `masked()` (the last four
characters) and an empty field keeps the saved value.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "sealed:"


class SecretUnreadable(Exception):
    """A sealed value none of the configured keys opens (the key was changed or lost)."""


def _fernet_key(material: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(f"layan.secrets:{material}".encode()).digest())


def _box() -> MultiFernet:
    keys = settings.ENCRYPTION_KEYS or [settings.SECRET_KEY]
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(value: str) -> str:
    """`value` sealed; a sealed value (or an empty one) is returned as it is."""
    if not value or is_sealed(value):
        return value
    return PREFIX + _box().encrypt(value.encode()).decode()


def unseal(value: Any) -> str:
    """The plain text of a sealed value; a value that is not sealed is returned as text."""
    if not is_sealed(value):
        return "" if value is None else str(value)
    try:
        return _box().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(
            "A channel secret cannot be read: LAYAN_ENCRYPTION_KEY (or the secret key) changed. "
            "Enter the secret again on the inbox's settings."
        ) from None


def config_seal(
    config: dict[str, Any], names: Iterable[str], *, saved: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`config` with the secret fields `names` sealed; a secret left empty keeps the saved one
    (forms never send secrets back, so an unchanged form posts them empty). A secret that did
    not change keeps its saved seal: sealing is randomised, and an unchanged save must not
    change what is stored."""
    sealed = dict(config)
    for name in names:
        value = str(sealed.get(name) or "")
        old = (saved or {}).get(name) or ""
        if not value and not old:
            sealed.pop(name, None)
        elif is_sealed(old) and (not value or value == old or unseal(old) == unseal(value)):
            sealed[name] = old
        else:
            sealed[name] = seal(value or unseal(old))
    return sealed


def config_unseal(config: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """`config` with the secret fields `names` opened, for the adapter that uses them."""
    opened = dict(config)
    for name in names:
        if name in opened:
            opened[name] = unseal(opened[name])
    return opened


def masked(value: Any) -> str:
    """What a person is shown of a saved secret: its last four characters, never more."""
    plain = unseal(value) if value else ""
    if not plain:
        return ""
    return "••••" + plain[-4:] if len(plain) > 8 else "••••"
