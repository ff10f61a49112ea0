"""The Knowledge section of the agent desk: write, translate, publish, and learn from search."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import admin_required, agent_required, current_agent
from layan.core.sanitize import markdown_to_html
from layan.core.translated import language_names
from layan.knowledge import selectors, services
from layan.knowledge.forms import (
    ArticleNewForm,
    ArticleSettingsForm,
    CategoryForm,
    DeliveryOptionFormSet,
    ShippingPolicyForm,
    TranslationForm,
)
from layan.knowledge.models import Article, ArticleRevision, Category, ShippingPolicy


def _article(request: HttpRequest, article_id: int) -> Article:
    """An article of the agent's own workspace."""
    workspace = current_agent(request).workspace
    return get_object_or_404(
        Article.objects.select_related("workspace", "category").prefetch_related("translations"),
        pk=article_id,
        workspace=workspace,
    )


@agent_required
def articles(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    status = request.GET.get("status", "")
    rows = (
        Article.objects.filter(workspace=workspace)
        .select_related("category")
        .prefetch_related("translations")
        .annotate(
            yes=Count("feedback", filter=Q(feedback__helpful=True)),
            no=Count("feedback", filter=Q(feedback__helpful=False)),
        )
        .order_by("-id")
    )
    if status in Article.Status.values:
        rows = rows.filter(status=status)
    query = request.GET.get("q", "").strip()[:200]
    if query:
        rows = rows.filter(translations__title__icontains=query).distinct()
    today = timezone.localdate()
    listing = [
        {
            "article": article,
            "title": selectors.pick_translation(
                list(article.translations.all()),
                request.LANGUAGE_CODE,
                workspace.default_language,
            ),
            "missing": selectors.missing_translations(article=article),
            "stale": article.review_by is not None and article.review_by <= today,
        }
        for article in rows[:200]
    ]
    return render(
        request,
        "desk/knowledge/articles.html",
        {
            "rows": listing,
            "status": status,
            "query": query,
            "nav": "knowledge",
            "statuses": Article.Status.choices,
        },
    )


@agent_required
def article_new(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    # "Write an article" from a content gap starts with the customers' question as its title.
    initial = {"title": request.GET.get("title", "")[:200]}
    form = ArticleNewForm(request.POST or None, workspace=agent.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.article_create(
                workspace=agent.workspace,
                author=agent,
                kind=data["kind"],
                category=data["category"],
                visibility=data["visibility"],
                language=data["language"],
                title=data["title"],
                body=data["body"],
                questions=data["questions"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("desk:article_edit", article.pk, data["language"])
    return render(request, "desk/knowledge/article_new.html", {"form": form, "nav": "knowledge"})


@agent_required
def article_edit(request: HttpRequest, article_id: int, language: str) -> HttpResponse:
    agent = current_agent(request)
    article = _article(request, article_id)
    if language not in article.workspace.languages:
        raise Http404
    translation = next((t for t in article.translations.all() if t.language == language), None)
    initial = (
        {"title": translation.title, "questions": translation.questions, "body": translation.body}
        if translation
        else {}
    )
    form = TranslationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_translation_save(
                article=article,
                language=language,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                questions=form.cleaned_data["questions"],
                actor=agent,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("desk:article_edit", article.pk, language)
    settings_form = ArticleSettingsForm(
        initial={
            "category": article.category,
            "kind": article.kind,
            "visibility": article.visibility,
            "review_by": article.review_by,
        },
        workspace=article.workspace,
    )
    revisions = (
        ArticleRevision.objects.filter(translation=translation).select_related("author")[:20]
        if translation
        else []
    )
    return render(
        request,
        "desk/knowledge/article_edit.html",
        {
            "article": article,
            "language": language,
            "translation": translation,
            "form": form,
            "settings_form": settings_form,
            "revisions": revisions,
            "languages": article.workspace.languages,
            "have": {t.language for t in article.translations.all()},
            "nav": "knowledge",
        },
    )


@require_POST
@agent_required
def article_settings(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    form = ArticleSettingsForm(request.POST, workspace=article.workspace)
    if form.is_valid():
        services.article_settings_update(
            article=article,
            category=form.cleaned_data["category"],
            kind=form.cleaned_data["kind"],
            visibility=form.cleaned_data["visibility"],
            review_by=form.cleaned_data["review_by"],
        )
        messages.success(request, _("Article settings saved."))
    else:
        messages.error(request, _("The settings were not saved: check the values."))
    return redirect(
        "desk:article_edit",
        article.pk,
        request.POST.get("language") or article.workspace.default_language,
    )


@require_POST
@agent_required
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    article = _article(request, article_id)
    try:
        services.article_set_status(article=article, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Status changed to %(status)s.") % {"status": article.get_status_display()}
        )
    return redirect(
        "desk:article_edit",
        article.pk,
        request.POST.get("language") or article.workspace.default_language,
    )


@require_POST
@agent_required
def revision_restore(request: HttpRequest, revision_id: int) -> HttpResponse:
    agent = current_agent(request)
    revision = get_object_or_404(
        ArticleRevision.objects.select_related("translation__article"),
        pk=revision_id,
        translation__article__workspace=agent.workspace,
    )
    restored = services.revision_restore(revision=revision, actor=agent)
    messages.success(request, _("The earlier version is back."))
    return redirect("desk:article_edit", restored.article_id, restored.language)


@require_POST
@agent_required
def preview(request: HttpRequest) -> HttpResponse:
    """Markdown rendered exactly as the help center will show it (htmx)."""
    return HttpResponse(markdown_to_html(request.POST.get("body", "")[:100_000]))


@admin_required
def categories(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    editing = None
    if request.GET.get("edit", "").isdigit():
        editing = get_object_or_404(
            Category.objects.prefetch_related("translations"),
            pk=int(request.GET["edit"]),
            workspace=workspace,
        )
    initial: dict[str, object] = {}
    if editing:
        initial = {"slug": editing.slug, "position": editing.position}
        for t in editing.translations.all():
            initial[f"name_{t.language}"] = t.name
            initial[f"description_{t.language}"] = t.description
    form = CategoryForm(request.POST or None, initial=initial, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_save(
                workspace=workspace,
                category=editing,
                slug=form.cleaned_data["slug"],
                position=form.cleaned_data["position"],
                names=form.names(),
            )
        except ValidationError as error:
            form.add_error("slug", error.messages[0])
        else:
            messages.success(request, _("Category saved."))
            return redirect("desk:categories")
    rows = Category.objects.filter(workspace=workspace).prefetch_related("translations")
    return render(
        request,
        "desk/knowledge/categories.html",
        {"form": form, "categories": rows, "editing": editing, "nav": "knowledge"},
    )


@admin_required
def shipping_policy(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    policy = ShippingPolicy.objects.filter(workspace=workspace).first() or ShippingPolicy(
        workspace=workspace, processing_days_min=0, processing_days_max=1
    )
    form = ShippingPolicyForm(request.POST or None, instance=policy, workspace=workspace)
    languages = language_names(list(workspace.languages))
    initial = [
        {
            "days_min": option.days_min,
            "days_max": option.days_max,
            "cost": option.cost,
            "free_over": option.free_over,
            **{f"name_{code}": option.names.get(code, "") for code, _name in languages},
        }
        for option in (policy.options.all() if policy.pk else [])
    ]
    options = DeliveryOptionFormSet(
        request.POST or None,
        prefix="options",
        initial=initial,
        form_kwargs={"languages": languages},
    )
    if request.method == "POST" and form.is_valid() and options.is_valid():
        services.shipping_policy_save(
            policy=form.save(commit=False),
            address_notes=form.translated_value("address_notes"),
            return_steps=form.translated_value("return_steps"),
            options=[
                services.DeliveryOptionData(
                    names=data["names"],
                    days_min=data["days_min"],
                    days_max=data["days_max"],
                    cost=data["cost"],
                    free_over=data["free_over"],
                )
                for data in (f.cleaned_data for f in options.forms)
                if data and not data.get("blank") and not data.get("DELETE")
            ],
        )
        messages.success(request, _("Shipping and returns policy saved."))
        return redirect("desk:shipping_policy")
    return render(
        request,
        "desk/knowledge/shipping_policy.html",
        {"form": form, "options": options, "nav": "knowledge"},
    )


@agent_required
def revision_compare(request: HttpRequest, revision_id: int) -> HttpResponse:
    """What changed between an earlier revision and the text as it is now."""
    agent = current_agent(request)
    revision = get_object_or_404(
        ArticleRevision.objects.select_related("translation__article", "author"),
        pk=revision_id,
        translation__article__workspace=agent.workspace,
    )
    current = revision.translation

    def whole(title: str, questions: str, body: str) -> str:
        return "\n".join([f"# {title}", questions, "", body])

    return render(
        request,
        "desk/knowledge/revision_compare.html",
        {
            "revision": revision,
            "translation": current,
            "lines": selectors.revision_diff(
                old=whole(revision.title, revision.questions, revision.body),
                new=whole(current.title, current.questions, current.body),
            ),
            "nav": "knowledge",
        },
    )
