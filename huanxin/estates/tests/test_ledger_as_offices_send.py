"""Ledgers as county and street offices really send them, from a city that is not the demo's:
济南市历下区, loaded from the national division table as a new city would load it. Each test
builds its sheet the way a clerk does — title rows, merged cells, subtotal rows, a signature
block — and checks what the street officer is told."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huanxin.core.errors import Invalid
from huanxin.core.scoping import SYSTEM
from huanxin.estates import services
from huanxin.estates.models import Estate
from huanxin.estates.tests.ledger_files import convert, csv_bytes, soffice_available, xlsx
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "所在区县",
    "所在街道",
    "所在社区",
    "小区名称",
    "建成年代",
    "户数（户）",
    "建筑面积（㎡）",
    "备注",
]


def plan(content: bytes, name: str = "历下区老旧小区台账.xlsx", **options: Any) -> services.LedgerPlan:
    parsed = services.ledger_read(file_name=name, content=content)
    return services.ledger_plan(by=SYSTEM, parsed=parsed, **options)


def reasons(result: services.LedgerPlan) -> list[tuple[int | None, str, str]]:
    return [(error.row, error.column, error.reason) for error in result.errors]


def existing(name: str, community_code: str, **values: Any) -> Estate:
    community = Region.objects.get(code=community_code)
    serial = Estate.objects.filter(region=community).count() + 1
    return Estate.objects.create(
        code=f"{community_code}-{serial:03d}",
        name=name,
        region=community,
        year_built=values.pop("year_built", 1990),
        households=values.pop("households", 100),
        floor_area_m2=values.pop("floor_area_m2", Decimal(8000)),
        **values,
    )


def test_a_county_sheet_with_merged_places_subtotals_and_a_signature_block(lixia) -> None:  # type: ignore[no-untyped-def]
    """The sheet as 历下区 would mail it up: a title, the street written once per run of rows
    and merged down, a subtotal under each street, a grand total, the signature lines."""
    rows = [
        HEADER,
        [1, "历下区", "解放路街道", "解放桥社区", "山东省建一公司宿舍", 1988, 120, 9600, ""],
        [2, "", "", "历山路社区", "历山路12号院", "1992年", 64, 5100, ""],
        ["", "解放路街道小计", "", "", "", "", 184, 14700, ""],
        [3, "历下区", "千佛山街道办事处", "棋盘街社区居委会", "棋盘小区（1-6栋）", 1995, 210, 16800, ""],
        ["其中：1.历下区", "", "", "", "", "", 210, 16800, ""],
        ["全区合 计：", "", "", "", "", "", 394, 31500, ""],
        ["填表人：李明", "", "审核人：王强", "", "联系电话：0531-86000000", "", "", "", ""],
        ["填报日期：2020年9月1日", "", "", "", "单位（盖章）", "", "", "", ""],
    ]
    content = xlsx(rows, title="历下区2020年老旧小区改造台账", merges=["B3:B4", "C3:C4"])
    result = plan(content)
    assert reasons(result) == []
    assert [(c.row.row, c.region.name, c.values["name"]) for c in result.creates] == [
        (3, "解放桥社区居民委员会", "山东省建一公司宿舍"),
        (4, "历山路社区居民委员会", "历山路12号院"),
        (6, "棋盘街社区居民委员会", "棋盘小区（1-6栋）"),
    ]


def test_an_error_names_the_row_excel_shows_under_title_rows(lixia) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        [1, "历下区", "解放路街道", "解放桥社区", "甲小区", 1988, 120, 9600, ""],
        ["", "解放路街道小计", "", "", "", "", 120, 9600, ""],
        [2, "历下区", "解放路街道", "解放桥社区", "乙小区", "很久以前", 50, 4000, ""],
    ]
    result = plan(xlsx(rows, title="历下区台账"))
    # title row 1, header row 2, data rows 3–5: 乙小区 is in Excel's row 5
    assert [(e.row, e.column, e.value) for e in result.errors] == [(5, "建成年代", "很久以前")]


def test_header_spellings_of_county_tables(lixia) -> None:  # type: ignore[no-untyped-def]
    header = [
        "县（市、区）",
        "所在乡镇（街道）",
        "所在村（居）委会",
        "小区名称",
        "建成年份",
        "户数",
        "建筑面积（万平方米）",
    ]
    rows = [header, ["历下区", "泉城路街道", "芙蓉街社区", "芙蓉街小区", 1985, 80, 0.56]]
    result = plan(xlsx(rows))
    assert reasons(result) == []
    create = result.creates[0]
    assert create.region.code == "370102004009"
    assert create.values["floor_area_m2"] == Decimal("5600.00")


@pytest.mark.parametrize(
    "written",
    [
        "泉城路街道芙蓉街社区",
        "泉城路街道/芙蓉街社区",
        "泉城路街道 芙蓉街社区居委会",
        "泉城路芙蓉街",
        "芙蓉街社区",
    ],
)
def test_a_combined_street_and_community_column_is_split_against_the_table(lixia, written: str) -> None:  # type: ignore[no-untyped-def]
    header = ["所在区县", "所在街道及社区", "小区名称", "建成年份", "户数", "建筑面积"]
    result = plan(xlsx([header, ["历下区", written, "芙蓉街小区", 1985, 80, 5600]]))
    assert reasons(result) == []
    assert result.creates[0].region.code == "370102004009"


def test_names_match_within_their_kind_and_never_across_kinds(lixia) -> None:  # type: ignore[no-untyped-def]
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积"]
    rows = [
        header,
        ["历下", "解放路街道办事处", "解放桥社区居委会", "甲小区", 1990, 10, 800],
        ["历下区", "解放路", "解放桥居民委员会", "乙小区", 1990, 10, 800],
        ["历下区", "解放路镇", "解放桥社区", "丙小区", 1990, 10, 800],
        ["历下区", "解放路街道", "解放桥村", "丁小区", 1990, 10, 800],
    ]
    result = plan(xlsx(rows))
    assert [c.values["name"] for c in result.creates] == ["甲小区", "乙小区"]
    assert [(e.row, e.column) for e in result.errors] == [(4, "所在街道"), (5, "所在社区")]
    # the nearest names there are, for the officer to pick from
    assert "相近的名称：解放路街道" in result.errors[0].reason
    assert "相近的名称：解放桥社区居民委员会" in result.errors[1].reason


def test_a_community_filed_under_the_wrong_street_says_where_it_is(lixia) -> None:  # type: ignore[no-untyped-def]
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积"]
    result = plan(xlsx([header, ["历下区", "千佛山街道", "芙蓉街社区", "甲小区", 1990, 10, 800]]))
    assert reasons(result) == [
        (2, "所在社区", "芙蓉街社区居民委员会属于泉城路街道，不属于千佛山街道"),
    ]


def test_retired_communities_take_no_new_estates(lixia) -> None:  # type: ignore[no-untyped-def]
    Region.objects.filter(code="370102004009").update(retired_on="2024-01-01")
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积"]
    result = plan(xlsx([header, ["历下区", "泉城路街道", "芙蓉街社区", "甲小区", 1990, 10, 800]]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "所在社区")]


def test_missing_columns_are_each_named_beside_the_headers_the_file_has(lixia) -> None:  # type: ignore[no-untyped-def]
    rows = [["序号", "小区", "户数", "面积"], [1, "甲小区", 10, 800]]
    result = plan(xlsx(rows, sheet="汇总"))
    [error] = result.errors
    assert error.sheet == "汇总" and error.row == 1
    assert error.reason == (
        "缺少列：所属区县、所属街道、所属社区（或用“小区编码”列指明小区）；本表的表头是：序号、小区、户数、面积"
    )


def test_a_file_that_only_updates_needs_only_the_columns_it_changes(lixia) -> None:  # type: ignore[no-untyped-def]
    one = existing("历山路12号院", "370102001003", households=64)
    two = existing("山东省建一公司宿舍", "370102001002", households=120)
    by_code = plan(xlsx([["小区编码", "户数"], [one.code, 66]]))
    assert reasons(by_code) == []
    assert [(u.estate.pk, u.changes) for u in by_code.updates] == [(one.pk, {"households": (64, 66)})]
    by_name = plan(
        xlsx(
            [
                ["所在区县", "所在街道", "所在社区", "小区名称", "楼栋数"],
                ["历下区", "解放路街道", "解放桥社区", two.name, 4],
            ]
        )
    )
    assert reasons(by_name) == []
    assert by_name.updates[0].changes == {"building_count": (None, 4)}
    unknown = plan(xlsx([["小区编码", "户数"], ["370102001003-099", 66]]))
    assert reasons(unknown) == [(2, "小区编码", "没有这个编码的小区；新增小区须填写区县、街道和社区")]


def test_a_new_estate_in_an_update_file_is_told_which_columns_it_lacks(lixia) -> None:  # type: ignore[no-untyped-def]
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "楼栋数"]
    result = plan(xlsx([header, ["历下区", "解放路街道", "解放桥社区", "新小区", 4]]))
    assert sorted(e.column for e in result.errors) == ["建成年份", "建筑面积（㎡）", "户数"]
    assert all("第2行是新增小区" in e.reason for e in result.errors)


def test_doubtful_numbers_are_warnings_the_officer_must_confirm(lixia) -> None:  # type: ignore[no-untyped-def]
    header = [
        "所在区县",
        "所在街道",
        "所在社区",
        "小区名称",
        "建成年份",
        "户数",
        "楼栋数",
        "建筑面积（万平方米）",
    ]
    rows = [
        header,
        ["历下区", "解放路街道", "解放桥社区", "㎡写在万平方米下", 1990, 120, 3, 9600],
        ["历下区", "解放路街道", "解放桥社区", "民国老院", 1936, 12, 1, 0.1],
        ["历下区", "解放路街道", "解放桥社区", "未来小区", 2031, 12, 1, 0.1],
        ["历下区", "解放路街道", "解放桥社区", "无楼小区", 1990, 12, 0, 0.1],
        ["历下区", "解放路街道", "解放桥社区", "正常小区", 1990, 120, 3, 0.96],
    ]
    result = plan(xlsx(rows), this_year=2020)
    assert result.errors == []
    assert [(w.row, w.column) for w in result.warnings] == [
        (2, "建筑面积（万平方米）"),
        (3, "建成年份"),
        (4, "建成年份"),
        (5, "楼栋数"),
    ]
    assert "户均面积 800,000.0 ㎡" in result.warnings[0].reason
    with pytest.raises(Invalid, match="4 处数据需要核对"):
        services.ledger_apply(by=SYSTEM, plan=result)
    assert not Estate.objects.exists()
    services.ledger_apply(by=SYSTEM, plan=result, warnings_accepted=True)
    assert Estate.objects.count() == 5


def test_a_name_differing_only_by_brackets_buildings_or_suffix_is_a_likely_duplicate(lixia) -> None:  # type: ignore[no-untyped-def]
    old = existing("电力公司宿舍", "370102001002", households=84)
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积"]
    rows = [
        header,
        ["历下区", "解放路街道", "解放桥社区", "电力公司宿舍（1-6栋）", 1990, 90, 7200],
        ["历下区", "解放路街道", "历山路社区", "电力公司", 1990, 40, 3200],  # another community
    ]
    result = plan(xlsx(rows))
    assert [(d.create.row.row, d.estate.pk) for d in result.duplicates] == [(2, old.pk)]
    with pytest.raises(Invalid, match="请先确认第2行"):
        services.ledger_apply(by=SYSTEM, plan=result)
    result.decide({result.duplicates[0].key: services.SAME})
    assert [u.changes for u in result.updates] == [
        {
            "households": (84, 90),
            "floor_area_m2": (Decimal("8000.00"), Decimal("7200.00")),
            "aliases": ("", "电力公司宿舍（1-6栋）"),
        }
    ]
    services.ledger_apply(by=SYSTEM, plan=result)
    old.refresh_from_db()
    assert (old.name, old.aliases, old.households) == ("电力公司宿舍", "电力公司宿舍（1-6栋）", 90)
    assert Estate.objects.count() == 2


def test_a_likely_duplicate_can_be_a_new_estate(lixia) -> None:  # type: ignore[no-untyped-def]
    existing("电力公司宿舍", "370102001002")
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积"]
    result = plan(
        xlsx([header, ["历下区", "解放路街道", "解放桥社区", "电力公司宿舍11-14栋", 1998, 60, 4800]])
    )
    result.decide({result.duplicates[0].key: services.NEW})
    services.ledger_apply(by=SYSTEM, plan=result)
    assert sorted(Estate.objects.values_list("name", flat=True)) == ["电力公司宿舍", "电力公司宿舍11-14栋"]


def test_notes_are_appended_with_the_day_and_the_file_never_overwritten(lixia) -> None:  # type: ignore[no-untyped-def]
    estate = existing("历山路12号院", "370102001003", notes="2019年已做屋面防水")
    rows = [["小区编码", "备注"], [estate.code, "2020年加装电梯2部"]]
    result = plan(xlsx(rows), source="2020-09-01 历下区台账.xlsx")
    services.ledger_apply(by=SYSTEM, plan=result)
    estate.refresh_from_db()
    assert estate.notes == "2019年已做屋面防水\n2020-09-01 历下区台账.xlsx：2020年加装电梯2部"
    again = plan(xlsx(rows), source="2020-09-02 历下区台账.xlsx")
    assert again.updates == [] and again.unchanged == 1  # the same note, sent twice, is kept once


def test_an_old_xls_and_a_gbk_csv_as_offices_save_them(lixia) -> None:  # type: ignore[no-untyped-def]
    rows: list[list[Any]] = [
        HEADER,
        [1, "历下区", "泉城路街道", "芙蓉街社区", "芙蓉街小区", 1985, 80, 5600, "老城区"],
        [2, "", "泉城路街道", "芙蓉街社区", "县西巷宿舍", 1987, 40, 2800, ""],
        ["", "泉城路街道小计", "", "", "", "", 120, 8400, ""],
        ["填表人：李明", "", "", "", "", "", "", "", ""],
    ]
    gbk = [[*row] for row in rows]
    gbk[2][1] = "历下区"  # a csv has no merged cells
    from_csv = plan(csv_bytes(gbk, encoding="gbk"), name="台账.csv")
    assert reasons(from_csv) == [] and [c.values["name"] for c in from_csv.creates] == [
        "芙蓉街小区",
        "县西巷宿舍",
    ]
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    old_xls = convert(xlsx(rows, title="历下区台账", merges=["B3:B4"]), source="xlsx", target="xls")
    from_xls = plan(old_xls, name="台账.xls")
    assert reasons(from_xls) == [] and [c.row.row for c in from_xls.creates] == [3, 4]


def test_a_file_with_any_error_writes_nothing(lixia) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADER,
        [1, "历下区", "泉城路街道", "芙蓉街社区", "芙蓉街小区", 1985, 80, 5600, ""],
        [2, "历下区", "泉城路街道", "没有的社区", "乙小区", 1985, 80, 5600, ""],
    ]
    result = plan(xlsx(rows))
    assert len(result.errors) == 1
    with pytest.raises(Invalid, match="1 处错误"):
        services.ledger_apply(by=SYSTEM, plan=result)
    assert not Estate.objects.exists()


def test_the_command_asks_for_accept_warnings_and_a_duplicates_answer(lixia, tmp_path) -> None:  # type: ignore[no-untyped-def]
    existing("电力公司宿舍", "370102001002")
    header = ["所在区县", "所在街道", "所在社区", "小区名称", "建成年份", "户数", "建筑面积（万平方米）"]
    rows = [
        header,
        ["历下区", "解放路街道", "解放桥社区", "电力公司宿舍（7栋）", 1990, 30, 0.24],
        ["历下区", "解放路街道", "解放桥社区", "新华小区", 1990, 120, 9600],
    ]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx(rows))
    with pytest.raises(CommandError, match="--duplicates"):
        call_command("import_estates", str(path), stdout=_Sink())
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command("import_estates", str(path), duplicates="new", stdout=_Sink())
    assert Estate.objects.count() == 1
    call_command("import_estates", str(path), duplicates="same", accept_warnings=True, stdout=_Sink())
    assert Estate.objects.count() == 2
    assert Estate.objects.get(name="电力公司宿舍").aliases == "电力公司宿舍（7栋）"


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_a_code_with_only_part_of_its_place_is_found_by_its_code(lixia) -> None:  # type: ignore[no-untyped-def]
    """A district column and a code, no street or community: the code names the estate."""
    estate = existing("历山路12号院", "370102001003", households=64)
    result = plan(xlsx([["小区编码", "所在区县", "户数"], [estate.code, "历下区", 70]]))
    assert reasons(result) == []
    assert [u.changes for u in result.updates] == [{"households": (64, 70)}]


def test_a_new_code_without_a_name_is_told_to_name_its_estate(lixia) -> None:  # type: ignore[no-untyped-def]
    header = ["小区编码", "所在区县", "所在街道", "所在社区", "建成年份", "户数", "建筑面积"]
    result = plan(xlsx([header, ["370102001003-005", "历下区", "解放路街道", "历山路社区", 1990, 10, 800]]))
    assert [(e.column, e.reason) for e in result.errors] == [
        ("小区名称", "文件没有“小区名称”列，而第2行是新增小区，必须填写")
    ]
