"""Indexing and BM25 search over `Document` / `Posting`, identical on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Avg, Count, QuerySet, Sum

from layan.search.analysis import CHINESE_QUERY_NOISE, HAN_CHARACTER, analyze, stem
from layan.search.models import Document, Posting, Term

# Field weights: a word in the title says more about the document than one in the body.
FIELD_WEIGHTS = {"title": 3.0, "questions": 2.0, "body": 1.0}
K1 = 1.2
B = 0.75
MAX_QUERY_TERMS = 32
# Terms found in more than this share of the searched documents are skipped (see _bm25).
COMMON_SHARE = 0.9


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    language: str
    score: float
    # The share of the query's words (as analyzed in this language) the document has. BM25
    # scores of two languages' collections are not comparable; this is (see search_articles).
    matched: float = 1.0


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
    """(Re)index one document: its postings are replaced as a whole, and the document
    frequencies of the terms it gained or lost change with them."""
    weights: dict[str, float] = {}
    for field, text in fields.items():
        factor = FIELD_WEIGHTS[field]
        for term in analyze(text, language):
            weights[term] = weights.get(term, 0.0) + factor
    previous = (
        Document.objects.filter(kind=kind, object_id=object_id, language=language)
        .select_for_update()
        .first()
    )
    before: set[str] = set(previous.postings.values_list("term", flat=True)) if previous else set()
    scope = (workspace_id, language, kind, visibility)
    if previous is not None:
        old_scope = (previous.workspace_id, previous.language, previous.kind, previous.visibility)
        # Same scope: only the terms that came or went change; another scope: all of them.
        kept = before & set(weights) if old_scope == scope else set()
        _terms_add([(*old_scope, term, -1) for term in sorted(before - kept)])
    else:
        kept = set()
    _terms_add([(*scope, term, 1) for term in sorted(set(weights) - kept)])
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
    length = float(sum(weights.values()))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (document_id, term, weight, workspace_id, language, kind, "  # noqa: S608
            "visibility, category_id, length) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    document.pk,
                    term,
                    weight,
                    workspace_id,
                    language,
                    kind,
                    visibility,
                    category_id,
                    length,
                )
                for term, weight in weights.items()
            ],
        )
    return document


def _terms_add(rows: list[tuple[int, str, str, str, str, int]]) -> None:
    """Add to document frequencies: (workspace, language, kind, visibility, term, change)."""
    if not rows:
        return
    table = connection.ops.quote_name(Term._meta.db_table)
    # An upsert both databases speak; the increment is atomic, so concurrent indexing of two
    # documents with the same term counts both.
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (workspace_id, language, kind, visibility, term, df) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (workspace_id, language, term, kind, visibility) "
            f"DO UPDATE SET df = {table}.df + excluded.df",
            rows,
        )


@transaction.atomic
def documents_delete(documents: QuerySet[Document]) -> None:
    """Delete documents from the index, with what they added to the document frequencies."""
    counts = (
        Posting.objects.filter(document__in=documents)
        .values_list("workspace_id", "language", "kind", "visibility", "term")
        .annotate(n=Count("*"))
        .order_by()
    )
    _terms_add([(w, lang, kind, vis, term, -n) for w, lang, kind, vis, term, n in counts])
    Term.objects.filter(df__lte=0).delete()
    documents.delete()


def document_remove(*, kind: str, object_id: int, language: str | None = None) -> None:
    documents = Document.objects.filter(kind=kind, object_id=object_id)
    if language:
        documents = documents.filter(language=language)
    documents_delete(documents)


def search(
    *,
    workspace_id: int,
    query: str,
    languages: Iterable[str],
    kinds: Iterable[str] = ("article",),
    visibility: Iterable[str] = ("public",),
    category_id: int | None = None,
    limit: int = 10,
    correct_typos: bool = True,
) -> list[Hit]:
    """The best documents for `query`, by BM25, across the given languages.

    With `correct_typos`, a Latin word that no document has is replaced by the most frequent
    indexed word one edit away.

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
        scope = {
            "workspace_id": workspace_id,
            "language": language,
            "kind__in": list(kinds),
            "visibility__in": list(visibility),
        }
        if category_id is not None:
            scope["category_id"] = category_id
        hits.extend(_bm25(scope, terms, language, limit, correct_typos))
    hits.sort(key=lambda hit: (-hit.score, hit.kind, hit.object_id, hit.language))
    return hits[:limit]


