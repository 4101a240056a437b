"""The demo city reproduces the published figures (DEMO.md), and loading it twice changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F

from huanxin.accounts.models import Organization, User
from huanxin.demo.plan import Fate, demo_plan, old_plans, planned_plans
from huanxin.estates.models import Estate

pytestmark = pytest.mark.django_db


def test_the_seeded_plan_sums_to_the_published_figures() -> None:
    old = old_plans()
    planned = planned_plans()
    completed = [p for p in planned if p.fate == Fate.COMPLETED]
    assert (len(old), sum(p.floor_area_m2 for p in old), sum(p.households for p in old)) == (
        373,
        3_367_400,
        29_738,
    )
    assert (len(planned), sum(p.households for p in planned)) == (172, 23_499)
    assert sum(p.floor_area_m2 for p in planned) == 2_588_740
    assert sum(p.estimated_cost or 0 for p in planned) == 1_548_000_000
    assert (len(completed), sum(p.households for p in completed)) == (41, 4_138)
    assert {p.year_built <= 2000 for p in old} == {True}
    assert len({p.name for p in demo_plan()}) == len(demo_plan())


def test_named_estates_fall_in_their_groups() -> None:
    by_name = {p.name: p for p in demo_plan()}
    for name in ("电力公司宿舍", "财政局宿舍", "市农行宿舍", "石油公司宿舍"):
        assert by_name[name].fate == Fate.COMPLETED
    shiwei = by_name["市委二号院"]
    assert (shiwei.fate, shiwei.state, str(shiwei.progress)) == (Fate.PLANNED, "construction", "0.90")
    dianli = by_name["电力公司宿舍"]
    assert (dianli.households, dianli.buildings, dianli.estimated_cost) == (84, 3, 3_050_000)


def test_the_demo_city(api_as, login) -> None:  # type: ignore[no-untyped-def]
    """One load (it takes a while), every promise of DEMO.md checked on it."""
    from huanxin.estates.models import Household, LedgerImport
    from huanxin.planning.models import Candidate
    from huanxin.planning.querysets import estate_eligibility
    from huanxin.surveys.models import SurveyRound
    from huanxin.surveys.services import round_tally

    call_command("load_demo")
    # The published figures (step 1).
    summary = api_as("city").get("/api/v1/stats/summary?region=430800").json()
    assert (summary["old_estates"], summary["old_area_m2"], summary["old_households"]) == (
        373,
        3_367_400,
        29_738,
    )
    assert Estate.objects.filter(year_built__gt=2000).count() > 0
    assert Organization.objects.filter(kind="department").count() == 13
    assert User.objects.count() == 11
    parts = [
        api_as("city").get(f"/api/v1/stats/summary?region={code}").json()["old_estates"]
        for code in ("430802", "430811", "430821", "430822")
    ]
    assert sum(parts) == 373
    assert api_as("yongding").get("/api/v1/stats/summary").json()["old_estates"] == parts[0]
    refused = api_as("yongding").get("/api/v1/stats/summary?region=430800")
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == "张家界市不在您的辖区内"
    assert api_as("yongding").get("/api/v1/stats/summary?region=abc").status_code == 400
    page = login("city").get("/").content.decode()
    assert "373" in page and "336.74 万㎡" in page and "29,738" in page

    # The registry came in through the districts' ledgers (step 2).
    jobs = LedgerImport.objects.order_by("file_name")
    assert [job.status for job in jobs] == ["done"] * 4
    yongding_job = jobs.get(file_name="永定区老旧小区台账.xlsx")
    assert yongding_job.created_by.username == "yongding"
    assert yongding_job.summary["created"] == Estate.objects.filter(region__code__startswith="430802").count()
    shiwei = Estate.objects.get(name="市委二号院")
    assert shiwei.history.earliest().history_change_reason == "台账导入"
    assert Household.objects.filter(estate=shiwei).count() == shiwei.households == 126
    assert shiwei.buildings.count() == 6 and shiwei.assessments.filter(severity="hazardous").exists()

    # Surveys, eligibility and the pool (step 3).
    planned = {plan.name for plan in planned_plans()}
    for survey in SurveyRound.objects.filter(estate__name__in=planned).select_related("estate"):
        tally = round_tally(survey)
        assert tally.agreement_all is not None and tally.agreement_all >= 2 / 3, survey.estate.name
    open_rounds = [survey for survey in SurveyRound.objects.all() if survey.is_open]
    assert len(open_rounds) >= 60
    results = [estate_eligibility(survey.estate) for survey in open_rounds]
    assert "eligible" in {result.status for result in results}
    below = [result for result in results if any("暂未达到" in rule.evidence for rule in result.rules)]
    assert len(below) == 1 and below[0].status == "undetermined"  # the estate below the threshold
    assert Candidate.objects.filter(status="confirmed").count() > 172
    assert {"submitted", "reviewed"} <= set(Candidate.objects.values_list("status", flat=True))
    resident_estate = Estate.objects.get(name="滨河一村")
    assert any(survey.is_open for survey in resident_estate.survey_rounds.all())

    # The program and its plans (step 4): the published planned figures, exactly.
    from huanxin.planning.models import AnnualPlan, Program

    planned_now = api_as("city").get("/api/v1/stats/summary?region=430800").json()
    assert (
        planned_now["planned_projects"],
        planned_now["planned_households"],
        planned_now["planned_area_m2"],
        planned_now["planned_investment_yuan"],
    ) == (172, 23_499, 2_588_740, 1_548_000_000)
    assert api_as("city").get("/api/v1/stats/summary?as_of=2019-12-31").json()["planned_projects"] == 90
    assert Program.objects.count() == 1
    draft = AnnualPlan.objects.get(year=2021)
    assert draft.status == "draft" and draft.entries.exists()
    assert draft.optimizer_summary["status"] == "optimal" and all(e.reason for e in draft.entries.all())

    # Projects (step 5): the published completed figures; 市委二号院 at 90 %, due 2020-09-30.
    from huanxin.projects import rules as project_rules
    from huanxin.projects.models import Project
    from huanxin.projects.querysets import project_progress

    assert (planned_now["completed_projects"], planned_now["completed_households"]) == (41, 4_138)
    assert Project.objects.filter(state="cancelled").count() == 3
    shiwei_project = Project.objects.get(estate__name="市委二号院")
    assert shiwei_project.state == "construction" and project_progress(shiwei_project) == Decimal("0.9")
    assert (
        str(shiwei_project.planned_end) == "2020-09-30"
        and str(shiwei_project.builder) == "张家界市建工集团有限公司"
    )
    assert api_as("shigong").get("/api/v1/estates").json()["items"][0]["name"] == "市委二号院"
    shiwei_items = dict(
        shiwei_project.items.values_list("item__code", "reports__note").filter(reports__on="2020-08-31")
    )
    assert (shiwei_items["B02"], shiwei_items["B10"], shiwei_items["E01"]) == (
        "雨污管网已铺设",
        "单元入户地坪已完成",
        "门卫室基层施工中",
    )
    assert project_progress(shiwei_project, dt.date(2020, 7, 31)) < Decimal("0.9")  # history as of a date
    assert [
        m.name for m in shiwei_project.milestones.filter(done_on__isnull=True, due_on__lt="2020-09-01")
    ] == ["门卫室主体完成"]
    from huanxin.projects.models import AcceptanceSignature, Handover
    from huanxin.projects.querysets import design_budget, missing_signatures, with_flags

    assert set(Project.objects.values_list("state", flat=True)) == set(project_rules.STATES) - {"suspended"}
    flagged = with_flags(Project.objects.all())
    assert flagged.filter(delayed=True).count() >= 5 and flagged.filter(milestone_late=True).count() >= 2
    dianli = Project.objects.get(estate__name="电力公司宿舍")
    assert (
        dianli.state == "handed_over"
        and Handover.objects.get(project=dianli).management_mode == "self_managed"
    )
    assert abs(design_budget(dianli) - Decimal(3_050_000)) < 100
    assert {"B01", "B02", "B04", "B05", "B06", "B07", "B09", "B10", "I01", "I03", "I04", "I07"} == set(
        dianli.items.values_list("item__code", flat=True)
    )
    completed = Project.objects.filter(state__in=["accepted", "handed_over"])
    assert all(missing_signatures(p) == [] for p in completed)
    assert AcceptanceSignature.objects.filter(project__in=completed).exclude(archive_number="").exists()
    # The residents' side (step 6): votes, photos with two flagged, feedback, ratings.
    from huanxin.projects.models import DesignVote, Feedback, PaperVote, ProjectPhoto, SatisfactionRating

    started = Project.objects.filter(state__in=sorted(project_rules.STARTED))
    assert PaperVote.objects.filter(project__in=started).count() == started.count()
    assert DesignVote.objects.filter(project__state="publicity").exists()
    flagged_photos = [photo for photo in ProjectPhoto.objects.all() if photo.flags]
    flagged = {photo.project.estate.name: photo for photo in flagged_photos}
    # step 8: one reviewed and accepted with a note, one waiting for review
    assert len(flagged_photos) == 2 and set(flagged) == {"财政局宿舍", "市委二号院"}
    assert flagged["财政局宿舍"].review == "accepted" and flagged["财政局宿舍"].review_note
    assert flagged["市委二号院"].review == "waiting"
    assert Feedback.objects.filter(answered_on__isnull=True, due_on__lt="2020-09-01").count() == 1
    assert Feedback.objects.filter(answered_on__gt=F("due_on")).count() == 1
    assert set(SatisfactionRating.objects.values_list("project__state", flat=True)) <= project_rules.COMPLETED
    assert SatisfactionRating.objects.values("project").distinct().count() == 41
    # Money (step 7): every designed project funded to its design budget, 电力公司宿舍's money split
    # across sources, some still to arrive, one advance flagged.
    from huanxin.funding.querysets import advanced_projects, planned_total, project_money

    designed = Project.objects.filter(items__isnull=False).distinct()
    assert designed.count() > 150
    assert all(planned_total(p) == design_budget(p) for p in designed)
    dianli_lines, dianli_money = project_money(dianli)
    assert len(dianli_lines) >= 7 and dianli_money.received == dianli_money.paid == dianli_money.planned
    under_way = [project_money(p)[1] for p in started.filter(state="construction")[:20]]
    assert any(money.received < money.planned for money in under_way)  # money still to arrive
    assert [
        Project.objects.get(pk=pk).estate.name for pk in advanced_projects(User.objects.get(username="city"))
    ] == ["教场新村"]
    money_now = api_as("city").get("/api/v1/stats/summary?region=430800").json()
    assert (
        0 < money_now["funds_paid_yuan"] < money_now["funds_received_yuan"] < money_now["funds_planned_yuan"]
    )
    public = login("city").get(f"/projects/public/{shiwei_project.pk}/").content.decode()
    assert "90.0%" in public and "张家界市建工集团有限公司" in public

    home = login("city").get("/").content.decode()
    assert "15.48 亿元" in home and "4,138" in home and "23,499" in home

    # Any date: 市委二号院 on 1 July, before its summer's work, and the city's dashboard then.
    july = login("city").get(f"/projects/{shiwei_project.pk}/?as_of=2020-07-01")
    assert july.status_code == 200 and july.context["progress"] < Decimal("0.9")
    assert "2020-07-01 当日结束时的情况" in july.content.decode()
    earlier = login("city").get("/?as_of=2020-07-01").context["summary"]
    assert earlier["completed_projects"] <= 41 and earlier["started_projects"] <= summary["started_projects"]

    # Communities submit too (step 8): some of 官黎坪居委会's candidates, forwarded by the street.
    from_community = Candidate.objects.filter(submitted_by__username="shequ").select_related("estate")
    assert from_community.count() >= 3
    for candidate in from_community:
        assert candidate.estate.region.code == "430802004001"
        assert candidate.forwarded_by is not None and candidate.forwarded_by.username == "guanliping"
        assert candidate.forwarded_at is not None and candidate.submitted_at < candidate.forwarded_at
        last = candidate.confirmed_at or candidate.reviewed_at or candidate.forwarded_at
        assert last.date() < dt.date(2020, 9, 1)
        reasons = [r.history_change_reason for r in candidate.history.order_by("history_id")][:2]
        assert reasons == ["社区申报", "街道转报"]
    listed = api_as("shequ").get("/api/v1/candidates?status=confirmed").json()["items"]
    assert {"shequ"} <= {item["submitted_by"]["username"] for item in listed}
    assert "官黎坪居委会 陈书记" in login("city").get("/planning/pool/?region=430802004001").content.decode()

    # Loading again adds nothing.
    counts = (
        Estate.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        SurveyRound.objects.count(),
        Candidate.objects.count(),
    )
    call_command("load_demo")
    assert (
        Estate.objects.count(),
        Organization.objects.count(),
        User.objects.count(),
        SurveyRound.objects.count(),
        Candidate.objects.count(),
    ) == counts
