"""The agent inbox and conversation page over HTTP, as Alice, Iris and outsiders use them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from layan.accounts.middleware import request_timezone
from layan.accounts.models import User
from layan.conversations import services
from layan.conversations.inbound import inbound_ingest
from layan.conversations.models import Conversation, ConversationEvent, Macro, Message
from layan.conversations.templatetags.conversations import list_row_key
from layan.customers.models import Customer, CustomerMerge
from layan.customers.services import customer_merge, customer_resolve
from layan.inboxes.models import Inbox
from layan.inboxes.secrets import unseal
from layan.inboxes.services import inbox_create
from layan.testing.fixtures import client_for
from layan.testing.mail import customer_email

pytestmark = pytest.mark.django_db


def receive(inbox: Inbox, **fields: str) -> Conversation:
    result = inbound_ingest(inbox=inbox, payload=customer_email(**fields), source="test")
    return Conversation.objects.get(pk=result.conversation_id or 0)


def test_views_count_and_list_conversations(email_inbox: Inbox, alice: User, olga: User) -> None:
    mine = receive(email_inbox, subject="Mine")
    services.conversation_update(
        conversation=mine, actor=alice, changes=services.Changes(assignee=alice)
    )
    receive(email_inbox, subject="Nobody's", sender="dina@example.com")
    solved = receive(email_inbox, subject="Done", sender="eko@example.com")
    services.conversation_update(
        conversation=solved, actor=olga, changes=services.Changes(status="solved")
    )

    client = client_for(alice)
    response = client.get("/desk/conversations/?view=mine")
    counts = client.get("/desk/conversations/counts/?view=mine")
    assert counts.context["counts"] == {
        "mine": 1,
        "unassigned": 1,
        "unanswered": 2,
        "open": 2,
        "pending": 0,
        "solved": 1,
    }
    assert [item.subject for item in response.context["page"].object_list] == ["Mine"]
    unassigned = client.get("/desk/conversations/?view=unassigned")
    assert [item.subject for item in unassigned.context["page"].object_list] == ["Nobody's"]
    search = client.get("/desk/conversations/?view=all&q=eko@")
    assert [item.subject for item in search.context["page"].object_list] == ["Done"]


def test_unanswered_lists_every_channel_where_the_customer_spoke_last_oldest_first(
    email_inbox: Inbox, alice: User
) -> None:
    first = receive(email_inbox, subject="Waiting longest", sender="a@example.com")
    answered = receive(email_inbox, subject="Answered", sender="b@example.com")
    later = receive(email_inbox, subject="Waiting", sender="c@example.com")
    services.reply_send(conversation=answered, agent=alice, text="Done for you.")
    Conversation.objects.filter(pk=first.pk).update(
        waiting_since=timezone.now() - dt.timedelta(hours=3)
    )
    chat = inbox_create(workspace=email_inbox.workspace, kind="chat", name="Chat")
    Conversation.objects.filter(pk=later.pk).update(inbox=chat)  # any channel counts

    client = client_for(alice)
    page = client.get("/desk/conversations/?view=unanswered")
    assert [item.subject for item in page.context["page"].object_list] == [
        "Waiting longest",
        "Waiting",
    ]
    assert client.get("/desk/conversations/counts/").context["counts"]["unanswered"] == 2
    # The customer answers back: waiting again, listed again.
    receive(email_inbox, subject="Re: Answered", sender="b@example.com")
    assert client.get("/desk/conversations/counts/").context["counts"]["unanswered"] == 3


def test_the_list_costs_the_same_queries_for_5_or_50_rows(email_inbox: Inbox, alice: User) -> None:
    client = client_for(alice)
    for index in range(5):
        conversation = receive(email_inbox, subject=f"Q{index}", sender=f"c{index}@example.com")
        services.conversation_update(
            conversation=conversation,
            actor=alice,
            changes=services.Changes(tags=["vip", f"t{index}"]),
        )
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/conversations/?view=all")
    for index in range(5, 50):
        conversation = receive(email_inbox, subject=f"Q{index}", sender=f"c{index}@example.com")
        services.conversation_update(
            conversation=conversation, actor=alice, changes=services.Changes(tags=["vip"])
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/desk/conversations/?view=all")
    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(few)
    assert response.context["page"].has_next is False
    receive(email_inbox, subject="The 51st", sender="late@example.com")
    first = client.get("/desk/conversations/?view=all").context["page"]
    second = client.get("/desk/conversations/?view=all&page=2").context["page"]
    assert (first.has_next, first.object_list[0].subject) == (True, "The 51st")
    assert (second.has_previous, second.has_next, len(second.object_list)) == (True, False, 1)


def test_cached_list_rows_follow_every_change_they_show(email_inbox: Inbox, alice: User) -> None:
    """Rows are cached fragments keyed on what they show: a second look renders from the cache,
    and a change that does not touch the conversation's activity (a customer renamed, a tag)
    still shows at once, in the reader's language."""
    conversation = receive(email_inbox, subject="Parcel", sender="dina@example.com")
    client = client_for(alice)

    def row() -> str:
        response = client.get("/desk/conversations/?view=all")
        # The row just shown is in the fragment cache, under the key of what it shows.
        [item] = response.context["page"].object_list
        request = response.wsgi_request
        with (
            translation.override(request.LANGUAGE_CODE),
            timezone.override(zoneinfo.ZoneInfo(request_timezone(request))),
        ):
            key = make_template_fragment_key("inbox-row", [list_row_key(item)])
        assert caches["fragments"].get(key) is not None
        html = response.content.decode()
        start = html.index(f'<tr data-conversation="{conversation.pk}"')
        return html[start : html.index("</tr>", start)]

    first = row()
    Customer.objects.filter(pk=conversation.customer_id).update(name="Dina Lestari")
    assert "Dina Lestari" in row()
    services.conversation_update(
        conversation=conversation, actor=alice, changes=services.Changes(tags=["vip"])
    )
    assert 'pill tag">vip<' in row()
    alice.language = "id"
    alice.save(update_fields=["language"])
    assert "Baru" not in first
    assert "Baru" in row()


