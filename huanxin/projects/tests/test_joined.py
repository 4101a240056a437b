"""联片改造: an adjacent estate's project joins another. The lead project designs, builds and is
accepted for both; the joined one keeps its plan entry, follows the lead's states, and its
residents vote and complain on the joint project."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from huanxin.core import clock
from huanxin.core.errors import Refused
from huanxin.estates.models import Household
from huanxin.planning.models import PlanEntry
from huanxin.projects import rules, services
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.querysets import combined_estimate, design_vote_result
from huanxin.projects.tests.conftest import DESIGNED_ON, design, move

pytestmark = pytest.mark.django_db


def neighbour(city, make_estate, project, name, community, households=2):  # type: ignore[no-untyped-def]
    """Another estate of the same approved plan, with a small roster, and its project."""
    from huanxin.estates.services import buildings_add, household_roster_add

    estate = make_estate(name, community=community, households=households, floor_area_m2=Decimal("200"))
    buildings_add(by=city["admin"], estate_id=estate.pk, buildings=[{"name": "1栋"}])
    household_roster_add(
        by=city["admin"],
        estate_id=estate.pk,
        rows=[  # type: ignore[list-item]
            {"building": "1栋", "unit": "1", "room": f"10{n}", "floor_area_m2": Decimal("80")}
            for n in range(1, households + 1)
        ],
    )
    plan = project.plan_entry.plan
    PlanEntry.objects.create(
        plan=plan,
        estate=estate,
        estimated_cost_yuan=Decimal("500000"),
        households=households,
        floor_area_m2=Decimal("200"),
    )
    services.projects_open_for_plan(plan, by=city["city"])
    return Project.objects.get(estate=estate)


@pytest.fixture
def pair(city, make_estate, project):  # type: ignore[no-untyped-def]
    other = neighbour(city, make_estate, project, "市委三号院", "430802004001")
    project.refresh_from_db()
    services.project_join(
        by=city["yongding"], project_id=project.pk, version=project.version, other_id=other.pk
    )
    project.refresh_from_db()
    other.refresh_from_db()
    return project, other


def test_only_a_neighbour_in_the_same_street_joins(city, make_estate, project) -> None:  # type: ignore[no-untyped-def]
    far = neighbour(city, make_estate, project, "岩塔小区", "430802001001")
    with pytest.raises(Refused, match="同一街道"):
        services.project_join(
            by=city["yongding"], project_id=project.pk, version=project.version, other_id=far.pk
        )
    far.refresh_from_db()
    assert far.joined_into is None


def test_the_joined_project_follows_the_lead(city, pair) -> None:  # type: ignore[no-untyped-def]
    lead, joined = pair
    assert joined.joined_into == lead
    with pytest.raises(Refused, match="已并入"):
        move(city["yongding"], joined, rules.DESIGN)
    move(city["yongding"], lead, rules.DESIGN, note="两院统一设计")
    joined.refresh_from_db()
    assert joined.state == rules.DESIGN
    last = ProjectTransition.objects.filter(project=joined).latest("id")
    assert last.note.startswith("随市委二号院改造项目（2021年）联片实施")


def test_the_design_is_weighed_against_both_estimates(city, pair) -> None:  # type: ignore[no-untyped-def]
    lead, _joined = pair
    assert combined_estimate(lead) == Decimal("1500000")
    move(city["yongding"], lead, rules.DESIGN)
    design(city["yongding"], lead, [("B02", Decimal(100), Decimal(16000))])  # 1,600,000: under 1,650,000
    assert move(city["yongding"], lead, rules.PUBLICITY).state == rules.PUBLICITY


def test_both_estates_vote_on_the_joint_design(city, pair) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.services import resident_link_for
    from huanxin.residents.sessions import KEY, session_data

    lead, joined = pair
    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], lead, rules.DESIGN)
        design(city["yongding"], lead)
        move(city["yongding"], lead, rules.PUBLICITY)
        neighbour_household = Household.objects.filter(estate=joined.estate).earliest("pk")
        services.design_vote_cast(household=neighbour_household, project_id=lead.pk, agrees=True)
    result = design_vote_result(lead)
    assert (result.heads_total, result.heads_voted, result.area_total) == (14, 1, Decimal("1120.00"))
    client = Client()
    session = client.session
    session[KEY] = session_data(neighbour_household)
    session.save()
    with clock.pinned(DESIGNED_ON + dt.timedelta(days=1)):
        page = client.get(f"/r/{resident_link_for(joined.estate).token}/vote/").content.decode()
    assert "您家已投：同意" in page and "排水与雨污分流" in page


def test_the_joined_project_points_to_the_joint_one(city, pair, login) -> None:  # type: ignore[no-untyped-def]
    lead, joined = pair
    page = login("yongding").get(f"/projects/{joined.pk}/").content.decode()
    assert "已并入" in page and f"/projects/{lead.pk}/" in page
    assert "市委三号院" in login("yongding").get(f"/projects/{lead.pk}/").content.decode()
    public = Client().get(f"/projects/public/{joined.pk}/")
    assert public.status_code == 302 and public["Location"] == f"/projects/public/{lead.pk}/"


def test_planned_figures_still_count_each_estate(city, pair, api_as) -> None:  # type: ignore[no-untyped-def]
    summary = api_as("city").get("/api/v1/stats/summary?as_of=2020-09-10").json()
    assert (summary["planned_projects"], summary["planned_households"]) == (2, 14)


def test_a_project_with_money_of_its_own_does_not_join(city, make_estate, project) -> None:  # type: ignore[no-untyped-def]
    from huanxin.funding.models import FundingSource
    from huanxin.funding.services import funding_plan_set, national_sources_load

    other = neighbour(city, make_estate, project, "市委三号院", "430802004001")
    national_sources_load()
    central = FundingSource.objects.get(owner__isnull=True, code="G01")
    funding_plan_set(
        by=city["yongding"], project_id=other.pk, version=None, lines={central.pk: Decimal(1000)}
    )
    project.refresh_from_db()
    with pytest.raises(Refused, match="同一街道"):
        services.project_join(
            by=city["yongding"], project_id=project.pk, version=project.version, other_id=other.pk
        )
