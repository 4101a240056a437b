"""The user guide's example ledgers (docs/examples/): the committed files are what
`huanxin ledger_examples` writes, and each, imported against the demo city, gives the outcome
the guide states for it (docs/user-guide.md, 7 导入台账). The guide's table of header spellings is
the importer's own."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from huanxin.core.errors import Invalid
from huanxin.core.spreadsheets import read_tables
from huanxin.demo.plan import NAMED, demo_plan
from huanxin.estates import services
from huanxin.estates.ledger import _fold
from huanxin.estates.ledger_checks import likeness_key
from huanxin.estates.ledger_columns import COLUMNS
from huanxin.estates.management.commands.ledger_examples import EXAMPLES
from huanxin.estates.models import DistrictEstimate, Estate

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "docs" / "examples"
GUIDE = ROOT / "docs" / "user-guide.md"
DAY = "2020-09-01"  # the demo's day, which the tests' clock is pinned to


def example(name: str) -> bytes:
    return (FOLDER / name).read_bytes()


def planned(name: str, by: Any) -> services.LedgerPlan:
    parsed = services.ledger_read(file_name=name, content=example(name))
    return services.ledger_plan(by=by, parsed=parsed, source=f"{DAY} {name}")


def created(plan: services.LedgerPlan) -> list[tuple[int, str, str]]:
    return [(c.row.row, c.region.code, c.values["name"]) for c in plan.creates]


def assert_clean(plan: services.LedgerPlan) -> None:
    assert [str(error) for error in plan.errors] == []
    assert [str(warning) for warning in plan.warnings] == []
    assert plan.duplicates == []


def demo_estate(make_estate: Callable[..., Estate], key: str) -> Estate:
    """One of the demo's named estates, with the facts `make demo` gives it."""
    plan = next(plan for plan in NAMED if plan.key == key)
    return make_estate(
        plan.name,
        community=plan.community,
        year_built=plan.year_built,
        households=plan.households,
        floor_area_m2=Decimal(plan.floor_area_m2),
        building_count=plan.buildings,
        aliases=plan.aliases,
        notes=plan.notes,
    )


# --- the files --------------------------------------------------------------------------------


def test_the_folder_holds_exactly_the_generated_examples() -> None:
    assert sorted(path.name for path in FOLDER.iterdir() if path.name != "README.md") == sorted(EXAMPLES)


def test_the_committed_examples_read_as_the_command_writes_them(tmp_path: Path) -> None:
    call_command("ledger_examples", str(tmp_path), stdout=io.StringIO())
    for name in EXAMPLES:
        committed, fresh = example(name), (tmp_path / name).read_bytes()
        assert services.ledger_read(file_name=name, content=committed) == services.ledger_read(
            file_name=name, content=fresh
        ), name
        # the cells the reader skips too (title, subtotals, signatures) and the merged ranges
        assert [
            (table.sheet, table.rows, sorted(table.merged))
            for table in read_tables(name=name, content=committed)
        ] == [
            (table.sheet, table.rows, sorted(table.merged)) for table in read_tables(name=name, content=fresh)
        ]


def test_the_csv_is_gbk_as_excel_saves_it() -> None:
    content = example("09-excel-gbk.csv")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert content.decode("gbk").startswith("序号,区县,乡镇（街道）,社区（居委会）,小区名称")
    assert b"\r\n" in content and not content.startswith(b"\xef\xbb\xbf")


# --- each example against the demo city -------------------------------------------------------


def test_01_the_filled_in_template(city) -> None:  # type: ignore[no-untyped-def]
    name = "01-standard-template.xlsx"
    plan = planned(name, city["city"])
    assert_clean(plan)
    assert plan.notices == ["工作表“填表说明”没有可识别的表头，已跳过"]
    assert created(plan) == [
        (2, "430802001002", "审计局宿舍"),
        (3, "430802002003", "农业局宿舍"),
        (4, "430802003002", "覃家岗安置小区"),
    ]
    # a note from the file is signed with the day and the file's name
    assert plan.creates[1].values["notes"] == f"{DAY} {name}：2栋均为5层砖混结构"
    assert plan.creates[0].values["management_mode"] == "property_unit"
    counts = services.ledger_apply(by=city["city"], plan=plan, source=f"{DAY} {name}")
    assert counts["created"] == 3
    assert Estate.objects.get(name="审计局宿舍").code == "430802001002-001"