def _bm25(
    scope: dict[str, Any], terms: Counter[str], language: str, limit: int, correct_typos: bool
) -> list[Hit]:
    """Top documents by BM25 within `scope`, read from the covering index of `Posting`."""
    # COUNT(*), never COUNT(id): these counts must be answered from the covering indexes, and
    # PostgreSQL's indexes do not hold the id (SQLite's do, which hid a heap read per posting).
    # Collection statistics (document count, average length, document frequencies) are those
    # of the language's whole collection, also when one category is searched, as usual for BM25.
    collection = {key: value for key, value in scope.items() if key != "category_id"}
    stats = Document.objects.filter(**collection).aggregate(n=Count("*"), avgdl=Avg("length"))
    total = stats["n"] or 0
    if not total:
        return []
    avgdl = float(stats["avgdl"] or 1.0)
    frequencies = _frequencies(collection, list(terms))
    missing = [term for term in terms if term not in frequencies]
    corrections = _corrections(collection, missing) if correct_typos else {}
    for wrong, (right, df) in corrections.items():
        terms[right] += terms.pop(wrong)
        frequencies[right] = df
    stand_ins = set(frequencies)
    frequencies = _without_found_characters(frequencies)
    stand_ins -= set(frequencies)
    dfs = dict(frequencies)

    # Question words weigh a quarter, and only alongside a content word (see below), unless
    # the query has nothing else.
    noise = {term for term in terms if term in CHINESE_QUERY_NOISE}
    if noise == set(terms):
        noise = set()

    def idf(term: str) -> float:
        """The term's IDF weight in the query (a word no document has weighs the most)."""
        df = dfs.get(term, 0)
        weight = terms[term] * math.log(1 + (total - df + 0.5) / (df + 0.5))
        return weight * NOISE_WEIGHT if term in noise else weight

    # What the whole query weighs: its words, less the characters that only stood in for a
    # word that was found. A document's share of it is `Hit.matched`.
    whole = sum(idf(term) for term in terms if term not in stand_ins)
    # A term in nearly every document (IDF ~0.1 against 5-9 for content words) barely moves
    # the ranking but costs a scan of every posting: leave it out unless nothing else is left.
    selective = {t: df for t, df in frequencies.items() if df <= COMMON_SHARE * total}
    if not selective and frequencies:
        # Only such words (a query of "order", "kirim", "订单" in a shop's help center): the
        # rarest alone ranks nearly as the sum would, for a third of the scan.
        rarest = min(frequencies, key=lambda term: (frequencies[term], term))
        selective = {rarest: frequencies[rarest]}
    # Words left out for being in nearly every document count as had by every document.
    common = sum(idf(term) for term in frequencies if term not in selective)
    frequencies = selective
    if not frequencies:
        return []
    # One statement written out rather than built with Case/When expressions: the ORM's
    # compilation of it cost more than the database's work for most queries. Placeholders only.
    weights = [(term, idf(term)) for term in frequencies]
    filters = " AND ".join(f"{column} = %s" for column in ("workspace_id", "language"))
    params: list[Any] = [scope["workspace_id"], scope["language"]]
    for column, values in (("kind", scope["kind__in"]), ("visibility", scope["visibility__in"])):
        filters += f" AND {column} IN ({', '.join(['%s'] * len(values))})"
        params.extend(values)
    if "category_id" in scope:
        filters += " AND category_id = %s"
        params.append(scope["category_id"])
    cases = " ".join("WHEN %s THEN %s" for _ in weights)
    table = connection.ops.quote_name(Posting._meta.db_table)
    # A document that has only question words ("怎么") is not an answer.
    content_terms = [term for term, _weight in weights if term not in noise]
    having = (
        f"HAVING SUM(CASE WHEN term IN ({', '.join(['%s'] * len(content_terms))}) "
        "THEN 1 ELSE 0 END) > 0 "
        if noise and content_terms
        else ""
    )
    sql = (
        f"SELECT document_id, SUM(CASE term {cases} ELSE 0.0 END * "  # noqa: S608
        f"(weight * {K1 + 1!r}) / (weight + {K1!r} * ({1 - B!r} + %s * length))) AS score, "
        f"SUM(CASE term {cases} ELSE 0.0 END) AS had "
        f"FROM {table} WHERE term IN ({', '.join(['%s'] * len(weights))}) AND {filters} "
        f"GROUP BY document_id {having}ORDER BY score DESC, document_id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *(value for pair in weights for value in pair),
                B / avgdl,
                *(value for pair in weights for value in pair),
                *(term for term, _ in weights),
                *params,
                *(content_terms if having else []),
                limit,
            ],
        )
        rows = cursor.fetchall()
    scores = {document_id: float(score) for document_id, score, _had in rows}
    matched = {document_id: (float(had) + common) / whole for document_id, _score, had in rows}
    documents = {
        pk: (kind, object_id)
        for pk, kind, object_id in Document.objects.filter(pk__in=list(scores)).values_list(
            "pk", "kind", "object_id"
        )
    }
    return [
        Hit(
            kind=documents[pk][0],
            object_id=documents[pk][1],
            language=language,
            score=round(score, 6),
            matched=round(matched[pk], 3),
        )
        for pk, score in scores.items()
    ]


