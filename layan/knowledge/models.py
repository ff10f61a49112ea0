"""Knowledge base: categories, articles and FAQ entries in several languages, with history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layan.accounts.models import Workspace
from layan.core.translated import in_language


class Category(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="categories")
    slug = models.SlugField(_("short name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="category_slug_unique")
        ]

    def __str__(self) -> str:
        return self.slug


class CategoryTranslation(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.ALL_LANGUAGES)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="category_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """An article or FAQ entry; its text lives in one `ArticleTranslation` per language."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        FAQ = "faq", _("FAQ entry")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "internal", _("Internal (agents only)")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="articles")
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    review_by = models.DateField(
        _("review by"), null=True, blank=True, help_text=_("When to check this is still right.")
    )
    views = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["workspace", "status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.visibility == self.Visibility.PUBLIC


class ArticleTranslation(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.ALL_LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=200, allow_unicode=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    # Rendered from `body` and sanitised when saved: pages never render Markdown themselves.
    body_html = models.TextField(blank=True)
    questions = models.TextField(
        _("other ways customers ask this"), blank=True, help_text=_("One question per line.")
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="article_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]


class ArticleRevision(models.Model):
    """A saved version of one translation: the history behind "restore"."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    questions = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} @ {self.created_at:%Y-%m-%d %H:%M}"


class ArticleFeedback(models.Model):
    """ "Was this helpful?" from a reader, optionally with a comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    language = models.CharField(max_length=10)
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["article", "helpful"])]

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"


class SearchLog(models.Model):
    """One help-center search, for "top searches" and "searches with no results"."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=200)
    # The folded query, so "Ongkir" and "ongkir " count as one search.
    normalized = models.CharField(max_length=200, db_index=True)
    language = models.CharField(max_length=10)
    results = models.PositiveIntegerField()
    clicked = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.query} ({self.results})"


class ShippingPolicy(models.Model):
    """The shop's shipping and returns promises as structured fields, so the public page reads
    the same in every language and stays consistent with what agents and the bot say."""

    class Duties(models.TextChoices):
        INCLUDED = "included", _("Included in the price")
        CUSTOMER = "customer", _("Paid by the customer on delivery")
        NONE = "none", _("We only ship domestically")

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="shipping_policy"
    )
    currency = models.CharField(_("currency symbol"), max_length=8, default="Rp")
    processing_days_min = models.PositiveSmallIntegerField(_("processing time from (days)"))
    processing_days_max = models.PositiveSmallIntegerField(_("processing time to (days)"))
    cutoff_time = models.TimeField(
        _("same-day cut-off"),
        null=True,
        blank=True,
        help_text=_("Orders paid before this time are packed the same working day."),
    )
    ships_on_weekends = models.BooleanField(_("packs and ships on weekends"), default=False)
    duties = models.CharField(
        _("taxes and duties"), max_length=10, choices=Duties.choices, default=Duties.NONE
    )
    po_boxes = models.BooleanField(_("delivers to P.O. boxes"), default=False)
    return_window_days = models.PositiveSmallIntegerField(_("return window (days)"), default=7)
    free_returns_when_faulty = models.BooleanField(
        _("free returns for damaged or wrong items"), default=True
    )
    # {language: Markdown}: special addresses, and the steps to return an item.
    address_notes = models.JSONField(default=dict, blank=True)
    return_steps = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Shipping policy of {self.workspace}"


class DeliveryOption(models.Model):
    policy = models.ForeignKey(ShippingPolicy, on_delete=models.CASCADE, related_name="options")
    # {language: name}, e.g. {"en": "Regular (JNE REG)", "id": "Reguler (JNE REG)"}.
    names = models.JSONField(default=dict)
    days_min = models.PositiveSmallIntegerField(_("delivery from (days)"))
    days_max = models.PositiveSmallIntegerField(_("delivery to (days)"))
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2)
    free_over = models.DecimalField(
        _("free over"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return next(iter(self.names.values()), "delivery option")

    def name_in(self, language: str, fallback: str) -> str:
        return in_language(self.names, language, fallback) or str(self)
