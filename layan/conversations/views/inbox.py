"""The agent inbox and the conversation page (`/desk/conversations/…`). Thin: decode, load
through access_*, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layan.accounts.access import agent_required, current_agent
from layan.accounts.models import Team, User
from layan.conversations import delivery, placeholders, selectors, services
from layan.conversations.access import access_conversation, access_macro, access_message
from layan.conversations.forms import MAX_UPLOAD_BYTES, ConversationNewForm, ReplyForm
from layan.conversations.models import Attachment, Conversation, Macro
from layan.customers.services import customer_resolve
from layan.inboxes.models import Inbox
from layan.inboxes.registry import adapter_for, kinds_agents_open
from layan.inboxes.types import InboundAttachment


@agent_required
def inbox(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    filters = selectors.InboxFilters.from_query(request.GET)
    page_number = request.GET.get("page", "1")
    page = selectors.inbox_page(
        agent=agent, filters=filters, page=int(page_number) if page_number.isdigit() else 1
    )
    context = {
        "nav": "inbox",
        "filters": filters,
        "page": page,
        "choices": selectors.filter_choices(agent=agent),
        "statuses": Conversation.Status.choices,
        "priorities": Conversation.Priority.choices,
        "query": request.GET.urlencode(),
    }
    template = "conversations/_list.html" if request.htmx else "conversations/inbox.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@agent_required
def view_counts(request: HttpRequest) -> HttpResponse:
    """The per-view counts, fetched after the list (and again on every inbox event). Only the
    numbers are sent, each swapped into its tab in place: replacing the tabs themselves could
    swallow a click that lands while they are being replaced."""
    agent = current_agent(request)
    return render(
        request, "conversations/_view_counts.html", {"counts": selectors.view_counts(agent=agent)}
    )


@require_POST
@agent_required
def bulk(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    action = request.POST.get("action", "")
    changes = services.Changes()
    tag = ""
    if action == "solve":
        changes = services.Changes(status=Conversation.Status.SOLVED)
    elif action == "assign":
        assignee_id = request.POST.get("assignee", "")
        if assignee_id == "none":
            changes = services.Changes(unassign=True)
        else:
            assignee = User.objects.filter(
                workspace_id=agent.workspace_id, pk=assignee_id if assignee_id.isdigit() else 0
            ).first()
            if assignee is None:
                messages.error(request, _("Choose an agent."))
                return redirect(_safe_next(request))
            changes = services.Changes(assignee=assignee)
    elif action == "tag":
        tag = request.POST.get("tag", "").strip()
        if not tag:
            messages.error(request, _("Enter a tag."))
            return redirect(_safe_next(request))
    else:
        messages.error(request, _("Choose what to do with the selected conversations."))
        return redirect(_safe_next(request))
    count = services.conversations_bulk_update(
        workspace=agent.workspace, actor=agent, ids=ids, changes=changes, add_tag=tag
    )
    messages.success(request, _("%(count)s conversations updated.") % {"count": count})
    return redirect(_safe_next(request))


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/desk/") else reverse("desk:inbox")


def _conversation_context(conversation: Conversation, agent: User) -> dict[str, object]:
    adapter = adapter_for(conversation.inbox.kind)
    return {
        "nav": "inbox",
        "conversation": conversation,
        "customer": conversation.customer,
        "identities": list(conversation.customer.identities.all()),
        "items": selectors.thread(conversation=conversation),
        "history": selectors.customer_history(
            customer=conversation.customer, exclude=conversation.pk
        ),
        "form": ReplyForm(),
        "macros": Macro.objects.filter(workspace_id=agent.workspace_id),
        "agents": User.objects.filter(workspace_id=agent.workspace_id, is_active=True),
        "teams": Team.objects.filter(workspace_id=agent.workspace_id),
        "statuses": Conversation.Status.choices,
        "priorities": Conversation.Priority.choices,
        "tags": ", ".join(tag.name for tag in conversation.tags.all()),
        "can_send": adapter.can_send,
        # The channel's own part above the reply form (a messaging window, templates).
        "composer": adapter.composer_template,
        "channel": adapter.composer_context(conversation=conversation)
        if adapter.composer_template
        else {},
        "is_chat": conversation.inbox.kind == Inbox.Kind.CHAT,
        "visitor": selectors.visitor_details(conversation=conversation)
        if conversation.inbox.kind == Inbox.Kind.CHAT
        else {},
    }


@agent_required
def conversation(request: HttpRequest, number: int) -> HttpResponse:
    agent = current_agent(request)
    item = access_conversation(actor=agent, number=number)
    return render(request, "conversations/conversation.html", _conversation_context(item, agent))


@agent_required
def thread(request: HttpRequest, number: int) -> HttpResponse:
    """The thread alone, re-fetched by the page when the desk socket reports a change."""
    agent = current_agent(request)
    item = access_conversation(actor=agent, number=number)
    return render(
        request,
        "conversations/_thread.html",
        {"conversation": item, "items": selectors.thread(conversation=item)},
    )


@require_POST
@agent_required
def reply(request: HttpRequest, number: int) -> HttpResponse:
    agent = current_agent(request)
    item = access_conversation(actor=agent, number=number)
    form = ReplyForm(request.POST)
    uploads = request.FILES.getlist("attachments")
    error = None
    if not form.is_valid():
        error = _("Check the reply form.")
    elif sum(upload.size or 0 for upload in uploads) > MAX_UPLOAD_BYTES:
        error = _("Attachments may add up to 20 MB.")
    else:
        try:
            if form.cleaned_data["mode"] == "note":
                services.note_add(conversation=item, agent=agent, text=form.cleaned_data["text"])
            else:
                services.reply_send(
                    conversation=item,
                    agent=agent,
                    text=form.cleaned_data["text"],
                    attachments=[
                        InboundAttachment(
                            filename=upload.name or "attachment",
                            content_type=upload.content_type or "application/octet-stream",
                            content=upload.read(),
                        )
                        for upload in uploads
                    ],
                    status=form.cleaned_data["status"] or None,
                )
        except ValidationError as problem:
            error = " ".join(problem.messages)
    if error:
        messages.error(request, error)
    return redirect("desk:conversation", number=item.number)


@require_POST
@agent_required
def private_reply(request: HttpRequest, number: int) -> HttpResponse:
    """Answer a public comment with a direct message to its author, where the channel allows
    it (Meta's private reply: one, within 7 days of the comment)."""
    agent = current_agent(request)
    item = access_conversation(actor=agent, number=number)
    if not adapter_for(item.inbox.kind).private_replies:
        raise Http404
    try:
        services.reply_send(
            conversation=item,
            agent=agent,
            text=request.POST.get("text", ""),
            headers={"private": True},
        )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:conversation", number=item.number)


@require_POST
@agent_required
def update(request: HttpRequest, number: int) -> HttpResponse:
    agent = current_agent(request)
    item = access_conversation(actor=agent, number=number)
    post = request.POST
    assignee_id = post.get("assignee", "")
    team_id = post.get("team", "")
    priority = post.get("priority", "")
    try:
        changes = services.Changes(
            status=post.get("status") or None,
            priority=int(priority) if priority.isdigit() else None,
            assignee=User.objects.filter(workspace_id=agent.workspace_id, pk=assignee_id).first()
            if assignee_id.isdigit()
            else None,
            unassign=assignee_id == "",
            team=Team.objects.filter(workspace_id=agent.workspace_id, pk=team_id).first()
            if team_id.isdigit()
            else None,
            no_team=team_id == "",
            tags=list(post.get("tags", "").split(",")) if "tags" in post else None,
            note=post.get("note", "")[:5000],
        )
        services.conversation_update(conversation=item, actor=agent, changes=changes)
        messages.success(request, _("Conversation updated."))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:conversation", number=item.number)


@agent_required
def macro_text(request: HttpRequest, number: int, macro_id: int) -> JsonResponse:
    """A canned reply with this conversation's placeholders filled in, for the agent to edit."""
    agent = current_agent(request)
    item = access_conversation(actor=agent, number=number)
    macro = access_macro(actor=agent, macro_id=macro_id)
    values = placeholders.context_for(
        customer=item.customer, agent=agent, conversation=item, workspace=item.workspace
    )
    return JsonResponse({"text": placeholders.render(macro.body, values)})


@agent_required
def message_source(request: HttpRequest, message_id: int) -> HttpResponse:
    """The full original: the raw email as received, or (`?text=1`, and for other messages)
    the message's whole text."""
    agent = current_agent(request)
    message = access_message(actor=agent, message_id=message_id)
    if message.raw is not None and not request.GET.get("text"):
        response = HttpResponse(
            bytes(message.raw.payload), content_type="text/plain; charset=utf-8"
        )
    else:
        response = HttpResponse(
            message.full_text or message.text, content_type="text/plain; charset=utf-8"
        )
    response["Content-Disposition"] = f'inline; filename="message-{message.pk}.eml"'
    return response


@require_POST
@agent_required
def message_retry(request: HttpRequest, message_id: int) -> HttpResponse:
    agent = current_agent(request)
    message = access_message(actor=agent, message_id=message_id)
    try:
        with transaction.atomic():
            delivery.message_retry(message=message)
        messages.success(request, _("Sending again."))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("desk:conversation", number=message.conversation.number)


@agent_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    agent = current_agent(request)
    item = get_object_or_404(
        Attachment, pk=attachment_id, message__conversation__workspace_id=agent.workspace_id
    )
    return attachment_response(item)


def attachment_response(item: Attachment) -> FileResponse:
    """A stored attachment, safely: images inline, anything else downloaded, never run."""
    inline = item.content_type.startswith("image/") and item.content_type != "image/svg+xml"
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=not inline,
        filename=item.filename,
        content_type=item.content_type if inline else "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@agent_required
def conversation_new(request: HttpRequest) -> HttpResponse:
    agent = current_agent(request)
    inboxes = Inbox.objects.filter(
        workspace_id=agent.workspace_id, is_active=True, kind__in=kinds_agents_open()
    )
    form = ConversationNewForm(request.POST or None, inboxes=inboxes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                customer = customer_resolve(
                    workspace=agent.workspace,
                    kind=data["kind"],
                    address=data["address"],
                    name=data["name"],
                )
                item = services.conversation_open_for_customer(
                    inbox=data["inbox"],
                    customer=customer,
                    agent=agent,
                    subject=data["subject"],
                    text=data["text"],
                    send=data["send"] == "send",
                )
            return redirect("desk:conversation", number=item.number)
        except ValidationError as problem:
            form.add_error(None, problem)
    return render(request, "conversations/new.html", {"form": form, "nav": "inbox"})
