"""Public help-center pages."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_POST

from layan.accounts.models import ContactChannel, Workspace
from layan.accounts.page_cache import cached_public_page
from layan.accounts.workspaces import workspace_for_request
from layan.core.sanitize import markdown_to_html
from layan.knowledge import selectors, services
from layan.knowledge.models import Category, ShippingPolicy

MAX_QUERY = 200
SUGGESTIONS = 5


def _workspace(request: HttpRequest) -> Workspace | None:
    return workspace_for_request(request)


def not_set_up(request: HttpRequest) -> HttpResponse:
    """A help-center page before any workspace exists: how to set one up."""
    return render(request, "helpcenter/not_set_up.html", status=503)


def contact_channels(workspace: Workspace) -> list[ContactChannel]:
    """The ways to reach the shop that its help center lists."""
    return list(ContactChannel.objects.filter(workspace=workspace, is_active=True))


@cached_public_page()
def home(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    language = translation.get_language()
    return render(
        request,
        "helpcenter/home.html",
        {
            "channels": contact_channels(workspace),
            "categories": selectors.help_center_categories(workspace=workspace, language=language),
            "popular": selectors.popular_articles(workspace=workspace, language=language),
        },
    )


@cached_public_page()
def category(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    found = get_object_or_404(
        Category.objects.prefetch_related("translations"), workspace=workspace, slug=slug
    )
    language = translation.get_language()
    name = selectors.pick_translation(
        list(found.translations.all()), language, workspace.default_language
    )
    articles = selectors.category_articles(category=found, language=language)
    if name is None or not articles:
        raise Http404
    return render(
        request, "helpcenter/category.html", {"category": found, "name": name, "articles": articles}
    )


def _count_view(request: HttpRequest, language: str, article_id: int, slug: str) -> None:
    services.article_viewed(article_id=article_id)


@cached_public_page(on_hit=_count_view)
def article(request: HttpRequest, language: str, article_id: int, slug: str) -> HttpResponse:
    """One article in one language; the URL's language is the page's language."""
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Http404
    found = get_object_or_404(
        selectors.public_articles(workspace=workspace).select_related("category"),
        pk=article_id,
    )
    translations = {t.language: t for t in found.translations.all()}
    current = translations.get(language)
    if current is None:
        raise Http404
    if slug != current.slug:
        return redirect("helpcenter:article", language, found.pk, current.slug, permanent=True)
    search_id = request.GET.get("s", "")
    if search_id.isdigit():
        # The reader came from a search result: count the click for search analytics.
        services.search_click(workspace=workspace, log_id=int(search_id), article=found)
    services.article_viewed(article_id=found.pk)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    category_name = (
        selectors.pick_translation(
            list(found.category.translations.all()), language, workspace.default_language
        )
        if found.category
        else None
    )
    alternates = {
        code: reverse("helpcenter:article", args=[code, found.pk, t.slug])
        for code, t in translations.items()
    }
    return render(
        request,
        "helpcenter/article.html",
        {
            "article": found,
            "translation": current,
            "category_name": category_name,
            "alternates": alternates,
            "language_urls": alternates,
        },
    )


@require_POST
def feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    found = get_object_or_404(selectors.public_articles(workspace=workspace), pk=article_id)
    helpful = request.POST.get("helpful")
    if helpful not in {"yes", "no"}:
        return HttpResponse(status=400)
    # The vote is about the article in the language it was read in (the page's, which the
    # form carries), and the thanks speak that language, whatever the language cookie says.
    language = request.POST.get("language", "")
    if found.translations.filter(language=language).exists():
        translation.activate(language)
        request.LANGUAGE_CODE = language
    services.feedback_record(
        article=found,
        language=translation.get_language(),
        helpful=helpful == "yes",
        comment=request.POST.get("comment", ""),
    )
    return render(
        request, "helpcenter/_feedback_thanks.html", {"helpful": helpful == "yes", "article": found}
    )


def search(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    language = translation.get_language()
    results = (
        selectors.search_articles(workspace=workspace, query=query, language=language)
        if query
        else []
    )
    log = (
        services.search_log(
            workspace=workspace, query=query, language=language, results=len(results)
        )
        if query
        else None
    )
    return render(
        request,
        "helpcenter/search.html",
        {"query": query, "results": results, "log": log, "channels": contact_channels(workspace)},
    )


def suggest(request: HttpRequest) -> HttpResponse:
    """Instant suggestions while typing (htmx). Not logged: only submitted searches count."""
    workspace = _workspace(request)
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    results = (
        selectors.search_articles(
            workspace=workspace, query=query, language=translation.get_language(), limit=SUGGESTIONS
        )
        if workspace and len(query) >= 1
        else []
    )
    return render(request, "helpcenter/_suggestions.html", {"results": results, "query": query})


@cached_public_page()
def faq(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    groups = selectors.faq_groups(workspace=workspace, language=translation.get_language())
    return render(request, "helpcenter/faq.html", {"groups": groups})


def article_by_id(request: HttpRequest, article_id: int) -> HttpResponse:
    """A stable short link (/a/<id>/) that opens the reader's language when it exists."""
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    found = get_object_or_404(selectors.public_articles(workspace=workspace), pk=article_id)
    chosen = selectors.pick_translation(
        list(found.translations.all()), translation.get_language(), workspace.default_language
    )
    if chosen is None:
        raise Http404
    return redirect("helpcenter:article", chosen.language, found.pk, chosen.slug)


def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page of the help center, each article with its other-language versions."""
    workspace = _workspace(request)
    if workspace is None:
        raise Http404
    base = f"{request.scheme}://{request.get_host()}"
    articles = []
    for found in selectors.public_articles(workspace=workspace).order_by("id"):
        urls = {
            t.language: base + reverse("helpcenter:article", args=[t.language, found.pk, t.slug])
            for t in found.translations.all()
        }
        articles.append(
            {
                "urls": urls,
                "updated": max(t.updated_at for t in found.translations.all()) if urls else None,
            }
        )
    pages = [base + reverse(name) for name in ("helpcenter:home", "helpcenter:faq", "contact")]
    pages += [
        base + reverse("helpcenter:category", args=[card.category.slug])
        for card in selectors.help_center_categories(
            workspace=workspace, language=workspace.default_language
        )
    ]
    return render(
        request,
        "helpcenter/sitemap.xml",
        {"pages": pages, "articles": articles},
        content_type="application/xml",
    )


@cached_public_page()
def shipping_returns(request: HttpRequest) -> HttpResponse:
    workspace = _workspace(request)
    if workspace is None:
        return not_set_up(request)
    policy = ShippingPolicy.objects.filter(workspace=workspace).first()
    if policy is None:
        raise Http404
    language = translation.get_language()
    fallback = workspace.default_language

    def text(values: dict[str, str]) -> str:
        return markdown_to_html(values.get(language) or values.get(fallback) or "")

    return render(
        request,
        "helpcenter/shipping_returns.html",
        {
            "policy": policy,
            "options": [
                (option, option.name_in(language, fallback)) for option in policy.options.all()
            ],
            "address_notes": text(policy.address_notes),
            "return_steps": text(policy.return_steps),
        },
    )
