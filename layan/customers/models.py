"""Customers, the identities they reach us by, and the companies they work for."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Workspace, validate_timezone


class Company(models.Model):
    """A business customer (B2B): its people share an account owner."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(_("name"), max_length=160)
    domain = models.CharField(
        _("email domain"),
        max_length=120,
        blank=True,
        help_text=_("New customers writing from this domain join the company."),
    )
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_companies",
        verbose_name=_("account owner"),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        indexes = [models.Index(fields=["workspace", "domain"])]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="customers")
    name = models.CharField(_("name"), max_length=160, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.ALL_LANGUAGES, blank=True
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customers",
        verbose_name=_("company"),
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Set when this customer was merged into another; kept so the merge can be undone.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(fields=["workspace", "name"])]

    def __str__(self) -> str:
        return self.name or self.primary_address or _("Customer %(id)s") % {"id": self.pk}

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""

    @property
    def primary_address(self) -> str:
        identities: Any = getattr(self, "_prefetched_objects_cache", {}).get("identities")
        if identities is None:
            identities = self.identities.all()
        for identity in identities:
            # A chat visitor's key is a random token: no name to show anyone.
            if identity.kind != Identity.Kind.VISITOR:
                return str(identity.address)
        return ""

    @property
    def email(self) -> str:
        identities = self.identities.all()
        for identity in identities:
            if identity.kind == Identity.Kind.EMAIL:
                return str(identity.address)
        return ""


class Identity(models.Model):
    """One address a customer reaches us from. A customer is found by any of them."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        INSTAGRAM = "instagram", _("Instagram")
        MESSENGER = "messenger", _("Messenger")
        TELEGRAM = "telegram", _("Telegram")
        WECHAT = "wechat", _("WeChat")
        VISITOR = "visitor", _("Chat visitor")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Normalised (see customers.services.identity_normalize): lower-case email, digits-only phone.
    address = models.CharField(_("address"), max_length=255)
    created_at = models.DateTimeField(default=djtz.now)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind", "address"], name="identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.address}"


class CustomerMerge(models.Model):
    """Timeline row of a merge: what moved from `source` to `target`, so it can be undone."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    identity_ids = models.JSONField(default=list)
    conversation_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=djtz.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_id} -> {self.target_id}"
