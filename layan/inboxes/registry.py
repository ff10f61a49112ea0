"""Channel adapters by inbox kind. An adapter translates; services decide.

Each channel is an app of its own (`layan/channels/<name>/`) whose `AppConfig.ready()` registers
its adapter here (`ChannelAppConfig`); its line in INSTALLED_APPS is the one registration line.
An adapter (a subclass of `Adapter`) provides:
- `parse_inbound(payload: bytes) -> InboundMessage` (pure; raises ValueError on unusable input),
- `validate_config(config: dict) -> dict` (raises ValidationError),
- `new_external_id(conversation=) -> str` (the channel id our outbound message will carry),
- `fetch_media(inbox=, item=, limit=)`: a file a customer sent, downloaded after the message,
- `send(message=) -> str | None` (the provider's id of the sent message, if it gives one; raises
  DeliveryError), and `can_send` (False: replies are logged only),
- `agent_opens`: whether an agent may open a conversation in it (a logged call, an email started
  by the shop); chats and web forms are started by customers only,
- `secret_fields`: the names in its config that are secrets (sealed at rest, never shown back),
- `composer_template` / `composer_context(conversation=)`: what the conversation page shows
  above the reply form for this channel (WhatsApp's 24-hour window and its templates),
- `label`: the channel's name for people, `settings_form`: its settings on the inbox page (an
  `inboxes.forms.ChannelSettingsForm`, or None), `settings_template`: a template shown under
  a saved inbox's settings ("" for none; the chat's embed code).
"""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from layan.inboxes.types import InboundMessage


class DeliveryError(Exception):
    """Sending failed. `permanent` failures are not retried (bad address, rejected content).

    `reason` names what the agent should know and do (a key of `DELIVERY_REASONS`, shown in
    their language; the provider's own words stay as the detail); `retry_after` is the wait in
    seconds a provider asked for (HTTP 429 `Retry-After`)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        reason: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reason = reason
        self.retry_after = retry_after

    def recorded(self) -> str:
        """How the failure is kept on the message: `[reason] detail`, in one language (the
        conversation page shows the reason in the reader's, `inboxes` template filters)."""
        detail = str(self)[:1900]
        return f"[{self.reason}] {detail}" if self.reason else detail


# Why a message could not be delivered, and what to do, for the agent in their language.
DELIVERY_REASONS: dict[str, Any] = {
    "window_closed": gettext_lazy(
        "The customer last wrote more than 24 hours ago: the channel accepts only an approved "
        "template now. Send a template, or wait for the customer to write again."
    ),
    "wechat_window": gettext_lazy(
        "The follower last wrote more than 48 hours ago: WeChat accepts no reply now. Wait for "
        "them to write again, or reach them on another channel."
    ),
    "meta_window": gettext_lazy(
        "The customer last wrote more than 7 days ago: Instagram and Messenger accept no reply "
        "now. Wait for them to write again, or reach them on another channel."
    ),
    "blocked": gettext_lazy(
        "The customer blocked this account or cannot receive messages here. Reach them on "
        "another channel."
    ),
    "invalid_recipient": gettext_lazy(
        "This number or account cannot receive messages on this channel. Check it on the "
        "customer's card, or reach them on another channel."
    ),
    "credentials": gettext_lazy(
        "The channel's access token was refused. An admin must enter a new one on the inbox's "
        "settings; then send again."
    ),
    "rate_limited": gettext_lazy(
        "The provider asked us to slow down. Layan sends it again automatically."
    ),
    "unavailable": gettext_lazy(
        "The provider could not be reached. Layan sends it again automatically."
    ),
    "media": gettext_lazy(
        "The attachment could not be sent (too large, or of a type the channel refuses). "
        "Send a link instead."
    ),
    "rejected": gettext_lazy("The provider refused the message."),
}


class Adapter:
    """A channel's adapter: it translates, the services decide. A channel subclasses this and
    sets what differs from these defaults."""

    kind: str
    label: Any
    # False: replies are logged, not sent (a phone call).
    can_send = True
    # An agent may open a conversation here (a call logged, an email started by the shop).
    agent_opens = False
    # Replies are pushed at once (no queue hop), not through the task worker.
    instant = False
    # Replies carry the agent's signature (a chat widget shows who wrote each message instead).
    signs_replies = True
    # A new conversation needs a person now: routed to an available agent or queued.
    live = False
    # May be set to "redirect only" (automations.redirect): not a live chat (it needs a person
    # or the bot), not a channel that sends nothing, not the shop's own form (switch it off).
    redirects = True
    # A public comment here may be answered privately, by one direct message to its author
    # (Meta's private replies): the desk offers "Reply privately" (conversations.views).
    private_replies = False
    # Its settings on the inbox page (an inboxes.forms.ChannelSettingsForm subclass), and a
    # template shown under a saved inbox's settings ("" for none).
    settings_form: Any = None
    settings_template = ""
    # Config fields that are secrets (passwords, tokens): sealed at rest by inboxes.secrets.
    secret_fields: tuple[str, ...] = ()
    # A template shown above the reply form on a conversation of this channel ("" for none),
    # with what `composer_context` returns (a messaging window's state, templates to send).
    composer_template = ""
    # A template on a customer's card ("" for none), with what `customer_context` returns
    # (a phone line's "Call" button); nothing is shown when that is empty.
    customer_template = ""

    def parse_inbound(self, payload: bytes) -> InboundMessage:
        raise NotImplementedError

    def validate_config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {}

    def new_external_id(self, *, conversation: Any) -> str:
        raise NotImplementedError

    def send(self, *, message: Any) -> str | None:
        raise NotImplementedError

    def customer_context(self, *, customer: Any) -> dict[str, Any]:
        return {}

    def composer_context(self, *, conversation: Any) -> dict[str, Any]:
        return {}

    def fetch_media(self, *, inbox: Any, item: dict[str, Any], limit: int) -> tuple[bytes, str]:
        """A file a customer sent (an entry of `Message.headers["media"]`, written by this
        channel's parser): its bytes and content type. ValueError when it cannot be had (too
        large, gone); DeliveryError when the provider should be asked again later."""
        raise ValueError(f"{self.kind} messages carry no files to download")


class ChannelAppConfig(AppConfig):
    """A channel's app: `ready()` registers its adapter (`adapter`, a dotted path)."""

    adapter: str
    # Its public endpoints (webhooks, widgets), included at the site's root by layan/urls.py.
    urls = ""
    # Not itself the app of the module that imports it (Django picks a module's one default).
    default = False

    def ready(self) -> None:
        # Imported once the app registry is ready: an adapter reads models.
        register(import_string(self.adapter)())


_adapters: dict[str, Adapter] = {}


def register(adapter: Adapter) -> None:
    """Called by a channel app's `ready()`. Adapters hold no state: one per process."""
    if adapter.kind in _adapters and type(_adapters[adapter.kind]) is not type(adapter):
        raise ValueError(f"two channel adapters for inbox kind {adapter.kind!r}")
    _adapters[adapter.kind] = adapter


def url_modules() -> list[str]:
    """The URL modules of the installed channel apps (layan/urls.py includes each)."""
    return [
        app.urls for app in apps.get_app_configs() if isinstance(app, ChannelAppConfig) and app.urls
    ]


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
