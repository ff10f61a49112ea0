"""The desk's side of the answer bot: in the conversation page's knowledge panel, the bot's
suggested answer to the customer's latest message and the articles it nearly chose; and the
self-service report (help-center searches, article helpfulness, what the bot deflected, the
questions it could not settle)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from layan.accounts.access import agent_required, current_agent
from layan.answerbot.services import Answer, bot_ask
from layan.answerbot.sessions import content_gaps, deflection_report
from layan.conversations.access import access_conversation
from layan.conversations.views.knowledge import Insertable, insertable, last_question
from layan.knowledge import selectors
from layan.knowledge.models import Article, ArticleTranslation


@agent_required
def suggestions(request: HttpRequest, number: int) -> HttpResponse:
    agent = current_agent(request)
    conversation = access_conversation(actor=agent, number=number)
    question = last_question(conversation)
    result = bot_ask(
        workspace=conversation.workspace,
        question=question,
        language=conversation.language or None,
        channel="desk",
    )
    suggested = None
    related: list[Insertable] = []
    if isinstance(result, Answer):
        suggested = insertable(result.translation, result.passage)
        suggested = replace(suggested, text=result.text)
        candidate_ids = [pk for pk in result.candidates if pk != result.article.pk][:3]
    else:
        candidate_ids = result.candidates[:3]
    if candidate_ids:
        language = conversation.language or conversation.workspace.default_language
        translations = ArticleTranslation.objects.filter(
            article_id__in=candidate_ids, article__status=Article.Status.PUBLISHED
        ).select_related("article")
        best: dict[int, ArticleTranslation] = {}
        for translation in translations:
            if translation.article_id not in best or translation.language == language:
                best[translation.article_id] = translation
        related = [insertable(best[pk]) for pk in candidate_ids if pk in best]
    return render(
        request,
        "answerbot/_suggestions.html",
        {"suggested": suggested, "related": related, "conversation": conversation},
    )


@agent_required
def report(request: HttpRequest) -> HttpResponse:
    workspace = current_agent(request).workspace
    days = 30
    since = timezone.now() - dt.timedelta(days=days)
    helpfulness = (
        Article.objects.filter(workspace=workspace)
        .prefetch_related("translations")
        .annotate(
            yes=Count("feedback", filter=Q(feedback__helpful=True)),
            no=Count("feedback", filter=Q(feedback__helpful=False)),
        )
        .filter(Q(yes__gt=0) | Q(no__gt=0) | Q(views__gt=0))
        .order_by("-views")[:50]
    )
    return render(
        request,
        "answerbot/self_service_report.html",
        {
            "searches": selectors.search_report(workspace=workspace, since=since),
            "helpfulness": helpfulness,
            "stale": selectors.stale_articles(workspace=workspace, today=timezone.localdate()),
            "deflection": deflection_report(workspace=workspace, since=since),
            "gaps": content_gaps(workspace=workspace, since=since),
            "days": days,
            "nav": "knowledge",
        },
    )
