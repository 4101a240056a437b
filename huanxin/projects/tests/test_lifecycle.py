"""The project lifecycle: opened by the plan's approval, every transition one service call that
runs every guard and names every refusal, concurrent transitions, progress on any past date."""

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.accounts.models import Organization
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.planning import services as planning
from huanxin.projects import guards, rules, services
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.querysets import project_progress
from huanxin.projects.tests.conftest import fund, vote_for_design
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_state_machine_goes_one_step_at_a_time() -> None:
    assert rules.next_states(rules.APPROVED) == [rules.DESIGN, rules.SUSPENDED, rules.CANCELLED]
    assert rules.next_states(rules.AWAITING_ACCEPTANCE) == [rules.ACCEPTED, rules.SUSPENDED, rules.CANCELLED]
    assert rules.next_states(rules.ACCEPTED) == [rules.HANDED_OVER]  # no longer open
    assert rules.next_states(rules.HANDED_OVER) == []
    assert rules.next_states(rules.SUSPENDED, rules.TENDER) == [rules.TENDER, rules.CANCELLED]
    assert rules.progress(
        [(Decimal(300), Decimal(10), Decimal(10)), (Decimal(100), Decimal(10), Decimal(0))]
    ) == Decimal("0.75")


@pytest.fixture
def project(city, eligible_estate):  # type: ignore[no-untyped-def]
    """市委二号院 through the pool into an approved 2021 plan: its project opens by itself."""
    candidate = planning.candidate_submit(by=city["guanliping"], estate_id=eligible_estate.pk)
    candidate = planning.candidate_review(
        by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
    )
    candidate = planning.candidate_confirm(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version
    )
    planning.candidate_cost_set(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version, cost_yuan=Decimal("1000000")
    )
    program = planning.program_create(
        by=city["city"],
        region_id=Region.objects.get(code="430800000000").pk,
        name="三年行动",
        start_year=2020,
        end_year=2022,
    )
    plan = planning.plan_create(
        by=city["city"], program_id=program.pk, year=2021, budget_yuan=Decimal("3000000")
    )
    plan = planning.plan_set_entries(
        by=city["city"], plan_id=plan.pk, version=plan.version, estate_ids=[eligible_estate.pk]
    )
    plan = planning.plan_publish(by=city["city"], plan_id=plan.pk, version=plan.version, days=1)
    with clock.pinned(dt.date(2020, 9, 3)):
        planning.plan_approve(by=city["city"], plan_id=plan.pk, version=plan.version)
    return Project.objects.get(estate=eligible_estate)


def step(city, project, state, note=""):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return services.project_transition(
        by=city["yongding"], project_id=project.pk, version=project.version, to_state=state, note=note
    )


def test_the_plan_approval_opens_the_project(project) -> None:  # type: ignore[no-untyped-def]
    assert project.state == rules.APPROVED and project.estimated_cost_yuan == Decimal("1000000")
    opened = ProjectTransition.objects.get(project=project)
    assert (opened.to_state, opened.on) == (rules.APPROVED, dt.date(2020, 9, 3))


def test_publicity_needs_a_design_within_ten_percent_of_the_estimate(city, project) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    with pytest.raises(Refused) as refused:
        step(city, project, rules.PUBLICITY)
    assert "尚未录入设计改造内容" in refused.value.message
    drains = MenuItem.objects.get(code="B02").pk
    project.refresh_from_db()
    services.project_items_set(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        rows=[{"item_id": drains, "quantity": Decimal(500), "unit_cost_yuan": Decimal(2400)}],
    )
    with pytest.raises(Refused) as refused:
        step(city, project, rules.PUBLICITY)
    assert "须先经市级重新批准" in refused.value.message
    project.refresh_from_db()
    services.project_items_set(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        rows=[{"item_id": drains, "quantity": Decimal(500), "unit_cost_yuan": Decimal(2000)}],
    )
    assert step(city, project, rules.PUBLICITY).state == rules.PUBLICITY


def test_every_failing_guard_is_named_at_once(city, project) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    guard = guards.register(rules.PUBLICITY, lambda p: "缺少业主委员会签字")
    try:
        with pytest.raises(Refused) as refused:
            step(city, project, rules.PUBLICITY)
        assert [d["message"] for d in refused.value.details] == ["尚未录入设计改造内容", "缺少业主委员会签字"]
    finally:
        guards._guards[rules.PUBLICITY].remove(guard)


