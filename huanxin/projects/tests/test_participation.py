"""共谋、共建、共管、共评: the residents' wants against the design, their vote on it (a guard for
construction), photos as evidence with their own time and place checked, complaints answered
within working days, and the satisfaction guard where the city turns it on."""

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.core.errors import Forbidden, Invalid, NotFound, Refused
from huanxin.demo.participation import site_photo
from huanxin.estates.models import Estate, Household
from huanxin.projects import rules, services
from huanxin.projects.models import Feedback, ProjectPhoto, ProjectSettings
from huanxin.projects.querysets import (
    coverage_for,
    design_vote_result,
    feedback_for,
    with_feedback_counts,
)
from huanxin.projects.tests.conftest import DESIGNED_ON, design, fund, move
from huanxin.regions.models import Region
from huanxin.surveys.services import answer_submit

pytestmark = pytest.mark.django_db


def households(project):  # type: ignore[no-untyped-def]
    return list(Household.objects.filter(estate_id=project.estate_id).order_by("pk"))


# --- 共谋: what the residents want, against the design -------------------------------------


def test_coverage_counts_the_households_whose_first_choice_the_design_covers() -> None:
    coverage = rules.demand_coverage(
        [("B02", "排水", 6, 9), ("I04", "停车", 3, 6), ("B09", "屋面", 3, 3)], {"B02", "B06"}
    )
    assert [(line.code, line.covered) for line in coverage.lines] == [
        ("B02", True),
        ("I04", False),
        ("B09", False),
    ]
    assert (coverage.first_choices, coverage.first_choices_covered, coverage.share) == (12, 6, Fraction(1, 2))
    assert rules.demand_coverage([], {"B02"}).share is None


def test_the_design_is_checked_against_the_estates_survey(city, project, open_round, login) -> None:  # type: ignore[no-untyped-def]
    codes = {code: MenuItem.objects.get(code=code).pk for code in ("B02", "B06", "B09", "I04")}
    for index, household in enumerate(households(project)):
        first, other = ("B02", "B06") if index < 6 else ("I04", "B02") if index < 9 else ("B09", "I04")
        answer_submit(
            round_id=open_round.pk,
            household=household,
            by=city["shequ"],
            consent_given=True,
            data={"agrees": True, "first_need": codes[first], "other_needs": [codes[other]]},
        )
    move(city["yongding"], project, rules.DESIGN)
    design(city["yongding"], project)  # drains and roads
    coverage = coverage_for(project)
    assert coverage is not None and coverage.share == Fraction(6, 12)
    assert [(line.name, line.first_choice, line.mentions, line.covered) for line in coverage.lines] == [
        ("排水与雨污分流", 6, 9, True),
        ("停车设施与充电设施", 3, 6, False),
        ("道路修复与硬化", 0, 6, True),
        ("屋面防水", 3, 3, False),
    ]
    page = login("yongding").get(f"/projects/{project.pk}/?tab=items").content.decode()
    assert "首选需求被设计覆盖的住户 6/12（50.0%）" in page and "未包含" in page


# --- 共谋: the design vote -------------------------------------------------------------------


@pytest.fixture
def on_publicity(city, project):  # type: ignore[no-untyped-def]
    from huanxin.accounts.models import Organization

    with clock.pinned(DESIGNED_ON):
        move(city["yongding"], project, rules.DESIGN)
        design(city["yongding"], project)
        project.refresh_from_db()
        services.project_assign(
            by=city["yongding"],
            project_id=project.pk,
            version=project.version,
            builder=Organization.objects.get(name="张家界市建工集团有限公司"),
            supervisor=Organization.objects.get(name="湖南建科工程监理有限公司"),
        )
        move(city["yongding"], project, rules.PUBLICITY)
    project.refresh_from_db()
    return project


def start_works(city, project):  # type: ignore[no-untyped-def]
    """After the publicity: the tender, then construction."""
    with clock.pinned(DESIGNED_ON + dt.timedelta(days=7)):
        if not hasattr(project, "funding_plan"):
            fund(city["yongding"], project)
        move(city["yongding"], project, rules.TENDER)
        return move(city["yongding"], project, rules.CONSTRUCTION)


def vote(project, agreeing, on=DESIGNED_ON):  # type: ignore[no-untyped-def]
    with clock.pinned(on):
        for index, household in enumerate(households(project)):
            services.design_vote_cast(household=household, project_id=project.pk, agrees=index < agreeing)


def test_construction_waits_for_the_owners_vote(city, on_publicity) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        start_works(city, on_publicity)
    assert "设计方案尚无业主表决" in refused.value.message


