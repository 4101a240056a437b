"""The national division table: a city loads its jurisdiction from the vendored file; a newer
table adds, renames with history and retires without deleting; a bad file writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import lzma
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huanxin.core.errors import Invalid
from huanxin.core.models import AuditEvent
from huanxin.estates.forms import EstateForm
from huanxin.regions import rules
from huanxin.regions.filters import region_groups
from huanxin.regions.models import Region, RegionRename
from huanxin.regions.national import TABLE, regions_load_national
from huanxin.regions.services import DEFAULT_CSV

pytestmark = pytest.mark.django_db

PINNED_TODAY = dt.date(2020, 9, 1)  # settings_test.HUANXIN_TODAY


def write_table(path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("code", "name")) -> Path:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(lzma.compress(text.getvalue().encode("utf-8")))
    return path


def demo_rows() -> list[tuple[str, str]]:
    """The demo's 52 nodes (regions.csv) as a table of 12-digit codes."""
    with DEFAULT_CSV.open(encoding="utf-8-sig", newline="") as handle:
        return [(rules.full_code(row["code"]), row["name"]) for row in csv.DictReader(handle)]


def table_rows(prefix: str) -> dict[str, str]:
    with lzma.open(TABLE, "rt", encoding="utf-8", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if row[0].startswith(prefix)}


def table_size(prefix: str) -> int:
    with lzma.open(TABLE, "rt", encoding="utf-8", newline="") as handle:
        return sum(1 for row in csv.reader(handle) if row[0].startswith(prefix))


def test_the_demo_city_is_a_subset_of_the_national_table() -> None:
    """regions.csv takes every node, code and name, from the table; its communities are real
    residents' committees (village codes 001–199; 2xx are village committees)."""
    table = table_rows("43")
    rows = demo_rows()
    assert len(rows) == 52
    assert [(code, table.get(code)) for code, _name in rows] == rows
    communities = [code for code, _name in rows if rules.level_of(code) == "community"]
    assert communities and all(1 <= int(code[9:]) <= 199 for code in communities)


def test_zhangjiajie_loads_its_real_streets_with_their_parents_and_levels() -> None:
    report = regions_load_national(within="4308")
    streets = {
        r.code: r for r in Region.objects.filter(code__in=["430802004000", "430802001000", "430821001000"])
    }
    assert {code: r.name for code, r in streets.items()} == {
        "430802004000": "官黎坪街道",
        "430802001000": "永定街道",
        "430821001000": "零阳街道",
    }
    assert {r.level for r in streets.values()} == {"street"}
    yongding = Region.objects.get(code="430802000000")
    assert (yongding.name, yongding.level) == ("永定区", "county")
    assert streets["430802004000"].parent == yongding
    assert streets["430821001000"].parent.name == "慈利县"  # type: ignore[union-attr]
    assert [a.name for a in streets["430802004000"].ancestors()] == [
        "中华人民共和国",
        "湖南省",
        "张家界市",
        "永定区",
    ]
    assert set(Region.objects.exclude(code__startswith="4308").values_list("name", flat=True)) == {
        "中华人民共和国",
        "湖南省",
    }
    assert Region.objects.filter(level="community", code__startswith="430802004").exists()
    assert report.added == table_size("4308") + 1  # with 湖南省
    assert Region.objects.count() == report.added + 1  # and the nation above, not a row of the table
    assert (report.renamed, report.retired, report.unchanged) == (0, 0, 0)


def test_levels_limit_the_depth() -> None:
    regions_load_national(within="43", levels=3)
    assert set(Region.objects.values_list("level", flat=True)) == {"nation", "province", "city", "county"}
    assert Region.objects.filter(code="430802000000", name="永定区").exists()


def test_the_nation_tops_every_tree_and_a_reload_never_retires_it() -> None:
    from huanxin.regions.services import national_root

    hunan = Region.objects.create(code="430000000000", name="湖南省", level="province")  # loaded before
    regions_load_national(within="4308", levels=2)
    root = Region.objects.get(code="000000000000")
    assert (root.name, root.level, root.parent) == ("中华人民共和国", "nation", None)
    hunan.refresh_from_db()
    assert hunan.parent == root
    regions_load_national(within="4308", levels=2)
    root.refresh_from_db()
    assert root.retired_on is None
    assert list(Region.objects.filter(parent__isnull=True)) == [root] == [national_root()]


def test_loading_twice_changes_nothing_the_second_time() -> None:
    first = regions_load_national(within="430802")
    names = dict(Region.objects.values_list("code", "name"))
    second = regions_load_national(within="430802")
    assert (second.added, second.renamed, second.retired, second.restored) == (0, 0, 0, 0)
    assert second.unchanged == first.added == len(names) - 1  # the nation is not a row of the table
    assert dict(Region.objects.values_list("code", "name")) == names
    assert not RegionRename.objects.exists()


