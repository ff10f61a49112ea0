"""The conversation page's knowledge panel: a search over public and internal articles, each
with one click to put a link or the text into the reply. The answer bot's suggestion for the
customer's latest message fills the same panel from `answerbot/views.py`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from layan.accounts.access import agent_required, current_agent
from layan.conversations.access import access_conversation
from layan.conversations.models import Conversation, Message
from layan.core.sanitize import html_to_text
from layan.knowledge.models import Article, ArticleTranslation
from layan.knowledge.selectors import ArticleLink, search_articles


@dataclass(frozen=True)
class Insertable:
    """An article as the panel offers it: what to show and what each button inserts."""

    title: str
    language: str
    internal: bool
    snippet: str
    link: str
    text: str


def insertable(translation: ArticleTranslation, snippet: str = "") -> Insertable:
    article = translation.article
    internal = article.visibility == Article.Visibility.INTERNAL
    text = html_to_text(translation.body_html)
    link = "" if internal else settings.BASE_URL + ArticleLink(article, translation).url
    return Insertable(
        title=translation.title,
        language=translation.language,
        internal=internal,
        snippet=snippet or text[:200],
        link=link,
        text=text,
    )


def last_question(conversation: Conversation) -> str:
    last = (
        Message.objects.filter(conversation=conversation, direction=Message.Direction.INBOUND)
        .order_by("-created_at", "-id")
        .values_list("text", flat=True)
        .first()
    )
    return f"{conversation.subject}\n{last or ''}".strip()


@agent_required
def article_search(request: HttpRequest, number: int) -> HttpResponse:
    agent = current_agent(request)
    conversation = access_conversation(actor=agent, number=number)
    query = request.GET.get("q", "").strip()[:200]
    results = []
    if query:
        found = search_articles(
            workspace=conversation.workspace,
            query=query,
            language=conversation.language or conversation.workspace.default_language,
            include_internal=True,
            limit=8,
        )
        results = [insertable(item.link.translation, str(item.snippet)) for item in found]
    return render(
        request,
        "conversations/_article_results.html",
        {"results": results, "query": query},
    )
