"""Dense retrieval: every passage vector of a workspace in one in-process numpy matrix.

The matrix is rebuilt when the workspace's passages change (their `PassageSet` counter moved:
one row read per question), so a process never serves stale vectors and never reloads
needlessly.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from layan.answerbot.embeddings import DIM, from_bytes
from layan.answerbot.models import Passage, PassageSet


@dataclass(frozen=True)
class Matrix:
    version: int
    vectors: np.ndarray  # (n, DIM), unit length
    article_ids: np.ndarray  # (n,)
    languages: list[str]
    kinds: list[str]
    passage_ids: np.ndarray  # (n,)
    is_question: np.ndarray  # (n,) bool
    # One unit vector per article: the mean of its question vectors (its "prototype").
    centroid_ids: np.ndarray  # (m,)
    centroids: np.ndarray  # (m, DIM)
    # Every article once, in id order, and where each passage's and each prototype's article
    # is in it: the votes are summed in one array instead of a dict.
    articles: np.ndarray  # (a,)
    passage_articles: np.ndarray  # (n,) positions in `articles`
    centroid_articles: np.ndarray  # (m,) positions in `articles`


_cache: dict[tuple[int, tuple[str, ...]], Matrix] = {}
_lock = threading.Lock()


def _version(workspace_id: int) -> int:
    version = PassageSet.objects.filter(pk=workspace_id).values_list("version", flat=True).first()
    return int(version or 0)


def matrix(workspace_id: int, visibility: tuple[str, ...] = ("public",)) -> Matrix:
    key = (workspace_id, visibility)
    version = _version(workspace_id)
    cached = _cache.get(key)
    if cached and cached.version == version:
        return cached
    rows = list(
        Passage.objects.filter(workspace_id=workspace_id, visibility__in=visibility)
        .order_by("id")
        .values_list("id", "article_id", "language", "kind", "vector")
    )
    built = build_matrix(version, rows)
    with _lock:
        _cache[key] = built
    return built


def build_matrix(
    version: int, rows: Sequence[tuple[int, int, str, str, bytes | memoryview]]
) -> Matrix:
    """The matrix of passage rows (id, article id, language, kind, vector bytes) in id order."""
    vectors = (
        np.vstack([from_bytes(bytes(row[4])) for row in rows])
        if rows
        else np.zeros((0, DIM), dtype=np.float32)
    )
    article_ids = np.array([row[1] for row in rows], dtype=np.int64)
    is_question = np.array([row[3] == Passage.Kind.QUESTION for row in rows], dtype=bool)
    centroid_ids = np.unique(article_ids[is_question]) if rows else np.zeros(0, dtype=np.int64)
    centroids = np.zeros((len(centroid_ids), DIM), dtype=np.float32)
    for position, article_id in enumerate(centroid_ids):
        mean = vectors[(article_ids == article_id) & is_question].mean(axis=0)
        centroids[position] = mean / (np.linalg.norm(mean) or 1.0)
    articles = np.unique(article_ids)
    return Matrix(
        articles=articles,
        passage_articles=np.searchsorted(articles, article_ids),
        centroid_articles=np.searchsorted(articles, centroid_ids),
        version=version,
        vectors=vectors,
        article_ids=article_ids,
        languages=[row[2] for row in rows],
        kinds=[row[3] for row in rows],
        passage_ids=np.array([row[0] for row in rows], dtype=np.int64),
        is_question=is_question,
        centroid_ids=centroid_ids,
        centroids=centroids,
    )


# Ranking: how much the nearest question passages, the article prototypes and the lexical
# engine each count. Chosen on the development set among plain settings (docs/answerbot.md).
NEIGHBOURS = 10
TEMPERATURE = 0.02
CENTROID_WEIGHT = 0.5
LEXICAL_WEIGHT = 0.1


@dataclass(frozen=True)
class Ranked:
    article_id: int
    # The fused score; the top article's share is what confidence is calibrated on.
    score: float
    # Best cosine similarity between the question and one of the article's questions.
    similarity: float
    passage_id: int
    language: str


def _softmax(scores: np.ndarray) -> np.ndarray:
    weights = np.exp((scores - scores.max()) / TEMPERATURE)
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, highest first (a partition, not a sort of them all)."""
    chosen = np.argpartition(-scores, k)[:k] if len(scores) > k else np.arange(len(scores))
    ordered: np.ndarray = chosen[np.argsort(-scores[chosen], kind="stable")]
    return ordered


def rank_articles(
    question_vector: np.ndarray,
    workspace_id: int,
    visibility: tuple[str, ...],
    lexical: list[tuple[int, float]],
    limit: int = 10,
) -> list[Ranked]:
    """Articles ranked by three votes: the nearest question passages (k-NN), the similarity to
    each article's prototype, and the lexical engine's normalised BM25 score."""
    built = matrix(workspace_id, visibility)
    # Each article's fused score (float64, summed in the order the votes are listed above) and
    # whether anything voted for it at all: only those are ranked.
    fused = np.zeros(len(built.articles), dtype=np.float64)
    voted = np.zeros(len(built.articles), dtype=bool)
    best: dict[int, tuple[float, int, str]] = {}
    if len(built.article_ids):
        scores = built.vectors @ question_vector
        questions = np.flatnonzero(built.is_question)
        nearest = questions[_top(scores[questions], NEIGHBOURS)]
        positions = built.passage_articles[nearest]
        np.add.at(fused, positions, _softmax(scores[nearest]).astype(np.float64))
        voted[positions] = True
        if len(built.centroid_ids):
            prototype = _softmax(built.centroids @ question_vector)
            # The softmax is sharp: only a few articles carry any weight.
            carrying = np.flatnonzero(prototype > 1e-6)
            positions = built.centroid_articles[carrying]
            fused[positions] += CENTROID_WEIGHT * prototype[carrying].astype(np.float64)
            voted[positions] = True
        for index in _top(scores, NEIGHBOURS * 10):
            article_id = int(built.article_ids[index])
            if article_id not in best and built.is_question[index]:
                best[article_id] = (
                    float(scores[index]),
                    int(built.passage_ids[index]),
                    built.languages[index],
                )
    extra: dict[int, float] = {}  # lexical hits without a passage (not in the matrix yet)
    if lexical:
        top = max(score for _pk, score in lexical) or 1.0
        for article_id, score in lexical:
            position = int(np.searchsorted(built.articles, article_id))
            if position < len(built.articles) and built.articles[position] == article_id:
                fused[position] += LEXICAL_WEIGHT * score / top
                voted[position] = True
            else:
                extra[article_id] = extra.get(article_id, 0.0) + LEXICAL_WEIGHT * score / top
    chosen = np.flatnonzero(voted)
    # Highest score first, then the lower article id, as a sort of (score, id) pairs would.
    order = np.lexsort((built.articles[chosen], -fused[chosen]))[: limit + len(extra)]
    candidates = [(int(built.articles[chosen[i]]), float(fused[chosen[i]])) for i in order]
    ranked = sorted([*candidates, *extra.items()], key=lambda item: (-item[1], item[0]))[:limit]
    return [
        Ranked(
            article_id=article_id,
            score=score,
            similarity=best.get(article_id, (0.0, 0, ""))[0],
            passage_id=best.get(article_id, (0.0, 0, ""))[1],
            language=best.get(article_id, (0.0, 0, ""))[2],
        )
        for article_id, score in ranked
    ]
