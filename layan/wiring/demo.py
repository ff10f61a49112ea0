"""The demo workspace, "Toko Layan": a small online shop in Jakarta serving customers in
English, Bahasa Indonesia and Chinese. Every step is idempotent; later domains add theirs to
`STEPS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from layan.accounts import demo as accounts_demo
from layan.accounts.models import Workspace
from layan.conversations import demo as conversations_demo
from layan.knowledge import demo as knowledge_demo
from layan.sla import demo as sla_demo

DEMO_PASSWORD = accounts_demo.DEMO_PASSWORD


@dataclass
class DemoResult:
    workspace: Workspace
    logins: list[tuple[str, str]] = field(default_factory=list)


STEPS: list[Callable[[Workspace], None]] = [
    sla_demo.load_hours,
    accounts_demo.load_channels,
    accounts_demo.load_people,
    knowledge_demo.load_knowledge,
    knowledge_demo.load_shipping_policy,
    conversations_demo.load_conversations,
    conversations_demo.load_web_channels,
]


@transaction.atomic
def load() -> DemoResult:
    workspace = accounts_demo.load_workspace()
    for step in STEPS:
        step(workspace)
    return DemoResult(
        workspace=workspace,
        logins=[(person.email, person.role) for person in accounts_demo.PEOPLE],
    )
