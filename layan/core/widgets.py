"""Form widgets whose value is the same in every language.

An ``<input type="time">`` or ``type="date"`` shows its value in the reader's locale but only
accepts ISO text in its ``value`` attribute (``08:00``, ``2026-12-25``). Django's date and time
widgets render the active language's first input format (``08.00.00`` in Indonesian,
``2026/12/25`` in Chinese), which the browser cannot show: the box is empty, and a form saved
unchanged loses the value. These widgets always render ISO; Django's fields parse ISO in every
language.
"""

from __future__ import annotations

from typing import Any

from django import forms


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class Textarea(forms.Textarea):
    """A textarea whose text keeps the line breaks it was shown with.

    Browsers send every line break of a textarea as CRLF: without this, a text saved unchanged
    would differ from the stored one (a new article revision, a longer text against its limit).
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