def test_a_vote_short_of_three_quarters_fails_with_its_figures(city, on_publicity) -> None:  # type: ignore[no-untyped-def]
    vote(on_publicity, agreeing=8)  # 8 of 12: two thirds, not three quarters
    result = design_vote_result(on_publicity)
    assert (result.heads_voted, result.heads_yes, result.passes) == (12, 8, False)
    with pytest.raises(Refused) as refused:
        start_works(city, on_publicity)
    assert (
        "设计方案表决未通过：参与：人数100.0%、面积100.0%；同意：人数66.7%、面积66.7%"
        in refused.value.message
    )


def test_a_household_changes_its_vote_until_the_publicity_ends(city, on_publicity) -> None:  # type: ignore[no-untyped-def]
    vote(on_publicity, agreeing=8)
    first = households(on_publicity)[11]
    with clock.pinned(DESIGNED_ON + dt.timedelta(days=6)):
        services.design_vote_cast(household=first, project_id=on_publicity.pk, agrees=True)
        services.design_vote_cast(
            household=households(on_publicity)[10], project_id=on_publicity.pk, agrees=True
        )
    assert design_vote_result(on_publicity).heads_yes == 10  # one vote per household, the latest
    with clock.pinned(DESIGNED_ON + dt.timedelta(days=7)), pytest.raises(Refused, match="不在公示期内"):
        services.design_vote_cast(household=first, project_id=on_publicity.pk, agrees=False)
    assert start_works(city, on_publicity).state == rules.CONSTRUCTION


