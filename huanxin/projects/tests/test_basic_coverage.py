"""应改尽改 through the pages and the API: the design against the estate's condition assessment —
the publicity guard names each basic problem left out, a written reason lets the design through,
the city can turn the guard off, the notice board says what is covered and why the rest is not."""

from decimal import Decimal

import pytest

from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.errors import Refused
from huanxin.estates.services import assessment_set
from huanxin.projects import rules
from huanxin.projects.models import BasicGapReason, Project, ProjectSettings
from huanxin.projects.tests.conftest import DESIGNED_ON, design, move

pytestmark = pytest.mark.django_db

GAS = "燃气管道新增与改造"
DRAIN = "排水与雨污分流"
REFUSAL = "现状评估中的重大问题未纳入设计，也未说明理由："


@pytest.fixture
def assessed(city, project):  # type: ignore[no-untyped-def]
    """Beside the hazardous drain (B02): old gas pipes (major), a leaking roof (minor only), dark
    paths (hazardous, but an improvement item). In design, today the day it was designed."""
    estate = project.estate
    estate.refresh_from_db()
    codes = {item.code: item.pk for item in MenuItem.objects.all()}
    assessment_set(
        by=city["shequ"],
        estate_id=estate.pk,
        version=estate.version,
        entries={
            codes["B05"]: ("major", "铸铁管老化"),
            codes["B09"]: ("minor", ""),
            codes["I03"]: ("hazardous", ""),
        },
    )
    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], project, rules.DESIGN)
    project.refresh_from_db()
    return project


def _page_post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data, follow=True).content.decode()


def _reason(login, project, code, reason):  # type: ignore[no-untyped-def]
    project.refresh_from_db()
    return _page_post(
        login("yongding"),
        f"/projects/{project.pk}/basic-reason/",
        {"version": project.version, "item": MenuItem.objects.get(code=code).pk, "reason": reason},
    )


def test_publicity_is_refused_naming_each_basic_problem_left_out(login, city, assessed) -> None:  # type: ignore[no-untyped-def]
    design(city["yongding"], assessed, [("B06", Decimal(1000), Decimal(100))])
    assessed.refresh_from_db()
    client = login("yongding")
    items = client.get(f"/projects/{assessed.pk}/?tab=items").content.decode()
    assert f"{REFUSAL}{DRAIN}（存在安全隐患）、{GAS}（严重）" in items  # beside the disabled button
    page = _page_post(
        client, f"/projects/{assessed.pk}/transition/", {"version": assessed.version, "to_state": "publicity"}
    )
    assert f"{REFUSAL}{DRAIN}（存在安全隐患）、{GAS}（严重）" in page
    assert "防水" not in page.split(REFUSAL)[1].split("<")[0]  # minor: not named
    assessed.refresh_from_db()
    assert assessed.state == rules.DESIGN


def test_a_written_reason_lets_the_design_go_on_publicity(login, city, assessed) -> None:  # type: ignore[no-untyped-def]
    design(city["yongding"], assessed, [("B02", Decimal(100), Decimal(3000))])
    items = login("yongding").get(f"/projects/{assessed.pk}/?tab=items").content.decode()
    assert "basic-reason-form" in items and "铸铁管老化" in items
    page = _reason(login, assessed, "B05", "燃气公司另行立项")
    assert "已保存未纳入设计的理由" in page
    assert "燃气公司另行立项" in page and "未纳入，已说明理由" in page
    reason = BasicGapReason.objects.get(project=assessed)
    assert (reason.item.code, reason.by, reason.history.count()) == ("B05", city["yongding"], 1)
    assessed.refresh_from_db()
    page = _page_post(
        login("yongding"),
        f"/projects/{assessed.pk}/transition/",
        {"version": assessed.version, "to_state": "publicity"},
    )
    assert REFUSAL not in page
    assessed.refresh_from_db()
    assert assessed.state == rules.PUBLICITY
    board = login("yongding").get(f"/projects/public/{assessed.pk}/").content.decode()
    public = board.split('id="public-basic"')[1].split("</table>")[0]
    assert DRAIN in public and "已纳入" in public
    assert GAS in public and "未纳入，原因：燃气公司另行立项" in public
    assert str(city["yongding"]) not in public and "铸铁管" not in public
    # after publicity the reason is part of the published design: it no longer changes
    assert "设计公示后不能再修改" in _reason(login, assessed, "B05", "")
    assert BasicGapReason.objects.filter(project=assessed).exists()


def test_a_cleared_reason_opens_the_problem_again(login, city, assessed) -> None:  # type: ignore[no-untyped-def]
    design(city["yongding"], assessed, [("B02", Decimal(100), Decimal(3000))])
    _reason(login, assessed, "B05", "燃气公司另行立项")
    assert "已撤回未纳入设计的理由" in _reason(login, assessed, "B05", "")
    assert not BasicGapReason.objects.exists()
    assert [h.history_type for h in BasicGapReason.history.order_by("history_id")] == ["+", "-"]
    assert BasicGapReason.history.earliest("history_id").history_user == city["yongding"]
    assert "理由应写明为什么不纳入设计" in _reason(login, assessed, "B05", "无")
    assert "现状评估中没有这项" in _reason(login, assessed, "B09", "只是轻微渗漏")  # minor: no reason asked
    assert not BasicGapReason.objects.exists()


