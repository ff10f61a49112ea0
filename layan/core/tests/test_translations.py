"""Every user-facing string has a real Indonesian and Simplified Chinese translation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import layan

PACKAGE = Path(layan.__file__).parent
LOCALES = ["id", "zh_Hans"]


def parse_po(path: Path) -> dict[str, tuple[list[str], bool]]:
    """msgid -> (msgstr values, fuzzy?) for every entry but the header."""
    return {msgid: (strs, fuzzy) for msgid, (strs, fuzzy, _plural) in parse_entries(path).items()}


def parse_entries(path: Path) -> dict[str, tuple[list[str], bool, str]]:
    """msgid -> (msgstr values, fuzzy?, msgid_plural or '')."""
    entries: dict[str, tuple[list[str], bool, str]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if fields.get("msgid"):
            strs = [value for name, value in fields.items() if name.startswith("msgstr")]
            entries[fields["msgid"]] = (strs, fuzzy, fields.get("msgid_plural", ""))
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The catalogues as `make translations` would refresh them from the current source."""
    copy = tmp_path_factory.mktemp("src") / "layan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command(
            "makemessages",
            locale=LOCALES,
            no_obsolete=True,
            no_location=True,
            ignore_patterns=["testing/*"],
            verbosity=0,
        )
    return {locale: copy / "locale" / locale / "LC_MESSAGES" / "django.po" for locale in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_has_a_translation(extracted: dict[str, Path], locale: str) -> None:
    entries = parse_po(extracted[locale])
    assert len(entries) > 150
    missing = sorted(msgid for msgid, (strs, _fuzzy) in entries.items() if not all(strs))
    fuzzy = sorted(msgid for msgid, (_strs, is_fuzzy) in entries.items() if is_fuzzy)
    assert missing == [], f"untranslated in {locale} (run `make translations`)"
    assert fuzzy == [], f"fuzzy (unchecked) translations in {locale}"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_committed_catalogue_is_up_to_date(extracted: dict[str, Path], locale: str) -> None:
    committed = parse_po(PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.po")
    assert sorted(committed) == sorted(parse_po(extracted[locale]))


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale: str) -> None:
    for msgid, (strs, _fuzzy, plural) in parse_entries(
        PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.po"
    ).items():
        # Our three languages have one plural form, which follows the English plural.
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", plural or msgid))
        for value in strs:
            assert sorted(re.findall(r"%\(\w+\)[sd]", value)) == wanted, msgid


def test_the_compiled_catalogues_are_the_ones_in_use() -> None:
    with translation.override("id"):
        assert translation.gettext("Contact us") == "Hubungi kami"
    with translation.override("zh-hans"):
        assert translation.gettext("Contact us") == "联系我们"


def test_the_empty_choice_of_a_select_speaks_the_readers_language() -> None:
    from django.db.models.utils import get_blank_choice_label

    with translation.override("id"):
        assert str(get_blank_choice_label()) == "- Pilih salah satu -"
    with translation.override("zh-hans"):
        assert str(get_blank_choice_label()) == "- 请选择 -"
