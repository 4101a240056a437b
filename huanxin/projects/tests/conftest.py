"""Projects at each stage, made through the services on the dates the work happened: 市委二号院
through the pool into an approved 2021 plan (3 Sept 2020), designed and put on publicity
(5 Sept), built by shigong under jianli (from 12 Sept), finished (25 Sept)."""

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.accounts.models import Organization
from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.planning import services as planning
from huanxin.projects import rules, services
from huanxin.projects.models import Project
from huanxin.regions.models import Region

APPROVED_ON = dt.date(2020, 9, 3)
DESIGNED_ON = dt.date(2020, 9, 5)
STARTED_ON = dt.date(2020, 9, 12)
IN_PROGRESS = dt.date(2020, 9, 20)
FINISHED_ON = dt.date(2020, 9, 25)
AFTERWARDS = dt.date(2020, 10, 1)


@pytest.fixture
def project(city, eligible_estate):  # type: ignore[no-untyped-def]
    """Approved, with an estimate of 1,000,000 yuan."""
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
    with clock.pinned(APPROVED_ON):
        planning.plan_approve(by=city["city"], plan_id=plan.pk, version=plan.version)
    return Project.objects.get(estate=eligible_estate)


def move(by, project, state, note=""):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return services.project_transition(
        by=by, project_id=project.pk, version=project.version, to_state=state, note=note
    )


def vote_for_design(project, agreeing: int = 10):  # type: ignore[no-untyped-def]
    """Every household of the roster votes on the design on the phone; `agreeing` of them yes."""
    from huanxin.estates.models import Household

    for index, household in enumerate(Household.objects.filter(estate_id=project.estate_id).order_by("pk")):
        services.design_vote_cast(household=household, project_id=project.pk, agrees=index < agreeing)


def fund(by, project):  # type: ignore[no-untyped-def]
    """A funding plan equal to the design budget, all from the central subsidy: construction's
    funding guard (registered by the funding app) is then met."""
    from huanxin.funding.models import FundingSource
    from huanxin.funding.services import funding_plan_set, national_sources_load
    from huanxin.projects.querysets import design_budget

    national_sources_load()  # transactional tests flush what migrations loaded
    central = FundingSource.objects.get(owner__isnull=True, code="G01")
    return funding_plan_set(
        by=by, project_id=project.pk, version=None, lines={central.pk: design_budget(project)}
    )


DESIGN = [("B02", Decimal(100), Decimal(3000)), ("B06", Decimal(1000), Decimal(100))]  # 300,000 + 100,000


def design(by, project, rows=DESIGN):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return services.project_items_set(
        by=by,
        project_id=project.pk,
        version=project.version,
        rows=[
            {"item_id": MenuItem.objects.get(code=code).pk, "quantity": quantity, "unit_cost_yuan": cost}
            for code, quantity, cost in rows
        ],
    )


@pytest.fixture
def built(city, project, settings):  # type: ignore[no-untyped-def]
    """Under construction by 建工集团 (shigong), supervised by 建科监理 (jianli), planned to end
    on 30 Nov 2020; nothing reported yet; today is 20 Sept 2020."""
    district = city["yongding"]
    with clock.pinned(DESIGNED_ON):
        move(district, project, rules.DESIGN)
        design(district, project)
        project.refresh_from_db()
        services.project_assign(
            by=district,
            project_id=project.pk,
            version=project.version,
            builder=Organization.objects.get(name="张家界市建工集团有限公司"),
            supervisor=Organization.objects.get(name="湖南建科工程监理有限公司"),
        )
        project.refresh_from_db()
        services.project_schedule_set(
            by=district,
            project_id=project.pk,
            version=project.version,
            planned_start=STARTED_ON,
            planned_end=dt.date(2020, 11, 30),
            contact_phone="0744-8226000",
        )
        move(district, project, rules.PUBLICITY)
        vote_for_design(project)
        fund(district, project)
    with clock.pinned(STARTED_ON):
        move(district, project, rules.TENDER)
        move(district, project, rules.CONSTRUCTION)
    for user in (city["shigong"], city["jianli"]):
        user.__dict__.pop("scope", None)  # their scope now includes the estate
    project.refresh_from_db()
    settings.HUANXIN_TODAY = IN_PROGRESS.isoformat()
    return project


@pytest.fixture
def finished(city, built, settings):  # type: ignore[no-untyped-def]
    """Every item done, awaiting acceptance; today is 1 Oct 2020."""
    with clock.pinned(FINISHED_ON):
        for item in built.items.all():
            services.progress_report(
                by=city["shigong"], item_id=item.pk, on=FINISHED_ON, quantity_done=item.quantity
            )
        move(city["yongding"], built, rules.AWAITING_ACCEPTANCE)
    built.refresh_from_db()
    settings.HUANXIN_TODAY = AFTERWARDS.isoformat()
    return built
