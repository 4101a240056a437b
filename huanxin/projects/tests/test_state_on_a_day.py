"""The state at the end of any day is the transition in force then (on <= day < until): the same
answer as the latest transition by day and id, for every day, with one transition open."""

import datetime as dt
import importlib

import pytest
from django.db import connection

from huanxin.projects import rules
from huanxin.projects.models import ProjectTransition
from huanxin.projects.tests.conftest import APPROVED_ON, IN_PROGRESS

pytestmark = pytest.mark.django_db


def latest_by_day_and_id(project_id: int, day: dt.date) -> str | None:
    rows = ProjectTransition.objects.filter(project_id=project_id, on__lte=day).order_by("-on", "-id")
    return rows.values_list("to_state", flat=True).first()


def test_each_day_reads_the_transition_in_force(built) -> None:  # type: ignore[no-untyped-def]
    transitions = list(ProjectTransition.objects.filter(project=built).order_by("on", "id"))
    assert [t.to_state for t in transitions] == [
        rules.APPROVED,
        rules.DESIGN,
        rules.PUBLICITY,
        rules.TENDER,
        rules.CONSTRUCTION,
    ]
    assert [t.to_state for t in transitions if t.until is None] == [rules.CONSTRUCTION]
    day = APPROVED_ON - dt.timedelta(days=1)
    while day <= IN_PROGRESS:
        held = list(ProjectTransition.objects.filter(project=built).held_at_end_of(day))
        assert [t.to_state for t in held] == [s for s in [latest_by_day_and_id(built.pk, day)] if s], day
        day += dt.timedelta(days=1)


def test_the_migration_fills_until_as_the_services_do(built) -> None:  # type: ignore[no-untyped-def]
    recorded = dict(ProjectTransition.objects.values_list("id", "until"))
    assert any(until is not None for until in recorded.values())
    ProjectTransition.objects.update(until=None)
    migration = importlib.import_module("huanxin.projects.migrations.0011_transition_until")
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL_UNTIL)
    assert dict(ProjectTransition.objects.values_list("id", "until")) == recorded