def test_only_the_estates_households_vote(city, on_publicity, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.services import buildings_add, household_roster_add

    elsewhere = make_estate("别的小区")
    buildings_add(by=city["admin"], estate_id=elsewhere.pk, buildings=[{"name": "1栋"}])
    household_roster_add(
        by=city["admin"],
        estate_id=elsewhere.pk,
        rows=[{"building": "1栋", "unit": "1", "room": "101"}],  # type: ignore[list-item]
    )
    stranger = Household.objects.get(estate=elsewhere)
    with clock.pinned(DESIGNED_ON), pytest.raises(NotFound):
        services.design_vote_cast(household=stranger, project_id=on_publicity.pk, agrees=True)


def test_a_paper_vote_counts_instead_and_is_checked(city, on_publicity, settings) -> None:  # type: ignore[no-untyped-def]
    settings.HUANXIN_TODAY = "2020-09-06"  # the day after the owners' meeting
    counts: Any = {
        "heads_total": 12,
        "heads_voted": 11,
        "heads_yes": 12,  # more yes than voters
        "area_total": Decimal("960"),
        "area_voted": Decimal("880"),
        "area_yes": Decimal("800"),
    }
    with pytest.raises(Invalid) as invalid:
        services.paper_vote_record(
            by=city["yongding"],
            project_id=on_publicity.pk,
            counts=counts,
            archive_number="",
            held_on=DESIGNED_ON,
        )
    assert {d["field"] for d in invalid.value.details} == {"heads_yes", "archive_number"}
    with pytest.raises(Forbidden):
        services.paper_vote_record(
            by=city["shequ"],
            project_id=on_publicity.pk,
            counts=counts | {"heads_yes": 10},
            archive_number="B-1",
            held_on=DESIGNED_ON,
        )
    services.paper_vote_record(
        by=city["yongding"],
        project_id=on_publicity.pk,
        counts=counts | {"heads_yes": 10},
        archive_number="B-1",
        held_on=DESIGNED_ON,
    )
    assert design_vote_result(on_publicity).passes  # 11/12 took part; 10/11 and 800/880 agree
    assert start_works(city, on_publicity).state == rules.CONSTRUCTION


def test_without_every_floor_area_the_vote_cannot_be_decided(city, on_publicity) -> None:  # type: ignore[no-untyped-def]
    Household.objects.filter(pk=households(on_publicity)[0].pk).update(floor_area_m2=None)
    vote(on_publicity, agreeing=12)
    result = design_vote_result(on_publicity)
    assert result.passes is None and result.participation_area is None
    with pytest.raises(Refused, match="住户面积未全部登记"):
        start_works(city, on_publicity)


def test_residents_vote_on_the_phone(on_publicity) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.services import resident_link_for
    from huanxin.residents.sessions import KEY, session_data

    client = Client()
    household = households(on_publicity)[0]
    session = client.session
    session[KEY] = session_data(household)
    session.save()
    token = resident_link_for(on_publicity.estate).token
    with clock.pinned(DESIGNED_ON + dt.timedelta(days=2)):
        page = client.get(f"/r/{token}/vote/").content.decode()
        assert "排水与雨污分流" in page and "同意这个方案" in page
        client.post(f"/r/{token}/vote/", {"agrees": "no"})
        assert "您家已投：不同意" in client.get(f"/r/{token}/vote/").content.decode()
        client.post(f"/r/{token}/vote/", {"agrees": "yes"})
        assert "您家已投：同意" in client.get(f"/r/{token}/vote/").content.decode()
        assert client.post(f"/r/{token}/vote/", {"agrees": "maybe"}, follow=True).status_code == 200
    assert design_vote_result(on_publicity).heads_yes == 1


# --- 共建: photos as evidence ---------------------------------------------------------------


ESTATE_PLACE = (Decimal("29.131520"), Decimal("110.476210"))


@pytest.fixture
def placed(built):  # type: ignore[no-untyped-def]
    Estate.objects.filter(pk=built.estate_id).update(latitude=ESTATE_PLACE[0], longitude=ESTATE_PLACE[1])
    built.refresh_from_db()
    return built


def photo(stage, taken_at, place=ESTATE_PLACE):  # type: ignore[no-untyped-def]
    return site_photo(stage=stage, taken_at=taken_at, latitude=place[0], longitude=place[1], seed="t")


def test_a_photo_keeps_its_time_and_place_and_its_public_copy_loses_them(city, placed, login) -> None:  # type: ignore[no-untyped-def]
    drains = placed.items.get(item__code="B02")
    added = services.photo_upload(
        by=city["shigong"],
        project_id=placed.pk,
        content=photo("during", dt.datetime(2020, 9, 15, 10, 30)),
        stage="during",
        item_id=drains.pk,
    )
    assert added.flags == []
    assert added.taken_at is not None and added.taken_at.date() == dt.date(2020, 9, 15)
    assert added.latitude is not None and added.longitude is not None
    assert abs(added.latitude - ESTATE_PLACE[0]) < Decimal("0.000002")
    assert abs(added.longitude - ESTATE_PLACE[1]) < Decimal("0.000002")
    public = Client().get(f"/projects/public/photos/{added.pk}/public/")
    assert public.status_code == 200 and public["Content-Type"] == "image/jpeg"
    content = b"".join(public.streaming_content)  # type: ignore[attr-defined]
    assert b"Exif" not in content and len(Image.open(io.BytesIO(content)).getexif()) == 0
    original = b"".join(login("yongding").get(f"/projects/photos/{added.pk}/original/").streaming_content)  # type: ignore[attr-defined]
    assert Image.open(io.BytesIO(original)).getexif()  # staff keep the evidence
    assert Client().get(f"/projects/public/photos/{added.pk}/original/").status_code == 404
    assert login("cili").get(f"/projects/photos/{added.pk}/thumb/").status_code == 404


def test_a_photo_from_elsewhere_or_out_of_time_is_flagged(city, placed) -> None:  # type: ignore[no-untyped-def]
    far = services.photo_upload(
        by=city["shigong"],
        project_id=placed.pk,
        content=photo(
            "during", dt.datetime(2020, 9, 15, 10, 30), place=(Decimal("28.228"), Decimal("112.9388"))
        ),
        stage="during",
    )
    assert (
        len(far.flags) == 1 and far.flags[0].startswith("拍摄地点距小区约") and far.flags[0].endswith("公里")
    )
    late_before = services.photo_upload(
        by=city["shigong"],
        project_id=placed.pk,
        content=photo("before", dt.datetime(2020, 9, 18, 9, 0)),
        stage="before",
    )
    assert late_before.flags == ["“改造前”照片拍摄于开工之后"]
    early_during = services.photo_upload(
        by=city["shigong"],
        project_id=placed.pk,
        content=photo("during", dt.datetime(2020, 8, 1, 9, 0)),
        stage="during",
    )
    assert early_during.flags == ["施工照片拍摄于开工之前"]


def test_only_real_images_are_taken(city, placed, login) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match="不是有效的图片文件"):
        services.photo_upload(
            by=city["shigong"], project_id=placed.pk, content=b"not a picture at all", stage="during"
        )
    upload = SimpleUploadedFile("现场.jpg", b"%PDF-1.4 pretending", content_type="image/jpeg")
    page = login("shigong").post(
        f"/projects/{placed.pk}/photos/", {"stage": "during", "photo": upload}, follow=True
    )
    assert "不是有效的图片文件" in page.content.decode()
    assert not ProjectPhoto.objects.exists()
    with pytest.raises((Forbidden, NotFound)):
        services.photo_upload(
            by=city["cili"],
            project_id=placed.pk,
            content=photo("during", dt.datetime(2020, 9, 15)),
            stage="during",
        )


