"""The in-memory channel layer of the one-process install, made to scale with open sockets."""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):  # type: ignore[misc]
    """Channels' in-memory layer, sweeping expired messages and groups once a second.

    The stock layer sweeps every channel and every group on each receive and group send, so
    each chat message cost time in proportion to the open sockets (a fifth of the event loop
    with 500 visitors connected). Messages expire after a minute and group memberships after a
    day: a sweep a second late changes nothing anyone sees.
    """

    SWEEP_SECONDS = 1.0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.SWEEP_SECONDS
        super()._clean_expired()
