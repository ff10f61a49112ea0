"""The public pages' cache: served again without the work, never stale, never another's token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from layan.accounts.page_cache import CSRF_PLACEHOLDER
from layan.knowledge import services
from layan.knowledge.models import Article
from layan.sla import hours
from layan.testing.fixtures import client_for
from layan.testing.personas import Cast, set_hours

pytestmark = pytest.mark.django_db(transaction=True)

# Monday 23 November 2026, 16:58 in Jakarta: support (Mon-Fri 09-17) closes in two minutes.
BEFORE_CLOSING = dt.datetime(2026, 11, 23, 9, 58, tzinfo=dt.UTC)
MONDAY = hours.Interval(weekday=0, opens=dt.time(9), closes=dt.time(17))


def _url(article: Article, language: str = "en") -> str:
    translation = article.translations.get(language=language)
    return f"/{language}/articles/{article.pk}-{translation.slug}/"


def _get(client: Client, path: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found
    return found.group(1)


@pytest.mark.parametrize("path", ["/", "/faq/", "article"])
def test_a_public_page_is_rendered_once_and_served_again(
    cast: Cast, articles: list[Article], path: str
) -> None:
    path = _url(articles[0]) if path == "article" else path
    first, rendering = _get(Client(), path)
    again, serving = _get(Client(), path)
    assert serving < rendering
    assert again.replace(_token(again), "") == first.replace(_token(first), "")
    assert CSRF_PLACEHOLDER not in first + again


def test_a_cached_article_still_counts_every_view(cast: Cast, articles: list[Article]) -> None:
    for _ in range(3):
        Client().get(_url(articles[0]))
    articles[0].refresh_from_db()
    assert articles[0].views == 3


def test_each_visitor_gets_a_token_that_works_with_their_own_cookie(
    cast: Cast, articles: list[Article]
) -> None:
    Client().get(_url(articles[0]))  # cached now
    visitor = Client(enforce_csrf_checks=True)
    html, _queries = _get(visitor, _url(articles[0]))
    assert "csrftoken" in visitor.cookies
    voted = visitor.post(
        f"/a/{articles[0].pk}/feedback/",
        {"helpful": "yes", "csrfmiddlewaretoken": _token(html)},
    )
    assert voted.status_code == 200
    # Someone else's page (and so token) is refused with this visitor's cookie, as without a
    # cache: the cached page never carries a token of its own.
    other = Client(enforce_csrf_checks=True)
    other_html, _queries = _get(other, _url(articles[0]))
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(_url(articles[0]))
    refused = stranger.post(
        f"/a/{articles[0].pk}/feedback/",
        {"helpful": "yes", "csrfmiddlewaretoken": _token(other_html)},
    )
    assert refused.status_code == 403


def test_an_edit_shows_at_once(cast: Cast, articles: list[Article]) -> None:
    Client().get("/")
    Client().get(_url(articles[0]))
    translation = articles[0].translations.get(language="en")
    services.article_translation_save(
        article=articles[0],
        language="en",
        title="How long does a refund really take?",
        body=translation.body,
        questions=translation.questions,
        actor=cast.iris,
    )
    assert "How long does a refund really take?" in _get(Client(), _url(articles[0]))[0]
    assert "How long does a refund really take?" in _get(Client(), "/")[0]
    services.article_set_status(article=articles[0], status=Article.Status.ARCHIVED)
    assert Client().get(_url(articles[0])).status_code == 404


def test_new_support_hours_show_at_once(cast: Cast, articles: list[Article]) -> None:
    set_hours(cast.workspace, [])
    assert "We reply to messages as soon as we can." in _get(Client(), "/")[0]
    set_hours(
        cast.workspace,
        [hours.Interval(weekday=d, opens=dt.time(9), closes=dt.time(17)) for d in range(7)],
    )
    assert "We reply to messages as soon as we can." not in _get(Client(), "/")[0]


def test_a_page_never_outlives_the_next_opening_or_closing(
    cast: Cast, articles: list[Article]
) -> None:
    set_hours(cast.workspace, [MONDAY])
    with time_machine.travel(BEFORE_CLOSING, tick=False):
        assert "Open until 17:00 today." in _get(Client(), "/")[0]
    with time_machine.travel(BEFORE_CLOSING + dt.timedelta(minutes=3), tick=False):
        html = _get(Client(), "/")[0]
    assert "We're closed now." in html


def test_agents_and_query_strings_are_never_served_from_the_cache(
    cast: Cast, articles: list[Article]
) -> None:
    Client().get("/")
    _html, anonymous = _get(Client(), "/")
    agent = client_for(cast.iris)
    _html, signed_in = _get(agent, "/")
    assert signed_in > anonymous
    # ?s= (a click on a search result) is counted, so that page is rendered.
    log = services.search_log(workspace=cast.workspace, query="refund", language="en", results=1)
    Client().get(f"{_url(articles[0])}?s={log.pk}")
    log.refresh_from_db()
    assert log.clicked_id == articles[0].pk
