"""Demo data for accounts and support hours (see layan.core.demo)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from layan.accounts import services
from layan.accounts.models import ContactChannel, Skill, Team, User, Workspace
from layan.sla.models import BusinessHours, Holiday, OpeningInterval

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
    "Customer care": "Orders, delivery and returns, in English and Bahasa Indonesia.",
    "中文客服": "Chinese-speaking customers (中文服务).",
    "Billing": "Payments, refunds and invoices.",
}

TOPICS = {"shipping": "Shipping", "returns": "Returns", "payments": "Payments"}

# Monday to Friday with a lunch break, Saturday mornings; Sunday closed.
WEEK = (
    [(day, "08:00", "12:00") for day in range(5)]
    + [(day, "13:00", "17:00") for day in range(5)]
    + [(5, "09:00", "14:00")]
)

HOLIDAYS = [
    (dt.date(2026, 12, 25), "Hari Raya Natal"),
    (dt.date(2027, 1, 1), "Tahun Baru Masehi"),
    (dt.date(2027, 2, 6), "Tahun Baru Imlek"),
    (dt.date(2027, 8, 17), "Hari Kemerdekaan RI"),
]

CHANNELS = [
    ("email", "support@toko.example", "We answer every email, usually the same day."),
    ("whatsapp", "+62 812 3456 7890", "Chat with us on WhatsApp · Chat lewat WhatsApp"),
    ("phone", "+62 21 5550 1234", "Call us during support hours · 营业时间内欢迎来电"),
    ("telegram", "@tokolayan", ""),
    ("instagram", "@tokolayan", "DM us on Instagram"),
    ("address", "Jl. Kemang Raya No. 8, Jakarta Selatan 12730", "Walk-in pick-up and returns"),
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


def load_hours(workspace: Workspace) -> None:
    schedule = BusinessHours.objects.get(workspace=workspace, is_default=True)
    if not schedule.intervals.exists():
        OpeningInterval.objects.bulk_create(
            OpeningInterval(
                schedule=schedule,
                weekday=day,
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )
            for day, opens, closes in WEEK
        )
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(schedule=schedule, date=day, defaults={"name": name})


def load_channels(workspace: Workspace) -> None:
    for position, (kind, value, note) in enumerate(CHANNELS):
        ContactChannel.objects.get_or_create(
            workspace=workspace,
            kind=kind,
            value=value,
            defaults={"note": note, "position": position},
        )


def load_people(workspace: Workspace) -> None:
    teams = {
        name: Team.objects.get_or_create(
            workspace=workspace, name=name, defaults={"description": description}
        )[0]
        for name, description in TEAMS.items()
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
