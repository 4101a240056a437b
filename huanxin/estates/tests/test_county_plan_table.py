"""A county's plan table read with the ledger: the works, the estimate in 万元, the funding and
the planned days become each estate's district estimate, which the city's candidates start from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.catalog.services import menu_load_defaults
from huanxin.core import clock
from huanxin.core.scoping import SYSTEM
from huanxin.estates import services
from huanxin.estates.models import DistrictEstimate, Estate
from huanxin.estates.plan_table import parse_amount, parse_planned_day, parse_planned_span, works_to_codes
from huanxin.estates.rules import ValueRefused
from huanxin.estates.tests.ledger_files import xlsx
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "县（市、区）",
    "所在街道",
    "所在社区",
    "项目名称",
    "建成年代",
    "涉及户数",
    "建筑面积（㎡）",
    "改造内容",
    "投资估算（万元）",
    "资金来源",
    "计划开工时间",
    "计划完工时间",
]
MENU = {"B02": "排水与雨污分流", "B05": "燃气管道新增与改造", "B09": "屋面防水", "I05": "加装电梯"}


@pytest.fixture
def menu(lixia: Region) -> Region:
    city = Region.objects.get(code="370100000000")
    menu_load_defaults(owner=city)
    return city


def test_amounts_in_wan_become_exact_yuan() -> None:
    assert parse_amount(123.45) == Decimal("1234500.00")  # calamine's float, read by its text
    assert parse_amount("0.01") == Decimal("100.00")
    assert parse_amount("86万元", header_factor=Decimal(1)) == Decimal("860000.00")
    assert parse_amount("1,234,500元") == Decimal("1234500.00")
    assert parse_amount(1234500, header_factor=Decimal(1)) == Decimal("1234500.00")
    for bad in ("约100", "-3", "0", "nan", "1e400", "1e-400", "Infinity"):
        with pytest.raises(ValueRefused):
            parse_amount(bad)


def test_planned_days_as_offices_write_them() -> None:
    assert parse_planned_day("2020年3月") == dt.date(2020, 3, 1)
    assert parse_planned_day("2020.10", end=True) == dt.date(2020, 10, 31)
    assert parse_planned_day("2020/2/29") == dt.date(2020, 2, 29)
    assert parse_planned_day(dt.datetime(2020, 5, 6, 0, 0)) == dt.date(2020, 5, 6)
    assert parse_planned_span("2020.3-2020.10") == (dt.date(2020, 3, 1), dt.date(2020, 10, 31))
    assert parse_planned_span("2020年3月至2020年10月") == (dt.date(2020, 3, 1), dt.date(2020, 10, 31))
    assert parse_planned_span("2020-03-01至2020-10-31") == (dt.date(2020, 3, 1), dt.date(2020, 10, 31))
    assert parse_planned_span("2020-03-01-2020-10-15") == (dt.date(2020, 3, 1), dt.date(2020, 10, 15))
    with pytest.raises(ValueRefused, match="应写作开始和结束两个日期"):
        parse_planned_span("2020-03-01")
    for bad in ("明年春天", "2020/2/30", "2020.13"):
        with pytest.raises(ValueRefused):
            parse_planned_day(bad)
    with pytest.raises(ValueRefused, match="结束日期早于开始日期"):
        parse_planned_span("2020.10-2020.3")


def test_works_text_is_read_into_menu_codes_and_what_is_not_read_is_said() -> None:
    codes, unread = works_to_codes("雨污分流、屋面防水，燃气管道入户；楼道刷白", MENU)
    assert codes == ["B02", "B05", "B09"]
    assert unread == ["楼道刷白"]


def test_a_county_plan_table_sets_each_estates_estimate(menu) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        [
            1,
            "历下区",
            "解放路街道",
            "解放桥社区",
            "山东省建一公司宿舍老旧小区改造项目",
            1988,
            120,
            9600,
            "雨污分流、屋面防水、燃气管道、加装电梯2部",
            386.52,
            "中央补助、省级配套、居民出资",
            "2020年3月",
            "2020.10",
        ],
        ["", "合计", "", "", "", "", 120, 9600, "", 386.52, "", "", ""],
    ]
    parsed = services.ledger_read(
        file_name="历下区2020年计划表.xlsx", content=xlsx(rows, title="历下区2020年老旧小区改造计划表")
    )
    plan = services.ledger_plan(by=SYSTEM, parsed=parsed, source="2020-02-01 历下区2020年计划表.xlsx")
    assert plan.errors == []
    services.ledger_apply(by=SYSTEM, plan=plan, source="2020-02-01 历下区2020年计划表.xlsx")
    estate = Estate.objects.get()
    assert estate.name == "山东省建一公司宿舍"
    estimate = estate.district_estimate
    assert estimate.cost_yuan == Decimal("3865200.00")
    assert estimate.item_codes == ["B02", "B05", "B09", "I05"]
    assert estimate.funding == "中央补助、省级配套、居民出资"
    assert (estimate.planned_start, estimate.planned_end) == (dt.date(2020, 3, 1), dt.date(2020, 10, 31))
    assert estimate.source == "2020-02-01 历下区2020年计划表.xlsx"
    assert estimate.history.count() == 1


def test_a_later_table_changes_the_estimate_alone_and_keeps_its_history(menu) -> None:  # type: ignore[no-untyped-def]
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "投资估算（万元）", "计划起止时间"]
    first = [header, ["历下区", "解放路街道", "解放桥社区", "甲小区", 100, "2020.3-2020.10"]]
    full = [["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积"]]
    services.ledger_apply(
        by=SYSTEM,
        plan=services.ledger_plan(
            by=SYSTEM,
            parsed=services.ledger_read(
                file_name="a.xlsx",
                content=xlsx([*full, ["历下区", "解放路街道", "解放桥社区", "甲小区", 1990, 50, 4000]]),
            ),
        ),
    )
    estate = Estate.objects.get()
    version = estate.version
    once = services.ledger_plan(
        by=SYSTEM, parsed=services.ledger_read(file_name="b.xlsx", content=xlsx(first))
    )
    assert once.errors == [] and [u.changes for u in once.updates] == [
        {
            "cost_yuan": (None, Decimal("1000000.00")),
            "planned_start": (None, dt.date(2020, 3, 1)),
            "planned_end": (None, dt.date(2020, 10, 31)),
        }
    ]
    services.ledger_apply(by=SYSTEM, plan=once)
    second = [header, ["历下区", "解放路街道", "解放桥社区", "甲小区", 120.5, "2020.3-2020.10"]]
    twice = services.ledger_plan(
        by=SYSTEM, parsed=services.ledger_read(file_name="c.xlsx", content=xlsx(second))
    )
    assert [u.changes for u in twice.updates] == [
        {"cost_yuan": (Decimal("1000000.00"), Decimal("1205000.00"))}
    ]
    services.ledger_apply(by=SYSTEM, plan=twice)
    estate.refresh_from_db()
    assert estate.version == version  # the estate's own facts did not change
    assert estate.district_estimate.cost_yuan == Decimal("1205000.00")
    assert [h.cost_yuan for h in estate.district_estimate.history.order_by("history_id")] == [
        Decimal("1000000.00"),
        Decimal("1205000.00"),
    ]
    again = services.ledger_plan(
        by=SYSTEM, parsed=services.ledger_read(file_name="c.xlsx", content=xlsx(second))
    )
    assert again.updates == [] and again.unchanged == 1


def test_a_bad_amount_or_day_in_a_plan_table_writes_nothing(menu) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        [
            1,
            "历下区",
            "解放路街道",
            "解放桥社区",
            "甲小区",
            1988,
            120,
            9600,
            "屋面防水",
            "约300",
            "",
            "2020年3月",
            "2020.10",
        ],
        [
            2,
            "历下区",
            "解放路街道",
            "解放桥社区",
            "乙小区",
            1988,
            120,
            9600,
            "屋面防水",
            300,
            "",
            "2020年13月",
            "",
        ],
    ]
    plan = services.ledger_plan(
        by=SYSTEM, parsed=services.ledger_read(file_name="计划表.xlsx", content=xlsx(rows))
    )
    assert [(e.row, e.column) for e in plan.errors] == [(2, "投资估算（万元）"), (3, "计划开工时间")]
    assert not DistrictEstimate.objects.exists() and not Estate.objects.exists()


def test_candidates_start_from_the_districts_estimate(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.planning import services as planning
    from huanxin.planning.models import Candidate

    estate = make_estate("计划表小区")
    DistrictEstimate.objects.create(
        estate=estate, cost_yuan=Decimal("3865200.00"), source="2020-02-01 计划表.xlsx"
    )
    Candidate.objects.create(
        estate=estate,
        status=Candidate.Status.CONFIRMED,
        submitted_by=city["yongding"],
        submitted_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
    )
    assert planning.candidate_costs_estimate(by=city["city"]) == 1
    candidate = Candidate.objects.get(estate=estate)
    assert candidate.estimated_cost_yuan == Decimal("3865200.00")
    assert candidate.cost_note == "按区县计划表估算（2020-02-01 计划表.xlsx）"


def test_the_city_confirming_a_candidate_takes_the_districts_number(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.planning import services as planning
    from huanxin.planning.models import Candidate

    estate = make_estate("计划表小区")
    DistrictEstimate.objects.create(
        estate=estate, cost_yuan=Decimal("1278000.00"), source="2020-02-01 计划表.xlsx"
    )
    reviewed = Candidate.objects.create(
        estate=estate,
        status=Candidate.Status.REVIEWED,
        submitted_by=city["yongding"],
        submitted_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
    )
    confirmed = planning.candidate_confirm(
        by=city["city"], candidate_id=reviewed.pk, version=reviewed.version
    )
    assert confirmed.estimated_cost_yuan == Decimal("1278000.00")
    assert confirmed.cost_note == "按区县计划表估算（2020-02-01 计划表.xlsx）"
    other = make_estate("无计划表小区")
    plain = Candidate.objects.create(
        estate=other,
        status=Candidate.Status.REVIEWED,
        submitted_by=city["yongding"],
        submitted_at=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
    )
    assert (
        planning.candidate_confirm(by=city["city"], candidate_id=plain.pk, version=1).estimated_cost_yuan
        is None
    )


def test_the_estate_page_shows_the_districts_plan_live_and_as_of_a_day(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.core.history import history_copy_rows

    estate = make_estate("计划表小区")
    estimate = DistrictEstimate.objects.create(
        estate=estate,
        cost_yuan=Decimal("3865200.00"),
        works="雨污分流、加装电梯",
        item_codes=["B02", "I05"],
        funding="中央补助",
        planned_start=dt.date(2020, 3, 1),
        planned_end=dt.date(2020, 10, 31),
        source="2020-02-01 计划表.xlsx",
    )
    history_copy_rows(DistrictEstimate, [estimate.pk], kind="+", by=None, reason="test")
    client = login("yongding")
    page = client.get(f"/estates/{estate.pk}/").content.decode()
    assert 'id="estate-district-estimate"' in page
    assert "排水与雨污分流、加装电梯" in page and "3,865,200.00" in page and "2020-10-31" in page
    # the estate was in the registry in June 2020; the plan table came later
    estate.history.update(history_date=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    before = client.get(f"/estates/{estate.pk}/?as_of=2020-06-01")
    assert before.status_code == 200 and 'id="estate-info"' in before.content.decode()
    assert 'id="estate-district-estimate"' not in before.content.decode()
    today = client.get(f"/estates/{estate.pk}/?as_of={clock.today().isoformat()}").content.decode()
    assert 'id="estate-district-estimate"' in today
