"""The fixed cast of the tests: the demo city's regions, organizations and logins (DEMO.md),
and a few estates made for each test. Tests that need PostgreSQL fail instead of skipping when
HUANXIN_REQUIRE_PG=1."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from huanxin.accounts.models import ApiToken, User
from huanxin.estates.models import Estate
from huanxin.regions.models import Region


def pytest_configure(config: Any) -> None:
    if os.environ.get("HUANXIN_REQUIRE_PG") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(
                f"HUANXIN_REQUIRE_PG=1 but DATABASE_URL does not point at PostgreSQL (engine: {engine})"
            )


@pytest.fixture
def city(db: Any) -> dict[str, User]:
    """Regions, organizations, the menu and the eleven demo logins, by username."""
    from huanxin.catalog.services import menu_load_defaults
    from huanxin.demo.people import CITY, load_organizations, load_users
    from huanxin.regions.services import regions_load_csv

    regions_load_csv()
    load_organizations()
    load_users()
    menu_load_defaults(owner=Region.objects.get(code=CITY))
    return {user.username: user for user in User.objects.select_related("region", "organization")}


@pytest.fixture
def make_estate(city: dict[str, User]) -> Callable[..., Estate]:
    """An estate made through the service, in a community given by code (永定区 by default)."""
    from huanxin.estates.services import estate_create

    def make(name: str = "测试小区", community: str = "430802004001", **facts: Any) -> Estate:
        changes: dict[str, Any] = {
            "name": name,
            "region": Region.objects.get(code=community),
            "year_built": 1995,
            "households": 100,
            "floor_area_m2": Decimal("11000.00"),
        }
        changes.update(facts)
        return estate_create(by=city["admin"], changes=changes)  # type: ignore[arg-type]

    return make


@pytest.fixture
def login(city: dict[str, User]) -> Callable[[str], Client]:
    """A browser-like client signed in as one of the demo logins."""

    def sign_in(username: str) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(city[username])
        return client

    return sign_in


@pytest.fixture
def api_as(city: dict[str, User]) -> Callable[[str], Client]:
    """An API client carrying a live bearer token of one of the demo logins."""

    def token_client(username: str) -> Client:
        key = "hx_" + secrets.token_urlsafe(16)
        ApiToken.objects.create(
            user=city[username],
            key_hash=ApiToken.hash_key(key),
            prefix=key[:10],
            expires_at=timezone.now() + timedelta(days=1),
        )
        return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")

    return token_client


@pytest.fixture
def roster_estate(make_estate, city):  # type: ignore[no-untyped-def]
    """An estate in shequ's community with 2 buildings and a roster of 12 households, 80 ㎡ each."""
    from huanxin.estates.services import buildings_add, household_roster_add

    estate = make_estate("市委二号院", households=12, floor_area_m2=Decimal("1100.00"))
    buildings_add(
        by=city["admin"],
        estate_id=estate.pk,
        buildings=[{"name": "1栋", "floors": 6}, {"name": "2栋", "floors": 6}],
    )
    rows = [
        {
            "building": f"{b}栋",
            "unit": "1",
            "room": f"{floor}0{door}",
            "floor_area_m2": Decimal("80.00"),
            "owner_name": f"住户{b}{floor}{door}",
            "owner_phone": f"1380000{b}{floor}{door:02d}",
        }
        for b in (1, 2)
        for floor in (1, 2, 3)
        for door in (1, 2)
    ]
    household_roster_add(by=city["admin"], estate_id=estate.pk, rows=rows)  # type: ignore[arg-type]
    return estate


@pytest.fixture
def open_round(roster_estate, city):  # type: ignore[no-untyped-def]
    import datetime as dt

    from huanxin.catalog.models import MenuItem
    from huanxin.surveys.services import round_create

    items = list(MenuItem.objects.filter(code__in=["B02", "B06", "B09", "I04"]).values_list("pk", flat=True))
    return round_create(
        by=city["shequ"],
        estate_id=roster_estate.pk,
        title="改造意愿调查",
        opens_on=dt.date(2020, 8, 20),
        closes_on=dt.date(2020, 9, 20),
        item_ids=items,
    )


@pytest.fixture
def eligible_estate(city, open_round):  # type: ignore[no-untyped-def]
    """市委二号院 built 1995, a hazardous drain, and 10 of 12 households agreeing."""
    from huanxin.catalog.models import MenuItem
    from huanxin.estates.models import Household
    from huanxin.estates.services import assessment_set
    from huanxin.surveys.services import answer_submit

    estate = open_round.estate
    assessment_set(
        by=city["shequ"],
        estate_id=estate.pk,
        version=estate.version,
        entries={MenuItem.objects.get(code="B02").pk: ("hazardous", "")},
    )
    for index, household in enumerate(Household.objects.filter(estate=estate).order_by("pk")):
        answer_submit(
            round_id=open_round.pk,
            household=household,
            by=city["shequ"],
            consent_given=True,
            data={"agrees": index < 10},
        )
    return estate


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded photos land in the test's own directory, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def chinese_after_each_test() -> Any:
    """A request in English leaves English active on the thread (Django's locale middleware does
    not reset it): the next test starts in Chinese, the product's default, whatever ran before."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="module")
def demo_city(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """The demo city loaded once for a whole test module (about a minute), inside a transaction
    rolled back after the module's last test. The module's tests still mark `django_db`: each runs
    in a savepoint of this transaction."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
