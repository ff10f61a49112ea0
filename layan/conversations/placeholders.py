"""Placeholders in canned replies and signatures: `{{ customer.first_name }}` and friends.

A deliberately small language (no Django template tags, no attribute walking): a macro is
written by an admin but its output goes to a customer, so only the names listed here exist.
"""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")


def context_for(*, customer: Any = None, agent: Any = None, conversation: Any = None,
                workspace: Any = None) -> dict[str, str]:  # fmt: skip
    values: dict[str, str] = {}
    if customer is not None:
        values["customer.name"] = customer.name or ""
        values["customer.first_name"] = customer.first_name
        values["customer.email"] = customer.email
    if agent is not None:
        values["agent.name"] = agent.name
        values["agent.first_name"] = agent.first_name
    if conversation is not None:
        values["conversation.number"] = str(conversation.number)
        values["conversation.subject"] = conversation.subject
    if workspace is not None:
        values["workspace.name"] = workspace.name
    return values


def render(text: str, values: dict[str, str]) -> str:
    """Fill known placeholders; an unknown one is left as written so the agent sees it."""

    def replace(match: re.Match[str]) -> str:
        key = f"{match.group(1)}.{match.group(2)}"
        return values.get(key, match.group(0))

    return PLACEHOLDER.sub(replace, text)
