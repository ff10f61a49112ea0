"""The one mail gate: every email Layan sends leaves here.

An agent's reply (`build_email` + `send_email`, called by the email channel's adapter and by the
channels that answer by email: a web form, a chat whose visitor left), and the workspace's own
mail (acknowledgements, chat transcripts, notices) through `send_workspace_email`. Each goes out
through the sending inbox's SMTP settings, or the install's default mailer, and fails as a
`DeliveryError` (permanent or to be retried) that the caller records on the message.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from html import escape
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives, mailers
from django.core.mail.backends.smtp import EmailBackend
from django.utils.translation import gettext as _

from layan.inboxes.config import reject_unknown
from layan.inboxes.models import Inbox
from layan.inboxes.registry import DeliveryError
from layan.inboxes.secrets import unseal
from layan.inboxes.selectors import active_inbox

SECURITY = {"none", "starttls", "ssl"}


@dataclass(frozen=True)
class EmailConfig:
    """An email inbox's settings. Empty IMAP host: mail arrives by SMTP or `layan email ingest`."""

    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_username: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"
    # Processed mail is moved here when set, otherwise flagged as seen where it is.
    imap_processed_folder: str = ""
    poll_seconds: int = 60
    # Also wait on the mailbox with IMAP IDLE: new mail is fetched within seconds of arriving
    # (the regular check stays, as a safety net).
    imap_idle: bool = False
    # Empty SMTP host: replies go out through the install's default mailer (LAYAN_EMAIL_URL).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    # Reply-To support+c-<token>@…: needs a mail server that delivers plus-addressed mail.
    reply_token_address: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmailConfig:
        reject_unknown(data, cls.__dataclass_fields__)
        values: dict[str, Any] = {}
        for name, field in cls.__dataclass_fields__.items():
            if name not in data:
                continue
            value = data[name]
            if field.type == "int":
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise ValidationError(
                        _("%(name)s must be a number.") % {"name": name}
                    ) from None
                if not 0 < value < 65536:
                    raise ValidationError(_("%(name)s is out of range.") % {"name": name})
            elif field.type == "bool":
                value = bool(value)
            elif name.endswith("_password"):
                value = unseal(value)  # sealed at rest (inboxes.secrets)
            else:
                value = str(value).strip()
            values[name] = value
        config = cls(**values)
        if config.imap_security not in SECURITY or config.smtp_security not in SECURITY:
            raise ValidationError(_("Security must be one of: none, starttls, ssl."))
        if config.poll_seconds < 10:
            raise ValidationError(_("Poll at most every 10 seconds."))
        if config.imap_host and not config.imap_username:
            raise ValidationError(_("Enter the IMAP user name."))
        return config


def sender_address(inbox: Any) -> str:
    """An inbox's address, or the install's sender when there is none."""
    return (inbox.address if inbox else "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def send_email_via_inbox(message: Any) -> None:
    """An agent's reply by email for a channel that answers by email (a web form, a chat
    visitor who left): through the workspace's email inbox, so the customer's answer comes back
    into the same conversation; the install's default mailer when there is none."""
    inbox = active_inbox(kind=Inbox.Kind.EMAIL, workspace_id=message.conversation.workspace_id)
    config = EmailConfig.from_dict(inbox.config if inbox else {})
    email = build_email(message, config, inbox=inbox or message.inbox)
    send_email(email, config, alias=f"inbox-{inbox.pk if inbox else 'default'}")


def send_workspace_email(
    *,
    workspace: Any,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str],
    inbox: Any = None,
) -> None:
    """Mail from the workspace itself (acknowledgements, chat transcripts): from `inbox` or the
    workspace's email inbox, through that inbox's SMTP settings."""
    inbox = inbox or active_inbox(kind=Inbox.Kind.EMAIL, workspace_id=workspace.pk)
    sender = sender_address(inbox)
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=formataddr((workspace.name, sender)),
        to=[to],
        reply_to=[sender],
        headers=headers,
    )
    config = EmailConfig.from_dict(inbox.config if inbox else {})
    send_email(email, config, alias=f"inbox-{inbox.pk if inbox else 'default'}")


def send_email(email: EmailMessage, config: EmailConfig, *, alias: str) -> None:
    """Send through the inbox's SMTP server (or the default mailer); failures as DeliveryError."""
    try:
        connection = smtp_connection(config, alias=alias) if config.smtp_host else mailers.default
        connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"Recipient refused: {error.recipients}", permanent=True) from error
    except smtplib.SMTPResponseException as error:
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        raise DeliveryError(
            f"SMTP {error.smtp_code}: {text}", permanent=500 <= error.smtp_code < 600
        ) from error
    except (TimeoutError, OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from error


def smtp_connection(config: EmailConfig, *, alias: str) -> EmailBackend:
    return EmailBackend(
        alias=alias,
        host=config.smtp_host,
        port=config.smtp_port,
        username=config.smtp_username or None,
        password=config.smtp_password or None,
        use_tls=config.smtp_security == "starttls",
        use_ssl=config.smtp_security == "ssl",
        timeout=30,
    )


def reply_address(*, address: str, token: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local.split('+')[0]}+c-{token}@{domain}"


def build_email(message: Any, config: EmailConfig, *, inbox: Any = None) -> EmailMultiAlternatives:
    """Our outbound message: threaded headers, the agent's name, text + HTML, attachments.

    `inbox`: the email inbox to send from when the message belongs to another channel (a chat
    reply emailed to a visitor who left)."""
    conversation = message.conversation
    inbox = inbox or message.inbox
    address = sender_address(inbox)
    customer_email = conversation.customer.email
    if not customer_email:
        raise DeliveryError("The customer has no email address.", permanent=True)
    agent_name = message.author_agent.name if message.author_agent else conversation.workspace.name
    sender = formataddr((f"{agent_name} | {conversation.workspace.name}", address))
    earlier = list(
        conversation.messages.exclude(external_id="")
        .exclude(pk=message.pk)
        .exclude(is_note=True)
        .order_by("-created_at", "-id")
        .values_list("external_id", "direction")[:20]
    )
    references = [f"<{external_id}>" for external_id, _direction in reversed(earlier)]
    last_inbound = next((eid for eid, direction in earlier if direction == "in"), None)
    in_reply_to = f"<{last_inbound}>" if last_inbound else (references[-1] if references else None)
    subject = conversation.subject or conversation.workspace.name
    if not subject.lower().startswith("re:") and earlier:
        subject = f"Re: {subject}"
    subject = f"{subject} [#{conversation.number}]"
    marker = f"[ref:{conversation.reply_token}]"
    text = f"{message.text}\n\n{marker}\n"
    paragraphs = "".join(
        f"<p>{escape(block).replace(chr(10), '<br>')}</p>" for block in message.text.split("\n\n")
    )
    html = (
        f'<div dir="auto">{paragraphs}'
        f'<p style="color:#9ca3af;font-size:11px">{escape(marker)}</p></div>'
    )
    headers = {"Message-ID": f"<{message.external_id}>", "Auto-Submitted": "no"}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = " ".join(references)
    reply_to = (
        reply_address(address=address, token=conversation.reply_token)
        if config.reply_token_address
        else address
    )
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender,
        to=[customer_email],
        reply_to=[reply_to],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email
