from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layan.conversations.models import Conversation, Macro
from layan.core.widgets import Textarea
from layan.customers.models import Identity
from layan.inboxes.models import Inbox

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ReplyForm(forms.Form):
    MODES = [("reply", _("Reply")), ("note", _("Internal note"))]

    text = forms.CharField(label=_("Message"), widget=Textarea(attrs={"rows": 6}), required=False)
    mode = forms.ChoiceField(choices=MODES, initial="reply")
    status = forms.ChoiceField(
        label=_("Then set status"),
        choices=[("", _("Keep status")), *list(Conversation.Status.choices)],
        required=False,
    )


class ConversationNewForm(forms.Form):
    inbox: forms.ModelChoiceField[Inbox] = forms.ModelChoiceField(
        queryset=Inbox.objects.none(), label=_("Channel")
    )
    kind = forms.ChoiceField(
        label=_("Customer's address kind"),
        choices=[(Identity.Kind.EMAIL, _("Email")), (Identity.Kind.PHONE, _("Phone"))],
    )
    address = forms.CharField(label=_("Customer's email or phone"), max_length=255)
    name = forms.CharField(label=_("Customer's name"), max_length=160, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    text = forms.CharField(label=_("Message"), widget=Textarea(attrs={"rows": 6}), required=False)
    send = forms.ChoiceField(
        label=_("This message is"),
        choices=[
            ("log", _("What the customer told us (call, walk-in)")),
            ("send", _("Sent to the customer by email")),
        ],
        widget=forms.RadioSelect,
        initial="log",
    )

    def __init__(self, *args: Any, inboxes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inbox"].queryset = inboxes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("send") == "send" and data.get("kind") != Identity.Kind.EMAIL:
            raise forms.ValidationError(_("Only an email address can be sent a message."))
        inbox = data.get("inbox")
        if data.get("send") == "send" and inbox is not None and inbox.kind != "email":
            raise forms.ValidationError(_("Choose an email inbox to send an email."))
        return data


class MacroForm(forms.ModelForm[Macro]):
    class Meta:
        model = Macro
        fields = ["name", "body", "language"]
        widgets = {"body": Textarea(attrs={"rows": 6})}
