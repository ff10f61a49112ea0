"""Turning untrusted text into HTML that is safe to show: one place for it."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"linkify": False, "html": False}).enable("table")

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def markdown_to_html(text: str) -> str:
    """Markdown -> sanitised HTML (no raw HTML, no scripts, links get rel=noopener)."""
    return clean_html(_markdown.render(text))


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def html_to_text(html: str) -> str:
    """Visible text of sanitised HTML, for search snippets."""
    return " ".join(nh3.clean(html.replace("<", " <"), tags=set()).split())
