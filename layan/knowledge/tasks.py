from __future__ import annotations

from django.tasks import task


@task()
def article_index_task(*, article_id: int) -> None:
    """Bring the search index in line with the article as it is now (idempotent)."""
    from layan.answerbot.index import article_passages_index
    from layan.knowledge.services import article_index

    article_index(article_id=article_id)
    article_passages_index(article_id=article_id)
