"""The demo tells one story on its own timeline: nothing it stores happened after its clock
(2020-09-01), its named estate's design is plausible, its milestones agree with its progress
reports and its addresses are written once. Loaded once for the module (about a minute)."""

from __future__ import annotations

import datetime as dt
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
