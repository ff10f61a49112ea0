"""The email channel against real servers on loopback: Dovecot (IMAP) and SMTP."""

from __future__ import annotations

import email
import email.message
import email.policy
import smtplib
import threading
import time
from collections.abc import Callable

import pytest

from layan.accounts.models import User
from layan.channels.email.idle import Supervisor, Watcher
from layan.channels.email.imap import inbox_poll
from layan.channels.email.smtpd import controller
from layan.conversations import services as conversations
from layan.conversations.models import Conversation, Message
from layan.core.timers import fire_all_due
from layan.core.worker import run_tasks_now
from layan.inboxes import services as inbox_services
from layan.inboxes.models import Inbox
from layan.testing.mail import INBOX_ADDRESS, customer_email, without_acknowledgements
from layan.testing.mailserver import PASSWORD, Dovecot, SmtpRelay
from layan.testing.ports import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def imap_inbox(
    workspace: object, dovecot: Dovecot, relay: SmtpRelay | None = None, **extra: object
) -> Inbox:
    config: dict[str, object] = {
        "imap_host": "127.0.0.1",
        "imap_port": dovecot.port,
        "imap_security": "none",
        "imap_username": INBOX_ADDRESS,
        "imap_password": PASSWORD,
        **extra,
    }
    if relay is not None:
        config.update(smtp_host="127.0.0.1", smtp_port=relay.port, smtp_security="none")
    return inbox_services.inbox_create(
        workspace=workspace,  # type: ignore[arg-type]
        kind="email",
        name="Support",
        address=INBOX_ADDRESS,
        config=config,
    )


def test_polling_stores_new_mail_once_and_marks_it_seen(cast: object, dovecot: Dovecot) -> None:
    inbox = imap_inbox(cast.workspace, dovecot)  # type: ignore[attr-defined]
    dovecot.append(INBOX_ADDRESS, customer_email(subject="Polled", message_id="<p1@example.com>"))
    dovecot.append(
        INBOX_ADDRESS, customer_email(subject="Polled too", message_id="<p2@example.com>")
    )

    first = inbox_poll(inbox_id=inbox.pk)
    second = inbox_poll(inbox_id=inbox.pk)

    assert (first.fetched, first.stored, first.error) == (2, 2, "")
    assert second.fetched == 0  # both were flagged \Seen after they were stored
    assert sorted(Conversation.objects.values_list("subject", flat=True)) == [
        "Polled",
        "Polled too",
    ]
    with dovecot.client(INBOX_ADDRESS) as client:
        client.select_folder("INBOX")
        assert client.search(["UNSEEN"]) == []


def test_polling_can_move_processed_mail_to_a_folder(cast: object, dovecot: Dovecot) -> None:
    with dovecot.client(INBOX_ADDRESS) as client:
        client.create_folder("Layan")
    inbox = imap_inbox(cast.workspace, dovecot, imap_processed_folder="Layan")  # type: ignore[attr-defined]
    dovecot.append(INBOX_ADDRESS, customer_email(subject="Move me"))

    inbox_poll(inbox_id=inbox.pk)

    assert dovecot.messages(INBOX_ADDRESS) == []
    assert len(dovecot.messages(INBOX_ADDRESS, folder="Layan")) == 1
    assert Conversation.objects.get().subject == "Move me"


def test_the_timer_polls_through_the_worker_and_survives_a_dead_server(
    cast: object, dovecot: Dovecot
) -> None:
    inbox = imap_inbox(cast.workspace, dovecot)  # type: ignore[attr-defined]
    dovecot.append(INBOX_ADDRESS, customer_email(subject="Via timer"))

    assert fire_all_due() >= 1
    run_tasks_now()
    assert Conversation.objects.get().subject == "Via timer"
    inbox.refresh_from_db()
    assert inbox.poll_due_at is not None  # the next poll is already scheduled

    dovecot.stop()
    result = inbox_poll(inbox_id=inbox.pk)
    inbox.refresh_from_db()
    assert result.error
    assert "Connection" in inbox.last_poll_error or "refused" in inbox.last_poll_error.lower()


def test_the_smtp_receiver_accepts_mail_for_inboxes_only(email_inbox: Inbox) -> None:
    port = free_port()
    server = controller(host="127.0.0.1", port=port)
    server.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("carl@example.com", [INBOX_ADDRESS], customer_email(subject="By SMTP"))
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail(
                    "carl@example.com", ["nobody@toko-test.example"], b"Subject: x\r\n\r\nx"
                )
    finally:
        server.stop()
    assert Conversation.objects.get().subject == "By SMTP"


