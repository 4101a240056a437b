"""Communities submit too (办事处及社区报上来): a community worker submits an estate of its own
community, the street forwards it to the district or returns it with a reason, the district
reviews, the city confirms; the pool and the API say who did each step and when."""

import datetime as dt

import pytest

from huanxin.core import clock
from huanxin.core.models import AuditEvent
from huanxin.core.spreadsheets import read_tables
from huanxin.planning.models import Candidate

pytestmark = pytest.mark.django_db


def _post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def test_a_community_worker_submits_an_estate_of_its_community_and_the_street_forwards_it(
    login, eligible_estate
) -> None:  # type: ignore[no-untyped-def]
    shequ = login("shequ")
    assert "申报" in shequ.get(f"/planning/estate/{eligible_estate.pk}/").content.decode()
    with clock.pinned(dt.date(2020, 8, 10)):
        response = shequ.post(f"/planning/estate/{eligible_estate.pk}/submit/", {"note": "居民联名要求改造"})
    assert response.status_code == 302
    candidate = Candidate.objects.get(estate=eligible_estate)
    assert candidate.status == Candidate.Status.PROPOSED and candidate.submitted_by.username == "shequ"
    # the district cannot review what the street has not forwarded
    district_tab = login("yongding").get(f"/planning/estate/{eligible_estate.pk}/").content.decode()
    assert "社区已申报，待街道转报" in district_tab and "审核通过" not in district_tab
    street = login("guanliping")
    assert "转报区县" in street.get(f"/planning/estate/{eligible_estate.pk}/").content.decode()
    with clock.pinned(dt.date(2020, 8, 12)):
        street.post(
            f"/planning/candidates/{candidate.pk}/forward/",
            {"version": candidate.version, "decision": "accept"},
        )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.SUBMITTED and candidate.forwarded_by is not None
    assert candidate.forwarded_by.username == "guanliping"
    with clock.pinned(dt.date(2020, 8, 20)):
        login("yongding").post(
            f"/planning/candidates/{candidate.pk}/review/",
            {"version": candidate.version, "decision": "accept"},
        )
    candidate.refresh_from_db()
    with clock.pinned(dt.date(2020, 8, 25)):
        login("city").post(f"/planning/candidates/{candidate.pk}/confirm/", {"version": candidate.version})
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.CONFIRMED
    reasons = [r.history_change_reason for r in candidate.history.order_by("history_date", "history_id")]
    assert reasons == ["社区申报", "街道转报", "区县审核通过", "市级确认入库"]
    assert [e.detail for e in AuditEvent.objects.filter(action__startswith="candidate.").order_by("pk")][
        :2
    ] == [
        {"by": "community"},
        {"accept": True},
    ]
    pool = login("city").get("/planning/pool/").content.decode()
    for expected in (
        "官黎坪居委会 陈书记",
        "官黎坪居民委员会",
        "2020-08-10",
        "官黎坪街道 刘主任",
        "2020-08-12",
        "永定区住建局 李科长",
        "2020-08-20",
        "市改造办 王主任",
        "2020-08-25",
    ):
        assert expected in pool, expected
    tab = login("shequ").get(f"/planning/estate/{eligible_estate.pk}/").content.decode()
    assert "candidate-steps" in tab and "转报" in tab and "官黎坪街道 刘主任" in tab
    export = login("city").get("/planning/pool/?format=xlsx")
    rows = read_tables(name="pool.xlsx", content=export.content)[0].rows
    title, header, row = rows[0], rows[1], rows[2]
    assert title[0] == "项目储备库（全部；截至2020-09-01）"
    filtered = login("city").get("/planning/pool/?format=xlsx&status=confirmed&region=430802")
    rows = read_tables(name="pool.xlsx", content=filtered.content)[0].rows
    assert rows[0][0] == "项目储备库（状态：已入库；区划：永定区；截至2020-09-01）"  # in words, not codes
    assert len(rows) == 3
    assert dict(zip(header, row, strict=True))["转报人"] == "官黎坪街道 刘主任"
    assert dict(zip(header, row, strict=True))["申报单位"] == "官黎坪居民委员会"


