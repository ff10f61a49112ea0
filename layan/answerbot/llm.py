"""Optional generative answers through an OpenAI-compatible chat-completions server.

Only ever asked once retrieval is confident: the model writes the answer from the retrieved
passages alone and cites them as [1], [2]… . Anything else — no server configured, an error, a
timeout, an empty reply, a reply that cites nothing it was given — returns None and the bot
gives its extractive answer instead.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia", "zh-hans": "Simplified Chinese"}
SYSTEM = (
    "You answer customer questions for a shop's help desk. Use only the numbered passages you "
    "are given. Cite every passage you use as [n]. If the passages do not answer the question, "
    "reply exactly: NO_ANSWER. Answer briefly, in {language}."
)
CITATION = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Source:
    title: str
    text: str


@dataclass(frozen=True)
class Composed:
    text: str
    # Positions (0-based) of the sources the answer cites.
    cited: list[int]


def compose(*, question: str, sources: list[Source], language: str) -> Composed | None:
    if not settings.LLM_BASE_URL or not sources:
        return None
    if not settings.LLM_BASE_URL.startswith(("http://", "https://")):
        logger.warning("LAYAN_LLM_BASE_URL must be an http(s) address; generation is off")
        return None
    numbered = "\n\n".join(
        f"[{number}] {source.title}\n{source.text}" for number, source in enumerate(sources, 1)
    )
    body = {
        "model": settings.LLM_MODEL,
        "temperature": 0.1,
        "max_tokens": 400,
        "messages": [
            {
                "role": "system",
                "content": SYSTEM.format(language=LANGUAGE_NAMES.get(language, language)),
            },
            {"role": "user", "content": f"Passages:\n\n{numbered}\n\nQuestion: {question}"},
        ],
    }
    headers = {"Content-Type": "application/json"}
    if settings.LLM_API_KEY:
        headers["Authorization"] = f"Bearer {settings.LLM_API_KEY}"
    # The scheme is checked above: only http(s) is ever opened.
    request = urllib.request.Request(  # noqa: S310
        f"{settings.LLM_BASE_URL}/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.LLM_TIMEOUT) as response:  # noqa: S310
            reply = json.loads(response.read())
        text = str(reply["choices"][0]["message"]["content"]).strip()
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.warning("generated answer failed, using the extractive one: %s", error)
        return None
    cited = sorted({int(n) - 1 for n in CITATION.findall(text) if 1 <= int(n) <= len(sources)})
    if not text or "NO_ANSWER" in text or not cited:
        # Not grounded in what it was given: the extractive answer is safer.
        return None
    return Composed(text=text, cited=cited)
