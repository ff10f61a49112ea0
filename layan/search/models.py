"""A portable inverted index: one row per searchable document, one posting per (document, term),
and each term's document frequency per scope.

Ranking is BM25 computed in SQL over these rows, so SQLite and PostgreSQL rank alike. A posting
repeats its document's filter columns and length so that a query reads one covering index and
never joins (measured at 20k documents: 48 ms with the join, under 10 ms without). Document
frequencies are kept as they change (`Term`), as a search engine's term dictionary does:
counting them from the postings at query time scanned every posting of every query word.
"""

from __future__ import annotations

from django.db import models


class Document(models.Model):
    """One searchable thing in one language (an article translation, later a forum topic…)."""

    workspace_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    language = models.CharField(max_length=10)
    # "public" or "internal" (agents only).
    visibility = models.CharField(max_length=10)
    category_id = models.BigIntegerField(null=True)
    # Field-weighted number of terms, for BM25's length normalisation.
    length = models.FloatField()
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="search_document_unique"
            )
        ]
        indexes = [
            # Covering: a search's collection statistics (count, average length) read the index
            # alone on PostgreSQL too (SQLite's indexes hold the rowid, PostgreSQL's do not).
            models.Index(
                fields=["workspace_id", "language", "kind", "visibility", "category_id", "length"],
                name="search_document_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.language})"


class Posting(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="postings")
    term = models.CharField(max_length=64)
    # Field-weighted term frequency (a title hit counts more than a body hit).
    weight = models.FloatField()
    # Copies of the document's columns, written together with it (see the module docstring).
    workspace_id = models.BigIntegerField()
    language = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)
    visibility = models.CharField(max_length=10)
    category_id = models.BigIntegerField(null=True)
    length = models.FloatField()

    class Meta:
        indexes = [
            models.Index(
                fields=[
                    "term",
                    "workspace_id",
                    "language",
                    "kind",
                    "visibility",
                    "document",
                    "weight",
                    "length",
                    "category_id",
                ],
                name="search_posting_cover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} x{self.weight:g}"


class Term(models.Model):
    """How many documents of one scope (workspace, language, kind, visibility) hold a term.

    Kept by the indexing functions of `layan.search.engine` in the same transaction as the
    postings (added on index, taken away on reindex and removal), with atomic increments.
    """

    workspace_id = models.BigIntegerField()
    language = models.CharField(max_length=10)
    term = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    visibility = models.CharField(max_length=10)
    df = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace_id", "language", "term", "kind", "visibility"],
                name="search_term_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} df={self.df}"
