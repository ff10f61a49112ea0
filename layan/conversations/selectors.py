"""Reads for the agent inbox and the conversation page. Query counts are constant in the rows
shown: lists select their foreign keys and prefetch tags; the thread prefetches attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from layan.accounts.models import Team, User
from layan.conversations.models import (
    Attachment,
    Conversation,
    ConversationEvent,
    Message,
    Tag,
)
from layan.customers.models import Customer, Identity
from layan.inboxes.models import Inbox

PAGE_SIZE = 50


@dataclass
class InboxPage:
    """One page of a view, with Previous / Next. No total: counting a large filtered view costs
    a scan of the whole table on PostgreSQL; the view tabs carry the counts that matter."""

    object_list: list[Conversation]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


OPEN = list(Conversation.OPEN_STATUSES)
VIEWS = ("mine", "unassigned", "unanswered", "open", "pending", "solved", "all")


def view_filter(view: str, agent: User) -> Q:
    match view:
        case "mine":
            return Q(assignee=agent, status__in=OPEN)
        case "unassigned":
            return Q(assignee__isnull=True, status__in=OPEN)
        case "unanswered":
            # On every channel, the customer spoke last and nobody has answered since.
            return Q(waiting_since__isnull=False, status__in=OPEN)
        case "open":
            return Q(status__in=[Conversation.Status.NEW, Conversation.Status.OPEN])
        case "pending":
            return Q(status__in=[Conversation.Status.PENDING, Conversation.Status.ON_HOLD])
        case "solved":
            return Q(status__in=[Conversation.Status.SOLVED, Conversation.Status.CLOSED])
    return Q()


@dataclass
class InboxFilters:
    view: str = "mine"
    inbox: int | None = None
    team: int | None = None
    assignee: int | None = None
    tag: int | None = None
    language: str = ""
    priority: int | None = None
    status: str = ""
    sort: str = "activity"
    q: str = ""

    @classmethod
    def from_query(cls, data: Any) -> InboxFilters:
        def number(name: str) -> int | None:
            value = data.get(name, "")
            return int(value) if str(value).isdigit() else None

        view = data.get("view", "mine")
        # Unanswered questions are worked oldest first, unless the agent sorts otherwise.
        sort = data.get("sort", "waiting" if view == "unanswered" else "activity")
        status = data.get("status", "")
        return cls(
            view=view if view in VIEWS else "mine",
            inbox=number("inbox"),
            team=number("team"),
            assignee=number("assignee"),
            tag=number("tag"),
            language=str(data.get("language", ""))[:10],
            priority=number("priority"),
            status=status if status in Conversation.Status.values else "",
            sort=sort if sort in {"activity", "waiting", "newest"} else "activity",
            q=str(data.get("q", "")).strip()[:100],
        )

    def query(self) -> Q:
        condition = Q()
        for name in ("inbox", "team", "assignee", "priority"):
            value = getattr(self, name)
            if value is not None:
                condition &= Q(**{f"{name}_id" if name != "priority" else name: value})
        if self.tag is not None:
            # A semi-join (IN subquery) rather than a join: no DISTINCT over the whole view.
            tagged = Conversation.tags.through.objects.filter(tag_id=self.tag)
            condition &= Q(pk__in=tagged.values("conversation_id"))
        if self.language:
            condition &= Q(language=self.language)
        if self.status:
            condition &= Q(status=self.status)
        if self.q:
            if self.q.lstrip("#").isdigit():
                condition &= Q(number=int(self.q.lstrip("#")))
            else:
                # The subject, the customer's address, or the words of the messages.
                addresses = Identity.objects.filter(address__icontains=self.q.lower())
                found = Q(subject__icontains=self.q) | Q(
                    customer_id__in=addresses.values("customer_id")
                )
                # Imported here: the analysis (the Chinese segmenter, stemmers) loads with it.
                from layan.conversations.textsearch import conversations_with_words

                written = conversations_with_words(self.q)
                if written is not None:
                    found |= Q(pk__in=written)
                condition &= found
        return condition


LIST_COLUMNS = (
    "id", "workspace_id", "number", "subject", "preview", "status", "priority", "language",
    "waiting_since", "last_activity_at", "customer__id", "customer__name", "assignee__id",
    "assignee__name", "assignee__email", "inbox__id", "inbox__name",
)  # fmt: skip


def inbox_page(*, agent: User, filters: InboxFilters, page: int) -> InboxPage:
    """One page of the inbox. The page's ids are found first (a narrow, index-friendly sort),
    then only those rows are loaded with what the list shows: sorting 40,000 joined rows to show
    50 was most of the list's time at 100k conversations."""
    conversations = (
        Conversation.objects.filter(workspace_id=agent.workspace_id)
        .filter(view_filter(filters.view, agent))
        .filter(filters.query())
    )
    order = {
        "activity": ["-last_activity_at", "-id"],
        "waiting": ["waiting_since", "id"],
        "newest": ["-created_at", "-id"],
    }[filters.sort]
    if filters.sort == "waiting":
        conversations = conversations.filter(waiting_since__isnull=False)
    page = max(1, min(page, 10_000))
    start = (page - 1) * PAGE_SIZE
    found = list(
        conversations.order_by(*order).values_list("pk", flat=True)[start : start + PAGE_SIZE + 1]
    )
    page_ids = found[:PAGE_SIZE]
    # Only the columns the list shows: building 50 whole rows with their four related rows was
    # a third of the page's time.
    rows = (
        Conversation.objects.filter(pk__in=page_ids)
        .select_related("customer", "assignee", "inbox")
        .only(*LIST_COLUMNS)
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("id", "name")),
            Prefetch(
                "customer__identities",
                queryset=Identity.objects.only("id", "customer_id", "kind", "address"),
            ),
        )
    )
    by_id = {row.pk: row for row in rows}
    return InboxPage(
        object_list=[by_id[pk] for pk in page_ids if pk in by_id],
        number=page,
        has_next=len(found) > PAGE_SIZE,
    )


