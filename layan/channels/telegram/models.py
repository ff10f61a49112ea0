"""Sign-in links: a shop's website sends its signed-in customer to the bot with a short token
(Telegram allows 64 characters after ?start=), which stands for the customer's email here."""

from __future__ import annotations

from django.db import models
from django.utils import timezone as djtz

from layan.inboxes.models import Inbox


class SignInLink(models.Model):
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    email = models.EmailField()
    name = models.CharField(max_length=160, blank=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=djtz.now)

    def __str__(self) -> str:
        return self.token
