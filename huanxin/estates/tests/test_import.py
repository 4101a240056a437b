"""Importing ledgers: plan, apply, errors, matching, atomicity, scoping."""

from decimal import Decimal

import pytest

from huanxin.core.errors import Invalid
from huanxin.estates import services
from huanxin.estates.models import Estate
from huanxin.estates.tests.ledger_files import HEADER, ROWS, csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def plan_for(user, content: bytes, name: str = "台账.xlsx"):  # type: ignore[no-untyped-def]
    return services.ledger_plan(by=user, parsed=services.ledger_read(file_name=name, content=content))


def test_a_clean_ledger_creates_its_estates_with_history(city) -> None:  # type: ignore[no-untyped-def]
    plan = plan_for(city["yongding"], xlsx([HEADER, *ROWS], title="永定区老旧小区台账"))
    assert plan.errors == []
    assert plan.summary() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "warnings": 0,
        "duplicates": 0,
    }
    counts = services.ledger_apply(by=city["yongding"], plan=plan)
    assert counts == {"created": 2, "updated": 0, "unchanged": 0, "estimates": 0}
    caizheng = Estate.objects.get(name="财政局宿舍")
    assert (caizheng.year_built, caizheng.households, caizheng.floor_area_m2) == (
        1995,
        96,
        Decimal("10780.00"),
    )
    assert caizheng.region.name == "黄金塔居委会"
    assert caizheng.history.get().history_change_reason == "台账导入"
    assert caizheng.history.get().history_user == city["yongding"]


def test_importing_the_same_file_again_changes_nothing(city) -> None:  # type: ignore[no-untyped-def]
    content = xlsx([HEADER, *ROWS])
    services.ledger_apply(by=city["yongding"], plan=plan_for(city["yongding"], content))
    again = plan_for(city["yongding"], content)
    assert again.summary() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "errors": 0,
        "warnings": 0,
        "duplicates": 0,
    }


def test_a_changed_value_updates_the_estate_with_history(city) -> None:  # type: ignore[no-untyped-def]
    services.ledger_apply(by=city["yongding"], plan=plan_for(city["yongding"], xlsx([HEADER, *ROWS])))
    changed = [[*ROWS[0][:5], 86, 8950], ROWS[1]]
    plan = plan_for(city["yongding"], xlsx([HEADER, *changed]))
    assert plan.summary()["updated"] == 1
    assert plan.updates[0].changes == {"households": (84, 86)}
    services.ledger_apply(by=city["yongding"], plan=plan)
    estate = Estate.objects.get(name="电力公司宿舍")
    assert estate.households == 86 and estate.version == 2
    assert estate.history.first().history_change_reason == "台账导入"


def test_an_alias_matches_the_existing_estate(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("市电力公司宿舍", community="430802001001", aliases="电力公司宿舍、电力宿舍")
    plan = plan_for(city["yongding"], xlsx([HEADER, ROWS[0]]))
    assert plan.summary()["created"] == 0
    assert plan.updates[0].estate.name == "市电力公司宿舍"


def test_every_error_is_reported_at_once_and_nothing_is_written(city) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        ["好小区", "永定区", "永定街道", "回龙居委会", 1990, 50, 5000],
        ["坏年份", "永定区", "永定街道", "回龙居委会", "九十年代", 50, 5000],
        ["坏户数", "永定区", "永定街道", "回龙居委会", 1990, "五十", 5000],
        ["外区", "慈利县", "零阳街道", "南街居委会", 1990, 50, 5000],
        ["无街道", "永定区", "不存在街道", "回龙居委会", 1990, 50, 5000],
    ]
    plan = plan_for(city["yongding"], xlsx(rows, title="台账"))
    described = [(e.sheet, e.row, e.column, e.value) for e in plan.errors]
    assert ("台账", 4, "建成年份", "九十年代") in described
    assert ("台账", 5, "户数", "五十") in described
    assert ("台账", 6, "所属区县", "慈利县") in described
    assert ("台账", 7, "所属街道", "不存在街道") in described
    assert len(plan.errors) == 4
    assert all(error.reason for error in plan.errors)
    with pytest.raises(Invalid):
        services.ledger_apply(by=city["yongding"], plan=plan)
    assert not Estate.objects.exists()


def test_a_missing_required_column_is_named(city) -> None:  # type: ignore[no-untyped-def]
    header = [h for h in HEADER if h != "户数"]
    rows = [[cell for i, cell in enumerate(row) if i != 5] for row in ROWS]
    plan = plan_for(city["yongding"], xlsx([header, *rows]))
    assert [(e.row, e.column) for e in plan.errors] == [(None, "户数")]
    assert plan.errors[0].reason == "文件没有“户数”列，而第2、3行是新增小区，必须填写"


def test_a_district_officer_cannot_import_into_another_district(city) -> None:  # type: ignore[no-untyped-def]
    rows = [HEADER, ["零阳小区", "慈利县", "零阳街道", "南街居委会", 1990, 50, 5000]]
    assert plan_for(city["cili"], xlsx(rows)).errors == []
    refused = plan_for(city["yongding"], xlsx(rows))
    assert refused.errors[0].reason == "区县不存在或不在您的辖区内"


def test_csv_in_gbk_and_utf8_with_bom_read_the_same(city) -> None:  # type: ignore[no-untyped-def]
    rows = [HEADER, ROWS[0]]
    gbk = plan_for(city["yongding"], csv_bytes(rows, "gbk"), "台账.csv")
    bom = plan_for(city["yongding"], csv_bytes(rows, "utf-8-sig"), "台账.csv")
    assert gbk.errors == bom.errors == []
    assert gbk.creates[0].values == bom.creates[0].values


def test_community_names_with_two_suffixes_resolve(city) -> None:  # type: ignore[no-untyped-def]
    rows = [HEADER, ["电力公司宿舍", "永定", "永定街道办事处", "回龙社区居委会", 1996, 84, 8950]]
    plan = plan_for(city["yongding"], xlsx(rows))
    assert plan.errors == []
    assert plan.creates[0].region.name == "回龙居委会"


def test_a_blank_required_value_leaves_an_existing_estate_alone_but_a_new_one_needs_it(
    city, make_estate
) -> None:  # type: ignore[no-untyped-def]
    make_estate("电力公司宿舍", community="430802001001", households=84, year_built=None)
    rows = [
        HEADER,
        ["电力公司宿舍", "永定区", "永定街道", "回龙居委会", "", 84, 11000],
        ["新小区", "永定区", "永定街道", "回龙居委会", "", 20, 2000],
    ]
    plan = plan_for(city["yongding"], xlsx(rows))
    assert [(e.row, e.column, e.reason) for e in plan.errors] == [(3, "建成年份", "新增小区必须填写此项")]
    assert plan.unchanged == 1


def test_one_estate_matched_twice_in_a_file_is_an_error(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("市电力公司宿舍", community="430802001001", aliases="电力公司宿舍")
    rows = [
        HEADER,
        ["市电力公司宿舍", "永定区", "永定街道", "回龙居委会", 1996, 84, 8950],
        ["电力公司宿舍", "永定区", "永定街道", "回龙居委会", 1996, 86, 8950],
    ]
    plan = plan_for(city["yongding"], xlsx(rows))
    assert [(e.row, e.reason) for e in plan.errors] == [(3, "与第2行是同一个小区")]
