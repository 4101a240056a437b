"""The seeded plan's estates sit in the demo city's real communities (regions.csv), without a
database."""

from __future__ import annotations

import csv

from huanxin.demo.plan import COMMUNITIES, DISTRICTS, NAMED, demo_plan
from huanxin.regions import rules
from huanxin.regions.services import DEFAULT_CSV


def names_by_code() -> dict[str, str]:
    with DEFAULT_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return {rules.full_code(row["code"]): row["name"] for row in csv.DictReader(handle)}


def test_the_plan_draws_from_every_community_of_regions_csv_in_its_order() -> None:
    names = names_by_code()
    listed = [code for code in names if rules.level_of(code) == rules.Level.COMMUNITY]
    assert list(COMMUNITIES) == list(DISTRICTS)
    assert [code for codes in COMMUNITIES.values() for code in codes] == listed
    for district, codes in COMMUNITIES.items():
        assert all(code.startswith(district) for code in codes)


def test_every_estate_is_in_a_community_of_the_demo_city() -> None:
    names = names_by_code()
    drawn_from = {code for codes in COMMUNITIES.values() for code in codes}
    assert {plan.community for plan in demo_plan()} <= drawn_from
    streets = {plan.name: names[rules.full_code(plan.community[:9])] for plan in NAMED}
    assert streets["电力公司宿舍"] == "永定街道"
    assert streets["财政局宿舍"] == streets["市委二号院"] == "官黎坪街道"
    assert all(plan.community.startswith("430802") for plan in NAMED)  # DEMO.md: all in 永定区
