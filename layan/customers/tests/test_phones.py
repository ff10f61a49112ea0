"""One phone number is one identity, however it was written."""

from __future__ import annotations

import pytest

from layan.customers import services
from layan.customers.models import Identity
from layan.customers.phones import phone_normalize, region_for_timezone
from layan.testing.personas import Cast


@pytest.mark.parametrize(
    ("written", "region", "stored"),
    [
        ("+62 811 111 222", "ID", "+62811111222"),
        ("0811-111-222", "ID", "+62811111222"),
        ("(0811) 111.222", "ID", "+62811111222"),
        ("+86 138 0013 8000", "ID", "+8613800138000"),
        ("138 0013 8000", "CN", "+8613800138000"),
        ("021 5550 1234", "ID", "+622155501234"),
        # Not a number anyone could dial: its digits, the same every time.
        ("12", "ID", "12"),
        ("no digits", "ID", ""),
    ],
)
def test_numbers_are_stored_in_e164(written: str, region: str, stored: str) -> None:
    assert phone_normalize(written, region=region) == stored


def test_the_workspaces_country_is_its_time_zones() -> None:
    assert region_for_timezone("Asia/Jakarta") == "ID"
    assert region_for_timezone("Asia/Shanghai") == "CN"
    assert region_for_timezone("UTC") == ""


@pytest.mark.django_db
def test_a_customer_who_calls_from_a_number_written_two_ways_is_one_customer(
    cast: Cast,
) -> None:
    first = services.customer_resolve(
        workspace=cast.workspace, kind="phone", address="+62 811 111 222"
    )
    again = services.customer_resolve(
        workspace=cast.workspace, kind="phone", address="0811-111-222"
    )
    assert again.pk == first.pk
    assert list(Identity.objects.filter(kind="phone").values_list("address", flat=True)) == [
        "+62811111222"
    ]
    found = services.customer_find(workspace=cast.workspace, kind="phone", address="0811 111 222")
    assert found is not None
    assert found.pk == first.pk
