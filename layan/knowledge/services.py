"""Writes to the knowledge base. Each save of a translation keeps a revision; the search index
follows published articles through a task run after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from layan.accounts.models import User, Workspace
from layan.accounts.page_cache import public_pages_changed
from layan.core.events import Event, publish
from layan.core.sanitize import markdown_to_html
from layan.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleRevision,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    DeliveryOption,
    SearchLog,
    ShippingPolicy,
)
from layan.search import engine
from layan.search.analysis import fold

MAX_COMMENT = 2000


def _reindex_after_commit(article: Article) -> None:
    article_id = article.pk
    transaction.on_commit(lambda: article_index_task.enqueue(article_id=article_id))


@transaction.atomic
def category_save(
    *,
    workspace: Workspace,
    category: Category | None,
    slug: str,
    position: int,
    names: dict[str, tuple[str, str]],
) -> Category:
    """Create or update a category and its names ({language: (name, description)})."""
    category = category or Category(workspace=workspace)
    category.slug = slugify(slug) or "category"
    category.position = position
    category.full_clean(exclude=["workspace"])
    if (
        Category.objects.filter(workspace=workspace, slug=category.slug)
        .exclude(pk=category.pk)
        .exists()
    ):
        raise ValidationError({"slug": _("Another category already uses this short name.")})
    category.save()
    for language, (name, description) in names.items():
        if name.strip():
            CategoryTranslation.objects.update_or_create(
                category=category,
                language=language,
                defaults={"name": name.strip(), "description": description.strip()},
            )
        else:
            CategoryTranslation.objects.filter(category=category, language=language).delete()
    public_pages_changed(workspace)
    return category


def _unique_slug(*, article: Article, language: str, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:180] or str(article.pk)
    taken = (
        ArticleTranslation.objects.filter(
            article__workspace_id=article.workspace_id, language=language, slug=base
        )
        .exclude(article=article)
        .exists()
    )
    return f"{base}-{article.pk}" if taken else base


@transaction.atomic
def article_create(
    *,
    workspace: Workspace,
    author: User | None,
    kind: str = Article.Kind.ARTICLE,
    category: Category | None = None,
    visibility: str = Article.Visibility.PUBLIC,
    language: str,
    title: str,
    body: str,
    questions: str = "",
) -> Article:
    article = Article(
        workspace=workspace, author=author, kind=kind, category=category, visibility=visibility
    )
    article.full_clean(exclude=["author"])
    article.save()
    article_translation_save(
        article=article,
        language=language,
        title=title,
        body=body,
        questions=questions,
        actor=author,
    )
    return article


@transaction.atomic
def article_translation_save(
    *,
    article: Article,
    language: str,
    title: str,
    body: str,
    questions: str,
    actor: User | None,
) -> ArticleTranslation:
    """Save one language's text and record it as a new revision."""
    if language not in article.workspace.languages:
        raise ValidationError(_("This workspace does not publish in that language."))
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("An article needs a title.")})
    translation = ArticleTranslation.objects.filter(
        article=article, language=language
    ).first() or ArticleTranslation(article=article, language=language)
    unchanged = translation.pk and (translation.title, translation.body, translation.questions) == (
        title,
        body,
        questions,
    )
    translation.title = title
    translation.slug = _unique_slug(article=article, language=language, title=title)
    translation.body = body
    translation.body_html = markdown_to_html(body)
    translation.questions = "\n".join(
        line.strip() for line in questions.splitlines() if line.strip()
    )
    translation.updated_at = timezone.now()
    translation.updated_by = actor
    translation.save()
    if not unchanged:
        ArticleRevision.objects.create(
            translation=translation,
            title=translation.title,
            body=translation.body,
            questions=translation.questions,
            author=actor,
        )
    if article.status == Article.Status.PUBLISHED:
        _reindex_after_commit(article)
        public_pages_changed(article.workspace_id)
    return translation


@transaction.atomic
def article_settings_update(
    *,
    article: Article,
    category: Category | None,
    kind: str,
    visibility: str,
    review_by: dt.date | None,
) -> Article:
    article.category = category
    article.kind = kind
    article.visibility = visibility
    article.review_by = review_by
    article.full_clean(exclude=["author"])
    article.save(update_fields=["category", "kind", "visibility", "review_by"])
    _reindex_after_commit(article)
    public_pages_changed(article.workspace_id)
    return article


