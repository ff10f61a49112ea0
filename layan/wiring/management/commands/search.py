"""`layan search reindex`: rebuild the search index from the content, with a progress bar."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from layan.search.engine import documents_delete
from layan.search.models import Document
from layan.wiring.search_sources import sources


class Command(BaseCommand):
    help = "Search index maintenance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        started = time.monotonic()
        for source in sources():
            ids = list(source.ids())
            # Entries whose object is gone are dropped; the rest are rebuilt one by one.
            documents_delete(
                Document.objects.filter(kind=source.kind).exclude(object_id__in=source.ids())
            )
            for done, pk in enumerate(ids, start=1):
                source.index(pk)
                self._progress(source.kind, done, len(ids))
            self.stdout.write(f"\n{source.kind}: {len(ids)} indexed")
        documents = Document.objects.count()
        self.stdout.write(
            f"{documents} documents in the index ({time.monotonic() - started:.1f} s)"
        )

    def _progress(self, kind: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(
            f"\r{kind:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
        )
        self.stdout.flush()
