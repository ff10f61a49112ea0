"""Channel adapters by inbox kind. An adapter translates; services decide.

Each channel is an app of its own (`layan/channels/<name>/`) whose `AppConfig.ready()` registers
its adapter here; its line in INSTALLED_APPS is the one registration line. An adapter provides:
- `parse_inbound(payload: bytes) -> InboundMessage` (pure; raises ValueError on unusable input),
- `validate_config(config: dict) -> dict` (raises ValidationError),
- `new_external_id(conversation=) -> str` (the channel id our outbound message will carry),
- `send(message=) -> None` (raises DeliveryError), and `can_send` (False: replies are logged only),
- `agent_opens`: whether an agent may open a conversation in it (a logged call, an email started
  by the shop); chats and web forms are started by customers only,
- `label`: the channel's name for people, `settings_form`: its settings on the inbox page (an
  `inboxes.forms.ChannelSettingsForm`, or None), `settings_template`: a template shown under
  a saved inbox's settings ("" for none; the chat's embed code).
"""

from __future__ import annotations

from typing import Any, Protocol

from layan.inboxes.types import InboundMessage


class DeliveryError(Exception):
    """Sending failed. `permanent` failures are not retried (bad address, rejected content)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Adapter(Protocol):
    kind: str
    label: Any
    can_send: bool
    agent_opens: bool
    settings_form: Any
    settings_template: str

    def parse_inbound(self, payload: bytes) -> InboundMessage: ...

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]: ...

    def new_external_id(self, *, conversation: Any) -> str: ...

    def send(self, *, message: Any) -> None: ...


_adapters: dict[str, Adapter] = {}


def register(adapter: Adapter) -> None:
    """Called by a channel app's `ready()`. Adapters hold no state: one per process."""
    if adapter.kind in _adapters and type(_adapters[adapter.kind]) is not type(adapter):
        raise ValueError(f"two channel adapters for inbox kind {adapter.kind!r}")
    _adapters[adapter.kind] = adapter


def adapters() -> dict[str, Adapter]:
    return _adapters


def kind_choices() -> list[tuple[str, Any]]:
    """`Inbox.kind`'s choices: the registered channels, in INSTALLED_APPS order."""
    return [(kind, adapter.label) for kind, adapter in _adapters.items()]


def adapter_for(kind: str) -> Adapter:
    try:
        return adapters()[kind]
    except KeyError:
        raise LookupError(f"no channel adapter for inbox kind {kind!r}") from None


def kinds_agents_open() -> list[str]:
    return [kind for kind, adapter in adapters().items() if adapter.agent_opens]