def test_the_city_turns_the_guard_off_in_the_admin(login, city, assessed) -> None:  # type: ignore[no-untyped-def]
    from huanxin.regions.models import Region

    design(city["yongding"], assessed, [("B06", Decimal(1000), Decimal(100))])
    response = login("admin").post(
        "/admin/projects/projectsettings/add/",
        {
            "region": Region.objects.get(code="430800000000").pk,
            "reapproval_margin_percent": 10,
            "publicity_days": 7,
            "satisfaction_threshold_percent": 80,
            "photo_max_distance_m": 1000,
            "feedback_working_days": 3,
            # basic_coverage_guard unticked
        },
    )
    assert response.status_code == 302
    assert ProjectSettings.objects.get().basic_coverage_guard is False
    items = login("yongding").get(f"/projects/{assessed.pk}/?tab=items").content.decode()
    assert REFUSAL not in items and "否则不能进入设计公示" not in items
    assert "✘ 未纳入，未说明理由" in items  # still shown, no longer a condition
    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], assessed, rules.PUBLICITY)
    assert Project.objects.get(pk=assessed.pk).state == rules.PUBLICITY


def test_enhancement_before_the_basic_need_is_a_warning_on_the_items_tab(login, city, assessed) -> None:  # type: ignore[no-untyped-def]
    design(
        city["yongding"],
        assessed,
        [("B02", Decimal(100), Decimal(3000)), ("E01", Decimal(40), Decimal(3000))],
    )
    items = login("yongding").get(f"/projects/{assessed.pk}/?tab=items").content.decode()
    assert "先基础后提升：设计中已有提升类内容（社区综合服务与物业用房）" in items
    assert f"既未纳入设计，也未说明理由：{GAS}（严重）" in items
    _reason(login, assessed, "B05", "燃气公司另行立项")
    items = login("yongding").get(f"/projects/{assessed.pk}/?tab=items").content.decode()
    assert "先基础后提升" not in items


def test_the_api_shows_the_basic_coverage_and_sets_a_reason(api_as, city, assessed) -> None:  # type: ignore[no-untyped-def]
    design(
        city["yongding"], assessed, [("B02", Decimal(100), Decimal(3000)), ("E01", Decimal(4), Decimal(3000))]
    )
    client = api_as("yongding")
    detail = client.get(f"/api/v1/projects/{assessed.pk}").json()
    basic = detail["basic_coverage"]
    assert [(p["code"], p["severity"]) for p in basic["covered"]] == [("B02", "hazardous")]
    assert [(p["code"], p["severity_label"], p["note"], p["reason"]) for p in basic["uncovered"]] == [
        ("B05", "严重", "铸铁管老化", None)
    ]
    assert basic["reasons"] == [] and "先基础后提升" in basic["warning"]
    refused = next(a for a in detail["next_states"] if a["to_state"] == "publicity")["refusals"]
    assert refused == [f"{REFUSAL}{GAS}（严重）"]
    gas = basic["uncovered"][0]["menu_item_id"]
    url = f"/api/v1/projects/{assessed.pk}/basic-reasons/{gas}"
    answer = client.put(
        url, {"version": detail["version"], "reason": "燃气公司另行立项"}, content_type="application/json"
    )
    assert answer.status_code == 200
    basic = answer.json()["basic_coverage"]
    assert basic["uncovered"][0]["reason"] == "燃气公司另行立项" and basic["warning"] is None
    assert [(r["code"], r["by"]) for r in basic["reasons"]] == [("B05", str(city["yongding"]))]
    assert next(a for a in answer.json()["next_states"] if a["to_state"] == "publicity")["refusals"] == []
    stale = client.put(
        url, {"version": detail["version"], "reason": "另行立项"}, content_type="application/json"
    )
    assert stale.status_code == 409
    version = answer.json()["version"]
    minor = MenuItem.objects.get(code="B09").pk
    bad = client.put(
        f"/api/v1/projects/{assessed.pk}/basic-reasons/{minor}",
        {"version": version, "reason": "只是轻微渗漏"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    forbidden = api_as("shequ").put(url, {"version": version, "reason": ""}, content_type="application/json")
    assert forbidden.status_code == 403
    assert BasicGapReason.objects.get().reason == "燃气公司另行立项"


def test_another_district_neither_sees_nor_writes_the_reasons(login, api_as, city, assessed) -> None:  # type: ignore[no-untyped-def]
    design(city["yongding"], assessed, [("B02", Decimal(100), Decimal(3000))])
    gas = MenuItem.objects.get(code="B05").pk
    answer = api_as("cili").put(
        f"/api/v1/projects/{assessed.pk}/basic-reasons/{gas}",
        {"version": assessed.version + 1, "reason": "燃气公司另行立项"},
        content_type="application/json",
    )
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    client = login("cili")
    client.post(
        f"/projects/{assessed.pk}/basic-reason/",
        {"version": assessed.version + 1, "item": gas, "reason": "燃气公司另行立项"},
    )
    assert client.get(f"/projects/{assessed.pk}/?tab=items").status_code == 404
    assert not BasicGapReason.objects.exists()


def test_a_joint_project_answers_for_the_problems_of_both_estates(login, city, make_estate, project) -> None:  # type: ignore[no-untyped-def]
    from huanxin.projects import services
    from huanxin.projects.tests.test_joined import neighbour

    other = neighbour(city, make_estate, project, "市委三号院", "430802004001")
    assessment_set(
        by=city["shequ"],
        estate_id=other.estate_id,
        version=other.estate.version,
        entries={MenuItem.objects.get(code="B05").pk: ("hazardous", "三号院燃气立管锈蚀")},
    )
    project.refresh_from_db()
    services.project_join(
        by=city["yongding"], project_id=project.pk, version=project.version, other_id=other.pk
    )
    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], project, rules.DESIGN)
        design(city["yongding"], project, [("B02", Decimal(100), Decimal(3000))])
        with pytest.raises(Refused, match=f"{REFUSAL}{GAS}（存在安全隐患）"):
            move(city["yongding"], project, rules.PUBLICITY)
    # the joined estate's page shows the joint design's review, without a form of its own
    joined = login("yongding").get(f"/projects/{other.pk}/?tab=items").content.decode()
    assert "三号院燃气立管锈蚀" in joined and "✘ 未纳入，未说明理由" in joined
    assert "basic-reason-form" not in joined
    _reason(login, project, "B05", "燃气公司另行立项")
    with clock.pinned(DESIGNED_ON):
        assert move(city["yongding"], project, rules.PUBLICITY).state == rules.PUBLICITY


