"""The demo tells one story on its own timeline: nothing it stores happened after its clock
(2020-09-01), its named estate's design is plausible, its milestones agree with its progress
reports and its addresses are written once. Loaded once for the module (about a minute)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from huanxin.core.audit import is_security_action
from huanxin.core.clock import SHANGHAI
from huanxin.demo.plan import DEMO_TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]

DEMO_DAY = dt.date.fromisoformat(DEMO_TODAY)
END_OF_DEMO_DAY = dt.datetime.combine(DEMO_DAY + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI)

# Whole tables that live in real time, whatever the demo's clock says.
REAL_TIME_MODELS = {
    "sessions.session": "sessions expire in real time",
    "axes.accessattempt": "failed logins are a security record of real time",
    "axes.accesslog": "logins are a security record of real time",
    "axes.accessfailurelog": "failed logins are a security record of real time",
    "accounts.apitoken": "API tokens are issued and expire in real time",
    "residents.accesscode": "a slip's code is a credential: issued and expired in real time",
    "residents.phonecode": "an SMS code is a credential that expires in minutes of real time",
    "residents.identificationattempt": "throttling counts real minutes",
    "django_tasks_db.dbtaskresult": "the task queue runs in real time",
}
# Single fields that live in real time, or that say what is still to come (a deadline, a plan).
REAL_TIME_FIELDS = {
    ("accounts.user", "last_login"): "logins keep real time",
    ("accounts.historicaluser", "last_login"): "logins keep real time",
}
AHEAD_FIELDS = {
    ("projects.project", "planned_start"): "a schedule looks ahead",
    ("projects.project", "planned_end"): "a schedule looks ahead",
    ("projects.project", "forecast_end"): "a forecast looks ahead",
    ("projects.milestone", "due_on"): "a milestone's due date looks ahead",
    ("projects.feedback", "due_on"): "an answer's deadline looks ahead",
    ("surveys.surveyround", "closes_on"): "a survey open on the demo day closes later",
    ("planning.annualplan", "publicity_ends"): "a publicity period may end after the demo day",
}


def _exempt(label: str, field: str) -> bool:
    plain = label.replace("historical", "", 1) if ".historical" in label else label
    return (
        label in REAL_TIME_MODELS
        or (label, field) in REAL_TIME_FIELDS
        or (label, field) in AHEAD_FIELDS
        or (plain, field) in AHEAD_FIELDS
    )


def _later_than_the_demo(model: type[models.Model], field: models.Field[Any, Any]) -> models.QuerySet[Any]:
    rows = model._base_manager.all()
    if model._meta.label_lower == "core.auditevent":
        actions = {action for action in rows.values_list("action", flat=True).distinct()}
        rows = rows.exclude(action__in=[action for action in actions if is_security_action(action)])
    if isinstance(field, models.DateTimeField):
        return rows.filter(**{f"{field.name}__gte": END_OF_DEMO_DAY})
    return rows.filter(**{f"{field.name}__gt": DEMO_DAY})


def test_nothing_in_the_demo_happened_after_its_clock() -> None:
    late = []
    for model in apps.get_models():
        label = model._meta.label_lower
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField) or _exempt(label, field.name):
                continue
            rows = _later_than_the_demo(model, field)
            if rows.exists():
                latest = rows.order_by(f"-{field.name}").values_list(field.name, flat=True).first()
                late.append(f"{label}.{field.name}: {rows.count()} rows, latest {latest}")
    assert late == [], "\n".join(late)


def test_the_guard_room_of_shiwei_is_a_room_and_its_designer_is_named() -> None:
    from huanxin.projects.models import Project

    shiwei = Project.objects.select_related("designer").get(estate__name="市委二号院")
    guard_room = shiwei.items.get(item__code="E01")
    assert 10 <= guard_room.quantity < 200
    assert shiwei.designer is not None and shiwei.designer.kind == "design"
    designed = Project.objects.filter(items__isnull=False).distinct()
    assert not designed.filter(designer__isnull=True).exists()


def test_no_address_repeats_its_street_or_community() -> None:
    from huanxin.estates.models import Estate

    repeated = [
        f"{estate.name}: {estate.address}"
        for estate in Estate.objects.select_related("region__parent")
        if estate.region.name in estate.address
        or (estate.region.parent is not None and estate.region.parent.name in estate.address)
    ]
    assert repeated == []


def test_no_milestone_is_reached_before_the_reports_say_so() -> None:
    """A project's k-th of n milestones is reached when its reports put the works at k/n (the
    reports round each item to hundredths); 市委二号院's when its named items are reported done."""
    from huanxin.demo.progress import SHIWEI_MILESTONES
    from huanxin.projects.models import Milestone, Project
    from huanxin.projects.querysets import item_progress, project_progress

    early = []
    for project in Project.objects.filter(milestones__done_on__isnull=False).distinct():
        milestones = list(project.milestones.order_by("due_on"))
        for k, milestone in enumerate(milestones, start=1):
            if milestone.done_on is None:
                continue
            reported = project_progress(project, milestone.done_on)
            if reported < Decimal(k) / len(milestones) - Decimal("0.01"):
                early.append(f"{project.estate.name} {milestone.name} {milestone.done_on}: {reported}")
    assert early == []
    shiwei = Project.objects.get(estate__name="市委二号院")
    for name, _due, codes in SHIWEI_MILESTONES:
        milestone = Milestone.objects.get(project=shiwei, name=name)
        day = milestone.done_on or DEMO_DAY
        finished = {item.item.code for item, done in item_progress(shiwei, day) if done == 1}
        assert (milestone.done_on is not None) == (set(codes) <= finished if codes else False), name
        if milestone.done_on is not None:
            before = day - dt.timedelta(days=1)
            assert not set(codes) <= {i.item.code for i, done in item_progress(shiwei, before) if done == 1}