def test_before_and_after_stand_side_by_side(city, placed, login) -> None:  # type: ignore[no-untyped-def]
    drains = placed.items.get(item__code="B02")
    for stage, when in (("before", dt.datetime(2020, 9, 1, 9)), ("after", dt.datetime(2020, 9, 19, 9))):
        services.photo_upload(
            by=city["shigong"],
            project_id=placed.pk,
            content=photo(stage, when),
            stage=stage,
            item_id=drains.pk,
        )
    page = login("yongding").get(f"/projects/{placed.pk}/?tab=photos").content.decode()
    assert 'id="photo-pairs"' in page and "排水与雨污分流" in page
    public = Client().get(f"/projects/public/{placed.pk}/").content.decode()
    assert "改造前后对比" in public and "/projects/public/photos/" in public


# --- 共管: complaints and suggestions --------------------------------------------------------


def test_a_deadline_of_three_working_days_skips_the_national_day_holiday(city, built) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(dt.date(2020, 9, 29)):
        feedback = services.feedback_submit(
            household=households(built)[0], project_id=built.pk, category="quality", text="地砖松动"
        )
    assert feedback.due_on == dt.date(2020, 10, 10)  # 9-30, then the make-up Saturday after 10-1..10-8
    assert feedback.routed_to == built.builder


def test_feedback_goes_to_the_organization_responsible_and_comes_back_answered(city, built, login) -> None:  # type: ignore[no-untyped-def]
    resident = households(built)[0]
    quality = services.feedback_submit(
        household=resident, project_id=built.pk, category="quality", text="地砖松动"
    )
    safety = services.feedback_submit(
        household=resident, project_id=built.pk, category="safety", text="围挡倒了"
    )
    assert (quality.routed_to, safety.routed_to) == (built.builder, built.supervisor)
    assert list(feedback_for(city["shigong"]).filter(project=built)) == [quality]  # its own only
    with pytest.raises(Forbidden):
        services.feedback_answer(by=city["jianli"], feedback_id=quality.pk, answer="不归我们")
    services.feedback_answer(by=city["shigong"], feedback_id=quality.pk, answer="已重新铺贴")
    services.feedback_answer(by=city["shequ"], feedback_id=safety.pk, answer="已通知施工单位加固")
    with pytest.raises(Invalid):
        services.feedback_answer(by=city["shequ"], feedback_id=safety.pk, answer="  ")
    quality.refresh_from_db()
    assert (quality.answer, quality.answered_on, quality.answered_by) == (
        "已重新铺贴",
        dt.date(2020, 9, 20),
        city["shigong"],
    )


def test_overdue_feedback_is_flagged_and_counted(city, built, login) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(dt.date(2020, 9, 14)):  # a Monday: due Thursday 17th
        late = services.feedback_submit(
            household=households(built)[0], project_id=built.pk, category="nuisance", text="夜间施工"
        )
        services.feedback_submit(
            by=city["shequ"], project_id=built.pk, category="progress", text="（来电）何时完工"
        )
    counted = with_feedback_counts(type(built).objects.filter(pk=built.pk)).get()
    assert (counted.feedback_open, counted.feedback_overdue) == (2, 2)
    page = login("yongding").get(f"/projects/{built.pk}/?tab=feedback").content.decode()
    assert page.count("逾期") >= 2 and "来电" in page
    services.feedback_answer(by=city["yongding"], feedback_id=late.pk, answer="已要求晚7点后停工")
    counted = with_feedback_counts(type(built).objects.filter(pk=built.pk)).get()
    assert (counted.feedback_open, counted.feedback_overdue) == (1, 1)


def test_a_resident_reads_the_answer_on_the_same_link(city, built) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.services import resident_link_for
    from huanxin.residents.sessions import KEY, session_data

    client = Client()
    household = households(built)[0]
    session = client.session
    session[KEY] = session_data(household)
    session.save()
    token = resident_link_for(built.estate).token
    refused = client.post(f"/r/{token}/feedback/", {"category": "quality", "text": ""})
    assert refused.status_code == 400 and "请写明情况" in refused.content.decode()
    upload = SimpleUploadedFile(
        "a.jpg", photo("during", dt.datetime(2020, 9, 19, 8)), content_type="image/jpeg"
    )
    client.post(f"/r/{token}/feedback/", {"category": "quality", "text": "地砖松动", "photos": [upload]})
    feedback = Feedback.objects.get()
    assert feedback.household == household and feedback.photos.count() == 1
    services.feedback_answer(by=city["shigong"], feedback_id=feedback.pk, answer="明天上午重新铺贴")
    assert "明天上午重新铺贴" in client.get(f"/r/{token}/feedback/").content.decode()
    # a resident's photo is never public
    assert Client().get(f"/projects/public/photos/{feedback.photos.get().pk}/public/").status_code == 404