def view_counts(*, agent: User) -> dict[str, int]:
    base = Conversation.objects.filter(workspace_id=agent.workspace_id)
    return {view: base.filter(view_filter(view, agent)).count() for view in VIEWS[:6]}


@dataclass
class ThreadItem:
    kind: str  # "message" or "event"
    at: Any
    message: Message | None = None
    event: ConversationEvent | None = None


def thread(*, conversation: Conversation) -> list[ThreadItem]:
    """Messages and timeline rows, oldest first, in two queries (plus attachments)."""
    messages = (
        Message.objects.filter(conversation=conversation)
        .select_related("author_agent")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .defer("full_text")
    )
    events = ConversationEvent.objects.filter(conversation=conversation).select_related("actor")
    items = [ThreadItem("message", message.created_at, message=message) for message in messages]
    items += [ThreadItem("event", event.created_at, event=event) for event in events]
    items.sort(key=lambda item: (item.at, 0 if item.kind == "event" else 1))
    return items


def customer_history(
    *, customer: Customer, exclude: int | None = None, limit: int = 20
) -> QuerySet[Conversation]:
    """A customer's conversations on every channel, newest first."""
    history = Conversation.objects.filter(customer=customer).select_related("inbox")
    if exclude is not None:
        history = history.exclude(pk=exclude)
    return history.order_by("-last_activity_at")[:limit]


@dataclass
class FilterChoices:
    inboxes: list[Any] = field(default_factory=list)
    teams: list[Any] = field(default_factory=list)
    agents: list[Any] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)


def filter_choices(*, agent: User) -> FilterChoices:
    workspace_id = agent.workspace_id
    # Names for the filter menus, not whole rows (an inbox's settings, an agent's password).
    return FilterChoices(
        inboxes=list(Inbox.objects.filter(workspace_id=workspace_id).only("id", "name")),
        teams=list(Team.objects.filter(workspace_id=workspace_id).only("id", "name")),
        agents=list(
            User.objects.filter(workspace_id=workspace_id, is_active=True).only(
                "id", "name", "email"
            )
        ),
        tags=list(Tag.objects.filter(workspace_id=workspace_id).only("id", "name")),
    )


def visitor_details(*, conversation: Conversation) -> dict[str, str]:
    """What the chat widget recorded with the visitor's latest message: page, referrer,
    browser, language (empty for other channels)."""
    headers = (
        Message.objects.filter(
            conversation=conversation,
            direction=Message.Direction.INBOUND,
            external_id__startswith="chat:",
        )
        .order_by("-id")
        .values_list("headers", flat=True)
        .first()
    )
    if not isinstance(headers, dict):
        return {}
    details = {}
    for key in ("page_url", "referrer", "user_agent", "browser_language"):
        value = str(headers.get(key) or "")
        # Addresses the visitor's browser reported become links: web addresses only.
        if key in {"page_url", "referrer"} and not value.startswith(("https://", "http://")):
            continue
        if value:
            details[key] = value
    return details


def customer_last_message(*, conversation_id: int, inbox_id: int) -> Message | None:
    """The customer's latest message in a conversation on one inbox: where a messaging channel
    sends the reply (the chat or number it came from), and when its reply window opened."""
    return (
        Message.objects.filter(
            conversation_id=conversation_id,
            inbox_id=inbox_id,
            direction=Message.Direction.INBOUND,
        )
        .order_by("-created_at", "-id")
        .only("headers", "created_at", "external_id")
        .first()
    )
