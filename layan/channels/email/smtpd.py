"""`layan email smtpd`: an SMTP server that receives mail for Layan's email inboxes.

For installs whose mail server forwards to Layan (or whose MX is Layan). A recipient is
accepted only when it is one of the active email inboxes; the message is committed before the
server answers 250, so a sender that saw 250 can forget it.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection

from layan.conversations.inbound import inbound_process, inbound_store
from layan.inboxes.models import Inbox
from layan.inboxes.selectors import inbox_for_address

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 40 * 1024 * 1024


def _inbox_id_for(address: str) -> int | None:
    close_old_connections()
    try:
        inbox = inbox_for_address(address=address)
        return inbox.pk if inbox else None
    finally:
        # This runs in the receiver's worker thread: hand the connection back between messages.
        connection.close()


def _deliver(inbox_ids: list[int], payload: bytes) -> list[str]:
    close_old_connections()
    lines = []
    try:
        for inbox in Inbox.objects.select_related("workspace").filter(pk__in=inbox_ids):
            raw, _created = inbound_store(inbox=inbox, payload=payload, source="smtp")
            lines.append(inbound_process(raw=raw).line())
    finally:
        connection.close()
    return lines


class LayanHandler:
    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        inbox_id = await sync_to_async(_inbox_id_for)(address)
        if inbox_id is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        inbox_ids: list[int] = getattr(envelope, "layan_inboxes", [])
        inbox_ids.append(inbox_id)
        envelope.layan_inboxes = inbox_ids  # type: ignore[attr-defined]
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        payload = envelope.original_content or b""
        if isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        try:
            lines = await sync_to_async(_deliver)(sorted(set(envelope.layan_inboxes)), payload)  # type: ignore[attr-defined]
        except Exception:
            logger.exception("storing a received message failed")
            return "451 4.3.0 Temporary failure, try again later"
        logger.info("received mail: %s", "; ".join(lines))
        return "250 2.0.0 Message accepted"


def controller(*, host: str, port: int) -> Controller:
    return Controller(
        LayanHandler(),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        decode_data=False,
        ident="Layan",
    )


def serve_forever(*, host: str, port: int) -> Any:
    import time

    server = controller(host=host, port=port)
    server.start()
    logger.info("SMTP receiver listening on %s:%s", host, port)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
