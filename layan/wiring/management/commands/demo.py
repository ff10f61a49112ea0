"""`layan demo`: load the demo workspace (idempotent: re-running adds nothing twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layan.wiring import demo


class Command(BaseCommand):
    help = "Load the demo workspace Toko Layan (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo.load()
        if options["verbosity"] >= 1:
            self.stdout.write("Demo workspace: " + result.workspace.name)
            self.stdout.write("Log in at /desk/ with (password: " + demo.DEMO_PASSWORD + "):")
            for email, role in result.logins:
                self.stdout.write(f"  {email:<24} {role}")
