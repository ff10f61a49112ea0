"""Small rules of writing that differ by language."""

from __future__ import annotations

from django.utils.translation import get_language


def sentence_gap() -> str:
    """What goes between two sentences: a space, except in Chinese ("。明天", not "。 明天")."""
    return "" if (get_language() or "").startswith("zh") else " "


def sentences(*parts: str) -> str:
    return sentence_gap().join(part for part in parts if part)
