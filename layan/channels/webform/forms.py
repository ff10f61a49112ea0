from __future__ import annotations

from django import forms
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from layan.conversations.forms import MAX_UPLOAD_BYTES
from layan.core.widgets import Textarea


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=160)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    message = forms.CharField(
        label=_("How can we help?"), max_length=5000, widget=Textarea(attrs={"rows": 6})
    )
    attachment = forms.FileField(label=_("Attach a file (optional)"), required=False)
    # Sent twice (a double click, a reload), the same form is one message.
    form_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The articles suggested while the customer typed (filled in by the suggestions).
    suggested = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"form_id": get_random_string(24)})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean_attachment(self) -> object:
        upload = self.cleaned_data.get("attachment")
        if upload is not None and (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("That file is too big (at most %(mb)s MB).")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def suggested_ids(self) -> list[int]:
        raw = self.cleaned_data.get("suggested") or ""
        return [int(part) for part in raw.split(",") if part.strip().isdigit()][:10]