# --- 共评: satisfaction --------------------------------------------------------------------


def rate(project, levels):  # type: ignore[no-untyped-def]
    for household, level in zip(households(project), levels, strict=False):
        services.satisfaction_rate(household=household, project_id=project.pk, level=level)


def test_ratings_open_when_the_works_are_done(city, built) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused, match="完工后才能评价"):
        services.satisfaction_rate(household=households(built)[0], project_id=built.pk, level="satisfied")
    with pytest.raises(Invalid):
        services.satisfaction_rate(household=households(built)[0], project_id=built.pk, level="great")


@pytest.fixture
def signed(city, finished):  # type: ignore[no-untyped-def]
    from huanxin.residents.services import representative_add

    household = households(finished)[0]
    representative_add(by=city["shequ"], household_id=household.pk, elected_on=dt.date(2020, 9, 20))
    services.acceptance_sign_as_representative(household=household, project_id=finished.pk)
    for username in ("shequ", "jianli", "shigong", "yongding"):
        services.acceptance_sign(by=city[username], project_id=finished.pk)
    return finished


def test_satisfaction_is_no_guard_unless_the_city_asks(city, signed) -> None:  # type: ignore[no-untyped-def]
    assert move(city["yongding"], signed, rules.ACCEPTED).state == rules.ACCEPTED  # nobody rated


def test_where_the_city_asks_acceptance_needs_eighty_percent_satisfied(city, signed) -> None:  # type: ignore[no-untyped-def]
    ProjectSettings.objects.create(region=Region.objects.get(code="430800000000"), satisfaction_guard=True)
    with pytest.raises(Refused, match="尚无居民满意度评价"):
        move(city["yongding"], signed, rules.ACCEPTED)
    rate(signed, ["satisfied"] * 6 + ["basically"] + ["dissatisfied"] * 3)  # 7 of 10
    with pytest.raises(Refused, match=r"居民满意率70\.0%，低于80\.0%"):
        move(city["yongding"], signed, rules.ACCEPTED)
    services.satisfaction_rate(household=households(signed)[9], project_id=signed.pk, level="basically")
    assert move(city["yongding"], signed, rules.ACCEPTED).state == rules.ACCEPTED  # 8 of 10


def test_residents_rate_on_the_phone(signed) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.services import resident_link_for
    from huanxin.residents.sessions import KEY, session_data

    client = Client()
    session = client.session
    session[KEY] = session_data(households(signed)[1])
    session.save()
    token = resident_link_for(signed.estate).token
    assert "您对这次改造满意吗" in client.get(f"/r/{token}/rate/").content.decode()
    client.post(f"/r/{token}/rate/", {"level": "basically", "comment": "楼道灯还不够亮"})
    assert "您家的评价：基本满意" in client.get(f"/r/{token}/rate/").content.decode()


def test_a_progress_report_carries_its_site_photos(city, placed, login) -> None:  # type: ignore[no-untyped-def]
    drains = placed.items.get(item__code="B02")
    client = login("shigong")
    upload = SimpleUploadedFile(
        "沟.jpg", photo("during", dt.datetime(2020, 9, 19, 9)), content_type="image/jpeg"
    )
    client.post(
        f"/projects/{placed.pk}/progress/",
        {"on": "2020-09-19", f"done_{drains.pk}": "60", "note": "管网铺设", "photos": [upload]},
    )
    added = ProjectPhoto.objects.get()
    assert (added.item, added.report.quantity_done, added.caption) == (drains, Decimal(60), "管网铺设")  # type: ignore[union-attr]
    bad = SimpleUploadedFile("沟.jpg", b"GIF89a not really", content_type="image/jpeg")
    page = client.post(
        f"/projects/{placed.pk}/progress/",
        {"on": "2020-09-20", f"done_{drains.pk}": "80", "photos": [bad]},
        follow=True,
    ).content.decode()
    assert "不是有效的图片文件" in page
    assert drains.reports.count() == 1  # the report waits for a photo that is a photo
