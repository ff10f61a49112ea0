"""Account emails (invitation, password reset), sent by the worker in the agent's language."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from layan.accounts.models import User

KINDS = {"invite", "reset"}


@task()
def account_email_task(*, user_id: int, kind: str, base_url: str) -> str:
    """Send an invitation or a password-reset link. Re-reads the agent; skips those now inactive."""
    if kind not in KINDS:
        raise ValueError(f"unknown account email kind {kind!r}")
    user = User.objects.select_related("workspace").filter(pk=user_id, is_active=True).first()
    if user is None:
        return "skipped"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("accounts:password_reset_confirm", args=[uid, token])
    language = user.language or user.workspace.default_language
    with translation.override(language):
        context = {"user": user, "workspace": user.workspace, "link": link}
        subject = render_to_string(f"accounts/email/{kind}_subject.txt", context).strip()
        text = render_to_string(f"accounts/email/{kind}.txt", context)
        html = render_to_string(f"accounts/email/{kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return "sent"
