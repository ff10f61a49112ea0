"""What the search index holds, and how to rebuild it: one table of the house (it names the
apps whose content is indexed), read by `layan search reindex`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from layan.knowledge.models import Article
from layan.knowledge.services import article_reindex


@dataclass(frozen=True)
class Source:
    kind: str
    # Every object id of this kind that may belong in the index.
    ids: Callable[[], Iterable[int]]
    # Brings one object's index entries in line with the object (idempotent).
    index: Callable[[int], None]


def sources() -> list[Source]:
    return [
        Source(
            kind="article",
            ids=lambda: Article.objects.order_by("id").values_list("id", flat=True),
            index=lambda pk: article_reindex(article_id=pk),
        ),
    ]
