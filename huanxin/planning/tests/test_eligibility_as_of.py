"""Eligibility as of a past day (SPEC 7): judged on the estate, the assessment, the answers given,
the round's status and the city's rules as they stood at the end of that day — on the estate page,
in the API, and in the candidate's priority."""

import datetime as dt

import pytest

from huanxin.catalog.models import MenuItem
from huanxin.core import clock
from huanxin.estates.models import Household
from huanxin.estates.services import assessment_set
from huanxin.planning import services
from huanxin.planning.querysets import estate_eligibility
from huanxin.regions.models import Region
from huanxin.surveys.services import answer_submit, round_close

pytestmark = pytest.mark.django_db

CITY = "430800000000"


def _answer(city, survey, household, agrees):  # type: ignore[no-untyped-def]
    answer_submit(
        round_id=survey.pk, household=household, by=city["shequ"], consent_given=True, data={"agrees": agrees}
    )


@pytest.fixture
def dated(city, open_round, settings):  # type: ignore[no-untyped-def]
    """市委二号院 (1995, 12 households, in the ledger since 09-01), its survey open 08-20 … 09-20:
    09-03 the drain found hazardous and 6 households agree; 09-06 four more agree; 09-08 the
    first household changes its mind; 09-09 the round is closed early. Today is 2020-09-15.
    (`_cutoff_moved_back`: on 09-10 the city moves its cutoff back to 1990.)"""
    estate = open_round.estate
    households = list(Household.objects.filter(estate=estate).order_by("pk"))
    with clock.pinned(dt.date(2020, 9, 3)):
        estate.refresh_from_db()
        assessment_set(
            by=city["shequ"],
            estate_id=estate.pk,
            version=estate.version,
            entries={MenuItem.objects.get(code="B02").pk: ("hazardous", "")},
        )
        for household in households[:6]:
            _answer(city, open_round, household, True)
    with clock.pinned(dt.date(2020, 9, 6)):
        for household in households[6:10]:
            _answer(city, open_round, household, True)
    with clock.pinned(dt.date(2020, 9, 8)):
        _answer(city, open_round, households[0], False)
    with clock.pinned(dt.date(2020, 9, 9)):
        open_round.refresh_from_db()
        round_close(by=city["shequ"], round_id=open_round.pk, version=open_round.version)
    settings.HUANXIN_TODAY = "2020-09-15"
    return estate


def _cutoff_moved_back(city) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(dt.date(2020, 9, 10)):
        services.eligibility_settings_save(
            by=city["city"],
            region_id=Region.objects.get(code=CITY).pk,
            changes={"cutoff_year": 1990},
            version=None,
        )


def _judged(estate, day):  # type: ignore[no-untyped-def]
    result = estate_eligibility(estate, day)
    return result.status, {rule.rule: (rule.passed, rule.evidence) for rule in result.rules}


def test_each_day_is_judged_on_what_was_recorded_by_its_end(city, dated) -> None:  # type: ignore[no-untyped-def]
    _cutoff_moved_back(city)
    status, rules = _judged(dated, dt.date(2020, 9, 2))
    assert status == "undetermined"
    assert rules["居民意愿"][0] is None  # no answer yet
    assert rules["基础类设施问题"][0] is None  # not yet assessed

    status, rules = _judged(dated, dt.date(2020, 9, 4))
    assert rules["基础类设施问题"][0] is True
    assert rules["居民意愿"][0] is None and "50.0%" in rules["居民意愿"][1]  # 6 of 12, still open

    status, rules = _judged(dated, dt.date(2020, 9, 7))
    assert status == "eligible" and "83.3%" in rules["居民意愿"][1]  # 10 of 12

    status, rules = _judged(dated, dt.date(2020, 9, 9))
    assert "75.0%" in rules["居民意愿"][1]  # one changed its mind on the 8th: 9 of 12
    assert status == "eligible"  # and the round closed that day: the answer is final

    status, rules = _judged(dated, None)
    assert status == "ineligible" and rules["建成年代"][0] is False  # the 1990 cutoff of the 10th


def test_the_estate_page_and_the_api_read_eligibility_as_of_a_day(login, api_as, city, dated) -> None:  # type: ignore[no-untyped-def]
    _cutoff_moved_back(city)
    client = login("guanliping")
    estate_page = client.get(f"/estates/{dated.pk}/?tab=eligibility&as_of=2020-09-07").content.decode()
    assert "live-only" not in estate_page
    assert f"/planning/estate/{dated.pk}/?as_of=2020-09-07" in estate_page
    tab = client.get(
        f"/planning/estate/{dated.pk}/?as_of=2020-09-07", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "按 2020-09-07 当日" in tab and "符合条件" in tab and "83.3%" in tab
    assert 'name="note"' not in tab  # nothing to submit on a past day
    live = client.get(f"/planning/estate/{dated.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "不符合条件" in live and "按 " not in live

    api = api_as("guanliping")
    then = api.get(f"/api/v1/estates/{dated.pk}/eligibility?as_of=2020-09-07").json()
    assert then["status"] == "eligible"
    assert api.get(f"/api/v1/estates/{dated.pk}/eligibility").json()["status"] == "ineligible"
    future = api.get(f"/api/v1/estates/{dated.pk}/eligibility?as_of=2020-09-16")
    assert future.status_code == 400 and "不能晚于今天" in future.json()["error"]["message"]
    before = api.get(f"/api/v1/estates/{dated.pk}/eligibility?as_of=2020-08-31")
    assert before.status_code == 404  # the estate was not yet in the ledger


def test_a_candidate_is_shown_as_it_stood_with_the_priority_of_that_day(login, city, dated) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(dt.date(2020, 9, 7)):
        candidate = services.candidate_submit(by=city["guanliping"], estate_id=dated.pk, note="")
    with clock.pinned(dt.date(2020, 9, 8)):
        candidate = services.candidate_review(
            by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True, reason=""
        )
        candidate = services.candidate_confirm(
            by=city["city"], candidate_id=candidate.pk, version=candidate.version
        )
    client = login("city")

    def tab(day: str) -> str:
        return client.get(
            f"/planning/estate/{dated.pk}/?as_of={day}", HTTP_HX_REQUEST="true"
        ).content.decode()

    assert "candidate-status" not in tab("2020-09-06")
    submitted = tab("2020-09-07")
    assert "candidate-status" in submitted and "已入库" not in submitted and "确认入库" not in submitted
    confirmed = tab("2020-09-08")
    assert "已入库" in confirmed and "priority-score" in confirmed
    assert "修改估算" not in confirmed  # nothing to change on a past day
