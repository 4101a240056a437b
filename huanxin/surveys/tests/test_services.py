"""Rounds and answers: versions, one current answer, closed rounds, paper answers, consent."""

import datetime as dt
import threading

import pytest
from django.db import connection

from huanxin.catalog.models import MenuItem
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.estates.models import Household
from huanxin.residents.services import consent_record
from huanxin.surveys import services
from huanxin.surveys.models import Answer

pytestmark = pytest.mark.django_db


def item(code: str) -> int:
    return MenuItem.objects.get(code=code).pk


def test_a_changed_answer_keeps_every_version_and_one_current(city, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    consent_record(household=household)
    services.answer_submit(round_id=open_round.pk, household=household, data={"agrees": False})
    services.answer_submit(
        round_id=open_round.pk,
        household=household,
        data={"agrees": True, "first_need": item("B02"), "other_needs": [item("B06")]},
    )
    versions = Answer.objects.filter(household=household).order_by("sequence")
    assert [(a.sequence, a.agrees, a.is_current) for a in versions] == [(1, False, False), (2, True, True)]
    assert services.round_tally(open_round).agree == 1


def test_no_answer_without_consent(city, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    with pytest.raises(Refused) as refused:
        services.answer_submit(round_id=open_round.pk, household=household, data={"agrees": True})
    assert "个人信息告知书" in refused.value.message


def test_a_closed_round_is_read_only(city, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    consent_record(household=household)
    services.round_close(by=city["shequ"], round_id=open_round.pk, version=open_round.version)
    with pytest.raises(Refused) as refused:
        services.answer_submit(round_id=open_round.pk, household=household, data={"agrees": True})
    assert "已结束" in refused.value.message
    with pytest.raises(Refused):
        services.round_extend(
            by=city["shequ"],
            round_id=open_round.pk,
            version=open_round.version + 1,
            closes_on=dt.date(2020, 12, 31),
        )


def test_extending_needs_a_later_date_and_the_current_version(city, open_round) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid):
        services.round_extend(
            by=city["shequ"],
            round_id=open_round.pk,
            version=open_round.version,
            closes_on=dt.date(2020, 9, 1),
        )
    extended = services.round_extend(
        by=city["shequ"], round_id=open_round.pk, version=open_round.version, closes_on=dt.date(2020, 10, 31)
    )
    assert extended.closes_on == dt.date(2020, 10, 31)
    with pytest.raises(StaleEdit):
        services.round_extend(
            by=city["shequ"],
            round_id=open_round.pk,
            version=open_round.version,
            closes_on=dt.date(2020, 11, 30),
        )


def test_a_paper_answer_is_marked_with_its_worker(city, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    answer = services.answer_submit(
        round_id=open_round.pk,
        household=household,
        by=city["shequ"],
        consent_given=True,
        data={
            "agrees": True,
            "cofund_willing": True,
            "cofund_modes": ["direct"],
            "cofund_bracket": "500_1000",
        },
    )
    assert (answer.channel, answer.entered_by) == ("paper", city["shequ"])
    assert household.consents.get().recorded_by == city["shequ"]


def test_a_department_cannot_enter_paper_answers(city, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    with pytest.raises(Forbidden):
        services.answer_submit(
            round_id=open_round.pk,
            household=household,
            by=city["dianli"],
            consent_given=True,
            data={"agrees": True},
        )


def test_answers_outside_the_offered_menu_are_refused(city, open_round) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    consent_record(household=household)
    with pytest.raises(Invalid) as refused:
        services.answer_submit(
            round_id=open_round.pk,
            household=household,
            data={
                "agrees": True,
                "first_need": item("I05"),
                "cofund_willing": True,
                "cofund_modes": ["gold"],
            },
        )
    fields = {detail["field"] for detail in refused.value.details}
    assert fields == {"first_need", "cofund_modes"}
    assert not Answer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submissions_leave_exactly_one_current_answer(city, open_round) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are PostgreSQL's; SQLite serialises every writer anyway")
    household = Household.objects.filter(estate=open_round.estate).earliest("pk")
    consent_record(household=household)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(agrees: bool) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.answer_submit(round_id=open_round.pk, household=household, data={"agrees": agrees})
            outcomes.append("ok")
        except Refused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(value,)) for value in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Answer.objects.filter(household=household, is_current=True).count() == 1
    assert sorted(Answer.objects.filter(household=household).values_list("sequence", flat=True)) == [1, 2]
    assert outcomes == ["ok", "ok"]


def test_two_overlapping_rounds_are_refused(city, open_round) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        services.round_create(
            by=city["shequ"],
            estate_id=open_round.estate.pk,
            title="又一轮",
            opens_on=dt.date(2020, 9, 1),
            closes_on=dt.date(2020, 10, 1),
            item_ids=[item("B02")],
        )
    assert "改造意愿调查" in refused.value.message
