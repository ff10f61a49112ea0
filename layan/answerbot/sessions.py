"""Self-service sessions: every time the bot answers or articles are suggested, and how it ended.

`bot_session_open` is idempotent per key (a chat, a contact form); `bot_session_end` records the
first outcome only. An open session whose window passes without the customer reaching a person
is resolved by the `answerbot.session_close` timer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from layan.accounts.models import Workspace
from layan.answerbot.models import BotSession
from layan.conversations.models import Conversation
from layan.search.analysis import fold


def bot_session_open(
    *,
    workspace: Workspace,
    key: str,
    channel: str,
    question: str,
    language: str = "",
    article_id: int | None = None,
    conversation_id: int | None = None,
) -> BotSession:
    now = timezone.now()
    values = {
        "channel": channel,
        "language": language,
        "question": question[:1000],
        "normalized": " ".join(fold(question).split())[:200],
        "article_id": article_id,
        "conversation_id": conversation_id,
    }
    session = BotSession.objects.filter(workspace=workspace, key=key).first()
    if session is not None:
        if session.outcome == BotSession.Outcome.OPEN:
            # The customer is still typing (a form): keep the latest question.
            BotSession.objects.filter(pk=session.pk).update(**values)
        return session
    try:
        with transaction.atomic():
            return BotSession.objects.create(
                workspace=workspace,
                key=key,
                started_at=now,
                close_due_at=now + dt.timedelta(hours=workspace.self_service_window_hours),
                **values,
            )
    except IntegrityError:
        return BotSession.objects.get(workspace=workspace, key=key)


def bot_session_end(*, workspace_id: int, key: str, outcome: str, reason: str) -> bool:
    """Record how the session ended (the first outcome wins). False: no open session."""
    return bool(
        BotSession.objects.filter(
            workspace_id=workspace_id, key=key, outcome=BotSession.Outcome.OPEN
        ).update(outcome=outcome, reason=reason, ended_at=timezone.now(), close_due_at=None)
    )


def bot_session_close_due(session_id: int) -> None:
    """Timer handler: the window passed. Resolved, unless the customer reached a person after
    all (an agent answered the chat, or they opened another conversation)."""
    session = (
        BotSession.objects.filter(pk=session_id, outcome=BotSession.Outcome.OPEN)
        .select_related("conversation")
        .first()
    )
    if session is None:
        return
    conversation = session.conversation
    contacted = conversation is not None and (
        conversation.agent_reply_count > 0
        or Conversation.objects.filter(
            customer_id=conversation.customer_id, created_at__gt=session.started_at
        )
        .exclude(pk=conversation.pk)
        .exists()
    )
    reason = "contacted_person" if contacted else "no_contact"
    if (
        not contacted
        and session.channel == "email"
        and conversation is not None
        and conversation.status in Conversation.OPEN_STATUSES
    ):
        # An emailed request stays in the queue after its acknowledgement: unless it was
        # solved without a reply, the customer is still waiting for a person.
        contacted, reason = True, "waiting"
    outcome = BotSession.Outcome.HANDED_OFF if contacted else BotSession.Outcome.RESOLVED
    BotSession.objects.filter(pk=session.pk).update(
        outcome=outcome, reason=reason, ended_at=timezone.now()
    )


@dataclass(frozen=True)
class DeflectionRow:
    channel: str
    language: str
    sessions: int
    resolved: int
    handed_off: int

    @property
    def rate(self) -> float | None:
        ended = self.resolved + self.handed_off
        return self.resolved / ended if ended else None


def deflection_report(*, workspace: Workspace, since: dt.datetime) -> list[DeflectionRow]:
    """Per channel and language: sessions, resolved by self-service, handed to a person."""
    rows = (
        BotSession.objects.filter(workspace=workspace, started_at__gte=since)
        .values("channel", "language")
        .annotate(
            sessions=Count("id"),
            resolved=Count("id", filter=Q(outcome=BotSession.Outcome.RESOLVED)),
            handed_off=Count("id", filter=Q(outcome=BotSession.Outcome.HANDED_OFF)),
        )
        .order_by("channel", "language")
    )
    return [DeflectionRow(**row) for row in rows]


@dataclass(frozen=True)
class ContentGap:
    question: str
    times: int
    reasons: list[str]


def content_gaps(*, workspace: Workspace, since: dt.datetime, limit: int = 20) -> list[ContentGap]:
    """Questions self-service did not settle (handed off), most asked first: articles to write."""
    handed = BotSession.objects.filter(
        workspace=workspace, started_at__gte=since, outcome=BotSession.Outcome.HANDED_OFF
    ).exclude(normalized="")
    groups = (
        handed.values("normalized").annotate(times=Count("id")).order_by("-times", "normalized")
    )[:limit]
    gaps = []
    for group in groups:
        examples = handed.filter(normalized=group["normalized"]).order_by("-started_at")
        first = examples.values_list("question", flat=True).first() or group["normalized"]
        reasons = sorted(set(examples.values_list("reason", flat=True)))
        gaps.append(ContentGap(question=first, times=group["times"], reasons=reasons))
    return gaps
