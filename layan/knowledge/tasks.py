from __future__ import annotations

from django.tasks import task


@task()
def article_index_task(*, article_id: int) -> None:
    """Bring search and the answer bot in line with the article as it is now (idempotent)."""
    from layan.knowledge.services import article_reindex  # the tasks <-> services pair

    article_reindex(article_id=article_id)
