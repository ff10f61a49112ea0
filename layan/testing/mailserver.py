"""Real mail servers on loopback for tests: Dovecot (IMAP) with private mailboxes, and a small
SMTP relay that delivers into them, so mail really travels SMTP -> mailbox -> IMAP.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from imapclient import IMAPClient

from layan.testing.ports import free_port

PASSWORD = "mail-test-password"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


class Dovecot:
    """A private Dovecot: plain IMAP on 127.0.0.1, one Maildir per address, one password."""

    def __init__(self, directory: Path, users: list[str]) -> None:
        self.directory = directory
        self.port = free_port()
        self.users = users
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("Dovecot is not installed (make test installs dovecot-imapd)")
        root = self.directory
        (root / "run").mkdir(parents=True, exist_ok=True)
        (root / "mail").mkdir(exist_ok=True)
        owner = pwd.getpwuid(os.getuid())
        # Dovecot as root drops privileges to its own accounts; as a user it stays that user.
        internal = "dovecot" if os.getuid() == 0 else owner.pw_name
        login = "dovenull" if os.getuid() == 0 else owner.pw_name
        mail_owner = pwd.getpwnam("dovecot") if os.getuid() == 0 else owner
        (root / "users").write_text(
            "".join(f"{user}:{{PLAIN}}{PASSWORD}::::\n" for user in self.users)
        )
        os.chown(root / "mail", mail_owner.pw_uid, mail_owner.pw_gid)
        config = f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {pwd.getpwnam(internal).pw_name if os.getuid() == 0 else internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_owner.pw_uid} gid={mail_owner.pw_gid} home={root}/mail/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 0
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
        (root / "dovecot.conf").write_text(config)
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"Dovecot did not start: {error}\n{log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not open its port")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def client(self, user: str) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client

    def append(self, user: str, payload: bytes, folder: str = "INBOX") -> None:
        with self.client(user) as client:
            client.append(folder, payload)

    def messages(self, user: str, folder: str = "INBOX") -> list[bytes]:
        with self.client(user) as client:
            client.select_folder(folder)
            uids = client.search(["ALL"])
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [fetched[uid][b"BODY[]"] for uid in uids]


class _Relay:
    def __init__(self, dovecot: Dovecot) -> None:
        self.dovecot = dovecot

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.lower() not in self.dovecot.users:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address.lower())
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        payload = envelope.original_content or b""
        assert isinstance(payload, bytes)
        for recipient in envelope.rcpt_tos:
            self.dovecot.append(recipient, payload)
        return "250 2.0.0 Delivered"


class SmtpRelay:
    """An SMTP server on loopback that delivers each message into the recipient's Dovecot box."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.port = free_port()
        self.controller = Controller(
            _Relay(dovecot), hostname="127.0.0.1", port=self.port, decode_data=False
        )

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
