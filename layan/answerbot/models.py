"""Dense vectors of the help center's questions and answer sections, for the answer bot."""

from __future__ import annotations

from django.db import models


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