@transaction.atomic
def article_set_status(*, article: Article, status: str) -> Article:
    """Publish, unpublish (back to draft) or archive; the index follows after commit."""
    if status not in Article.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == Article.Status.PUBLISHED and not article.translations.exists():
        raise ValidationError(_("Write the article before publishing it."))
    article.status = status
    if status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at"])
    _reindex_after_commit(article)
    public_pages_changed(article.workspace_id)
    return article


def revision_restore(*, revision: ArticleRevision, actor: User) -> ArticleTranslation:
    translation = revision.translation
    return article_translation_save(
        article=translation.article,
        language=translation.language,
        title=revision.title,
        body=revision.body,
        questions=revision.questions,
        actor=actor,
    )


def article_index(*, article_id: int) -> None:
    """Index every translation of a published article; remove anything else from the index."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.status != Article.Status.PUBLISHED:
        engine.document_remove(kind="article", object_id=article_id)
        return
    languages = []
    for translation in article.translations.all():
        languages.append(translation.language)
        engine.document_index(
            workspace_id=article.workspace_id,
            kind="article",
            object_id=article.pk,
            language=translation.language,
            visibility=article.visibility,
            category_id=article.category_id,
            fields={
                "title": translation.title,
                "questions": translation.questions,
                "body": translation.body,
            },
        )
    engine.document_remove_other_languages(kind="article", object_id=article.pk, keep=languages)


def article_viewed(*, article_id: int) -> None:
    Article.objects.filter(pk=article_id).update(views=F("views") + 1)


def feedback_record(
    *, article: Article, language: str, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    return ArticleFeedback.objects.create(
        article=article, language=language, helpful=helpful, comment=comment.strip()[:MAX_COMMENT]
    )


def search_log(*, workspace: Workspace, query: str, language: str, results: int) -> SearchLog:
    query = query.strip()[:200]
    return SearchLog.objects.create(
        workspace=workspace,
        query=query,
        normalized=" ".join(fold(query).split())[:200],
        language=language,
        results=results,
    )


def search_click(*, workspace: Workspace, log_id: int, article: Article) -> None:
    SearchLog.objects.filter(pk=log_id, workspace=workspace, clicked__isnull=True).update(
        clicked=article
    )


@dataclass(frozen=True)
class DeliveryOptionData:
    names: dict[str, str]
    days_min: int
    days_max: int
    cost: Decimal
    free_over: Decimal | None


@transaction.atomic
def shipping_policy_save(
    *,
    policy: ShippingPolicy,
    address_notes: dict[str, str],
    return_steps: dict[str, str],
    options: list[DeliveryOptionData],
) -> ShippingPolicy:
    """Save the policy's fields (already set on `policy`) and replace its delivery options."""
    policy.address_notes = address_notes
    policy.return_steps = return_steps
    policy.full_clean()
    policy.save()
    policy.options.all().delete()
    DeliveryOption.objects.bulk_create(
        DeliveryOption(
            policy=policy,
            names=option.names,
            days_min=min(option.days_min, option.days_max),
            days_max=max(option.days_min, option.days_max),
            cost=option.cost,
            free_over=option.free_over,
            position=position,
        )
        for position, option in enumerate(options)
    )
    public_pages_changed(policy.workspace_id)
    return policy


def article_reindex(*, article_id: int) -> None:
    """Everything derived from an article: its search postings here, then what other apps
    derive from it (the answer bot's passages: the event table's `article.indexed`)."""
    article_index(article_id=article_id)
    workspace_id = Article.objects.filter(pk=article_id).values_list("workspace_id", flat=True)
    publish(
        Event(
            name="article.indexed",
            workspace_id=workspace_id.first() or 0,
            payload={"article": article_id},
        )
    )


@task()
def article_index_task(*, article_id: int) -> None:
    """Bring search and the answer bot in line with the article as it is now (idempotent)."""
    article_reindex(article_id=article_id)
