"""The house's floors: an app imports only apps on lower floors (docs/architecture.md).

Read from the code's own imports (an AST walk of `layan/`, tests and migrations left out), so
it cannot drift: an import that runs up a floor fails this test."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "layan"

# Ground floor first. Modules beside the apps (settings, urls, asgi, cli, config) and
# `wiring` are the top floor; `testing` serves the tests and stands above everything.
FLOORS = [
    "core",
    "realtime",
    "accounts",
    "customers",
    "search",
    "knowledge",
    # The channel seam: what an inbox is and how a channel plugs in (conversations happen in one).
    "inboxes",
    "conversations",
    "sla",
    "routing",
    "answerbot",
    # One app per channel (layan/channels/<name>/), all on this floor; none imports another.
    "channels",
    "api",
    "automations",
    "wiring",
]
TOP = {"settings", "urls", "asgi", "cli", "config", "wiring"}


def _app_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    if parts[0] == "channels" and len(parts) > 2:
        return f"channels.{parts[1]}"
    return parts[0].removesuffix(".py")


def app_imports() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> the files that import so."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).parts
        if "tests" in relative or "migrations" in relative:
            continue
        source = _app_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("layan."):
                    target = name.split(".")[1]
                    if target == "channels" and name.count(".") > 1:
                        target = ".".join(name.split(".")[1:3])
                    if target != source:
                        found.setdefault((source, target), []).append(str(path.relative_to(ROOT)))
    return found


def floor(app: str) -> int:
    app = app.partition(".")[0]  # every channel app stands on the channels' floor
    if app in TOP:
        return len(FLOORS)
    if app == "testing":
        return len(FLOORS) + 1
    return FLOORS.index(app)


def test_every_app_has_a_floor() -> None:
    apps = {path.name for path in ROOT.iterdir() if (path / "apps.py").exists()}
    assert apps - set(FLOORS) == set()
    assert not (ROOT / "channels" / "apps.py").exists()
    assert all(
        (path / "apps.py").exists()
        for path in (ROOT / "channels").iterdir()
        if path.is_dir() and path.name != "__pycache__"
    )


def test_no_channel_imports_another() -> None:
    # Adding a channel touches its own package and one line in INSTALLED_APPS.
    sideways = {
        pair: files
        for pair, files in app_imports().items()
        if pair[0].startswith("channels.") and pair[1].startswith("channels.")
    }
    assert sideways == {}


def test_no_app_imports_one_above_it() -> None:
    upward = {
        pair: files for pair, files in app_imports().items() if floor(pair[0]) < floor(pair[1])
    }
    assert upward == {}, "an import runs up a floor (docs/architecture.md, 'Floors')"


def test_the_ground_floor_holds_no_table_of_the_house() -> None:
    # What ties the apps together lives on the top floor only.
    for moved in ("event_handlers.py", "timer_table.py", "demo.py", "context_processors.py"):
        assert not (ROOT / "core" / moved).exists()
    assert not (ROOT / "core" / "management").exists()
    assert not (ROOT / "accounts" / "desk_urls.py").exists()


def test_every_surface_asks_the_bot_through_its_one_door() -> None:
    # bot_ask / bot_settle (answerbot/services.py): what the bot answers and how a self-service
    # session opens and ends is decided in one place, whatever the surface.
    inner = {"answer", "bot_session_open", "bot_session_end"}
    callers = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).parts
        if relative[0] == "answerbot" or "tests" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            names = {alias.name for alias in node.names}
            if (node.module or "").startswith("layan.answerbot") and inner & names:
                callers.append(str(path.relative_to(ROOT)))
    assert callers == []


def test_every_channel_app_registers_its_adapter() -> None:
    from django.apps import apps

    from layan.inboxes import registry

    channel_apps = [c for c in apps.get_app_configs() if c.name.startswith("layan.channels.")]
    assert len(channel_apps) == len(list((ROOT / "channels").glob("*/apps.py")))
    registered = {type(adapter) for adapter in registry.adapters().values()}
    for config in channel_apps:
        assert isinstance(config, registry.ChannelAppConfig), config.name
        assert config.adapter.rsplit(".", 1)[1] in {cls.__name__ for cls in registered}