def test_filters_by_tag_language_and_sort_by_oldest_waiting(
    email_inbox: Inbox, alice: User
) -> None:
    first = receive(
        email_inbox,
        subject="Pengiriman",
        text="Halo kak, barang saya belum sampai",
        sender="a@example.id",
    )
    second = receive(
        email_inbox, subject="Shipping", text="Where is my parcel?", sender="b@example.com"
    )
    services.conversation_update(
        conversation=second, actor=alice, changes=services.Changes(tags=["late"])
    )
    client = client_for(alice)
    tag = second.tags.get()

    by_tag = client.get(f"/desk/conversations/?view=all&tag={tag.pk}")
    by_language = client.get("/desk/conversations/?view=all&language=id")
    oldest = client.get("/desk/conversations/?view=all&sort=waiting")

    assert [item.pk for item in by_tag.context["page"].object_list] == [second.pk]
    assert [item.pk for item in by_language.context["page"].object_list] == [first.pk]
    assert [item.pk for item in oldest.context["page"].object_list] == [first.pk, second.pk]


def test_bulk_assign_solve_and_tag(email_inbox: Inbox, alice: User, olga: User) -> None:
    one = receive(email_inbox, subject="One", sender="x@example.com")
    two = receive(email_inbox, subject="Two", sender="y@example.com")
    client = client_for(alice)

    client.post(
        "/desk/conversations/bulk/",
        {"ids": [one.pk, two.pk], "action": "assign", "assignee": olga.pk},
    )
    client.post(
        "/desk/conversations/bulk/", {"ids": [one.pk, two.pk], "action": "tag", "tag": "promo"}
    )
    client.post("/desk/conversations/bulk/", {"ids": [one.pk], "action": "solve"})

    elsewhere = client.post(
        "/desk/conversations/bulk/",
        {"ids": [one.pk], "action": "", "next": "https://evil.example/"},
    )
    assert elsewhere["Location"] == "/desk/conversations/"

    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.assignee, two.assignee) == (olga, olga)
    assert (one.status, two.status) == ("solved", "new")
    assert [tag.name for tag in two.tags.all()] == ["promo"]
    assert one.events.filter(kind=ConversationEvent.Kind.ASSIGNED, actor=alice).count() == 1