def test_a_newer_table_renames_with_history_adds_and_retires_without_deleting(  # type: ignore[no-untyped-def]
    tmp_path, make_estate, city
) -> None:
    estate = make_estate("官黎坪小区", community="430802004001")
    rows = [row for row in demo_rows() if row[0] != "430802004001"]  # 官黎坪居委会 vanished
    rows = [(code, "黄金塔社区居委会" if code == "430802004002" else name) for code, name in rows]
    rows.append(("430802004006", "新城社区"))
    events = AuditEvent.objects.filter(action="regions.load")

    report = regions_load_national(path=write_table(tmp_path / "2024.csv.xz", sorted(rows)), within="4308")

    assert (report.added, report.renamed, report.retired, report.restored) == (1, 1, 1, 0)
    assert report.unchanged == len(rows) - 2
    assert Region.objects.get(code="430802004006").parent.code == "430802004000"  # type: ignore[union-attr]
    renamed = Region.objects.get(code="430802004002")
    assert renamed.name == "黄金塔社区居委会"
    assert [(r.old_name, r.new_name, r.renamed_on) for r in renamed.renames.all()] == [
        ("黄金塔居委会", "黄金塔社区居委会", PINNED_TODAY)
    ]
    gone = Region.objects.get(code="430802004001")  # still there: the estate points at it
    assert gone.retired_on == PINNED_TODAY
    estate.refresh_from_db()
    assert estate.region == gone
    assert events.count() == 1 and events.get().actor_name == "管理命令"
    assert {k: events.get().detail[k] for k in ("added", "renamed", "retired", "unchanged")} == {
        "added": 1,
        "renamed": 1,
        "retired": 1,
        "unchanged": len(rows) - 2,
    }

    # Retired: not offered for new records, still shown for the estate already in it.
    offered = {o.value for g in region_groups(city["yongding"]) for o in g.options}
    assert "430802004002" in offered and "430802004001" not in offered
    new_form = EstateForm(user=city["admin"])
    assert not new_form.fields["region"].queryset.filter(code="430802004001").exists()  # type: ignore[attr-defined]
    edit_form = EstateForm(user=city["admin"], instance=estate)
    assert edit_form.fields["region"].queryset.filter(code="430802004001").exists()  # type: ignore[attr-defined]

    # The older table again: the node comes back, the name goes back, the history grows.
    again = regions_load_national(path=write_table(tmp_path / "2023.csv.xz", demo_rows()), within="4308")
    assert (again.added, again.renamed, again.retired, again.restored) == (0, 1, 1, 1)
    assert Region.objects.get(code="430802004001").retired_on is None
    assert Region.objects.get(code="430802004006").retired_on == PINNED_TODAY
    assert renamed.renames.count() == 2


def test_the_query_count_does_not_grow_with_the_rows(tmp_path: Path) -> None:
    def table(province: str, communities: int) -> Path:
        street = f"{province}0101001"
        rows = [
            (f"{province}0000000000", "省"),
            (f"{province}0100000000", "市"),
            (f"{province}0101000000", "区"),
            (f"{street}000", "街道"),
        ]
        rows += [(f"{street}{n:03d}", f"社区{n}") for n in range(1, communities + 1)]
        return write_table(tmp_path / f"{province}.csv.xz", rows)

    from huanxin.regions.services import national_root

    national_root()  # made once, on the first load of all
    counts = []
    for province, communities in (("44", 5), ("45", 150)):
        with CaptureQueriesContext(connection) as queries:
            report = regions_load_national(path=table(province, communities), within=province)
        assert report.added == communities + 4
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"code,name\n430000000000,\xe6\xb9\x96\xe5\x8d\x97\n", "不是有效的 xz 压缩 CSV 文件"),
        ([("430000000000", "湖南省"), ("4308", "张家界市")], "区划表第 3 行：区划代码应为12位数字：4308"),
        (
            [("430000000000", "湖南省"), ("430802000000", "永定区")],
            "区划表第 3 行：430802000000（永定区）的上级 430800000000 不在表中",
        ),
        ([("430000000000", "湖南省"), ("430000000000", "湖南")], "区划表第 3 行：区划代码重复"),
    ],
)
def test_a_bad_file_is_refused_naming_the_line_and_writes_nothing(  # type: ignore[no-untyped-def]
    tmp_path, content, message
) -> None:
    path = tmp_path / "bad.csv.xz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write_table(path, content)
    with pytest.raises(Invalid, match=message):
        regions_load_national(path=path)
    with pytest.raises(CommandError, match=message):
        call_command("load_regions", file=path)
    assert not Region.objects.exists() and not AuditEvent.objects.exists()


def test_a_wrong_header_or_scope_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="第 1 行应为表头 code,name"):
        regions_load_national(path=write_table(tmp_path / "h.csv.xz", [], header=("代码", "名称")))
    with pytest.raises(Invalid, match="区划范围应为2、4、6、9或12位数字"):
        regions_load_national(within="4")
    with pytest.raises(Invalid, match="区划表中没有区划代码 439900000000"):
        regions_load_national(within="4399")
    assert not Region.objects.exists()


def test_the_command_reports_in_chinese() -> None:
    out = io.StringIO()
    call_command("load_regions", within="430802001", levels=4, stdout=out)
    assert "已载入区划表 divisions.csv.xz（范围：430802001，4 级）：新增 4，更名 0，撤销 0" in out.getvalue()
    assert Region.objects.count() == 5  # 中华人民共和国, 湖南省, 张家界市, 永定区, 永定街道
