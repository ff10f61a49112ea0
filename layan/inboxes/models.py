"""Inboxes (configured channels) and the raw inbound payloads they receive.

An inbox is one channel a workspace answers on: `kind` names its adapter (registered by a
channel's app, `layan/channels/<name>/`), and `config` holds that adapter's settings, validated
by the adapter's own schema. Every inbound payload is stored as an `InboundRaw` row *before* it is
parsed, so a payload that fails is kept, shown to admins with its error, and retried.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Team, Workspace
from layan.inboxes import registry


class Inbox(models.Model):
    class Kind:
        """Names of the kinds the house's own code refers to. The choices are the registered
        channels (`registry.kind_choices`): a new channel needs no line here."""

        EMAIL = "email"
        CHAT = "chat"
        WEBFORM = "webform"
        PHONE = "phone"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="inboxes")
    kind = models.CharField(_("channel"), max_length=12, choices=registry.kind_choices)
    name = models.CharField(_("name"), max_length=120)
    # The address customers write to (email), or the number they call.
    address = models.CharField(_("address"), max_length=255, blank=True)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default team"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # A channel the shop does not staff: each message is kept, not queued, and the customer is
    # told once a day where and when the shop does answer (automations.redirect).
    redirect_only = models.BooleanField(_("redirect only"), default=False)
    # Timer: when this inbox's mailbox is next polled (email inboxes with IMAP settings).
    poll_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_poll_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        verbose_name = _("inbox")
        verbose_name_plural = _("inboxes")
        ordering = ["name"]
        indexes = [models.Index(fields=["workspace", "kind", "address"])]

    def __str__(self) -> str:
        return self.name


class InboundRaw(models.Model):
    """An inbound payload exactly as it arrived (an email's bytes, a webhook body)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        # Stored by a webhook, waiting for the worker's drain loop (conversations.inbound).
        QUEUED = "queued", _("Queued")
        PROCESSED = "processed", _("Processed")
        DUPLICATE = "duplicate", _("Duplicate")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="raw_messages")
    source = models.CharField(max_length=20)
    # sha256 of the payload: the same bytes delivered twice are stored once.
    digest = models.CharField(max_length=64)
    payload = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Timer: a failed payload is retried (with backoff) until it succeeds or runs out of tries.
    retry_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(default=djtz.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    reprocessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["inbox", "digest"], name="inbound_raw_unique")
        ]
        indexes = [
            models.Index(fields=["inbox", "status"]),
            # The drain loop's query: the few queued rows, oldest first, among millions.
            models.Index(
                fields=["id"], condition=models.Q(status="queued"), name="inbound_raw_queued"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.status})"
