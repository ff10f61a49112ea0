"""Dates, times, zones and numbers the way each language writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from layan.core.moments import moment, zone_name
from layan.core.text import sentences

TUESDAY_10_JAKARTA = dt.datetime(2026, 12, 8, 3, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "zone", "written"),
    [
        ("en", "Asia/Jakarta", "Tuesday, Dec. 8, 2026, 10:00 (Jakarta time)"),
        ("id", "Asia/Jakarta", "Selasa, 8 Des. 2026 pukul 10.00 WIB"),
        ("zh-hans", "Asia/Jakarta", "2026年12月8日（星期二）10:00（雅加达时间）"),
        ("zh-hans", "Asia/Shanghai", "2026年12月8日（星期二）11:00（北京时间）"),
        ("en", "Europe/Berlin", "Tuesday, Dec. 8, 2026, 04:00 (Berlin (UTC+01:00))"),
    ],
)
def test_a_moment_is_written_the_readers_way_with_its_zone_named(
    language: str, zone: str, written: str
) -> None:
    with translation.override(language), timezone.override(zone):
        assert moment(TUESDAY_10_JAKARTA) == written


def test_zones_have_the_names_people_use() -> None:
    with translation.override("zh-hans"):
        assert zone_name("Asia/Shanghai") == "北京时间"
    with translation.override("id"):
        assert zone_name("Asia/Jakarta") == "WIB"
        assert zone_name("Asia/Makassar") == "WITA"


@pytest.mark.parametrize(
    ("language", "amount"), [("en", "15,000"), ("id", "15.000"), ("zh-hans", "15,000")]
)
def test_prices_are_grouped_in_every_language(language: str, amount: str) -> None:
    with translation.override(language):
        rendered = Template('{{ cost|floatformat:"0g" }}').render(Context({"cost": Decimal(15000)}))
    assert rendered == amount


def test_chinese_sentences_are_joined_without_a_space() -> None:
    with translation.override("zh-hans"):
        assert (
            sentences("我们现在已下班。", "明天 09:00 恢复服务。")
            == "我们现在已下班。明天 09:00 恢复服务。"
        )
    with translation.override("id"):
        assert sentences("Kami tutup.", "Kembali besok.") == "Kami tutup. Kembali besok."
