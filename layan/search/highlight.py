"""Search snippets: the part of a text that matches a query, with the matches marked."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from layan.search.analysis import RUN, analyze, fold, query_words


def highlight(text: str, query: str, language: str, width: int = 200) -> SafeString:
    """An escaped excerpt of `text` around the first match, matches wrapped in <mark>."""
    folded = fold(text)
    # fold() keeps lengths for almost all text; if not, fall back to the folded form.
    source = text if len(folded) == len(text) else folded
    spans = _match_spans(folded, query, language)
    start = max(0, spans[0][0] - width // 4) if spans else 0
    end = min(len(source), start + width)
    pieces: list[str] = ["…" if start else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces.append(escape(source[cursor:span_start]))
        pieces.append(f"<mark>{escape(source[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(source[cursor:end]))
    pieces.append("…" if end < len(source) else "")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above


def _match_spans(folded: str, query: str, language: str) -> list[tuple[int, int]]:
    wanted = set(analyze(query, language))
    han_words = [w for w in query_words(query) if RUN.fullmatch(w) and not w.isascii()]
    long_han = [w for w in han_words if len(w) > 1] or han_words
    spans: list[tuple[int, int]] = []
    for match in RUN.finditer(folded):
        if match.lastgroup == "word":
            # Analyzed like the index (slang rewritten, stemmed): "Ongkir" matches "ongkos".
            if wanted.intersection(analyze(match.group(0), language)):
                spans.append(match.span())
            continue
        for word in long_han:
            at = match.group(0).find(word)
            while at != -1:
                spans.append((match.start() + at, match.start() + at + len(word)))
                at = match.group(0).find(word, at + len(word))
    return sorted(set(spans))
