"""Dense vectors of the help center's questions and answer sections, for the answer bot."""

from __future__ import annotations

from django.db import models
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _


class Passage(models.Model):
    """One embedded piece of a published article in one language.

    Questions (the title and each alternative question) are embedded like customer questions;
    answer sections like passages: e5 matches question to question best.
    """

    class Kind(models.TextChoices):
        QUESTION = "question"
        SECTION = "section"

    workspace_id = models.BigIntegerField()
    article_id = models.BigIntegerField()
    language = models.CharField(max_length=10)
    visibility = models.CharField(max_length=10)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    vector = models.BinaryField()

    class Meta:
        indexes = [
            models.Index(fields=["workspace_id", "visibility"]),
            models.Index(fields=["article_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id}/{self.language}#{self.position}"


class PassageSet(models.Model):
    """A workspace's passages, as a change counter: a process rebuilds its matrix of them when
    the counter moves (one row read per question, instead of counting every passage)."""

    workspace_id = models.BigIntegerField(primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"passages of workspace {self.workspace_id}: version {self.version}"


class BotSession(models.Model):
    """One customer's self-service attempt and how it ended: the basis of deflection reports.

    Opened when the bot answers (chat) or suggests articles (contact form); ended as resolved
    (the customer said it answered them, or did not contact a person within the workspace's
    window) or handed off (asked for a person, the bot was unsure, a sensitive topic, the form
    sent anyway).
    """

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved by self-service")
        HANDED_OFF = "handed_off", _("Handed to a person")

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    # "chat:<conversation>", "webform:<form id>": one session per attempt.
    key = models.CharField(max_length=100)
    channel = models.CharField(max_length=12)
    language = models.CharField(max_length=10, blank=True)
    question = models.TextField(blank=True)
    # The folded question, so the same question asked twice is one content gap.
    normalized = models.CharField(max_length=200, blank=True, db_index=True)
    article = models.ForeignKey(
        "knowledge.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    # Why it ended: confirmed, answered, no_contact, asked_for_person, low_confidence,
    # no_content, sensitive, submitted_anyway, not_answered, contacted_person, waiting.
    reason = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(default=djtz.now, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Timer: an open session with no contact with a person by then counts as resolved.
    close_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="bot_session_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.outcome})"