def test_the_street_returns_a_community_submission_with_a_reason_and_the_community_submits_again(
    login, eligible_estate
) -> None:  # type: ignore[no-untyped-def]
    login("shequ").post(f"/planning/estate/{eligible_estate.pk}/submit/", {"note": ""})
    candidate = Candidate.objects.get(estate=eligible_estate)
    street = login("guanliping")
    no_reason = street.post(
        f"/planning/candidates/{candidate.pk}/forward/",
        {"version": candidate.version, "decision": "return"},
        follow=True,
    )
    assert "退回须写明原因" in no_reason.content.decode()
    street.post(
        f"/planning/candidates/{candidate.pk}/forward/",
        {"version": candidate.version, "decision": "return", "reason": "请先召开居民议事会"},
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.RETURNED and candidate.reason == "请先召开居民议事会"
    assert candidate.forwarded_by is None
    assert (
        "请先召开居民议事会" in login("shequ").get(f"/planning/estate/{eligible_estate.pk}/").content.decode()
    )
    login("shequ").post(f"/planning/estate/{eligible_estate.pk}/submit/", {"note": "已召开议事会"})
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.PROPOSED and candidate.reason == ""
    reasons = [r.history_change_reason for r in candidate.history.order_by("history_date", "history_id")]
    assert reasons == ["社区申报", "街道退回", "社区申报"]


def test_a_community_worker_cannot_submit_another_communitys_estate(login, api_as, make_estate) -> None:  # type: ignore[no-untyped-def]
    elsewhere = make_estate("天门小区", community="430802004002")
    assert login("shequ").post(f"/planning/estate/{elsewhere.pk}/submit/", {}).status_code == 404
    assert _post(api_as("shequ"), "/api/v1/candidates", {"estate_id": elsewhere.pk}).status_code == 404
    assert not Candidate.objects.exists()


def test_only_the_street_forwards_and_only_what_a_community_submitted(api_as, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    proposed = _post(api_as("shequ"), "/api/v1/candidates", {"estate_id": eligible_estate.pk})
    assert proposed.status_code == 201
    body = proposed.json()
    assert body["status"] == "proposed" and body["submitted_by"] == {
        "username": "shequ",
        "full_name": "官黎坪居委会 陈书记",
        "organization": "官黎坪居民委员会",
    }
    assert body["forwarded_by"] is None and body["reviewed_by"] is None
    forward = f"/api/v1/candidates/{body['id']}/forward"
    for refused in ("shequ", "yongding", "city"):
        assert (
            _post(api_as(refused), forward, {"version": body["version"], "accept": True}).status_code == 403
        )
    review = f"/api/v1/candidates/{body['id']}/review"
    early = _post(api_as("yongding"), review, {"version": body["version"], "accept": True})
    assert early.status_code == 409
    forwarded = _post(api_as("guanliping"), forward, {"version": body["version"], "accept": True})
    assert forwarded.status_code == 200
    assert forwarded.json()["status"] == "submitted"
    assert forwarded.json()["forwarded_by"]["organization"] == "官黎坪街道办事处"
    twice = _post(api_as("guanliping"), forward, {"version": forwarded.json()["version"], "accept": True})
    assert twice.status_code == 409 and "只能转报社区报来的申报" in twice.json()["error"]["message"]
    reviewed = _post(api_as("yongding"), review, {"version": forwarded.json()["version"], "accept": True})
    listed = api_as("city").get("/api/v1/candidates").json()["items"][0]
    assert listed["reviewed_by"]["username"] == "yongding" and listed["reviewed_at"]
    assert listed["forwarded_at"] and reviewed.json()["version"] == listed["version"]
    assert api_as("cili").get("/api/v1/candidates").json()["count"] == 0


def test_the_street_still_submits_its_own_estates_straight_to_the_district(api_as, eligible_estate) -> None:  # type: ignore[no-untyped-def]
    body = _post(api_as("guanliping"), "/api/v1/candidates", {"estate_id": eligible_estate.pk}).json()
    assert body["status"] == "submitted" and body["forwarded_by"] is None
    assert body["submitted_by"]["organization"] == "官黎坪街道办事处"