def test_conversation_page_shows_thread_history_on_every_channel_and_timeline(
    email_inbox: Inbox, alice: User
) -> None:
    phone = Inbox.objects.create(workspace=email_inbox.workspace, kind="phone", name="Phone")
    earlier = receive(email_inbox, subject="Earlier question")
    called = services.conversation_open_for_customer(
        inbox=phone,
        customer=earlier.customer,
        agent=alice,
        subject="Called about delivery",
        text="Asked for a date",
        send=False,
    )
    current = receive(email_inbox, subject="Now", text="Is it shipped?")

    response = client_for(alice).get(f"/desk/conversations/{current.number}/")

    assert response.status_code == 200
    history = list(response.context["history"])
    assert {item.pk for item in history} == {earlier.pk, called.pk}
    assert b"Is it shipped?" in response.content
    assert b"Phone" in response.content


def test_reply_note_and_sidebar_edits_from_the_page(
    email_inbox: Inbox, alice: User, olga: User
) -> None:
    conversation = receive(email_inbox, subject="Help")
    client = client_for(alice)
    url = f"/desk/conversations/{conversation.number}/"

    client.post(url + "reply/", {"mode": "note", "text": "Check the warehouse first"})
    client.post(url + "reply/", {"mode": "reply", "text": "We are on it.", "status": "pending"})
    client.post(
        url + "update/",
        {
            "status": "on_hold",
            "priority": "3",
            "assignee": olga.pk,
            "team": "",
            "tags": "vip, late",
            "note": "Olga, the customer prefers WhatsApp after 5 pm.",
        },
    )

    conversation.refresh_from_db()
    note, reply, handover = conversation.messages.filter(author_kind="agent").order_by("id")
    # The transfer's hand-over note is an internal note from Alice.
    assert (handover.is_note, handover.author_agent, handover.text) == (
        True,
        alice,
        "Olga, the customer prefers WhatsApp after 5 pm.",
    )
    assert (note.is_note, note.direction, note.delivery) == (True, "internal", "")
    assert (reply.direction, reply.delivery) == ("out", Message.Delivery.QUEUED)
    assert reply.text == "We are on it.\n\nAlice Agent\nToko Test"
    assert (conversation.status, conversation.priority, conversation.assignee) == (
        "on_hold",
        3,
        olga,
    )
    assert sorted(tag.name for tag in conversation.tags.all()) == ["late", "vip"]
    kinds = list(conversation.events.values_list("kind", flat=True))
    assert kinds == [
        "created",
        "assigned",
        "status",
        "status",
        "priority",
        "transferred",
        "tagged",
        "tagged",
    ]
    # The timeline shows statuses and priorities in the reader's language, not as codes.
    page = client.get(url).content.decode()
    assert "status New → Pending" in page
    assert "priority Normal → High" in page
    indonesian = client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "status Baru → Menunggu pelanggan" in indonesian


def test_macro_placeholders_are_filled_for_this_conversation(
    email_inbox: Inbox, alice: User
) -> None:
    conversation = receive(email_inbox, subject="Where?")
    macro = Macro.objects.create(
        workspace=email_inbox.workspace,
        name="Shipped",
        body=(
            "Hi {{ customer.first_name }}, #{{ conversation.number }} shipped."
            " {{ agent.first_name }} {{ nope.x }}"
        ),
    )
    response = client_for(alice).get(
        f"/desk/conversations/{conversation.number}/macros/{macro.pk}/"
    )
    assert response.json() == {
        "text": f"Hi Carl, #{conversation.number} shipped. Alice {{{{ nope.x }}}}"
    }


