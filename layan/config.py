"""Reading `LAYAN_*` environment variables into typed values.

Every variable read here is listed in docs/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A LAYAN_* variable holds a value Layan cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def var_dir() -> Path:
    """The folder for the SQLite file, the secret key, uploads and logs."""
    path = Path(env_str("LAYAN_VAR_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """LAYAN_SECRET_KEY, or a key generated once and kept in the var folder."""
    given = os.environ.get("LAYAN_SECRET_KEY")
    if given:
        return given
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    # Written with O_EXCL so two processes starting together keep one key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def mailer(url: str) -> dict[str, Any]:
    """Django's default mailer (`MAILERS["default"]`) from a URL.

    `console:` prints mail, `file:///path` writes each mail to a folder, `memory:` keeps it in
    `django.core.mail.outbox`, `smtp://user:pass@host:port` and `smtps://…` (implicit TLS) send
    it; `?starttls=1` upgrades a plain SMTP connection.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    backends = "django.core.mail.backends."
    if scheme == "console":
        return {"BACKEND": backends + "console.EmailBackend"}
    if scheme == "memory":
        return {"BACKEND": backends + "locmem.EmailBackend"}
    if scheme == "file":
        return {
            "BACKEND": backends + "filebased.EmailBackend",
            "OPTIONS": {"file_path": unquote(parts.path)},
        }
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        starttls = query.get("starttls", ["0"])[0].lower() in TRUE_WORDS
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                "port": parts.port or (465 if scheme == "smtps" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": scheme == "smtps",
                "use_tls": starttls,
                "timeout": 30,
            },
        }
    raise ConfigError(
        f"LAYAN_EMAIL_URL scheme {scheme!r} is not one of console, file, memory, smtp, smtps"
    )
