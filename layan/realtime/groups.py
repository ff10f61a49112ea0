"""Every channel-layer group name Layan uses is built here, and only here."""

from __future__ import annotations


def workspace_agents(workspace_id: int) -> str:
    """Every agent desk of a workspace: presence and, later, inbox updates."""
    return f"ws{workspace_id}.agents"


def agent(user_id: int) -> str:
    """One agent's open desk tabs."""
    return f"agent{user_id}"


def conversation(conversation_id: int) -> str:
    """The desks that have one conversation open: who is viewing, who is typing."""
    return f"conversation{conversation_id}"


def chat(conversation_id: int) -> str:
    """The chat widgets (one per visitor tab) showing one live-chat conversation."""
    return f"chat{conversation_id}"