def test_the_coverage_checks_of_a_past_day_read_that_day_s_assessment_design_reasons_and_answers(  # type: ignore[no-untyped-def]
    login, api_as, city, project, settings
) -> None:
    """09-01 the drain found hazardous (the pool's assessment); 09-05 designed without it; 09-07 a
    reason written; 09-08 a household names the lights (B06) first; 09-09 old gas pipes found;
    09-12 the drain added to the design. Each day's page shows that day's checks."""
    import datetime as dt

    from huanxin.estates.models import Household
    from huanxin.projects.services import basic_gap_reason_set
    from huanxin.surveys.models import SurveyRound
    from huanxin.surveys.services import answer_submit

    district, codes = city["yongding"], dict(MenuItem.objects.values_list("code", "pk"))
    with clock.pinned(dt.date(2020, 9, 5)):
        move(district, project, rules.DESIGN)
        design(district, project, [("B06", Decimal(1000), Decimal(100))])
    with clock.pinned(dt.date(2020, 9, 7)):
        project.refresh_from_db()
        basic_gap_reason_set(
            by=district,
            project_id=project.pk,
            version=project.version,
            item_id=codes["B02"],
            reason="市政另行立项",
        )
    with clock.pinned(dt.date(2020, 9, 8)):
        answer_submit(
            round_id=SurveyRound.objects.get(estate=project.estate).pk,
            household=Household.objects.filter(estate=project.estate).order_by("pk").first(),  # type: ignore[arg-type]
            by=city["shequ"],
            consent_given=True,
            data={"agrees": True, "first_need": codes["B06"]},
        )
    with clock.pinned(dt.date(2020, 9, 9)):
        estate = project.estate
        estate.refresh_from_db()
        assessment_set(
            by=city["shequ"],
            estate_id=estate.pk,
            version=estate.version,
            entries={codes["B05"]: ("major", "")},
        )
    with clock.pinned(dt.date(2020, 9, 12)):
        design(
            district, project, [("B02", Decimal(100), Decimal(3000)), ("B06", Decimal(1000), Decimal(100))]
        )
    settings.HUANXIN_TODAY = "2020-09-15"
    client = api_as("yongding")

    def basic(day: str) -> tuple[list[str], list[tuple[str, str | None]]]:
        query = f"?as_of={day}" if day else ""
        coverage = client.get(f"/api/v1/projects/{project.pk}{query}").json()["basic_coverage"]
        return [p["code"] for p in coverage["covered"]], [
            (p["code"], p["reason"]) for p in coverage["uncovered"]
        ]

    assert basic("2020-09-05") == ([], [("B02", None)])
    assert basic("2020-09-07") == ([], [("B02", "市政另行立项")])
    assert basic("2020-09-09") == ([], [("B02", "市政另行立项"), ("B05", None)])
    assert basic("") == (["B02"], [("B05", None)])

    page = login("yongding")

    def items_tab(day: str) -> str:
        return page.get(f"/projects/{project.pk}/?tab=items&as_of={day}").content.decode()

    before_answer, after_answer = items_tab("2020-09-07"), items_tab("2020-09-08")
    assert "basic-coverage" in before_answer and "basic-reason-form" not in before_answer  # nothing to edit
    assert "首选需求被设计覆盖的住户" not in before_answer  # nobody had named a first need
    assert "首选需求被设计覆盖的住户 1/1" in after_answer
    assert GAS not in after_answer and GAS in items_tab("2020-09-09")
