"""The estate list's 老旧小区 filter and a survey's tally use the city's own rules (its nearest
region node's, as planning's config_for reads them for the summary), not the server's setting."""

import pytest

from huanxin.estates import city_rules
from huanxin.estates.models import Household
from huanxin.planning.querysets import config_for
from huanxin.planning.services import eligibility_settings_save
from huanxin.regions.models import Region
from huanxin.surveys.services import answer_submit

pytestmark = pytest.mark.django_db


def set_rules(city, code: str, **changes) -> None:  # type: ignore[no-untyped-def]
    eligibility_settings_save(
        by=city["city"],
        region_id=Region.objects.get(code=code).pk,
        changes=changes,  # type: ignore[arg-type]
        version=None,
    )


def test_a_city_whose_cutoff_is_1995_does_not_count_a_1998_estate_as_old(
    login, city, make_estate, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR = 2000
    make_estate("九八小区", year_built=1998)
    make_estate("九零小区", year_built=1990)
    make_estate("零阳小区", community="430821001001", year_built=1998)
    client = login("city")
    assert "九八小区" in client.get("/estates/?old=true").content.decode()  # the server's 2000 still
    set_rules(city, "430800000000", cutoff_year=1995)
    old = client.get("/estates/?old=true").content.decode()
    assert "九零小区" in old and "九八小区" not in old and "零阳小区" not in old
    assert "1995年及以前建成" in old
    not_old = client.get("/estates/?old=false").content.decode()
    assert "九八小区" in not_old and "九零小区" not in not_old
    # A district with rules of its own keeps them: the nearest node wins.
    set_rules(city, "430821000000", cutoff_year=2000)
    old = client.get("/estates/?old=true").content.decode()
    assert "零阳小区" in old and "九八小区" not in old


def test_the_api_filter_follows_the_same_rules(api_as, city, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("九八小区", year_built=1998)
    set_rules(city, "430800000000", cutoff_year=1995)
    body = api_as("yongding").get("/api/v1/estates?old=true").json()
    assert body["count"] == 0
    assert city_rules.rules_for("430802004001").cutoff_year == config_for("430802004001").cutoff_year == 1995


def test_a_city_with_a_three_quarters_threshold_judges_the_tally_by_it(
    login, api_as, city, open_round
) -> None:  # type: ignore[no-untyped-def]
    households = list(Household.objects.filter(estate=open_round.estate).order_by("pk"))
    for index, household in enumerate(households):  # 8 of 12 agree: exactly 2/3, short of 3/4
        answer_submit(
            round_id=open_round.pk,
            household=household,
            by=city["shequ"],
            consent_given=True,
            data={"agrees": index < 8},
        )
    tally = api_as("shequ").get(f"/api/v1/surveys/{open_round.pk}/tally").json()
    assert tally["agreement_share"] == "2/3" and tally["agreement_met"] is True
    set_rules(
        city,
        "430800000000",
        agreement_numerator=3,
        agreement_denominator=4,
        quorum_numerator=9,
        quorum_denominator=10,
    )
    tally = api_as("shequ").get(f"/api/v1/surveys/{open_round.pk}/tally").json()
    assert tally["agreement_share"] == "3/4" and tally["agreement_met"] is False
    assert tally["vote"]["quorum"] == "9/10" and tally["vote"]["quorum_met"] is True  # all 12 took part
    page = login("shequ").get(f"/surveys/{open_round.pk}/").content.decode()
    assert "✗ &lt; 3/4" in page and "✓ ≥ 9/10" in page
