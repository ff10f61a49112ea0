"""The widget's HTTP side: the script itself, file uploads, and files shown in the chat.

Uploads come from the shop's own site (another origin): they carry the visitor token in the
form, not a cookie, so they are CSRF-exempt and answered with CORS headers for the origins
the chat inbox allows.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from layan.channels.livechat import services as chat
from layan.conversations.forms import MAX_UPLOAD_BYTES
from layan.conversations.views.inbox import attachment_response
from layan.inboxes.models import Inbox
from layan.inboxes.payloads import MAX_TEXT
from layan.inboxes.selectors import active_inbox
from layan.realtime import groups, push


@require_GET
def widget_js(request: HttpRequest) -> FileResponse:
    path = finders.find("layan/widget.js")
    if not isinstance(path, str):
        raise Http404
    # FileResponse closes the file when the response is sent.
    response = FileResponse(open(path, "rb"), content_type="text/javascript; charset=utf-8")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def chat_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A plain page with the widget on it: for admins to try the chat, and for the demo."""
    inbox = active_inbox(kind=Inbox.Kind.CHAT, workspace_slug=slug)
    if inbox is None:
        raise Http404
    return render(request, "livechat/chat_preview.html", {"inbox": inbox})


def _cors(response: HttpResponseBase, request: HttpRequest, inbox: Inbox) -> HttpResponseBase:
    origin = request.headers.get("Origin", "")
    if origin and chat.origin_permitted(inbox=inbox, origin=origin):
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def chat_upload(request: HttpRequest, slug: str) -> HttpResponseBase:
    inbox = active_inbox(kind=Inbox.Kind.CHAT, workspace_slug=slug)
    if inbox is None:
        raise Http404
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "POST"
        return _cors(response, request, inbox)
    origin = request.headers.get("Origin", "")
    if origin and not chat.origin_permitted(inbox=inbox, origin=origin):
        return JsonResponse({"error": _("This site may not use the chat.")}, status=403)
    key = chat.visitor_token_read(inbox=inbox, token=request.POST.get("token", ""))
    client_id = request.POST.get("client_id", "")[:64]
    upload = request.FILES.get("file")
    if key is None or not client_id or upload is None:
        return _cors(
            JsonResponse({"error": _("Choose a file to send.")}, status=400), request, inbox
        )
    if not chat.upload_allowed(inbox=inbox, key=key):
        error = _("You have sent many files just now. Please wait a few minutes.")
        return _cors(JsonResponse({"error": error}, status=429), request, inbox)
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        error = _("That file is too big (at most %(mb)s MB).") % {
            "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
        }
        return _cors(JsonResponse({"error": error}, status=413), request, inbox)
    text = request.POST.get("text", "")
    if len(text) > MAX_TEXT:
        error = _("That message is too long (at most %(count)s characters): please split it.") % {
            "count": MAX_TEXT
        }
        return _cors(JsonResponse({"error": error}, status=400), request, inbox)
    try:
        received = chat.chat_receive(
            inbox=inbox,
            key=key,
            client_id=client_id,
            text=text,
            meta={"user_agent": request.headers.get("User-Agent", "")[:500]},
            files=[
                (
                    upload.name or "file",
                    upload.content_type or "application/octet-stream",
                    upload.read(),
                )
            ],
        )
    except chat.ChatError as error:
        return _cors(JsonResponse({"error": str(error)}, status=400), request, inbox)
    push.group_send(
        groups.chat(received.conversation_id),
        {"type": "chat.event", "event": "message", "data": received.message},
    )
    return _cors(JsonResponse({"message": received.message}), request, inbox)


@require_GET
def chat_file(request: HttpRequest, signature: str) -> FileResponse:
    """A file in a chat, for the visitor's widget: the URL itself is the (signed) permission."""
    item = chat.file_from_signature(signature)
    if item is None:
        raise Http404
    response = attachment_response(item)
    # Shown in the widget on the shop's own site.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