def _without_found_characters(frequencies: dict[str, int]) -> dict[str, int]:
    """A single Han character from a short query word is a fallback for that word (see
    `analysis.analyze`): once the word itself is in the index, the character only adds a long
    list of postings (the frequent characters are in most documents) and noise."""
    words = [term for term in frequencies if len(term) > 1]
    return {
        term: df
        for term, df in frequencies.items()
        if not (len(term) == 1 and HAN_CHARACTER.match(term) and any(term in w for w in words))
    }


def _frequencies(collection: dict[str, Any], terms: list[str]) -> dict[str, int]:
    """Document frequency of each term found in the collection (kinds and visibilities summed)."""
    rows = (
        Term.objects.filter(**collection, term__in=terms, df__gt=0)
        .values("term")
        .annotate(total=Sum("df"))
        .values_list("term", "total")
    )
    return {term: int(df) for term, df in rows}


LETTERS = "abcdefghijklmnopqrstuvwxyz"
# How much a Chinese question word ("怎么", "吗") counts against a content word.
NOISE_WEIGHT = 0.25


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in LETTERS}
        | {a + c + b for a, b in splits for c in LETTERS}
    ) - {word}


def _corrections(scope: dict[str, Any], missing: list[str]) -> dict[str, tuple[str, int]]:
    """Typo tolerance for Latin words: a term no document has -> the most frequent indexed
    term one edit away (with its document frequency). One indexed query per misspelt word."""
    corrections: dict[str, tuple[str, int]] = {}
    for term in missing:
        if len(term) < 4 or not (term.isascii() and term.isalpha()):
            continue
        variants = _one_edit(term)
        if scope.get("language") == "id":
            # Indonesian terms are roots (pengiriman -> kirim): a misspelt word ("pengirman")
            # stays unstemmed, and its root is one edit away in the word, not in the term.
            variants |= {stem(variant, "id") for variant in variants}
        candidates = _frequencies(scope, sorted(variants))
        found = min(candidates.items(), key=lambda item: (-item[1], item[0]), default=None)
        if found:
            corrections[term] = found
    return corrections


def document_remove_other_languages(*, kind: str, object_id: int, keep: Iterable[str]) -> None:
    documents_delete(
        Document.objects.filter(kind=kind, object_id=object_id).exclude(language__in=list(keep))
    )
