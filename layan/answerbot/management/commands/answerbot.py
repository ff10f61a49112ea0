"""`layan answerbot eval --kb KB.jsonl --queries QUERIES.jsonl [--json OUT]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layan.answerbot.evaluation import evaluate, read_jsonl

COLUMNS = ["n", "top1", "mrr10", "answered", "precision", "coverage", "oos_ok", "p50_ms", "p95_ms"]


class Command(BaseCommand):
    help = "Measure the answer bot on a knowledge base and questions (JSON lines)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["eval"])
        parser.add_argument("--kb", type=Path, required=True)
        parser.add_argument("--queries", type=Path, required=True)
        parser.add_argument("--json", type=Path, dest="json_out")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("kb", "queries"):
            if not options[name].is_file():
                raise CommandError(f"--{name}: {options[name]} is not a file")
        try:
            kb = read_jsonl(options["kb"])
            queries = read_jsonl(options["queries"])
        except (OSError, ValueError) as error:
            raise CommandError(f"could not read the input: {error}") from error
        # Each collection is loaded into the install's database and rolled back afterwards: on
        # a fresh checkout (or after an upgrade) its tables are created first, as `layan run`
        # does.
        call_command("migrate", interactive=False, verbosity=0)
        figures = evaluate(kb, queries)
        for title, rows in (
            ("language", figures["by_language"]),
            ("collection", figures["by_collection"]),
        ):
            self.stdout.write(f"{title:<24}" + "".join(f"{c:>10}" for c in COLUMNS))
            for key, row in rows.items():
                self.stdout.write(f"{key:<24}" + "".join(f"{row[c]:>10}" for c in COLUMNS))
            self.stdout.write("")
        if options["json_out"]:
            options["json_out"].write_text(json.dumps(figures, indent=2) + "\n")
