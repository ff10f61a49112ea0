"""Short texts a shop writes once per language (a holiday's name, a channel's note, a team's
description), stored as {language: text} in a JSON column, like the shipping policy's notes.

`in_language` picks the reader's, then the workspace's default, then any; `TranslatedFields`
gives a form one field per workspace language for such a column.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(texts: dict[str, str] | None, language: str = "", fallback: str = "") -> str:
    texts = texts or {}
    for code in (language or get_language() or "", fallback, *texts):
        if code and texts.get(code):
            return texts[code]
    return ""


def language_names(codes: list[str]) -> list[tuple[str, str]]:
    """(code, name) for these codes; every language Layan knows, also one this install hides."""
    names = dict(settings.ALL_LANGUAGES)
    return [(code, str(names.get(code, code))) for code in codes]


class TranslatedFields:
    """A form mixin: `translated_fields(name, label, languages)` adds `<name>_<code>` fields
    (initial from `initial_texts`); `translated_value(name)` collects them back."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def translated_fields(
        self,
        name: str,
        *,
        label: Any,
        languages: list[str],
        initial_texts: dict[str, str] | None = None,
        max_length: int | None = 255,
        widget: forms.Widget | None = None,
    ) -> None:
        for code, language_name in language_names(languages):
            self.fields[f"{name}_{code}"] = forms.CharField(
                label=_("%(field)s (%(language)s)") % {"field": label, "language": language_name},
                max_length=max_length,
                required=False,
                initial=(initial_texts or {}).get(code, ""),
                widget=copy.deepcopy(widget) if widget is not None else None,
            )

    def translated_value(self, name: str) -> dict[str, str]:
        prefix = f"{name}_"
        return {
            key[len(prefix) :]: value.strip()
            for key, value in self.cleaned_data.items()
            if key.startswith(prefix) and isinstance(value, str) and value.strip()
        }
