"""The desk's search over what was written in conversations: a word a customer used ("voucher",
"kupon", "优惠券") finds the conversations whose messages hold it, in any of the languages.

Indexing: the worker reads messages not yet read (`Message.text_indexed`), in batches, and adds
their analysed words to their conversation's row (`ConversationText`): the help center's own
analysis (Chinese segmented and each Han character, English and Indonesian stemmed) plus each
word as written. Reading is idempotent (a union), so a batch read twice changes nothing.
Querying: every word of the query must be present, as written or stemmed in any interface
language; a Chinese word matches itself or all of its characters (segmentation may differ).
SQLite answers from an FTS5 table, PostgreSQL from a GIN index (migration 0010).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.db.models.expressions import RawSQL

from layan.conversations.models import ConversationText, Message
from layan.search.analysis import HAN_CHARACTER, MAX_TERM, analyze, fold, query_words

logger = logging.getLogger(__name__)

TEXT_BATCH = 500
# What one message and one conversation contribute at most (a pasted log is not a thread).
MESSAGE_CHARS = 10_000
MAX_TERMS = 5_000
# How long the loop waits when every message has been read.
TEXT_IDLE_SECONDS = 1.0
QUERY_WORDS = 8


def message_terms(text: str, language: str) -> set[str]:
    """The terms one message adds: its analysed terms and each word as written."""
    text = text[:MESSAGE_CHARS]
    terms = set(analyze(text, language))
    terms.update(fold(word)[:MAX_TERM] for word in query_words(text))
    return {term for term in terms if term and not any(c.isspace() for c in term)}


def text_index_pass(*, limit: int = TEXT_BATCH) -> int:
    """Read one batch of messages into their conversations' words; returns how many were read.
    Several workers may run it at once: on PostgreSQL each takes messages the others have not
    locked and the conversations' rows in id order; SQLite runs one writer at a time."""
    with transaction.atomic():
        rows = list(
            Message.objects.filter(text_indexed=False)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("id")
            .values_list(
                "id", "conversation_id", "text", "conversation__language",
                "conversation__workspace__default_language",
            )[:limit]
        )  # fmt: skip
        if not rows:
            return 0
        added: dict[int, set[str]] = {}
        for _id, conversation_id, text, language, default_language in rows:
            terms = added.setdefault(conversation_id, set())
            if text:
                terms |= message_terms(text, language or default_language or "en")
        ConversationText.objects.bulk_create(
            [ConversationText(conversation_id=pk) for pk in added], ignore_conflicts=True
        )
        changed = []
        for row in (
            ConversationText.objects.select_for_update()
            .filter(conversation_id__in=added)
            .order_by("conversation_id")
        ):
            known = row.terms.split()
            new = sorted(added[row.conversation_id].difference(known))
            if new and len(known) < MAX_TERMS:
                row.terms = " ".join([*known, *new][:MAX_TERMS])
                changed.append(row)
        ConversationText.objects.bulk_update(changed, ["terms"], batch_size=200)
        Message.objects.filter(id__in=[row[0] for row in rows]).update(text_indexed=True)
    return len(rows)


def text_index_loop(stop: threading.Event) -> None:
    """Background loop (`layan worker`, `layan run`): read new messages until stopped. A failing
    pass (the database restarting) is logged and tried again."""
    while not stop.is_set():
        close_old_connections()
        try:
            read = text_index_pass()
        except Exception:
            logger.exception("text index pass failed")
            read = 0
        if not read:
            stop.wait(TEXT_IDLE_SECONDS)
    connections.close_all()


def _alternatives(word: str) -> list[list[str]]:
    """What may stand for one query word in the index, as a choice of term sets (any one set,
    all of its terms): the word as written, its stem in each language, and for a Chinese word
    its characters."""
    folded = fold(word)[:MAX_TERM]
    if HAN_CHARACTER.match(folded):
        choices = [[folded]]
        if len(folded) > 1:
            choices.append(list(dict.fromkeys(folded)))
        return choices
    choices = [[folded]]
    for language, _name in settings.LANGUAGES:
        terms = [t for t in analyze(word, language) if t]
        if terms and terms not in choices:
            choices.append(terms)
    return choices


def _groups(query: str) -> list[list[list[str]]]:
    words = [w for w in query_words(query) if w.strip()][:QUERY_WORDS]
    return [choices for choices in (_alternatives(w) for w in words) if choices]


def _fts5(groups: list[list[list[str]]]) -> str:
    def term(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    def choice(terms: list[str]) -> str:
        return term(terms[0]) if len(terms) == 1 else "(" + " AND ".join(map(term, terms)) + ")"

    return " AND ".join("(" + " OR ".join(choice(c) for c in group) + ")" for group in groups)


def _tsquery(groups: list[list[list[str]]]) -> str:
    def term(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def choice(terms: list[str]) -> str:
        return term(terms[0]) if len(terms) == 1 else "(" + " & ".join(map(term, terms)) + ")"

    return " & ".join("(" + " | ".join(choice(c) for c in group) + ")" for group in groups)


def conversations_with_words(query: str) -> RawSQL | None:
    """A subquery of the ids of conversations whose messages hold every word of `query`, or
    None when the query has no word to look for."""
    groups = _groups(query)
    if not groups:
        return None
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT conversation_id FROM conversations_conversationtext WHERE "
            "array_to_tsvector(string_to_array(NULLIF(terms, ''), ' ')) @@ %s::tsquery",
            [_tsquery(groups)],
        )
    return RawSQL(
        "SELECT rowid FROM conversations_text_fts WHERE conversations_text_fts MATCH %s",
        [_fts5(groups)],
    )
