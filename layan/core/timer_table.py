"""Every timer Layan runs, in one table."""

from __future__ import annotations

from layan.accounts.models import User
from layan.accounts.services import agent_presence_expire
from layan.core.timers import Timer

TIMERS: list[Timer] = [
    Timer(
        name="agent.presence_timeout",
        model=User,
        due_field="presence_due_at",
        handler=agent_presence_expire,
    ),
]