def test_02_a_county_sheet_with_title_merges_subtotals_and_signatures(city) -> None:  # type: ignore[no-untyped-def]
    plan = planned("02-county-sheet.xlsx", city["city"])
    assert_clean(plan)
    # rows as Excel numbers them: the title is row 1; the subtotals (6, 9), the total (10) and
    # the signature lines (12, 13) are skipped; 零阳街道办事处 is 零阳街道, 南街社区 is 南街居委会
    assert created(plan) == [
        (3, "430821001001", "县人武部宿舍"),
        (4, "430821001002", "县水电局宿舍"),
        (5, "430821001003", "城关粮站宿舍"),
        (7, "430821002001", "县供电局宿舍"),
        (8, "430821002002", "金台小区"),
    ]
    assert plan.creates[4].values["year_built"] == 1999  # 1999.10


def test_03_county_header_spellings_two_header_rows_and_wan_square_metres(city) -> None:  # type: ignore[no-untyped-def]
    plan = planned("03-county-headers.xlsx", city["city"])
    assert_clean(plan)
    assert created(plan) == [(4, "430811001001", "索溪峪宾馆宿舍"), (5, "430811002002", "袁家界安置小区")]
    assert [c.values["floor_area_m2"] for c in plan.creates] == [Decimal("5600.00"), Decimal("7920.00")]


def test_04_one_column_for_street_and_community(city) -> None:  # type: ignore[no-untyped-def]
    plan = planned("04-street-and-community.xlsx", city["city"])
    assert_clean(plan)
    assert created(plan) == [
        (2, "430802004001", "交警支队宿舍"),
        (3, "430802005001", "沿河路32号院"),
        (4, "430802006002", "邢家巷小区"),
        (5, "430802006003", "三眼桥安置小区"),  # the community alone: unique in 永定区
    ]


