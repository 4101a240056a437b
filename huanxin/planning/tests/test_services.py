"""The candidate pool: the street submits an eligible estate, the district reviews, the city
confirms; each step recorded; nobody skips a step or acts outside their role."""

import pytest

from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.planning import services
from huanxin.planning.models import Candidate
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db


def test_eligibility_is_shown_with_evidence(city, eligible_estate, api_as) -> None:  # type: ignore[no-untyped-def]
    body = api_as("guanliping").get(f"/api/v1/estates/{eligible_estate.pk}/eligibility").json()
    assert body["status"] == "eligible"
    rules = {rule["rule"]: rule for rule in body["rules"]}
    assert rules["居民意愿"]["passed"] is True and "83.3%" in rules["居民意愿"]["evidence"]
    assert api_as("cili").get(f"/api/v1/estates/{eligible_estate.pk}/eligibility").status_code == 404


def test_an_estate_without_a_survey_is_undetermined_with_passed_null(api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate()
    body = api_as("guanliping").get(f"/api/v1/estates/{estate.pk}/eligibility").json()
    assert body["status"] == "undetermined"
    assert {rule["rule"]: rule["passed"] for rule in body["rules"]}["居民意愿"] is None


def test_submit_review_confirm(city, eligible_estate, login) -> None:  # type: ignore[no-untyped-def]
    candidate = services.candidate_submit(
        by=city["guanliping"], estate_id=eligible_estate.pk, note="居民意愿强烈"
    )
    with pytest.raises(Forbidden):
        services.candidate_confirm(by=city["yongding"], candidate_id=candidate.pk, version=candidate.version)
    with pytest.raises(Refused):  # the city cannot confirm before the district has reviewed
        services.candidate_confirm(by=city["city"], candidate_id=candidate.pk, version=candidate.version)
    reviewed = services.candidate_review(
        by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
    )
    confirmed = services.candidate_confirm(
        by=city["city"], candidate_id=candidate.pk, version=reviewed.version
    )
    assert confirmed.status == Candidate.Status.CONFIRMED
    reasons = [record.history_change_reason for record in confirmed.history.order_by("history_date")]
    assert reasons == ["街道申报", "区县审核通过", "市级确认入库"]
    page = login("city").get("/planning/pool/?status=confirmed").content.decode()
    assert "市委二号院" in page
    tab = login("guanliping").get(f"/planning/estate/{eligible_estate.pk}/").content.decode()
    assert "已入库" in tab and "市级确认入库" in tab


def test_a_return_needs_a_reason_and_allows_a_new_submission(city, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    candidate = services.candidate_submit(by=city["guanliping"], estate_id=eligible_estate.pk)
    with pytest.raises(Invalid):
        services.candidate_review(
            by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=False
        )
    returned = services.candidate_review(
        by=city["yongding"],
        candidate_id=candidate.pk,
        version=candidate.version,
        accept=False,
        reason="请补充现状评估照片",
    )
    assert returned.status == Candidate.Status.RETURNED and returned.reason == "请补充现状评估照片"
    again = services.candidate_submit(by=city["guanliping"], estate_id=eligible_estate.pk, note="已补充")
    assert again.status == Candidate.Status.SUBMITTED and again.reason == ""


def test_an_ineligible_estate_cannot_be_submitted_and_says_why(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    estate = make_estate("新城花园", year_built=2008)
    with pytest.raises(Refused) as refused:
        services.candidate_submit(by=city["guanliping"], estate_id=estate.pk)
    assert "晚于2000年" in refused.value.message


def test_the_city_changes_the_cutoff_and_the_summary_follows(city, make_estate, api_as) -> None:  # type: ignore[no-untyped-def]
    from huanxin.regions.models import Region

    make_estate("二〇〇三年小区", year_built=2003)
    assert api_as("city").get("/api/v1/stats/summary").json()["old_estates"] == 0
    city_node = Region.objects.get(code="430800000000")
    with pytest.raises(Forbidden):
        services.eligibility_settings_save(
            by=city["yongding"], region_id=city_node.pk, changes={"cutoff_year": 2005}, version=None
        )
    saved = services.eligibility_settings_save(
        by=city["city"], region_id=city_node.pk, changes={"cutoff_year": 2005}, version=None
    )
    assert saved.history.first().history_user == city["city"]
    assert api_as("city").get("/api/v1/stats/summary").json()["old_estates"] == 1


def test_the_city_edits_its_rules_on_a_page(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    form = client.get("/planning/rules/")
    assert form.status_code == 200 and "改造资格规则" in form.content.decode()
    data = {
        "cutoff_year": 2005,
        "require_basic_deficiency": "on",
        "agreement_mode": "households",
        "agreement_numerator": 3,
        "agreement_denominator": 4,
        "quorum_numerator": 2,
        "quorum_denominator": 3,
        "majority_numerator": 3,
        "majority_denominator": 4,
        "exclusions": ["urban_village"],
    }
    assert client.post("/planning/rules/", data).status_code == 302
    page = client.get("/planning/rules/").content.decode()
    assert "修改资格规则" in page
    bad = client.post("/planning/rules/", {**data, "agreement_numerator": 5, "version": 1})
    assert bad.status_code == 200 and "alert-danger" in bad.content.decode()
    assert login("yongding").get("/planning/rules/").status_code == 403


def test_the_pool_steps_through_the_api(api_as, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    submitted = api_as("guanliping").post(
        "/api/v1/candidates",
        {"estate_id": eligible_estate.pk, "note": "申报"},
        content_type="application/json",
    )
    assert submitted.status_code == 201, submitted.content
    candidate = submitted.json()
    again = api_as("guanliping").post(
        "/api/v1/candidates", {"estate_id": eligible_estate.pk}, content_type="application/json"
    )
    assert again.status_code == 409 and "已申报" in again.json()["error"]["message"]
    stale = api_as("yongding").post(
        f"/api/v1/candidates/{candidate['id']}/review",
        {"version": candidate["version"] + 1, "accept": True},
        content_type="application/json",
    )
    assert stale.status_code == 409
    reviewed = api_as("yongding").post(
        f"/api/v1/candidates/{candidate['id']}/review",
        {"version": candidate["version"], "accept": True},
        content_type="application/json",
    )
    assert reviewed.json()["status"] == "reviewed"
    assert (
        api_as("guanliping")
        .post(
            f"/api/v1/candidates/{candidate['id']}/confirm", {"version": 2}, content_type="application/json"
        )
        .status_code
        == 403
    )
    confirmed = api_as("city").post(
        f"/api/v1/candidates/{candidate['id']}/confirm",
        {"version": reviewed.json()["version"]},
        content_type="application/json",
    )
    assert confirmed.json()["status"] == "confirmed"
    assert api_as("cili").get("/api/v1/candidates").json()["count"] == 0


def test_a_node_without_rules_starts_from_the_ones_it_follows_and_the_dashboard_says_its_cutoff(  # type: ignore[no-untyped-def]
    login, city
) -> None:
    province = Region.objects.get(code="430000000000")
    services.eligibility_settings_save(
        by=city["admin"], region_id=province.pk, changes={"cutoff_year": 1995}, version=None
    )
    form = login("city").get("/planning/rules/").context["form"]
    assert form["cutoff_year"].value() == 1995  # the province's, not the server's 2000
    assert "1995年底前建成" in login("yongding").get("/").content.decode()
