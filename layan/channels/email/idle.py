"""IMAP IDLE (RFC 2177): the mail server tells us when new mail arrives, and we poll at once.

One thread per email inbox that asks for it (`imap_idle`), kept by a supervisor that runs with
the task worker (`layan run`, `layan worker`) and follows inbox changes. A watcher only waits:
what it hears makes it run the ordinary poll (`imap.inbox_poll`), so mail is still stored
before it is marked and nothing depends on the watcher staying up. The scheduled poll keeps
running beside it as the safety net; a dropped connection is reopened with backoff.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections, connections

from layan.channels.email.imap import connect, inbox_poll
from layan.inboxes.mail import EmailConfig
from layan.inboxes.models import Inbox

logger = logging.getLogger(__name__)

# Servers may drop an IDLE after 30 minutes (RFC 2177 asks clients to renew within 29).
RENEW_SECONDS = 25 * 60
# How long one wait for the server lasts: how quickly a stop or a config change is noticed.
CHECK_SECONDS = 5.0
MAX_BACKOFF_SECONDS = 300.0
# How often the supervisor looks for inboxes that started or stopped asking for IDLE.
SUPERVISE_SECONDS = 30.0


def _config_key(inbox: Inbox) -> tuple[object, ...]:
    config = EmailConfig.from_dict(inbox.config)
    return (
        config.imap_host,
        config.imap_port,
        config.imap_security,
        config.imap_username,
        config.imap_password,
        config.imap_folder,
    )


def idle_inboxes() -> dict[int, tuple[object, ...]]:
    """The active email inboxes that want IDLE, with the settings a watcher depends on."""
    wanted = {}
    for inbox in Inbox.objects.filter(kind=Inbox.Kind.EMAIL, is_active=True):
        try:
            if inbox.config.get("imap_idle") and inbox.config.get("imap_host"):
                wanted[inbox.pk] = _config_key(inbox)
        except Exception:
            logger.warning("inbox %s has settings IDLE cannot use", inbox.pk, exc_info=True)
    return wanted


class Watcher:
    """Waits on one inbox's folder and polls whenever the server reports new mail."""

    def __init__(self, inbox_id: int) -> None:
        self.inbox_id = inbox_id
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=self.run, name=f"layan-imap-idle-{inbox_id}", daemon=True
        )
        # Seen by tests and logs: "waiting" once the server has accepted IDLE.
        self.state = "starting"

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout: float = CHECK_SECONDS + 2) -> None:
        self.stop_event.set()
        self.thread.join(timeout)

    def run(self) -> None:
        backoff = 1.0
        while not self.stop_event.is_set():
            started = time.monotonic()
            try:
                self._watch()
            except Exception as error:
                self.state = "reconnecting"
                logger.warning("IMAP IDLE on inbox %s: %s", self.inbox_id, error)
            finally:
                connections.close_all()
            if time.monotonic() - started > 60:
                backoff = 1.0  # it ran a while: a fresh failure starts the backoff again
            self.stop_event.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        self.state = "stopped"

    def _poll(self) -> None:
        close_old_connections()
        inbox_poll(inbox_id=self.inbox_id)

    def _watch(self) -> None:
        close_old_connections()
        inbox = Inbox.objects.get(pk=self.inbox_id)
        config = EmailConfig.from_dict(inbox.config)
        client = connect(config)
        try:
            if not client.has_capability("IDLE"):
                # Nothing to wait on: the scheduled poll is all this server gets.
                self.state = "unsupported"
                logger.warning("IMAP server of inbox %s has no IDLE", self.inbox_id)
                self.stop_event.wait(RENEW_SECONDS)
                return
            client.select_folder(config.imap_folder, readonly=True)
            # What arrived while nobody was waiting.
            self._poll()
            while not self.stop_event.is_set():
                client.idle()
                self.state = "waiting"
                renew_at = time.monotonic() + RENEW_SECONDS
                news = False
                while not news and not self.stop_event.is_set() and time.monotonic() < renew_at:
                    responses = client.idle_check(timeout=CHECK_SECONDS)
                    news = any(
                        isinstance(item, tuple)
                        and len(item) > 1
                        and item[1] in (b"EXISTS", b"RECENT")
                        for item in responses
                    )
                client.idle_done()
                if news:
                    self._poll()
        finally:
            try:
                client.logout()
            except Exception:
                logger.debug("IMAP logout failed", exc_info=True)


class Supervisor:
    """Keeps one watcher per inbox that wants IDLE: started, restarted on a settings change,
    stopped when the inbox no longer wants it."""

    def __init__(self, stop: threading.Event, *, interval: float = SUPERVISE_SECONDS) -> None:
        self.stop_event = stop
        self.interval = interval
        self.watchers: dict[int, tuple[tuple[object, ...], Watcher]] = {}

    def sync(self) -> None:
        wanted = idle_inboxes()
        for inbox_id, (key, watcher) in list(self.watchers.items()):
            if wanted.get(inbox_id) != key:
                watcher.stop()
                del self.watchers[inbox_id]
        for inbox_id, key in wanted.items():
            if inbox_id not in self.watchers:
                watcher = Watcher(inbox_id)
                watcher.start()
                self.watchers[inbox_id] = (key, watcher)

    def run(self) -> None:
        while not self.stop_event.is_set():
            close_old_connections()
            try:
                self.sync()
            except Exception:
                logger.exception("IMAP IDLE supervisor tick failed")
            self.stop_event.wait(self.interval)
        for _key, watcher in self.watchers.values():
            watcher.stop()
        self.watchers.clear()
        connections.close_all()
