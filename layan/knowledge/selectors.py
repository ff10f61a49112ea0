"""Reads for the help center and the knowledge section of the desk."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString

from layan.accounts.models import Workspace
from layan.core.sanitize import html_to_text
from layan.knowledge.models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryTranslation,
    SearchLog,
)
from layan.search import engine
from layan.search.highlight import highlight


def pick_translation[T: (ArticleTranslation, CategoryTranslation)](
    translations: list[T], language: str, fallback: str
) -> T | None:
    """The translation in `language`, else the workspace default, else any."""
    by_language = {t.language: t for t in translations}
    return (
        by_language.get(language)
        or by_language.get(fallback)
        or (translations[0] if translations else None)
    )


def public_articles(*, workspace: Workspace) -> QuerySet[Article]:
    return Article.objects.filter(
        workspace=workspace,
        status=Article.Status.PUBLISHED,
        visibility=Article.Visibility.PUBLIC,
    ).prefetch_related("translations")


@dataclass(frozen=True)
class CategoryCard:
    category: Category
    name: str
    description: str
    count: int


def help_center_categories(*, workspace: Workspace, language: str) -> list[CategoryCard]:
    categories = (
        Category.objects.filter(workspace=workspace)
        .annotate(
            public=Count(
                "articles",
                filter=Q(
                    articles__status=Article.Status.PUBLISHED,
                    articles__visibility=Article.Visibility.PUBLIC,
                ),
            )
        )
        .prefetch_related("translations")
    )
    cards = []
    for category in categories:
        translation = pick_translation(
            list(category.translations.all()), language, workspace.default_language
        )
        if category.public and translation:
            cards.append(
                CategoryCard(category, translation.name, translation.description, category.public)
            )
    return cards


@dataclass(frozen=True)
class ArticleLink:
    article: Article
    translation: ArticleTranslation

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse(
            "helpcenter:article",
            args=[self.translation.language, self.article.pk, self.translation.slug],
        )


def _links(articles: QuerySet[Article], language: str, fallback: str) -> list[ArticleLink]:
    links = []
    for article in articles:
        translation = pick_translation(list(article.translations.all()), language, fallback)
        if translation:
            links.append(ArticleLink(article, translation))
    return links


def popular_articles(*, workspace: Workspace, language: str, limit: int = 6) -> list[ArticleLink]:
    articles = public_articles(workspace=workspace).filter(kind=Article.Kind.ARTICLE)
    return _links(articles.order_by("-views", "id")[:limit], language, workspace.default_language)


def category_articles(*, category: Category, language: str) -> list[ArticleLink]:
    articles = public_articles(workspace=category.workspace).filter(category=category)
    return _links(
        articles.order_by("kind", "-views", "id"), language, category.workspace.default_language
    )


@dataclass(frozen=True)
class FaqGroup:
    name: str
    slug: str
    entries: list[ArticleLink]


def faq_groups(*, workspace: Workspace, language: str) -> list[FaqGroup]:
    entries = public_articles(workspace=workspace).filter(kind=Article.Kind.FAQ)
    entries = entries.select_related("category").prefetch_related(
        Prefetch("category__translations")
    )
    groups: dict[int | None, FaqGroup] = {}
    for link in _links(
        entries.order_by("category__position", "id"), language, workspace.default_language
    ):
        category = link.article.category
        key = category.pk if category else None
        if key not in groups:
            translation = (
                pick_translation(
                    list(category.translations.all()), language, workspace.default_language
                )
                if category
                else None
            )
            groups[key] = FaqGroup(
                name=translation.name if translation else "",
                slug=category.slug if category else "general",
                entries=[],
            )
        groups[key].entries.append(link)
    return list(groups.values())


@dataclass(frozen=True)
class SearchResult:
    link: ArticleLink
    snippet: SafeString
    score: float


def search_articles(
    *,
    workspace: Workspace,
    query: str,
    language: str,
    include_internal: bool = False,
    limit: int = 10,
) -> list[SearchResult]:
    """Articles in the reader's language first, other languages after — unless another
    language has an article with more of the query than any in the reader's: then that
    language comes first. A reader whose browser speaks English and who types in Indonesian
    ("pengembalian dana") gets the Indonesian article with both words before an English one
    that only shares a brand name ("DANA"). Within a language, by BM25."""
    visibility = ("public", "internal") if include_internal else ("public",)
    others = [code for code in workspace.languages if code != language]

    def gather(correct_typos: bool) -> list[engine.Hit]:
        found: list[engine.Hit] = []
        for code in [language, *others]:
            # Other languages are looked at when the reader's has too few articles or none
            # with the whole query (only then could another come first).
            if len(found) >= limit and max(hit.matched for hit in found) == 1:
                break
            # Each language on its own: one collection's BM25 scores must not cut another's.
            found += engine.search(
                workspace_id=workspace.pk,
                query=query,
                languages=[code],
                visibility=visibility,
                limit=limit,
                correct_typos=correct_typos,
            )
        return found

    # Words as typed first. When no article has the whole query, a word may be misspelt
    # ("berapa lama pengirman"): forgive typos too, and keep whichever covers more of it.
    hits = gather(correct_typos=False)
    covered = max((hit.matched for hit in hits), default=0.0)
    if covered < 1:
        corrected = gather(correct_typos=True)
        if max((hit.matched for hit in corrected), default=0.0) > covered:
            hits = corrected
    # Each language's best share of the query orders the languages (BM25 scores of different
    # collections are not comparable); the reader's language goes first among equals.
    best: dict[str, float] = {}
    for hit in hits:
        best[hit.language] = max(best.get(hit.language, 0.0), hit.matched)
    hits.sort(key=lambda hit: (-best[hit.language], hit.language != language))
    # One result per article: its translation in the first language that has it.
    seen: set[int] = set()
    unique = []
    for hit in hits:
        if hit.object_id not in seen:
            seen.add(hit.object_id)
            unique.append(hit)
    hits = unique
    hits = hits[:limit]
    translations = {
        (t.article_id, t.language): t
        for t in ArticleTranslation.objects.filter(
            article_id__in=[hit.object_id for hit in hits]
        ).select_related("article")
    }
    results = []
    for hit in hits:
        translation = translations.get((hit.object_id, hit.language))
        if translation is None or translation.article.status != Article.Status.PUBLISHED:
            continue
        text = html_to_text(translation.body_html)
        results.append(
            SearchResult(
                link=ArticleLink(translation.article, translation),
                snippet=highlight(text, query, hit.language),
                score=hit.score,
            )
        )
    return results


def missing_translations(*, article: Article) -> list[str]:
    have = {t.language for t in article.translations.all()}
    return [code for code in article.workspace.languages if code not in have]


def stale_articles(*, workspace: Workspace, today: dt.date) -> QuerySet[Article]:
    return (
        Article.objects.filter(workspace=workspace, review_by__lte=today)
        .exclude(status=Article.Status.ARCHIVED)
        .prefetch_related("translations")
        .order_by("review_by")
    )


@dataclass(frozen=True)
class SearchReport:
    top: list[tuple[str, int]]
    no_results: list[tuple[str, int]]
    total: int


def search_report(*, workspace: Workspace, since: dt.datetime, limit: int = 20) -> SearchReport:
    logs = SearchLog.objects.filter(workspace=workspace, created_at__gte=since)
    top = Counter(
        dict(logs.values("normalized").annotate(n=Count("id")).values_list("normalized", "n"))
    )
    empty = Counter(
        dict(
            logs.filter(results=0)
            .values("normalized")
            .annotate(n=Count("id"))
            .values_list("normalized", "n")
        )
    )
    return SearchReport(
        top=top.most_common(limit), no_results=empty.most_common(limit), total=logs.count()
    )


@dataclass(frozen=True)
class DiffLine:
    # "same", "added" or "removed".
    change: str
    text: str


def revision_diff(*, old: str, new: str) -> list[DiffLine]:
    """Line-by-line changes from `old` to `new`, for the revision history."""
    import difflib

    lines: list[DiffLine] = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        marker, text = line[:2], line[2:]
        if marker == "? ":
            continue
        change = {"+ ": "added", "- ": "removed"}.get(marker, "same")
        lines.append(DiffLine(change=change, text=text))
    return lines
