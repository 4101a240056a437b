"""Two officers pressing two buttons at the same moment, on PostgreSQL with real row locks: one
transition wins and the other is refused as stale; a party cannot sign twice."""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanxin.core.errors import HuanxinError, Invalid
from huanxin.projects import rules, services
from huanxin.projects.models import AcceptanceSignature, ProgressReport, ProjectTransition
from huanxin.projects.querysets import project_progress
from huanxin.projects.services.progress import reported_around

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls: Callable[[], Any]) -> list[str]:
    """Run the calls at once, each in its own thread and database connection."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are PostgreSQL's; SQLite serialises every writer anyway")
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], Any]) -> None:
        from django.db import connections

        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except HuanxinError as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_of_two_transitions_at_once_one_wins(city, project) -> None:  # type: ignore[no-untyped-def]
    version = project.version

    def to(state: str, note: str = "") -> Callable[[], Any]:
        return lambda: services.project_transition(
            by=city["yongding"], project_id=project.pk, version=version, to_state=state, note=note
        )

    assert race(to(rules.DESIGN), to(rules.CANCELLED, "重复立项")) == ["StaleEdit", "ok"]
    assert ProjectTransition.objects.filter(project=project).count() == 2  # opened, then one change


def test_a_party_signing_twice_at_once_signs_once(city, finished) -> None:  # type: ignore[no-untyped-def]
    def sign() -> None:
        services.acceptance_sign(by=city["shigong"], project_id=finished.pk)

    assert race(sign, sign) == ["Refused", "ok"]
    assert AcceptanceSignature.objects.filter(project=finished).count() == 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reports=st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 8), st.integers(0, 100)), min_size=1, max_size=8
    ),
    as_of_day=st.integers(0, 8),
)
def test_progress_as_of_a_date_is_the_latest_report_by_then(city, built, reports, as_of_day) -> None:  # type: ignore[no-untyped-def]
    """Whatever order the reports come in, progress on a day is each item's latest report on or
    before it (the later-entered one on the same day), weighted by budget."""
    import datetime as dt

    ProgressReport.objects.filter(item__project=built).delete()
    items = list(built.items.order_by("item__code"))
    start = dt.date(2020, 9, 12)
    for index, day, percent in reports:
        item = items[index]
        quantity = item.quantity * percent / 100
        on = start + dt.timedelta(days=day)
        before, after = reported_around(item, on)
        if rules.progress_goes_back(quantity, before.quantity_done if before else None, after):
            # refused as it stands; entered as a correction, it counts once the supervisor confirms
            with pytest.raises(Invalid):
                services.progress_report(by=city["shigong"], item_id=item.pk, on=on, quantity_done=quantity)
            correction = services.progress_report(
                by=city["shigong"], item_id=item.pk, on=on, quantity_done=quantity, correction_reason="复测"
            )
            services.progress_correction_confirm(by=city["jianli"], report_id=correction.pk)
        else:
            services.progress_report(by=city["shigong"], item_id=item.pk, on=on, quantity_done=quantity)
    as_of = start + dt.timedelta(days=as_of_day)
    latest: dict[int, Decimal] = {}
    for index, day, percent in reports:  # in the order entered: the later one wins on a tie
        if day <= as_of_day:
            previous_day = max((d for i, d, _p in reports if i == index and d <= as_of_day), default=-1)
            if day == previous_day:
                latest[index] = Decimal(percent) / 100
    expected = rules.progress(
        [(item.budget_yuan, Decimal(1), latest.get(i, Decimal(0))) for i, item in enumerate(items)]
    )
    assert project_progress(built, as_of) == expected
