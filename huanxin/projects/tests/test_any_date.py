"""Any date, everywhere: random dated events are driven through the services — progress reports
(backdated, corrected and confirmed), suspensions and resumptions, milestones reached and
rescheduled, residents' feedback and its answers, money planned, received and paid, the estate's
floor area remeasured — and then, for a random day, every page's
figures as of that day (the project list, the project page, its money page, the dashboard and the
API) must equal a brute-force recount of the events up to that day."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanxin.core import clock
from huanxin.estates.models import Estate
from huanxin.estates.services import estate_update
from huanxin.funding.models import FundingSource
from huanxin.funding.services import funding_plan_set, ledger_record
from huanxin.projects import rules, services
from huanxin.projects.models import DesignRevision, Feedback, ProjectTransition
from huanxin.projects.tests.conftest import DESIGNED_ON, STARTED_ON

pytestmark = pytest.mark.django_db

FIRST_DUE, SECOND_DUE = dt.date(2020, 9, 15), dt.date(2020, 9, 25)
PLANNED_END = dt.date(2020, 11, 30)

EVENTS = st.one_of(
    st.tuples(st.just("report"), st.integers(0, 1), st.integers(0, 100), st.integers(0, 3)),
    st.tuples(st.just("feedback")),
    st.tuples(st.just("answer")),
    st.tuples(st.just("receipt"), st.integers(1, 40)),
    st.tuples(st.just("payment"), st.integers(1, 40)),
    st.tuples(st.just("pause")),
    st.tuples(st.just("milestone")),
    st.tuples(st.just("reschedule"), st.integers(-5, 10)),
    st.tuples(st.just("replan"), st.integers(1, 60)),
    st.tuples(st.just("remeasure"), st.integers(5_000, 20_000)),
)
MILESTONES = ("管网完工", "道路完工")


@dataclass
class Complaint:
    received: dt.date
    due: dt.date
    answered: dt.date | None = None


@dataclass
class Log:
    """What happened, as the city would write it down: the brute force recounts from this."""

    states: list[tuple[dt.date, str]]
    designed_on: dt.date = STARTED_ON
    last_day: dt.date = STARTED_ON
    reports: list[tuple[int, dt.date, Decimal]] = field(default_factory=list)  # item, on, quantity
    feedback: list[Complaint] = field(default_factory=list)
    money: list[tuple[str, dt.date, Decimal]] = field(default_factory=list)
    schedules: list[tuple[dt.date, dict[str, dt.date]]] = field(default_factory=list)  # from, name → due
    milestones_done: dict[str, dt.date] = field(default_factory=dict)  # name → done
    plans: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # from, total planned
    area: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # from, the estate's floor area

    @staticmethod
    def then(changes, day: dt.date, default=None):  # type: ignore[no-untyped-def]
        """The value in force at the end of `day` of a list of (from, value)."""
        then = [value for on, value in changes if on <= day]
        return then[-1] if then else default

    def state_on(self, day: dt.date) -> str | None:
        then = [state for on, state in self.states if on <= day]
        return then[-1] if then else None

    def quantity_on(self, item: int, day: dt.date) -> Decimal | None:
        """The last report measured on or before `day` (the later-entered one on a tie)."""
        latest: tuple[dt.date, Decimal] | None = None
        for reported_item, on, quantity in self.reports:
            if reported_item == item and on <= day and (latest is None or on >= latest[0]):
                latest = (on, quantity)
        return latest[1] if latest else None

    def quantity_after(self, item: int, day: dt.date) -> Decimal | None:
        later = [quantity for reported, on, quantity in self.reports if reported == item and on > day]
        return min(later) if later else None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 3), EVENTS), max_size=14), look=st.integers(-14, 40))
def test_every_page_as_of_a_day_equals_a_recount_of_the_events_up_to_it(  # type: ignore[no-untyped-def]
    city, built, login, api_as, steps, look
) -> None:
    with transaction.atomic():
        log = drive(city, built, steps)
        as_of = STARTED_ON + dt.timedelta(days=look)
        # today is the last event's day or later; a look at today reads the live figures
        with clock.pinned(max(log.last_day, as_of)):
            check_pages(city, built, login, api_as, log, as_of)
        transaction.set_rollback(True)


def drive(city, project, steps) -> Log:  # type: ignore[no-untyped-def]
    district, builder, supervisor = city["yongding"], city["shigong"], city["jianli"]
    items = list(project.items.order_by("item__code"))
    central = FundingSource.objects.get(owner__isnull=True, code="G01")
    log = Log(
        states=list(ProjectTransition.objects.filter(project=project).values_list("on", "to_state")),
        designed_on=DesignRevision.objects.filter(project=project)
        .order_by("on")
        .values_list("on", flat=True)[0],
    )
    log.plans.append((DESIGNED_ON, project.funding_plan.lines.get().amount_yuan))
    log.area.append((project.estate.registered_on, project.estate.floor_area_m2))
    with clock.pinned(STARTED_ON):
        schedule(district, project, log, {MILESTONES[0]: FIRST_DUE, MILESTONES[1]: SECOND_DUE})
    day = STARTED_ON
    for gap, event in steps:
        day += dt.timedelta(days=gap)
        log.last_day = day
        state = log.state_on(day)
        with clock.pinned(day):
            kind = event[0]
            if kind == "report" and state == rules.CONSTRUCTION:
                _kind, index, percent, back = event
                item = items[index]
                on = max(STARTED_ON, day - dt.timedelta(days=back))
                quantity = (item.quantity * percent / 100).quantize(Decimal("0.01"))
                goes_back = rules.progress_goes_back(
                    quantity, log.quantity_on(index, on), log.quantity_after(index, on)
                )
                report = services.progress_report(
                    by=builder,
                    item_id=item.pk,
                    on=on,
                    quantity_done=quantity,
                    correction_reason="复测更正" if goes_back else "",
                )
                if goes_back:
                    services.progress_correction_confirm(by=supervisor, report_id=report.pk)
                log.reports.append((index, on, quantity))
            elif kind == "feedback":
                row = services.feedback_submit(
                    by=city["shequ"], project_id=project.pk, category="quality", text="噪音"
                )
                log.feedback.append(Complaint(row.received_on, row.due_on))
            elif kind == "answer":
                open_rows = Feedback.objects.filter(project=project, answered_on__isnull=True).order_by("id")
                if open_rows.exists():
                    services.feedback_answer(by=district, feedback_id=open_rows[0].pk, answer="已处理")
                    next(c for c in log.feedback if c.answered is None).answered = day
            elif kind in ("receipt", "payment"):
                amount = Decimal(event[1] * 10_000)
                ledger_record(
                    by=district,
                    project_id=project.pk,
                    source_id=central.pk,
                    kind=kind,
                    amount=amount,
                    on=day,
                    document_number=f"凭{len(log.money)}",
                    advance=True,
                )
                log.money.append((kind, day, amount))
            elif kind == "pause" and state in (rules.CONSTRUCTION, rules.SUSPENDED):
                to_state = rules.SUSPENDED if state == rules.CONSTRUCTION else rules.CONSTRUCTION
                budget = log.plans[0][1]  # the plan equal to the design, as work may resume only then
                if to_state == rules.CONSTRUCTION and log.plans[-1][1] != budget:
                    replan(district, project, central, budget)
                    log.plans.append((day, budget))
                project.refresh_from_db()
                services.project_transition(
                    by=district,
                    project_id=project.pk,
                    version=project.version,
                    to_state=to_state,
                    note="汛期",
                )
                log.states.append((day, to_state))
            elif kind == "milestone":
                name = next((n for n in MILESTONES if n not in log.milestones_done), None)
                if name is not None:
                    milestone = project.milestones.get(name=name)
                    services.milestone_done(by=builder, milestone_id=milestone.pk, done_on=day)
                    log.milestones_done[name] = day
            elif kind == "reschedule":
                dues = log.schedules[-1][1]
                schedule(
                    district, project, log, {n: due + dt.timedelta(days=event[1]) for n, due in dues.items()}
                )
            elif kind == "replan":
                amount = Decimal(event[1] * 10_000)
                replan(district, project, central, amount)
                log.plans.append((day, amount))
            elif kind == "remeasure":
                estate = Estate.objects.get(pk=project.estate_id)
                estate_update(
                    by=district,
                    estate_id=estate.pk,
                    version=estate.version,
                    changes={"floor_area_m2": Decimal(event[1])},
                )
                log.area.append((day, Decimal(event[1])))
    return log


def replan(district, project, central, amount) -> None:  # type: ignore[no-untyped-def]
    plan = project.funding_plan
    plan.refresh_from_db()
    funding_plan_set(by=district, project_id=project.pk, version=plan.version, lines={central.pk: amount})


def schedule(district, project, log, dues) -> None:  # type: ignore[no-untyped-def]
    """The milestones set anew with these due dates, the ones reached keeping their day."""
    project.refresh_from_db()
    services.milestones_set(
        by=district,
        project_id=project.pk,
        version=project.version,
        rows=[{"name": n, "due_on": due, "done_on": log.milestones_done.get(n)} for n, due in dues.items()],
    )
    log.schedules.append((clock.today(), dues))


def expected(log: Log, project, as_of: dt.date) -> dict[str, object]:  # type: ignore[no-untyped-def]
    # the design in force: none before it was first saved
    items = list(project.items.order_by("item__code")) if log.designed_on <= as_of else []
    state = log.state_on(as_of)
    shares = [
        rules.item_share(log.quantity_on(index, as_of) or Decimal(0), item.quantity)
        for index, item in enumerate(items)
    ]
    progress = rules.progress(
        [(item.budget_yuan, Decimal(1), share) for item, share in zip(items, shares, strict=True)]
    )
    started = min((on for on, s in log.states if s == rules.CONSTRUCTION and on <= as_of), default=None)
    measured = max((on for _i, on, _q in log.reports if on <= as_of), default=None)
    forecast = rules.forecast_end(started, measured, progress) if started and measured else None
    open_feedback = [
        c for c in log.feedback if c.received <= as_of and (c.answered is None or c.answered > as_of)
    ]
    return {
        "state": state,
        "progress": progress,
        "shares": shares,
        "delayed": state is not None and rules.is_delayed(state, PLANNED_END, forecast, as_of),
        "dues": sorted(Log.then(log.schedules, as_of, {}).values()),
        "milestone_late": any(
            due < as_of and (log.milestones_done.get(name) is None or log.milestones_done[name] > as_of)
            for name, due in Log.then(log.schedules, as_of, {}).items()
        ),
        "planned": Log.then(log.plans, as_of, Decimal(0)),
        "area": Log.then(log.area, as_of, Decimal(0)),
        "feedback_open": len(open_feedback),
        "feedback_overdue": sum(1 for c in open_feedback if c.due < as_of),
        "received": sum((a for k, on, a in log.money if k == "receipt" and on <= as_of), Decimal(0)),
        "paid": sum((a for k, on, a in log.money if k == "payment" and on <= as_of), Decimal(0)),
    }


def check_pages(city, project, login, api_as, log, as_of) -> None:  # type: ignore[no-untyped-def]
    want = expected(log, project, as_of)
    day = as_of.isoformat()
    district = login("yongding")
    listed = {row.pk: row for row in district.get(f"/projects/?as_of={day}").context["page_obj"]}
    detail = district.get(f"/projects/{project.pk}/?as_of={day}")
    if want["state"] is None:  # not yet approved that day: on no page
        assert project.pk not in listed and detail.status_code == 404
        return
    row = listed[project.pk]
    assert (row.state_then, row.progress_then) == (want["state"], want["progress"])
    assert (row.delayed, row.milestone_late) == (want["delayed"], want["milestone_late"])
    assert (row.feedback_open, row.feedback_overdue) == (want["feedback_open"], want["feedback_overdue"])
    page = detail.context
    assert (page["state_then"], page["progress"]) == (want["state"], want["progress"])
    assert [line.done for line in page["items"]] == want["shares"]
    statuses = [status for _m, _done, status, _may in page["milestones"]]
    assert ("late" in statuses) == want["milestone_late"]
    assert [m.due_on for m, _done, _status, _may in page["milestones"]] == want["dues"]
    feedback = district.get(f"/projects/{project.pk}/?as_of={day}&tab=feedback").context["feedback_rows"]
    assert sum(1 for f in feedback if not f.answered_then) == want["feedback_open"]
    money = district.get(f"/funding/projects/{project.pk}/?as_of={day}").context["overall"]
    assert (money.planned, money.received, money.paid) == (want["planned"], want["received"], want["paid"])
    summary = district.get(f"/?as_of={day}").context["summary"]
    assert summary["funds_planned_yuan"] == want["planned"]
    assert summary["old_area_m2"] == want["area"]
    assert summary["started_projects"] == (1 if want["state"] in rules.STARTED else 0)
    assert (summary["funds_received_yuan"], summary["funds_paid_yuan"]) == (want["received"], want["paid"])
    api = api_as("yongding").get(f"/api/v1/projects/{project.pk}?as_of={day}").json()
    assert (api["state"], Decimal(api["progress"])) == (
        want["state"],
        Decimal(str(want["progress"])).quantize(Decimal("0.0001")),
    )
    assert api["milestone_late"] == want["milestone_late"]
    assert [dt.date.fromisoformat(m["due_on"]) for m in api["milestones"]] == want["dues"]
    assert (api["next_states"] == []) == (as_of < clock.today())  # a past day is read-only


def test_the_late_filter_reads_the_day_on_the_page_the_export_and_the_api(city, built, login, api_as) -> None:  # type: ignore[no-untyped-def]
    """Past its first milestone on the 16th and not reached: late on the 16th, not on the 14th."""
    with clock.pinned(STARTED_ON):
        services.milestones_set(
            by=city["yongding"],
            project_id=built.pk,
            version=built.version,
            rows=[{"name": "管网完工", "due_on": FIRST_DUE, "done_on": None}],
        )
    district = login("yongding")
    for day, late in (("2020-09-14", False), ("2020-09-16", True)):
        listed = [p.pk for p in district.get(f"/projects/?as_of={day}&late=1").context["page_obj"]]
        assert listed == ([built.pk] if late else [])
        export = district.get(f"/projects/export.xlsx?as_of={day}&late=1")
        assert export.status_code == 200
        api = api_as("yongding").get(f"/api/v1/projects?as_of={day}&late=true").json()
        assert [p["id"] for p in api["items"]] == ([built.pk] if late else [])
        assert api_as("yongding").get(f"/api/v1/projects?as_of={day}&late=false").json()["count"] == (
            0 if late else 1
        )


def test_the_money_page_of_a_day_before_the_project_was_opened_is_not_found(city, built, login) -> None:  # type: ignore[no-untyped-def]
    assert login("yongding").get(f"/funding/projects/{built.pk}/?as_of=2020-08-31").status_code == 404
    assert login("yongding").get(f"/funding/projects/{built.pk}/?as_of=2020-09-13").status_code == 200
