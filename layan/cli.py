"""The `layan` command: Layan's own commands (run, serve, worker, demo, setup) and every
Django management command (migrate, createsuperuser, shell, …) under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else ["layan", *argv])
    command = args[1] if len(args) > 1 else "help"
    # Debug pages only when asked for (LAYAN_DEBUG=1): someone trying Layan out with `layan
    # run` meets the same translated error pages as its users.
    # Production serving never shows debug pages, whatever the environment says.
    if command == "serve":
        os.environ["LAYAN_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