def test_construction_needs_builder_and_supervisor_and_progress_drives_the_rest(city, project) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    project.refresh_from_db()
    project = services.project_items_set(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        rows=[
            {
                "item_id": MenuItem.objects.get(code="B02").pk,
                "quantity": Decimal(100),
                "unit_cost_yuan": Decimal(3000),
            },
            {
                "item_id": MenuItem.objects.get(code="B06").pk,
                "quantity": Decimal(1000),
                "unit_cost_yuan": Decimal(100),
            },
        ],
    )
    step(city, project, rules.PUBLICITY)
    vote_for_design(project)
    fund(city["yongding"], project)
    step(city, project, rules.TENDER)
    with pytest.raises(Refused) as refused:
        step(city, project, rules.CONSTRUCTION)
    assert "施工单位" in refused.value.message and "监理单位" in refused.value.message
    project.refresh_from_db()
    services.project_assign(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        builder=Organization.objects.get(name="张家界市建工集团有限公司"),
        supervisor=Organization.objects.get(name="湖南建科工程监理有限公司"),
    )
    with pytest.raises(Refused) as refused:
        step(city, project, rules.CONSTRUCTION)
    assert refused.value.message == "设计公示期（7天）至2020-09-08结束"
    with clock.pinned(dt.date(2020, 9, 8)):
        step(city, project, rules.CONSTRUCTION)
    drains, roads = project.items.order_by("item__code")
    city["shigong"].refresh_from_db()
    with clock.pinned(dt.date(2020, 9, 10)):
        services.progress_report(
            by=city["shigong"], item_id=drains.pk, on=dt.date(2020, 9, 8), quantity_done=Decimal(100)
        )
        services.progress_report(
            by=city["shigong"], item_id=roads.pk, on=dt.date(2020, 9, 9), quantity_done=Decimal(500)
        )
        with pytest.raises(Invalid, match="不能早于开工日期2020-09-08"):
            services.progress_report(
                by=city["shigong"], item_id=roads.pk, on=dt.date(2020, 9, 7), quantity_done=Decimal(1)
            )
    assert project_progress(project, dt.date(2020, 9, 8)) == Decimal("0.75")  # drains (¾ of the budget) done
    assert project_progress(project) == Decimal("0.875")
    with pytest.raises(Refused) as refused:
        step(city, project, rules.AWAITING_ACCEPTANCE)
    assert "道路修复与硬化" in refused.value.message


def test_a_contractor_reports_only_on_its_own_projects(city, project) -> None:  # type: ignore[no-untyped-def]
    from huanxin.core.errors import NotFound

    step(city, project, rules.DESIGN)
    project.refresh_from_db()
    project = services.project_items_set(
        by=city["yongding"],
        project_id=project.pk,
        version=project.version,
        rows=[
            {
                "item_id": MenuItem.objects.get(code="B02").pk,
                "quantity": Decimal(100),
                "unit_cost_yuan": Decimal(3000),
            }
        ],
    )
    item = project.items.get()
    with pytest.raises((NotFound, Forbidden)):  # not its project: it does not even see the estate
        services.progress_report(
            by=city["shigong"], item_id=item.pk, on=dt.date(2020, 8, 20), quantity_done=Decimal(1)
        )


def test_of_two_concurrent_transitions_one_wins(city, project) -> None:  # type: ignore[no-untyped-def]
    version = project.version
    services.project_transition(
        by=city["yongding"], project_id=project.pk, version=version, to_state=rules.DESIGN
    )
    with pytest.raises(StaleEdit):
        services.project_transition(
            by=city["city"], project_id=project.pk, version=version, to_state=rules.CANCELLED, note="重复"
        )
    project.refresh_from_db()
    assert project.state == rules.DESIGN


def test_cancelling_needs_a_reason_and_leaves_the_planned_figures(city, project, api_as) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid):
        step(city, project, rules.CANCELLED)
    assert api_as("city").get("/api/v1/stats/summary?as_of=2020-09-10").json()["planned_projects"] == 1
    with clock.pinned(dt.date(2020, 9, 20)):
        step(city, project, rules.CANCELLED, note="原产权单位决定拆除重建")
    assert api_as("city").get("/api/v1/stats/summary?as_of=2020-09-20").json()["planned_projects"] == 0
    assert api_as("city").get("/api/v1/stats/summary?as_of=2020-09-19").json()["planned_projects"] == 1
    with pytest.raises(Forbidden):
        services.project_transition(
            by=city["guanliping"], project_id=project.pk, version=99, to_state=rules.DESIGN
        )


def test_project_pages_show_refused_actions_with_their_reasons(city, project, login) -> None:  # type: ignore[no-untyped-def]
    step(city, project, rules.DESIGN)
    client = login("yongding")
    assert "市委二号院改造项目" in client.get("/projects/").content.decode()
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "disabled" in page and "尚未录入设计改造内容" in page
    project.refresh_from_db()
    response = client.post(
        f"/projects/{project.pk}/transition/", {"version": project.version, "to_state": "suspended"}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == rules.SUSPENDED and project.resume_to == rules.DESIGN
    assert login("cili").get(f"/projects/{project.pk}/").status_code == 404
    for tab in ("items", "progress", "history"):
        assert client.get(f"/projects/{project.pk}/?tab={tab}").status_code == 200
