"""Indexing and BM25 search over `Document` / `Posting`, identical on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Avg, Case, Count, F, FloatField, QuerySet, Sum, Value, When
from django.db.models.functions import Cast

from layan.search.analysis import analyze
from layan.search.models import Document, Posting

# Field weights: a word in the title says more about the document than one in the body.
FIELD_WEIGHTS = {"title": 3.0, "questions": 2.0, "body": 1.0}
K1 = 1.2
B = 0.75
MAX_QUERY_TERMS = 32


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    language: str
    score: float


@transaction.atomic
def document_index(
    *,
    workspace_id: int,
    kind: str,
    object_id: int,
    language: str,
    visibility: str,
    category_id: int | None,
    fields: Mapping[str, str],
) -> Document:
    """(Re)index one document: its postings are replaced as a whole."""
    weights: dict[str, float] = {}
    for field, text in fields.items():
        factor = FIELD_WEIGHTS[field]
        for term in analyze(text, language):
            weights[term] = weights.get(term, 0.0) + factor
    document, _created = Document.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        language=language,
        defaults={
            "workspace_id": workspace_id,
            "visibility": visibility,
            "category_id": category_id,
            "length": float(sum(weights.values())),
        },
    )
    document.postings.all().delete()
    # A plain executemany: bulk_create's per-object work dominated indexing time. The table
    # name comes from the model, never from input.
    table = connection.ops.quote_name(Posting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (document_id, term, weight) VALUES (%s, %s, %s)",  # noqa: S608
            [(document.pk, term, weight) for term, weight in weights.items()],
        )
    return document


def document_remove(*, kind: str, object_id: int, language: str | None = None) -> None:
    documents = Document.objects.filter(kind=kind, object_id=object_id)
    if language:
        documents = documents.filter(language=language)
    documents.delete()


def search(
    *,
    workspace_id: int,
    query: str,
    languages: Iterable[str],
    kinds: Iterable[str] = ("article",),
    visibility: Iterable[str] = ("public",),
    category_id: int | None = None,
    limit: int = 10,
) -> list[Hit]:
    """The best documents for `query`, by BM25, across the given languages.

    The query is analyzed once per language and matched against that language's documents,
    so an Indonesian query meets Sastrawi-stemmed Indonesian articles and a Chinese one meets
    jieba-segmented Chinese articles.
    """
    hits: list[Hit] = []
    for language in dict.fromkeys(languages):
        terms = Counter(analyze(query, language, query=True))
        if not terms:
            continue
        terms = Counter(dict(terms.most_common(MAX_QUERY_TERMS)))
        documents = Document.objects.filter(
            workspace_id=workspace_id,
            language=language,
            kind__in=list(kinds),
            visibility__in=list(visibility),
        )
        if category_id is not None:
            documents = documents.filter(category_id=category_id)
        hits.extend(_bm25(documents, terms, language, limit))
    hits.sort(key=lambda hit: (-hit.score, hit.kind, hit.object_id, hit.language))
    return hits[:limit]


def _bm25(
    documents: QuerySet[Document], terms: Counter[str], language: str, limit: int
) -> list[Hit]:
    stats = documents.aggregate(n=Count("id"), avgdl=Avg("length"))
    total = stats["n"] or 0
    if not total:
        return []
    avgdl = float(stats["avgdl"] or 1.0)
    postings = Posting.objects.filter(document__in=documents, term__in=list(terms))
    frequencies = dict(postings.values("term").annotate(df=Count("id")).values_list("term", "df"))
    if not frequencies:
        return []
    term_factor = Case(
        *[
            When(
                term=term,
                then=Value(count * math.log(1 + (total - df + 0.5) / (df + 0.5))),
            )
            for term, count in terms.items()
            if (df := frequencies.get(term))
        ],
        default=Value(0.0),
        output_field=FloatField(),
    )
    weight = Cast(F("weight"), FloatField())
    length = Cast(F("document__length"), FloatField())
    saturation = (weight * Value(K1 + 1)) / (
        weight + Value(K1) * (Value(1 - B) + Value(B / avgdl) * length)
    )
    rows = (
        postings.values("document_id", "document__kind", "document__object_id")
        .annotate(score=Sum(term_factor * saturation, output_field=FloatField()))
        .order_by("-score", "document_id")[:limit]
    )
    return [
        Hit(
            kind=row["document__kind"],
            object_id=row["document__object_id"],
            language=language,
            score=round(float(row["score"]), 6),
        )
        for row in rows
    ]


def document_remove_other_languages(*, kind: str, object_id: int, keep: Iterable[str]) -> None:
    Document.objects.filter(kind=kind, object_id=object_id).exclude(
        language__in=list(keep)
    ).delete()