def test_a_reply_reaches_the_customers_mailbox_threaded_and_an_outlook_reply_comes_back(
    cast: object, alice: User, dovecot: Dovecot, smtp_relay: SmtpRelay
) -> None:
    inbox = imap_inbox(cast.workspace, dovecot, smtp_relay)  # type: ignore[attr-defined]
    dovecot.append(
        INBOX_ADDRESS, customer_email(subject="Blender cracked", message_id="<c1@example.com>")
    )
    inbox_poll(inbox_id=inbox.pk)
    conversation = Conversation.objects.get()

    reply = conversations.reply_send(
        conversation=conversation, agent=alice, text="We will send a new one."
    )
    run_tasks_now()
    reply.refresh_from_db()
    assert reply.delivery == Message.Delivery.SENT

    (received,) = without_acknowledgements(dovecot.messages("carl@example.com"))
    mail = email.message_from_bytes(received, policy=email.policy.default)
    assert isinstance(mail, email.message.EmailMessage)
    assert mail["In-Reply-To"] == "<c1@example.com>"
    assert mail["Message-ID"].strip() == f"<{reply.external_id}>"
    assert mail["Subject"] == f"Re: Blender cracked [#{conversation.number}]"
    assert str(mail["From"]) == f"Alice Agent | Toko Test <{INBOX_ADDRESS}>"
    body = mail.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert text.startswith("We will send a new one.\n\nAlice Agent")

    # Carl answers from Outlook: no In-Reply-To, "RE:", and Outlook's header block quote.
    outlook = (
        f"From: Carl Customer <carl@example.com>\r\nTo: {INBOX_ADDRESS}\r\n"
        f"Subject: RE: Blender cracked [#{conversation.number}]\r\n"
        "Message-ID: <outlook-1@example.com>\r\nThread-Index: AdlXyz==\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Thank you!\r\n\r\n________________________________\r\n"
        f"From: Alice Agent | Toko Test <{INBOX_ADDRESS}>\r\nSent: Monday\r\nTo: Carl\r\n"
        "Subject: Re: Blender cracked\r\n\r\nWe will send a new one.\r\n"
    ).encode()
    dovecot.append(INBOX_ADDRESS, outlook)
    inbox_poll(inbox_id=inbox.pk)

    conversation.refresh_from_db()
    assert Conversation.objects.count() == 1
    assert list(conversation.messages.values_list("text", flat=True))[-1] == "Thank you!"
    assert conversation.status == Conversation.Status.OPEN


def test_layan_email_poll_polls_every_imap_inbox_once(cast: object, dovecot: Dovecot) -> None:
    from io import StringIO

    from django.core.management import call_command

    imap_inbox(cast.workspace, dovecot)  # type: ignore[attr-defined]
    dovecot.append(INBOX_ADDRESS, customer_email(subject="Polled by hand"))
    output = StringIO()

    call_command("email", "poll", stdout=output)

    assert output.getvalue().splitlines() == [f"{INBOX_ADDRESS}: 1 stored"]
    assert Conversation.objects.get().subject == "Polled by hand"


def _eventually(check: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_idle_fetches_mail_as_it_arrives_without_waiting_for_the_next_poll(
    cast: object, dovecot: Dovecot
) -> None:
    # The scheduled check is an hour away: only IDLE can bring the second mail in.
    inbox = imap_inbox(cast.workspace, dovecot, imap_idle=True, poll_seconds=3600)  # type: ignore[attr-defined]
    dovecot.append(INBOX_ADDRESS, customer_email(subject="Before", message_id="<i1@example.com>"))
    watcher = Watcher(inbox.pk)
    watcher.start()
    try:
        # What was waiting is fetched when the watcher connects, then it waits on the folder.
        assert _eventually(lambda: watcher.state == "waiting")
        assert Conversation.objects.filter(subject="Before").count() == 1
        dovecot.append(
            INBOX_ADDRESS, customer_email(subject="Pushed", message_id="<i2@example.com>")
        )
        assert _eventually(lambda: Conversation.objects.filter(subject="Pushed").exists())
        # Stored once, and marked seen on the server like any polled mail.
        assert Message.objects.filter(external_id="i2@example.com").count() == 1
        assert _eventually(lambda: inbox_poll(inbox_id=inbox.pk).fetched == 0)
    finally:
        watcher.stop()
    assert watcher.state == "stopped"


def test_the_idle_supervisor_follows_inbox_settings(cast: object, dovecot: Dovecot) -> None:
    inbox = imap_inbox(cast.workspace, dovecot, imap_idle=True)  # type: ignore[attr-defined]
    plain = imap_inbox(cast.workspace, dovecot)  # type: ignore[attr-defined]
    supervisor = Supervisor(threading.Event())
    try:
        supervisor.sync()
        assert set(supervisor.watchers) == {inbox.pk}
        ((_key, first),) = supervisor.watchers.values()
        assert _eventually(lambda: first.state == "waiting")

        # A setting the watcher does not use keeps it; another user name restarts it; turning
        # IDLE off stops it.
        def update(**changes: object) -> None:
            inbox.refresh_from_db()
            inbox_services.inbox_update(
                inbox=inbox, name=inbox.name, address=inbox.address, team=None, is_active=True,
                config={**inbox.config, **changes},
            )  # fmt: skip
            supervisor.sync()

        update(poll_seconds=120)
        assert supervisor.watchers[inbox.pk][1] is first
        update(imap_username="other@toko.example")
        second = supervisor.watchers[inbox.pk][1]
        assert second is not first
        assert first.state == "stopped"
        update(imap_idle=False)
        assert supervisor.watchers == {}
        assert second.state == "stopped"
        assert plain.pk not in supervisor.watchers
    finally:
        for _key, watcher in supervisor.watchers.values():
            watcher.stop()


def test_an_idle_watcher_whose_server_is_down_keeps_trying_and_stops_cleanly(
    cast: object, dovecot: Dovecot
) -> None:
    inbox = imap_inbox(cast.workspace, dovecot, imap_idle=True)  # type: ignore[attr-defined]
    Inbox.objects.filter(pk=inbox.pk).update(config={**inbox.config, "imap_port": free_port()})
    watcher = Watcher(inbox.pk)
    watcher.start()
    assert _eventually(lambda: watcher.state == "reconnecting", 5)
    watcher.stop()
    assert watcher.state == "stopped"
