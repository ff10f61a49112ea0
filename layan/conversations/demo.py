"""Demo inboxes, canned replies and conversations in English, Indonesian and Chinese.

The conversations arrive the way real mail does (through the email adapter and the inbound
services), so the demo shows exactly what a real install shows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from layan.accounts.models import Team, User, Workspace
from layan.conversations import inbound, services
from layan.conversations.models import Conversation, Macro
from layan.customers.models import Company
from layan.inboxes import services as inbox_services
from layan.inboxes.compose import customer_email
from layan.inboxes.models import Inbox

DEMO_INBOX = "support@toko.example"

MACROS = [
    (
        "Order on its way",
        "en",
        "Hi {{ customer.first_name }},\n\nGood news: your order has left our warehouse. You will "
        "receive the tracking number (resi) by email within a day.\n\nThank you for shopping with "
        "{{ workspace.name }}!",
    ),
    (
        "Pesanan sudah dikirim",
        "id",
        "Halo Kak {{ customer.first_name }},\n\nPesanan Kakak sudah kami kirim hari ini. "
        "Nomor resi akan kami kirim lewat email paling lambat besok.\n\n"
        "Terima kasih sudah berbelanja di {{ workspace.name }}!",
    ),
    (
        "退款已处理",
        "zh-hans",
        "{{ customer.first_name }}您好，\n\n您的退款已经处理，通常3到5个工作日到账。如有任何问题，"
        "请直接回复本邮件（工单号 #{{ conversation.number }}）。\n\n{{ workspace.name }}",
    ),
]

# (sender, subject, text, language, agent reply or "", status after)
CONVERSATIONS = [
    (
        "Carl Customer <carl@example.com>",
        "Where is my order #1001?",
        "Hello, I ordered a blender last Monday and have not received a tracking number yet. "
        "Could you check, please?",
        "Hi Carl, your blender shipped this morning; the tracking number follows today.",
        "pending",
    ),
    (
        "Budi Santoso <budi@contoh.co.id>",
        "Ongkir ke Surabaya berapa?",
        "Halo kak, mau tanya ongkir ke Surabaya berapa ya? Bisa COD nggak?",
        "",
        "",
    ),
    (
        "张伟 <zhang.wei@example.cn>",
        "退款多久到账？",
        "您好，我上周申请了退款，请问多久能到账？谢谢。",
        "",
        "",
    ),
    (
        "Siti Rahma <siti@contoh.co.id>",
        "Barang rusak saat diterima",
        "Kak, blender yang saya terima retak di bagian tutupnya. Mohon dibantu penggantian.",
        "",
        "",
    ),
    (
        "Mark Buyer <mark@acme.example>",
        "Invoice for our company order",
        "Hi, could you send the invoice for order #1042 with our company tax number?",
        "Hi Mark, the invoice with your tax number is attached to this email.",
        "solved",
    ),
]


def load_web_channels(workspace: Workspace) -> None:
    """The website chat (try it at /chat/<workspace>/preview/) and the contact form."""
    care = Team.objects.filter(workspace=workspace).order_by("id").first()
    if not Inbox.objects.filter(workspace=workspace, kind=Inbox.Kind.CHAT).exists():
        # The answer bot answers first, day and night (outside hours it is the only one who can).
        inbox_services.inbox_create(
            workspace=workspace, kind="chat", name="Website chat", team=care, config={"bot": True}
        )
    if not Inbox.objects.filter(workspace=workspace, kind=Inbox.Kind.WEBFORM).exists():
        inbox_services.inbox_create(
            workspace=workspace, kind="webform", name="Contact form", team=care
        )


def load_conversations(workspace: Workspace) -> None:
    if Inbox.objects.filter(workspace=workspace).exists():
        return
    care = Team.objects.filter(workspace=workspace).order_by("id").first()
    email = inbox_services.inbox_create(
        workspace=workspace, kind="email", name="Email", address=DEMO_INBOX, team=care
    )
    inbox_services.inbox_create(workspace=workspace, kind="phone", name="Phone & walk-in")
    Company.objects.create(workspace=workspace, name="Acme Corp", domain="acme.example")
    for name, language, body in MACROS:
        Macro.objects.create(workspace=workspace, name=name, language=language, body=body)
    agent = User.objects.filter(workspace=workspace, role=User.Role.AGENT).order_by("id").first()
    now = timezone.now()
    for index, (sender, subject, text, reply, status) in enumerate(CONVERSATIONS):
        payload = customer_email(sender=sender, to=DEMO_INBOX, subject=subject, text=text)
        result = inbound.inbound_ingest(inbox=email, payload=payload, source="demo")
        conversation = Conversation.objects.get(workspace=workspace, pk=result.conversation_id or 0)
        # Spread the demo over the last hours so "oldest waiting" has something to sort.
        earlier = now - dt.timedelta(hours=5 * (len(CONVERSATIONS) - index))
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=earlier, last_activity_at=earlier, waiting_since=earlier,
            first_customer_message_at=earlier, last_customer_message_at=earlier,
        )  # fmt: skip
        conversation.messages.update(created_at=earlier)
        conversation.events.update(created_at=earlier)
        if reply and agent is not None:
            conversation.refresh_from_db()
            message = services.reply_send(
                conversation=conversation, agent=agent, text=reply, status=status or None
            )
            # Demo replies are shown as sent; nothing is mailed to these made-up customers.
            message.delivery = message.Delivery.SENT
            message.sent_at = now
            message.save(update_fields=["delivery", "sent_at"])
