"""`layan setup`: create the workspace and its first admin on a production install."""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from layan.accounts import services
from layan.accounts.models import User, Workspace


class Command(BaseCommand):
    help = "Create the workspace and its first admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Business name.")
        parser.add_argument("--timezone", default="Asia/Jakarta")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="Admin")
        parser.add_argument(
            "--admin-password", help="Asked for when omitted (never stored in shell history)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Workspace.objects.exists():
            raise CommandError("This install already has a workspace.")
        password = options["admin_password"] or getpass.getpass("Admin password: ")
        languages = [code for code, _name in settings.LANGUAGES]
        with transaction.atomic():
            workspace = services.workspace_create(
                name=options["name"],
                slug=slugify(options["name"]) or "workspace",
                timezone_name=options["timezone"],
                languages=languages,
                default_language=languages[0],
            )
            User.objects.create_user(
                options["admin_email"],
                password,
                workspace=workspace,
                name=options["admin_name"],
                role=User.Role.ADMIN,
                is_staff=True,
            )
        self.stdout.write(f"Workspace {workspace.name} created; log in at /desk/.")
