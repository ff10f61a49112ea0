"""The fused ranking on a hand-made help center: which article comes first, and why."""

from __future__ import annotations

import numpy as np
import pytest

from layan.answerbot import retrieval
from layan.answerbot.embeddings import DIM, to_bytes


def axis(number: int) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[number] = 1.0
    return vector


@pytest.fixture
def help_center(monkeypatch: pytest.MonkeyPatch) -> None:
    """Article 10 has two questions along axis 0, article 20 one along axis 1 and an answer
    section along axis 0; articles 30 and 40 have no passages yet (the lexical engine knows
    them)."""
    rows = [
        (1, 10, "en", "question", to_bytes(axis(0))),
        (2, 10, "en", "question", to_bytes(axis(0))),
        (3, 20, "id", "question", to_bytes(axis(1))),
        (4, 20, "id", "section", to_bytes(axis(0))),
    ]
    built = retrieval.build_matrix(1, rows)
    monkeypatch.setattr(retrieval, "matrix", lambda workspace_id, visibility: built)


def test_the_nearest_questions_and_the_prototype_outvote_the_lexical_engine(
    help_center: None,
) -> None:
    # Asked along axis 0: article 10's two questions match exactly (k-NN: 0.5 + 0.5; its
    # prototype: 0.5 x 1.0), article 20's question not at all (e^-50 of a vote, and its
    # section, though it matches, is not a question). The lexical engine likes 30 best, then
    # 20 and 40 equally: 0.1 x 2/2 and 0.1 x 1/2 each.
    ranked = retrieval.rank_articles(axis(0), 1, ("public",), [(30, 2.0), (20, 1.0), (40, 1.0)])
    assert [(hit.article_id, round(hit.score, 6)) for hit in ranked] == [
        (10, 1.5),
        (30, 0.1),
        # Equal scores: the lower article id first.
        (20, 0.05),
        (40, 0.05),
    ]
    # The best matching question of each article, and the language it matched in.
    assert (ranked[0].similarity, ranked[0].passage_id, ranked[0].language) == (1.0, 1, "en")
    assert (ranked[2].similarity, ranked[2].passage_id, ranked[2].language) == (0.0, 3, "id")
    # Articles without passages have no similarity to show.
    assert (ranked[1].similarity, ranked[1].passage_id) == (0.0, 0)


def test_the_ranking_keeps_to_its_limit(help_center: None) -> None:
    ranked = retrieval.rank_articles(axis(1), 1, ("public",), [(30, 2.0), (40, 1.0)], limit=2)
    # Along axis 1 article 20's question matches exactly: it leads, then the lexical best.
    assert [hit.article_id for hit in ranked] == [20, 30]
