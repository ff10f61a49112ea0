"""Channel adapters by inbox kind. An adapter translates; services decide.

Each adapter lives in its own package (`layan/inboxes/<kind>/`) and provides:
- `parse_inbound(payload: bytes) -> InboundMessage` (pure; raises ValueError on unusable input),
- `validate_config(config: dict) -> dict` (raises ValidationError),
- `new_external_id(conversation=) -> str` (the channel id our outbound message will carry),
- `send(message=) -> None` (raises DeliveryError), and `can_send` (False: replies are logged only),
- `agent_opens`: whether an agent may open a conversation in it (a logged call, an email started
  by the shop); chats and web forms are started by customers only.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol

from layan.inboxes.types import InboundMessage


class DeliveryError(Exception):
    """Sending failed. `permanent` failures are not retried (bad address, rejected content)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Adapter(Protocol):
    kind: str
    can_send: bool
    agent_opens: bool

    def parse_inbound(self, payload: bytes) -> InboundMessage: ...

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]: ...

    def new_external_id(self, *, conversation: Any) -> str: ...

    def send(self, *, message: Any) -> None: ...


@functools.cache
def adapters() -> dict[str, Adapter]:
    # Adapters hold no state: built once per process.
    from layan.inboxes.email.adapter import EmailAdapter
    from layan.inboxes.livechat.adapter import ChatAdapter
    from layan.inboxes.phone.adapter import PhoneAdapter
    from layan.inboxes.webform.adapter import WebformAdapter

    return {
        "email": EmailAdapter(),
        "chat": ChatAdapter(),
        "webform": WebformAdapter(),
        "phone": PhoneAdapter(),
    }


def adapter_for(kind: str) -> Adapter:
    try:
        return adapters()[kind]
    except KeyError:
        raise LookupError(f"no channel adapter for inbox kind {kind!r}") from None


def kinds_agents_open() -> list[str]:
    return [kind for kind, adapter in adapters().items() if adapter.agent_opens]