def test_an_agent_opens_a_conversation_for_a_walk_in_customer(
    email_inbox: Inbox, alice: User
) -> None:
    phone = Inbox.objects.create(workspace=email_inbox.workspace, kind="phone", name="Phone")
    response = client_for(alice).post(
        "/desk/conversations/new/",
        {
            "inbox": phone.pk,
            "kind": "phone",
            "address": "+62 812-3456-7890",
            "name": "Rina",
            "subject": "Walk-in: exchange",
            "text": "Wants a bigger size",
            "send": "log",
        },
    )
    conversation = Conversation.objects.get(subject="Walk-in: exchange")
    assert response.status_code == 302
    assert conversation.customer.identities.get().address == "+6281234567890"
    assert conversation.assignee == alice
    assert conversation.messages.get().text == "Wants a bigger size"


def test_outsiders_cannot_see_another_workspaces_conversations(
    email_inbox: Inbox, stella: User
) -> None:
    conversation = receive(email_inbox, subject="Private")
    client = client_for(stella)
    assert client.get(f"/desk/conversations/{conversation.number}/").status_code == 404
    assert list(client.get("/desk/conversations/?view=all").context["page"].object_list) == []
    message = conversation.messages.get()
    assert client.get(f"/desk/messages/{message.pk}/source/").status_code == 404


def test_customers_merge_and_the_merge_can_be_undone(email_inbox: Inbox, alice: User) -> None:
    work = receive(email_inbox, subject="From work", sender="carl@acme.example")
    home = receive(email_inbox, subject="From home", sender="carl@example.com")
    client = client_for(alice)

    client.post(f"/desk/customers/{home.customer_id}/merge/", {"address": "carl@acme.example"})
    work.refresh_from_db()
    assert work.customer_id == home.customer_id
    assert (
        customer_resolve(
            workspace=email_inbox.workspace, kind="email", address="carl@acme.example"
        ).pk
        == home.customer_id
    )
    merge = CustomerMerge.objects.get()

    client.post(f"/desk/customers/merges/{merge.pk}/undo/")
    work.refresh_from_db()
    assert work.customer_id == merge.source_id
    assert Customer.objects.get(pk=merge.source_id).identities.get().address == "carl@acme.example"
    assert work.events.filter(kind__in=["merged", "unmerged"]).count() == 2


def test_merging_twice_is_refused(email_inbox: Inbox, alice: User) -> None:
    one = receive(email_inbox, subject="1", sender="a@example.com").customer
    two = receive(email_inbox, subject="2", sender="b@example.com").customer
    customer_merge(source=one, target=two, actor=alice)
    one.refresh_from_db()
    with pytest.raises(Exception, match="already merged"):
        customer_merge(source=one, target=two, actor=alice)


def test_admin_sets_up_an_email_inbox_and_sees_failed_mail(iris: User, alice: User) -> None:
    client = client_for(iris)
    response = client.post(
        "/desk/settings/inboxes/new/",
        {
            "kind": "email", "name": "Sales", "address": "Sales@Toko-Test.example",
            "is_active": "on",
            "imap_host": "127.0.0.1", "imap_port": "993", "imap_security": "ssl",
            "imap_username": "sales", "imap_password": "secret", "imap_folder": "INBOX",
            "poll_seconds": "60", "smtp_port": "587", "smtp_security": "starttls",
        },
    )  # fmt: skip
    assert response.status_code == 302
    inbox = Inbox.objects.get(name="Sales")
    assert inbox.address == "sales@toko-test.example"
    # Sealed at rest, never shown back in full.
    assert inbox.config["imap_password"].startswith("sealed:")
    assert unseal(inbox.config["imap_password"]) == "secret"
    page = client.get(f"/desk/settings/inboxes/{inbox.pk}/").content.decode()
    assert 'value="secret"' not in page
    assert "Saved (••••). Leave empty to keep it." in page
    assert inbox.poll_due_at is not None
    # Saving again without retyping the password keeps it.
    client.post(
        f"/desk/settings/inboxes/{inbox.pk}/",
        {
            "name": "Sales", "address": "sales@toko-test.example", "is_active": "on",
            "imap_host": "127.0.0.1", "imap_port": "993", "imap_security": "ssl",
            "imap_username": "sales", "imap_folder": "INBOX", "poll_seconds": "60",
            "smtp_port": "587", "smtp_security": "starttls",
        },
    )  # fmt: skip
    inbox.refresh_from_db()
    assert unseal(inbox.config["imap_password"]) == "secret"
    inbound_ingest(
        inbox=inbox, payload=b"To: sales@toko-test.example\r\n\r\nno sender", source="test"
    )
    failed = client.get("/desk/settings/inboxes/failed/")
    assert len(failed.context["rows"]) == 1
    assert client_for(alice).get("/desk/settings/inboxes/").status_code == 403