def test_05_an_update_only_file_found_by_community_and_name(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    name = "05-update-only.xlsx"
    dianli, caizhengju = demo_estate(make_estate, "dianli"), demo_estate(make_estate, "caizhengju")
    plan = planned(name, city["city"])
    assert_clean(plan)
    assert plan.creates == [] and plan.unchanged == 0
    signed = f"{DAY} {name}："
    # a blank 楼栋数 and an equal one change nothing; each note is added under the old ones
    assert [(u.row.row, u.estate.pk, u.changes) for u in plan.updates] == [
        (
            2,
            dianli.pk,
            {"notes": (dianli.notes, f"{dianli.notes}\n{signed}2020年9月回访：屋面防水保修期内无渗漏")},
        ),
        (
            3,
            caizhengju.pk,
            {"notes": (caizhengju.notes, f"{caizhengju.notes}\n{signed}2020年9月复核：楼栋数无误")},
        ),
    ]
    services.ledger_apply(by=city["city"], plan=plan, source=f"{DAY} {name}")
    dianli.refresh_from_db()
    assert dianli.notes.endswith(f"\n{signed}2020年9月回访：屋面防水保修期内无渗漏")
    assert (dianli.building_count, dianli.households) == (3, 84)
    # sent again, the same notes add nothing
    again = planned(name, city["city"])
    assert again.updates == [] and again.unchanged == 2


def test_06_doubtful_values_are_warnings_to_confirm(city) -> None:  # type: ignore[no-untyped-def]
    plan = planned("06-warnings.xlsx", city["city"])
    assert plan.errors == [] and plan.duplicates == []
    assert [(w.row, w.column, w.value) for w in plan.warnings] == [
        (2, "建筑面积（万平方米）", "54000000.00"),
        (3, "建成年份", "1938"),
    ]
    assert plan.warnings[0].reason.startswith("户均面积 900,000.0 ㎡，不在 15–500 ㎡ 之间")
    assert plan.warnings[1].reason == "建成年份早于1949年，请核对"
    assert created(plan) == [
        (2, "430822100001", "县汽运公司宿舍"),
        (3, "430822100005", "文昌街老民居"),
        (4, "430822101001", "瑞塔铺粮站宿舍"),
    ]
    with pytest.raises(Invalid, match="2 处数据需要核对"):
        services.ledger_apply(by=city["city"], plan=plan)
    assert not Estate.objects.exists()
    assert services.ledger_apply(by=city["city"], plan=plan, warnings_accepted=True)["created"] == 3


def test_07_a_likely_duplicate_answered_same(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    dianli = demo_estate(make_estate, "dianli")
    plan = planned("07-likely-duplicate.xlsx", city["city"])
    assert plan.errors == [] and plan.warnings == []
    # the 电力公司宿舍 of 解放居委会 is another community's: no duplicate
    assert [(d.key, d.estate.pk) for d in plan.duplicates] == [("台账!2", dianli.pk)]
    with pytest.raises(Invalid, match="请先确认第2行"):
        services.ledger_apply(by=city["city"], plan=plan)
    plan.decide({"台账!2": services.SAME})
    assert [(u.estate.pk, u.changes) for u in plan.updates] == [
        (dianli.pk, {"aliases": ("", "电力公司宿舍（1-3栋）")})
    ]
    assert created(plan) == [(3, "430802001003", "电力公司宿舍")]
    services.ledger_apply(by=city["city"], plan=plan)
    dianli.refresh_from_db()
    assert (dianli.name, dianli.aliases) == ("电力公司宿舍", "电力公司宿舍（1-3栋）")
    assert Estate.objects.count() == 2


def test_07_a_likely_duplicate_answered_new(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    demo_estate(make_estate, "dianli")
    plan = planned("07-likely-duplicate.xlsx", city["city"])
    plan.decide({"台账!2": services.NEW})
    assert [c.values["name"] for c in plan.creates] == ["电力公司宿舍（1-3栋）", "电力公司宿舍"]
    services.ledger_apply(by=city["city"], plan=plan)
    assert Estate.objects.filter(region__code="430802001001").count() == 2


def test_08_a_county_plan_table_gives_district_estimates_in_exact_yuan(city) -> None:  # type: ignore[no-untyped-def]
    from huanxin.planning import services as planning
    from huanxin.planning.models import Candidate

    name = "08-plan-table.xlsx"
    plan = planned(name, city["city"])
    assert_clean(plan)
    # project names lose "老旧小区改造项目"; the total row is skipped
    assert created(plan) == [(3, "430802003001", "卷烟厂宿舍"), (4, "430802005003", "思善桥小区")]
    assert [c.estimate for c in plan.creates] == [
        {
            "works": "雨污分流、屋面防水、燃气管道入户、加装电梯2部",
            "item_codes": ["B02", "B05", "B09", "I05"],
            "cost_yuan": Decimal("3865200.00"),
            "funding": "中央补助、省级配套、居民出资",
            "planned_start": dt.date(2020, 10, 1),
            "planned_end": dt.date(2021, 6, 30),
        },
        {
            "works": "道路硬化、路灯、停车位、楼道粉刷、增设晾衣架",
            "item_codes": ["B06", "B10", "I03", "I04"],
            "cost_yuan": Decimal("1278000.00"),
            "funding": "中央补助、区级配套",
            "planned_start": dt.date(2020, 11, 1),  # a date cell
            "planned_end": dt.date(2021, 5, 31),
        },
    ]
    assert plan.notices == ["第4行改造内容中“增设晾衣架”未对应到改造菜单，原文已保留"]
    counts = services.ledger_apply(by=city["city"], plan=plan, source=f"{DAY} {name}")
    assert counts["estimates"] == 2
    estimate = DistrictEstimate.objects.get(estate__name="卷烟厂宿舍")
    assert (estimate.cost_yuan, estimate.source) == (Decimal("3865200.00"), f"{DAY} {name}")
    # the city's first estimate of a candidate starts from the district's
    Candidate.objects.create(
        estate=estimate.estate,
        status=Candidate.Status.CONFIRMED,
        submitted_by=city["yongding"],
        submitted_at=dt.datetime(2020, 8, 1, tzinfo=dt.UTC),
    )
    assert planning.candidate_costs_estimate(by=city["city"]) == 1
    candidate = Candidate.objects.get(estate=estimate.estate)
    assert candidate.estimated_cost_yuan == Decimal("3865200.00")
    assert candidate.cost_note == f"按区县计划表估算（{DAY} {name}）"


def test_09_a_gbk_csv_with_towns_and_a_total_row(city) -> None:  # type: ignore[no-untyped-def]
    plan = planned("09-excel-gbk.csv", city["city"])
    assert_clean(plan)
    assert created(plan) == [
        (2, "430822100003", "县农机站宿舍"),
        (3, "430822100005", "文昌街小区"),
        (4, "430822101002", "鸟儿岭安置小区"),
    ]
    assert [c.values["management_mode"] for c in plan.creates] == [
        "none",
        "community_custody",
        "self_managed",
    ]


def test_the_command_line_asks_to_accept_warnings_and_to_answer_duplicates(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    demo_estate(make_estate, "dianli")
    out = io.StringIO()
    call_command("import_estates", str(FOLDER / "06-warnings.xlsx"), dry_run=True, stdout=out)
    assert out.getvalue().count("请核对：") == 2
    assert "试运行（未写入）：新增 3 个小区" in out.getvalue()
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command("import_estates", str(FOLDER / "06-warnings.xlsx"), stdout=io.StringIO())
    call_command(
        "import_estates", str(FOLDER / "06-warnings.xlsx"), accept_warnings=True, stdout=io.StringIO()
    )
    assert Estate.objects.filter(region__code__startswith="430822").count() == 3
    with pytest.raises(CommandError, match="--duplicates"):
        call_command("import_estates", str(FOLDER / "07-likely-duplicate.xlsx"), stdout=io.StringIO())
    call_command(
        "import_estates", str(FOLDER / "07-likely-duplicate.xlsx"), duplicates="same", stdout=io.StringIO()
    )
    assert Estate.objects.get(region__code="430802001001").aliases == "电力公司宿舍（1-3栋）"


# --- the examples and `make demo` -------------------------------------------------------------


@pytest.mark.parametrize("name", [name for name in EXAMPLES if not name.startswith("05")])
def test_new_estates_of_the_examples_are_new_in_the_demo_too(city, name: str) -> None:  # type: ignore[no-untyped-def]
    """In the community of each row these files create, the demo's registry holds no estate of
    that name or a likely duplicate of one (07's row 2 excepted, on purpose): the files import
    into `make demo` as they do here."""
    demo: dict[tuple[str, str], list[str]] = {}
    for estate in demo_plan():
        for written in {estate.name, *filter(None, estate.aliases.split("、"))}:
            demo.setdefault((estate.community, likeness_key(written)), []).append(estate.name)
    plan = planned(name, city["city"])
    assert plan.creates
    resembled = [
        (c.values["name"], demo[key])
        for c in plan.creates
        if (key := (c.region.code, likeness_key(c.values["name"]))) in demo
    ]
    expected = [("电力公司宿舍（1-3栋）", ["电力公司宿舍"])] if name.startswith("07") else []
    assert resembled == expected


def test_the_demo_holds_the_estates_05_and_07_refer_to() -> None:
    where = {(p.community, p.name) for p in demo_plan()}
    assert ("430802001001", "电力公司宿舍") in where
    assert ("430802004002", "财政局宿舍") in where
    caizhengju = next(p for p in demo_plan() if p.name == "财政局宿舍")
    assert caizhengju.buildings == 4  # 05's 楼栋数 is the demo's: no change


# --- the guide ------------------------------------------------------------------------------


def guide_section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## 7. 导入台账")
    return text[start : text.index("\n## 8.", start)]


def test_the_guide_links_every_example() -> None:
    linked = set(re.findall(r"\]\(examples/([^)]+)\)", guide_section()))
    assert linked == set(EXAMPLES)


def test_the_guides_header_table_is_the_importers() -> None:
    """Each column's row in the table of header spellings lists exactly the synonyms the
    importer knows (compared as the importer compares headers)."""
    lines = guide_section().splitlines()
    start = lines.index("| 列 | 可用的表头写法 |") + 2  # below the header and its rule
    rows = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        label, spellings = (cell.strip() for cell in line.strip("|").split("|"))
        # 、 separates the spellings, except inside parentheses: 县（市、区）
        words = re.split(r"、(?![^（(]*[）)])", spellings)
        rows[label.removesuffix("*").strip()] = {_fold(word) for word in words}
    for column in COLUMNS:
        assert rows.get(column.label) == {_fold(word) for word in column.synonyms}, column.label
