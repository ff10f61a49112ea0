from django.apps import AppConfig


class WiringConfig(AppConfig):
    """The top floor: what ties the apps together and nothing else — the desk's URL map, the
    table of event handlers, the table of timers, the demo loader, the context processor that
    reads several apps, and the `layan` commands that start it all."""

    name = "layan.wiring"
    label = "wiring"
