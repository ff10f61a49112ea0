"""Workspace, agents and admins, teams, skills, and the contact channels a workspace offers."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    validate_email,
)
from django.db import models
from django.utils import timezone as djtz
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour such as #0f766e."))


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_languages(value: Any) -> None:
    known = {code for code, _name in settings.ALL_LANGUAGES}
    if not isinstance(value, list) or not value or not set(value) <= known:
        raise ValidationError(_("Choose one or more of the supported languages."))


def default_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Workspace(models.Model):
    """The business that runs its customer service on this install."""

    name = models.CharField(_("business name"), max_length=120)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    brand_colour = models.CharField(
        _("brand colour"), max_length=7, default="#0f766e", validators=[hex_colour]
    )
    logo = models.FileField(_("logo"), upload_to="brand/", blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Jakarta", validators=[validate_timezone]
    )
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.ALL_LANGUAGES, default="en"
    )
    languages = models.JSONField(
        _("content languages"), default=default_languages, validators=[validate_languages]
    )
    reply_within_minutes = models.PositiveIntegerField(
        _("reply promise (minutes, during support hours)"),
        default=120,
        help_text=_("Shown to customers while support is open: “we usually reply within …”."),
    )
    reply_signature = models.TextField(
        _("reply signature"),
        default="{{ agent.name }}\n{{ workspace.name }}",
        blank=True,
        help_text=_(
            "Added below every reply. Placeholders: {{ agent.name }}, {{ agent.first_name }},"
            " {{ workspace.name }}."
        ),
    )
    bot_confidence = models.FloatField(
        _("answer bot confidence"),
        default=0.9,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "The bot answers only when at least this sure (0 to 1), otherwise it hands over to "
            "a person. Higher: fewer wrong answers, more hand-offs. At 0.9, 95 in 100 answers "
            "were right on the development questions."
        ),
    )
    self_service_window_hours = models.PositiveIntegerField(
        _("self-service window (hours)"),
        default=24,
        help_text=_(
            "A customer the bot or the suggested articles answered, who does not contact a "
            "person within this time, counts as resolved by self-service."
        ),
    )
    acknowledge_requests = models.BooleanField(
        _("acknowledge new requests by email"),
        default=True,
        help_text=_(
            "“We got your message”: its number, your support hours, when to expect a reply, and "
            "articles the answer bot is confident about. Never sent to automatic mail."
        ),
    )
    created_at = models.DateTimeField(default=djtz.now)
    # Renewed whenever what the public help center shows changes (`layan.accounts.page_cache`).
    pages_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.languages and self.default_language not in self.languages:
            raise ValidationError(
                {"default_language": _("The default language must be one of the languages.")}
            )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", User.Role.ADMIN)
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if "workspace" not in extra and "workspace_id" not in extra:
            extra["workspace"] = Workspace.objects.order_by("id").first()
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """An agent or admin of the workspace. Customers are not users (see customers/)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        AGENT = "agent", _("Agent")

    class Availability(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="users")
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(
        _("interface language"),
        max_length=10,
        choices=settings.ALL_LANGUAGES,
        blank=True,
        help_text=_("Empty: follow the browser."),
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    availability = models.CharField(
        _("availability"),
        max_length=10,
        choices=Availability.choices,
        default=Availability.OFFLINE,
    )
    chat_limit = models.PositiveSmallIntegerField(
        _("concurrent chats"),
        default=3,
        help_text=_("New chats are routed to this agent while they have fewer open chats."),
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Timer: when an online or away agent's desk has been silent this long, they go offline.
    presence_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    skills: models.ManyToManyField[Skill, Any] = models.ManyToManyField(
        "Skill", blank=True, related_name="agents"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(default=djtz.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.first_name


class AvailabilityEvent(models.Model):
    """Timeline row: an agent's availability changed (by them, an admin, or the presence timer)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Set by the agent")
        ADMIN = "admin", _("Set by an admin")
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        TIMEOUT = "timeout", _("No activity")

    agent = models.ForeignKey(User, on_delete=models.CASCADE, related_name="availability_events")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    availability = models.CharField(max_length=10, choices=User.Availability.choices)
    previous = models.CharField(max_length=10, choices=User.Availability.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(default=djtz.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agent}: {self.previous} -> {self.availability} ({self.source})"


class Team(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=80)
    # {language: text}, as the desk's languages need it.
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    members = models.ManyToManyField(User, blank=True, related_name="teams")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something an agent can handle: a language they write, or a topic they know."""

    class Kind(models.TextChoices):
        LANGUAGE = "language", _("Language")
        TOPIC = "topic", _("Topic")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="skills")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind", "code"], name="skill_unique")
        ]

    def __str__(self) -> str:
        return self.name


PHONE_PATTERN = re.compile(r"\+?[0-9][0-9 ()\-.]{5,24}")
HANDLE_PATTERN = re.compile(r"@?[A-Za-z0-9_.]{3,64}")
PHONE_MESSAGE = _("Enter a phone number with its country code, e.g. +62 812 3456 7890.")
HANDLE_MESSAGE = _("Enter a handle such as @tokolayan.")
CHANNEL_PATTERNS = {
    "phone": (PHONE_PATTERN, PHONE_MESSAGE),
    "whatsapp": (PHONE_PATTERN, PHONE_MESSAGE),
    "telegram": (HANDLE_PATTERN, HANDLE_MESSAGE),
    "instagram": (HANDLE_PATTERN, HANDLE_MESSAGE),
    "messenger": (HANDLE_PATTERN, HANDLE_MESSAGE),
}


class ContactChannel(models.Model):
    """A way customers can reach the business, listed on the public "Contact us" page."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        TELEGRAM = "telegram", _("Telegram")
        INSTAGRAM = "instagram", _("Instagram")
        MESSENGER = "messenger", _("Messenger")
        ADDRESS = "address", _("Visit us")

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="contact_channels"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value = models.CharField(
        _("address or number"),
        max_length=255,
        help_text=_("Email address, phone number with country code, @handle, or street address."),
    )
    # {language: text}: the note in each language the help center speaks.
    notes = models.JSONField(_("note for customers"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        value = self.value.strip()
        if self.kind == self.Kind.EMAIL:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError({"value": _("Enter a valid email address.")}) from None
        pattern, message = CHANNEL_PATTERNS.get(self.kind, (None, ""))
        if pattern and not pattern.fullmatch(value):
            raise ValidationError({"value": message})
        self.value = value

    @property
    def href(self) -> str:
        """The link that opens this channel on a phone or in a browser ('' when there is none)."""
        digits = re.sub(r"[^0-9]", "", self.value)
        handle = self.value.lstrip("@")
        match self.kind:
            case self.Kind.EMAIL:
                return f"mailto:{self.value}"
            case self.Kind.PHONE:
                return f"tel:+{digits}"
            case self.Kind.WHATSAPP:
                return f"https://wa.me/{digits}"
            case self.Kind.TELEGRAM:
                return f"https://t.me/{handle}"
            case self.Kind.INSTAGRAM:
                return f"https://instagram.com/{handle}"
            case self.Kind.MESSENGER:
                return f"https://m.me/{handle}"
        return ""
