"""Demo data for accounts and support hours (see layan.wiring.demo)."""

from __future__ import annotations

from dataclasses import dataclass

from layan.accounts import services
from layan.accounts.models import ContactChannel, Skill, Team, User, Workspace

DEMO_SLUG = "toko-layan"
DEMO_PASSWORD = "layan-demo"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    language: str
    skills: tuple[str, ...]
    teams: tuple[str, ...]


PEOPLE = [
    Person("iris@toko.example", "Iris Wulandari", "admin", "id", ("id", "en"), ("Billing",)),
    Person(
        "alice@toko.example",
        "Alice Tan",
        "agent",
        "en",
        ("en", "id", "shipping"),
        ("Customer care", "Billing"),
    ),
    Person(
        "budi@toko.example", "Budi Santoso", "agent", "id", ("id", "returns"), ("Customer care",)
    ),
    Person(
        "wei@toko.example",
        "张伟 Wei Zhang",
        "agent",
        "zh-hans",
        ("zh-hans", "en", "payments"),
        ("中文客服",),
    ),
]

TEAMS = {
    "Customer care": {
        "en": "Orders, delivery and returns, in English and Bahasa Indonesia.",
        "id": "Pesanan, pengiriman dan retur, dalam bahasa Inggris dan Indonesia.",
        "zh-hans": "订单、配送和退货（英语和印尼语）。",
    },
    "中文客服": {
        "en": "Chinese-speaking customers.",
        "id": "Pelanggan berbahasa Tionghoa.",
        "zh-hans": "中文客户服务。",
    },
    "Billing": {
        "en": "Payments, refunds and invoices.",
        "id": "Pembayaran, pengembalian dana dan faktur.",
        "zh-hans": "付款、退款和发票。",
    },
}

TOPICS = {"shipping": "Shipping", "returns": "Returns", "payments": "Payments"}

# Monday to Friday with a lunch break, Saturday mornings; Sunday closed.
CHANNELS = [
    (
        "email",
        "support@toko.example",
        {
            "en": "We answer every email, usually the same day.",
            "id": "Kami membalas setiap email, biasanya di hari yang sama.",
            "zh-hans": "每封邮件我们都会回复，通常当天回复。",
        },
    ),
    (
        "whatsapp",
        "+62 812 3456 7890",
        {
            "en": "Chat with us on WhatsApp.",
            "id": "Chat dengan kami lewat WhatsApp.",
            "zh-hans": "通过 WhatsApp 联系我们。",
        },
    ),
    (
        "phone",
        "+62 21 5550 1234",
        {
            "en": "Call us during support hours.",
            "id": "Telepon kami pada jam layanan.",
            "zh-hans": "营业时间内欢迎来电。",
        },
    ),
    ("telegram", "@tokolayan", {}),
    (
        "instagram",
        "@tokolayan",
        {
            "en": "Send us a DM on Instagram.",
            "id": "Kirim DM ke Instagram kami.",
            "zh-hans": "在 Instagram 上给我们发私信。",
        },
    ),
    (
        "address",
        "Jl. Kemang Raya No. 8, Jakarta Selatan 12730",
        {
            "en": "Walk-in pick-up and returns.",
            "id": "Ambil pesanan dan retur langsung di toko.",
            "zh-hans": "可到店自取和退货。",
        },
    ),
]


def load_workspace() -> Workspace:
    existing = Workspace.objects.filter(slug=DEMO_SLUG).first()
    if existing:
        return existing
    workspace = services.workspace_create(
        name="Toko Layan",
        slug=DEMO_SLUG,
        timezone_name="Asia/Jakarta",
        languages=["en", "id", "zh-hans"],
        default_language="id",
    )
    # The default (0.9) was fitted on large help centers, where many articles compete; with
    # the demo's eight, shoppers' everyday questions (layan/testing/demo_questions.py) score
    # 0.6-0.95 on the right article and at most 0.55 on a wrong one. 0.8 answers most of them
    # and none wrongly; Settings -> Workspace shows it like any shop's own choice.
    Workspace.objects.filter(pk=workspace.pk).update(bot_confidence=0.8)
    workspace.bot_confidence = 0.8
    return workspace


def load_channels(workspace: Workspace) -> None:
    for position, (kind, value, notes) in enumerate(CHANNELS):
        ContactChannel.objects.get_or_create(
            workspace=workspace,
            kind=kind,
            value=value,
            defaults={"notes": notes, "position": position},
        )


def load_people(workspace: Workspace) -> None:
    teams = {
        name: Team.objects.get_or_create(
            workspace=workspace, name=name, defaults={"descriptions": descriptions}
        )[0]
        for name, descriptions in TEAMS.items()
    }
    for code, name in TOPICS.items():
        Skill.objects.get_or_create(
            workspace=workspace, kind=Skill.Kind.TOPIC, code=code, defaults={"name": name}
        )
    skills = {skill.code: skill for skill in Skill.objects.filter(workspace=workspace)}
    for person in PEOPLE:
        if User.objects.filter(email=person.email).exists():
            continue
        user = User.objects.create_user(
            person.email,
            DEMO_PASSWORD,
            workspace=workspace,
            name=person.name,
            role=person.role,
            language=person.language,
            is_staff=person.role == User.Role.ADMIN,
        )
        user.skills.set(skills[code] for code in person.skills)
        user.teams.set(teams[name] for name in person.teams)
