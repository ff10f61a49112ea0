"""The agent's side of the answer bot: in the conversation page's knowledge panel, the bot's
suggested answer to the customer's latest message and the articles it nearly chose."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layan.accounts.access import agent_required, current_agent
from layan.answerbot.services import Answer, bot_ask
from layan.conversations.access import access_conversation
from layan.conversations.views.knowledge import Insertable, insertable, last_question
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
