"""Layan: self-hosted customer service."""

import os

# NumPy's OpenBLAS threads spin while they wait for work: beside the embedding engine's own
# threads (and the event loop) on a small server, each answer-bot question cost 40 ms instead
# of 14. One BLAS thread computes the answer bot's similarities just as fast. Set before
# anything imports NumPy; an install that wants more sets the variable itself.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
