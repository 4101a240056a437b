"""List endpoints and pages answer in the same number of queries for 10 rows and for 100."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huanxin.accounts.models import Organization
from huanxin.accounts.services import organization_create
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_organizations_list(api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("city")
    client.get("/api/v1/organizations")  # the token's first use records itself once
    region = Region.objects.get(code="430802004001")

    def with_extra(n: int) -> int:
        Organization.objects.filter(name__startswith="测试施工").delete()
        for i in range(n):
            organization_create(name=f"测试施工{i}", kind="construction", region=region)
        return count_queries(lambda: client.get("/api/v1/organizations?limit=500").json())

    assert with_extra(10) == with_extra(100)


def test_estate_list_page(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.models import Estate

    client = login("city")

    def with_rows(n: int) -> int:
        Estate.objects.all().delete()
        for i in range(n):
            make_estate(f"小区{i}", community="430802004001" if i % 2 else "430821001001")
        return count_queries(lambda: client.get("/estates/?sort=-households"))

    assert with_rows(10) == with_rows(49)


def test_menu_and_regions(api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    client.get("/api/v1/catalog")
    assert count_queries(lambda: client.get("/api/v1/catalog?limit=5")) == count_queries(
        lambda: client.get("/api/v1/catalog?limit=100")
    )
    assert count_queries(lambda: client.get("/api/v1/regions?parent=430802")) == count_queries(
        lambda: client.get("/api/v1/regions?parent=430800")
    )