def test_a_company_groups_its_people_under_an_account_owner(
    email_inbox: Inbox, iris: User, alice: User
) -> None:
    client = client_for(iris)
    response = client.post(
        "/desk/settings/companies/",
        {"name": "Acme Corp", "domain": "@Acme.example", "account_owner": alice.pk, "notes": ""},
    )
    assert response.status_code == 302
    conversation = receive(email_inbox, subject="Bulk order", sender="buyer@acme.example")

    assert conversation.customer.company is not None
    assert conversation.customer.company.domain == "acme.example"
    page = client_for(alice).get(f"/desk/conversations/{conversation.number}/")
    assert "Account owner: Alice Agent" in page.content.decode()
    listing = client.get("/desk/settings/companies/")
    assert [(row.name, row.people) for row in listing.context["rows"]] == [("Acme Corp", 1)]
    assert client_for(alice).get("/desk/settings/companies/").status_code == 403


def test_a_huge_email_shows_its_beginning_and_the_whole_on_demand(
    email_inbox: Inbox, alice: User
) -> None:
    lines = [f"Line {n}: the same long log line, again and again." for n in range(60_000)]
    conversation = receive(email_inbox, subject="Logs", text="\n".join(lines))
    message = conversation.messages.get()
    assert len(message.text) > 3_000_000
    client = client_for(alice)
    page = client.get(f"/desk/conversations/{conversation.number}/thread/").content.decode()
    assert len(page) < 200_000
    assert "Line 10:" in page
    assert "Line 59999:" not in page
    assert "Show all of it (" in page
    whole = client.get(f"/desk/messages/{message.pk}/source/?text=1").content.decode()
    assert whole.rstrip().endswith("Line 59999: the same long log line, again and again.")


def test_the_original_link_names_an_email_only_for_email(email_inbox: Inbox, alice: User) -> None:
    conversation = receive(email_inbox, subject="Halo")
    User.objects.filter(pk=alice.pk).update(language="zh-hans")
    page = client_for(User.objects.get(pk=alice.pk)).get(
        f"/desk/conversations/{conversation.number}/thread/"
    )
    assert "原始邮件" in page.content.decode()


def test_a_conversation_is_opened_only_in_channels_an_agent_can_start(
    email_inbox: Inbox, alice: User
) -> None:
    workspace = email_inbox.workspace
    Inbox.objects.create(workspace=workspace, kind="phone", name="Phone")
    Inbox.objects.create(workspace=workspace, kind="chat", name="Website chat")
    form = client_for(alice).get("/desk/conversations/new/").context["form"]
    assert sorted(inbox.name for inbox in form.fields["inbox"].queryset) == [
        "Phone",
        "Support email",
    ]


def test_a_contact_form_conversation_offers_a_reply_that_is_sent(alice: User) -> None:
    from layan.inboxes.services import inbox_create

    webform = inbox_create(workspace=alice.workspace, kind="webform", name="Contact form")
    phone = inbox_create(workspace=alice.workspace, kind="phone", name="Phone")
    customer = customer_resolve(workspace=alice.workspace, kind="email", address="c@example.com")
    client = client_for(alice)
    for inbox, label in [(webform, "Reply to customer"), (phone, "Log a reply")]:
        conversation = services.conversation_open_for_customer(
            inbox=inbox, customer=customer, agent=alice, subject="Hi", text="Hello", send=False
        )
        page = client.get(f"/desk/conversations/{conversation.number}/").content.decode()
        assert label in page
