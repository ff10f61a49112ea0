"""Conversations (tickets), their messages and attachments, tags, the timeline, and macros."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Team, Workspace
from layan.customers.models import Customer
from layan.inboxes.models import InboundRaw, Inbox


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique")]

    def __str__(self) -> str:
        return self.name


class WorkspaceCounter(models.Model):
    """Per-workspace sequence for conversation numbers (incremented under the write lock)."""

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    last_conversation_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.last_conversation_number}"


def choice_display(field: str, choices: type[models.Choices]) -> Callable[[models.Model], str]:
    """get_FOO_display from a table built once: Django's generated one rebuilds a dict of
    every choice on each call (a tenth of rendering a list of 50 conversations)."""
    labels = dict(choices.choices)

    def display(instance: models.Model) -> str:
        value = getattr(instance, field)
        return str(labels.get(value, value))

    return display


class Conversation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending")
        ON_HOLD = "on_hold", _("On hold")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # Subject without "Re:"/"Fwd:"/"[#123]" prefixes, lower-cased: the last threading fallback.
    subject_key = models.CharField(max_length=255, blank=True)
    inbox = models.ForeignKey(Inbox, on_delete=models.PROTECT, related_name="conversations")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="conversations")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Secret used in the reply-to address (support+c<token>@…) and the hidden body marker.
    reply_token = models.CharField(max_length=24, unique=True)
    message_count = models.PositiveIntegerField(default=0)
    preview = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=djtz.now)
    last_activity_at = models.DateTimeField(default=djtz.now)
    # Since when the customer has been waiting for us (None: the ball is in their court).
    waiting_since = models.DateTimeField(null=True, blank=True)
    first_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_agent_reply_at = models.DateTimeField(null=True, blank=True)
    last_agent_reply_at = models.DateTimeField(null=True, blank=True)
    agent_reply_count = models.PositiveIntegerField(default=0)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Read receipts (live chat): the last message id each side has seen.
    customer_read_upto = models.PositiveBigIntegerField(default=0)
    agent_read_upto = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="conversation_number")
        ]
        indexes = [
            # Inbox views. Counts per status read conv_status; a page sorted by activity walks
            # conv_activity newest first and stops after 50 matches (no sort of 40k rows).
            models.Index(fields=["workspace", "status", "-last_activity_at"], name="conv_status"),
            models.Index(fields=["workspace", "-last_activity_at", "-id"], name="conv_activity"),
            models.Index(
                fields=["workspace", "assignee", "status", "-last_activity_at"],
                name="conv_assignee",
            ),
            models.Index(
                fields=["workspace", "waiting_since", "id", "status"], name="conv_waiting"
            ),
            models.Index(fields=["customer", "-last_activity_at"], name="conv_customer"),
            models.Index(fields=["workspace", "subject_key"], name="conv_subject"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    get_status_display = choice_display("status", Status)
    get_priority_display = choice_display("priority", Priority)


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")
        INTERNAL = "internal", _("Internal")

    class Author(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        BOT = "bot", _("Bot")
        SYSTEM = "system", _("System")

    class Delivery(models.TextChoices):
        NONE = "", _("Not sent")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        # Reported by the provider (messaging channels): on the customer's phone, then seen.
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    inbox = models.ForeignKey(Inbox, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    author_kind = models.CharField(max_length=8, choices=Author.choices)
    author_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_note = models.BooleanField(default=False)
    # The visible text (quotes and signatures stripped) and the full text as received.
    text = models.TextField(blank=True)
    full_text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    # Channel id for idempotency: the email Message-ID, a webhook's message id.
    external_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=255, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    raw = models.ForeignKey(
        InboundRaw, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, blank=True)
    delivery_error = models.TextField(blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    # Timer: a failed delivery is retried with backoff.
    delivery_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)
    # Whether the desk's search has the words of this message (conversations.textsearch).
    text_indexed = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inbox", "external_id"],
                condition=~Q(external_id=""),
                name="message_external_id",
            )
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_thread"),
            # Threading and bounces look a Message-ID up across the workspace's inboxes.
            models.Index(fields=["external_id"], name="message_external"),
            # The messages the text index has not read yet: a short list, read in id order.
            models.Index(
                fields=["id"], condition=Q(text_indexed=False), name="message_text_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} message {self.pk}"

    get_delivery_display = choice_display("delivery", Delivery)


def private_storage() -> Storage:
    return storages["private"]


class ConversationText(models.Model):
    """The words of a conversation's messages, analysed as the help center's search analyses
    text (Chinese segmented, English and Indonesian stemmed, plus each word as written), space
    separated: what the desk's search matches when an agent looks for a word a customer wrote.
    Kept by the worker (conversations.textsearch); a full-text index over `terms` (SQLite
    FTS5, PostgreSQL GIN; migration 0010) finds the conversations holding every word."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    terms = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"words of {self.conversation_id}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/", storage=private_storage)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(default=0)
    # Inline images are referenced from the HTML as cid:<content_id>.
    content_id = models.CharField(max_length=255, blank=True)
    is_inline = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class ConversationEvent(models.Model):
    """Timeline row: one state change of a conversation, who made it and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        ASSIGNED = "assigned", _("Assigned")
        TRANSFERRED = "transferred", _("Transferred")
        TEAM = "team", _("Team changed")
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        TAGGED = "tagged", _("Tagged")
        UNTAGGED = "untagged", _("Tag removed")
        REOPENED = "reopened", _("Reopened")
        MERGED = "merged", _("Customers merged")
        UNMERGED = "unmerged", _("Customer merge undone")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        BOT = "bot", _("Answer bot")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        TRANSCRIPT = "transcript", _("Transcript emailed")
        # A message in a redirect-only inbox: kept, not queued (automations.redirect).
        REDIRECTED = "redirected", _("Redirected")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.data}"


class Macro(models.Model):
    """A canned reply. Placeholders ({{ customer.first_name }}…) are filled in when inserted."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="macros")
    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {{ customer.first_name }}, {{ customer.name }}, {{ agent.first_name }},"
            " {{ agent.name }}, {{ conversation.number }}, {{ workspace.name }}."
        ),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
