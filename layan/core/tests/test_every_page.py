"""Every URL of the site, asked with nonsense by a visitor, an admin and an agent: never a 500.

Pages read parameters (a page number, a filter, a search query) and forms straight from the
request; a bot or a mistyped link must get a clear answer, not a server error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from layan.channels.livechat import services as chat
from layan.conversations.inbound import inbound_ingest
from layan.inboxes.models import Inbox
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email
from layan.testing.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)

NONSENSE_QUERIES = [
    "?page=-1&view=zzz&status=zzz&inbox=abc&assignee=abc&team=abc&tag=%25&language=xx"
    "&priority=zz&sort=zz&edit=x&s=abc",
    "?page=999999&q=%ED%A0%80",  # not UTF-8
    "?q=" + "a" * 3000 + "&next=//evil.example&title=" + "t" * 5000,
]
NONSENSE_FORM: dict[str, Any] = {
    "text": "x" * 70_000,
    "name": "n" * 5000,
    "ids": ["x", "1", "-5"],
    "email": "not an address",
    "helpful": "maybe",
    **dict.fromkeys(
        ["status", "assignee", "action", "language", "mode", "priority", "team", "kind", "next"],
        "zz",
    ),
}


def _paths(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def site_paths() -> list[str]:
    """Every route with its parameters filled in (1 for numbers, "x" for words); Django's own
    admin and the media files are left to Django."""
    paths = set()
    for route in _paths(get_resolver()):
        if route.startswith(("admin/", "^media")):
            continue
        route = re.sub(r"<int:[^>]+>", "1", route)
        paths.add("/" + re.sub(r"<(?:str|slug|path):[^>]+>", "x", route))
    return sorted(paths)


def test_no_page_answers_nonsense_with_a_server_error(
    cast: Cast, email_inbox: Inbox, chat_inbox: Inbox, articles: list[Any]
) -> None:
    # Something behind the numbered pages: conversation 1 (email), 2 (chat), article 1.
    inbound_ingest(inbox=email_inbox, payload=customer_email(), source="test")
    chat.chat_receive(inbox=chat_inbox, key="v1", client_id="c1", text="Halo", meta={})
    # Logging out would leave the rest to an anonymous visitor.
    paths = [path for path in site_paths() if not path.endswith("/logout/")]
    assert len(paths) > 50
    errors = []
    for client in (Client(), client_for(cast.iris), client_for(cast.alice)):
        for path in paths:
            for query in NONSENSE_QUERIES:
                status = client.get(path + query).status_code
                if status >= 500:
                    errors.append(f"GET {path}{query[:40]}: {status}")
            status = client.post(path, NONSENSE_FORM).status_code
            if status >= 500:
                errors.append(f"POST {path}: {status}")
    assert errors == []


@pytest.mark.parametrize(
    ("language", "not_found", "not_allowed"),
    [
        ("en", "Page not found", "Not allowed"),
        ("id", "Halaman tidak ditemukan", "Tidak diizinkan"),
        ("zh-hans", "页面不存在", "无权访问"),
    ],
)
def test_missing_and_forbidden_pages_are_the_shops_in_the_readers_language(
    cast: Cast, language: str, not_found: str, not_allowed: str
) -> None:
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
    missing = visitor.get("/no-such-page/")
    assert missing.status_code == 404
    assert not_found in missing.content.decode()
    assert cast.workspace.name in missing.content.decode()
    from layan.accounts.models import User

    User.objects.filter(pk=cast.alice.pk).update(language=language)
    agent = client_for(User.objects.get(pk=cast.alice.pk))
    forbidden = agent.get("/desk/settings/workspace/")
    assert forbidden.status_code == 403
    assert not_allowed in forbidden.content.decode()
