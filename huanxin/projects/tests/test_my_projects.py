"""Each role finds its work: a contractor's and an owners' committee's home is their own projects
with the work waiting there; the committee's menu leads to its design vote and its signature and
its plans page shows the plans holding its estate; no tab or button a role may not use is shown;
one sidebar entry is lit at a time."""

import re

import pytest

from huanxin.accounts.models import Organization
from huanxin.core.scoping import SYSTEM
from huanxin.estates.models import EstateTie
from huanxin.estates.services import estate_tie_add

pytestmark = pytest.mark.django_db


def _tie_committee(city, estate_id: int) -> None:  # type: ignore[no-untyped-def]
    estate_tie_add(
        by=SYSTEM,
        estate_id=estate_id,
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        kind=EstateTie.Kind.OWNERS_COMMITTEE,
    )
    city["yeweihui"].__dict__.pop("scope", None)


def _sidebar(html: str) -> str:
    return html.split('class="sidebar')[1].split("</nav>")[0]


def _lit(html: str) -> list[str]:
    """The labels of the lit sidebar entries."""
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'nav-link active"[^>]*>(.*?)</a>', _sidebar(html), flags=re.S)
    ]


def test_a_contractor_s_home_is_its_own_projects_with_the_work_waiting(login, built) -> None:  # type: ignore[no-untyped-def]
    client = login("shigong")
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/projects/mine/"
    page = client.get("/projects/mine/").content.decode()
    assert built.name in page and "资金计划" not in page and "总览" not in _sidebar(page)
    row = page.split(f'data-project="{built.pk}"')[1].split("</tr>")[0]
    assert re.search(
        r'btn-warning task-waiting" href="[^"]+\?tab=progress"', row
    )  # waiting: the works are on
    assert 'data-task="vote"' not in row  # the design vote is the owners'
    assert _lit(page) == ["我的项目"]


def test_the_committee_s_menu_leads_to_its_vote_and_its_signature(login, city, finished) -> None:  # type: ignore[no-untyped-def]
    _tie_committee(city, finished.estate_id)
    client = login("yeweihui")
    page = client.get("/projects/mine/").content.decode()
    assert "设计方案表决" in _sidebar(page) and "竣工验收签字" in _sidebar(page)
    row = page.split(f'data-project="{finished.pk}"')[1].split("</tr>")[0]
    assert re.search(
        r'task-waiting" href="[^"]+\?tab=acceptance" data-task="sign"', row
    )  # awaiting its signature
    sign = client.get("/projects/mine/?task=sign")
    assert sign.status_code == 302 and sign["Location"] == f"/projects/{finished.pk}/?tab=acceptance"
    vote = client.get("/projects/mine/?task=vote")
    assert vote["Location"] == f"/projects/{finished.pk}/?tab=residents"
    assert _lit(page) == ["我的项目"]
    plans = client.get("/planning/").content.decode()
    assert "尚无改造规划" not in plans and "2021年度计划" in plans
    assert login("shigong").get("/projects/mine/?task=vote").content.decode().count("data-project=") == 0


def test_a_plan_holding_the_committee_s_estate_is_shown_once_public_not_as_a_draft(  # type: ignore[no-untyped-def]
    login, city, eligible_estate
) -> None:
    from decimal import Decimal

    from huanxin.planning import services as planning
    from huanxin.regions.models import Region

    by = city["city"]
    candidate = planning.candidate_submit(by=city["guanliping"], estate_id=eligible_estate.pk)
    candidate = planning.candidate_review(
        by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
    )
    planning.candidate_confirm(by=by, candidate_id=candidate.pk, version=candidate.version)
    program = planning.program_create(
        by=by,
        region_id=Region.objects.get(code="430800000000").pk,
        name="三年行动",
        start_year=2020,
        end_year=2022,
    )
    plan = planning.plan_create(by=by, program_id=program.pk, year=2021, budget_yuan=Decimal("3000000"))
    plan = planning.plan_set_entries(
        by=by, plan_id=plan.pk, version=plan.version, estate_ids=[eligible_estate.pk]
    )
    _tie_committee(city, eligible_estate.pk)
    client = login("yeweihui")
    assert "尚无改造规划" in client.get("/planning/").content.decode()  # a draft is not yet public
    assert client.get(f"/planning/plans/{plan.pk}/").status_code == 404
    planning.plan_publish(by=by, plan_id=plan.pk, version=plan.version, days=7)
    assert "2021年度计划" in client.get("/planning/").content.decode()
    assert client.get(f"/planning/plans/{plan.pk}/").status_code == 200


def test_no_tab_or_button_a_role_may_not_use(login, built, open_round) -> None:  # type: ignore[no-untyped-def]
    estate = built.estate
    contractor = login("shigong").get(f"/estates/{estate.pk}/?tab=surveys").content.decode()
    tabs = contractor.split('class="nav nav-tabs')[1].split("</ul>")[0]
    assert "tab=surveys" not in tabs and "tab=eligibility" not in tabs and "tab=buildings" in tabs
    info = contractor.split("</ul>", 2)[-1]
    assert "/surveys/estate/" not in info and "/planning/estate/" not in info  # nothing loads behind a 403
    assert login("shigong").get(f"/projects/estate/{estate.pk}/").status_code == 200  # what does load, may
    office = login("guanliping").get(f"/estates/{estate.pk}/").content.decode()
    assert "tab=surveys" in office and "tab=eligibility" in office
    survey = f"/surveys/{open_round.pk}/"
    assert "打印入户通知单" not in login("audit").get(survey).content.decode()
    assert "打印入户通知单" in login("shequ").get(survey).content.decode()


def test_one_sidebar_entry_is_lit_at_a_time(login, project) -> None:  # type: ignore[no-untyped-def]
    from huanxin.planning.models import AnnualPlan

    client = login("city")
    plan = AnnualPlan.objects.get()
    assert _lit(client.get(f"/planning/plans/{plan.pk}/").content.decode()) == ["改造计划"]
    assert _lit(client.get("/planning/pool/").content.decode()) == ["储备库"]
    assert _lit(client.get(f"/projects/{project.pk}/").content.decode()) == ["改造项目"]
    assert _lit(client.get("/").content.decode()) == ["总览"]


def test_the_estate_page_links_its_project_and_shows_where_it_is(login, built, make_estate) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from huanxin.estates.models import Estate

    Estate.objects.filter(pk=built.estate_id).update(latitude=Decimal("29.117"), longitude=Decimal("110.479"))
    make_estate("邻近小区", latitude=Decimal("29.125"), longitude=Decimal("110.470"))
    make_estate("慈利小区", community="430821001001", latitude=Decimal("29.43"), longitude=Decimal("111.13"))
    client = login("guanliping")
    page = client.get(f"/estates/{built.estate_id}/").content.decode()
    assert "uri.amap.com/marker?position=110.479" in page and "coordinate=wgs84" in page
    locator = page.split('id="estate-locator"')[1].split("</figure>")[0]
    assert locator.count("<circle") == 2  # itself and its neighbour in 永定区, not 慈利县's estate
    assert "其他 1 个小区" in locator
    line = client.get(f"/projects/estate/{built.estate_id}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'href="/projects/{built.pk}/"' in line and "施工" in line
    before = client.get(f"/projects/estate/{built.estate_id}/?as_of=2020-09-02").content.decode()
    assert "尚未立项" in before  # approved on 3 Sept
