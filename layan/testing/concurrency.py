"""Running the same work from several threads at once, as concurrent deliveries do."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def all_at_once[T, R](work: Callable[[T], R], inputs: list[T], *, timeout: float = 60) -> list[R]:
    """`work(input)` for every input, each in its own thread (with its own database connection),
    all released together by a barrier. The results come back in the order they finished."""
    results: list[R] = []
    barrier = threading.Barrier(len(inputs))

    def run(item: T) -> None:
        barrier.wait()
        try:
            results.append(work(item))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(item,)) for item in inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
