"""`huanxin ledger_examples FOLDER`: the example ledgers of the user guide (docs/examples/), one
per case the importer accepts, written as county and street clerks make them. All use the demo
city's real names, so each imports into `make demo`; test_doc_examples checks that the committed
files are what this writes and that each gives the outcome the guide states.

The xlsx files come out byte for byte the same on every run (fixed document dates and zip entry
times), so rebuilding the folder changes nothing unless an example did."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from huanxin.estates.ledger_columns import TEMPLATE_NOTES, ledger_header

MADE_ON = dt.datetime(2020, 8, 28, 9, 30)  # the day the clerks sent them, as the demo city tells it
AUTHOR = "焕新示例"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


@dataclass
class Sheet:
    name: str
    rows: Sequence[Sequence[Any]]
    merges: Sequence[str] = ()
    widths: Sequence[float] = ()
    title_rows: int = 0  # rows above the header: written large
    header_rows: int = 1
    date_cells: dict[str, str] = field(default_factory=dict)  # cell → number format


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An xlsx as a clerk leaves it: title, bold header, merged cells, column widths."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        for row in spec.rows:
            sheet.append(list(row))
        for index, width in enumerate(spec.widths):
            sheet.column_dimensions[_letter(index)].width = width
        for row_cells in sheet.iter_rows(min_row=1, max_row=spec.title_rows + spec.header_rows):
            for cell in row_cells:
                cell.font = TITLE if cell.row <= spec.title_rows else BOLD
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for reference, number_format in spec.date_cells.items():
            sheet[reference].number_format = number_format
        for cells in spec.merges:
            sheet.merge_cells(cells)
            top_left = sheet[cells.split(":")[0]]
            top_left.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    book.properties.creator = book.properties.lastModifiedBy = AUTHOR
    book.properties.created = MADE_ON
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _reproducible(content: bytes) -> bytes:
    """The same bytes on every run: openpyxl stamps the save time into the document's
    properties and each zip entry."""
    stamp = MADE_ON.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(entry.filename, date_time=MADE_ON.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def excel_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    """As Excel on Chinese Windows saves "CSV（逗号分隔）": GBK, no BOM, CRLF line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("gbk")


# ---------------------------------------------------------------------------------------------
# The examples. Names of new estates are chosen apart from the demo's (test_doc_examples checks
# it), so that each file has the same outcome in `make demo` as in the tests.
# ---------------------------------------------------------------------------------------------


def standard() -> bytes:
    """01: the downloaded template, filled in by 永定区, its 填表说明 sheet left in."""
    rows: list[list[Any]] = [
        ledger_header(),
        [
            "",
            "审计局宿舍",
            "",
            "永定区",
            "永定街道",
            "北正居委会",
            "北正街东段",
            1992,
            3,
            72,
            6480,
            "张家界市审计局",
            "产权单位管理",
            29.12741,
            110.48123,
            "",
        ],
        [
            "",
            "农业局宿舍",
            "农业局家属院",
            "永定区",
            "大庸桥街道",
            "且住岗居委会",
            "且住岗路12号",
            1989,
            2,
            48,
            4150,
            "张家界市农业局",
            "无物业",
            "",
            "",
            "2栋均为5层砖混结构",
        ],
        [
            "",
            "覃家岗安置小区",
            "",
            "永定区",
            "西溪坪街道",
            "覃家岗居委会",
            "覃家岗路",
            1998,
            5,
            160,
            14200,
            "",
            "社区托管",
            "",
            "",
            "",
        ],
    ]
    with translation.override("zh-hans"):
        notes = [[str(TEMPLATE_NOTES[0])], *([str(note)] for note in TEMPLATE_NOTES[1:])]
    return workbook(
        [
            Sheet("小区台账", rows, widths=[18, 18, 14, 10, 12, 14, 16, 10, 8, 8, 14, 18, 14, 12, 12, 24]),
            Sheet("填表说明", notes, widths=[100], header_rows=1),
        ]
    )


def county_sheet() -> bytes:
    """02: 慈利县 as it mails its sheet up: a title, the district and street written once per
    run and merged down, a subtotal under each street, the total, a blank line, the signatures."""
    rows: list[list[Any]] = [
        ["慈利县2020年城镇老旧小区基本情况统计表", *[""] * 9],
        [
            "序号",
            "县市区",
            "街道",
            "社区",
            "小区名称",
            "建成年代",
            "楼栋数",
            "户数（户）",
            "建筑面积（㎡）",
            "备注",
        ],
        [1, "慈利县", "零阳街道办事处", "南街社区", "县人武部宿舍", 1986, 2, 36, 2980, ""],
        [2, "", "", "东街社区居委会", "县水电局宿舍", "1990年", 3, 54, 4620, ""],
        [3, "", "", "北街居委会", "城关粮站宿舍", 1984, 2, 30, 2450, "含临街门面"],
        ["", "零阳街道小计", "", "", "", "", 7, 120, 10050, ""],
        [4, "慈利县", "金慈街道", "龙坪社区", "县供电局宿舍", 1995, 4, 96, 8830, ""],
        [5, "", "", "金台居委会", "金台小区", "1999.10", 6, 150, 13900, ""],
        ["", "金慈街道小计", "", "", "", "", 10, 246, 22730, ""],
        ["合计", "", "", "", "", "", 17, 366, 32780, ""],
        [],
        ["填表人：张敏", "", "审核人：李卫东", "", "", "联系电话：0744-3221234", "", "", "", ""],
        ["填报日期：2020年8月28日", "", "", "", "", "单位（盖章）：慈利县住房和城乡建设局", "", "", "", ""],
    ]
    merges = ["A1:J1", "B3:B5", "C3:C5", "B6:F6", "B7:B8", "C7:C8", "B9:F9", "A10:F10"]
    return workbook(
        [
            Sheet(
                "慈利县",
                rows,
                merges=merges,
                widths=[6, 10, 16, 16, 16, 10, 8, 10, 14, 14],
                title_rows=1,
            )
        ]
    )


def county_headers() -> bytes:
    """03: 武陵源区's table: a two-row header whose place columns sit under one merged cell and
    are spelled as county tables spell them; the area in 万平方米."""
    rows: list[list[Any]] = [
        ["武陵源区老旧小区摸底调查表", "", "", "", "", "", "", ""],
        ["序号", "所在位置", "", "", "小区名称", "建成年份", "户数（户）", "建筑面积（万平方米）"],
        ["", "县（市、区）", "所在乡镇（街道）", "所在村（居）委会", "", "", "", ""],
        [1, "武陵源区", "军地坪街道", "吴家峪社区", "索溪峪宾馆宿舍", 1993, 64, 0.56],
        [2, "武陵源区", "锣鼓塔街道", "袁家界社区", "袁家界安置小区", 1999, 88, 0.792],
    ]
    merges = ["A1:H1", "A2:A3", "B2:D2", "E2:E3", "F2:F3", "G2:G3", "H2:H3"]
    return workbook(
        [
            Sheet(
                "武陵源区",
                rows,
                merges=merges,
                widths=[6, 12, 16, 16, 18, 10, 10, 14],
                title_rows=1,
                header_rows=2,
            )
        ]
    )


def combined_column() -> bytes:
    """04: street and community in one column, written four ways."""
    rows: list[list[Any]] = [
        ["序号", "所在区县", "所在街道及社区", "小区名称", "建成年份", "户数", "建筑面积（㎡）"],
        [1, "永定区", "官黎坪街道官黎坪社区", "交警支队宿舍", 1994, 60, 5400],
        [2, "永定区", "崇文街道/沿河社区", "沿河路32号院", 1987, 24, 1900],
        [3, "永定区", "南庄坪街道 邢家巷居委会", "邢家巷小区", 1997, 110, 9800],
        [4, "永定区", "三眼桥社区", "三眼桥安置小区", 2000, 96, 8900],
    ]
    return workbook([Sheet("台账", rows, widths=[6, 10, 26, 16, 10, 8, 14])])


def update_only() -> bytes:
    """05: two demo estates found by community and name; only 楼栋数 and 备注 sent."""
    rows: list[list[Any]] = [
        ["所属区县", "所属街道", "所属社区", "小区名称", "楼栋数", "备注"],
        ["永定区", "永定街道", "回龙居委会", "电力公司宿舍", "", "2020年9月回访：屋面防水保修期内无渗漏"],
        ["永定区", "官黎坪街道", "黄金塔居委会", "财政局宿舍", 4, "2020年9月复核：楼栋数无误"],
    ]
    return workbook([Sheet("更新", rows, widths=[10, 12, 14, 16, 8, 40])])


def warnings() -> bytes:
    """06: 桑植县 rows that read well but look wrong: square metres typed under 万平方米, and
    1938 typed for 1983."""
    rows: list[list[Any]] = [
        [
            "所属区县",
            "所属街道",
            "所属社区",
            "小区名称",
            "建成年份",
            "户数",
            "楼栋数",
            "建筑面积（万平方米）",
        ],
        ["桑植县", "澧源镇", "高家坪社区", "县汽运公司宿舍", 1990, 60, 3, 5400],
        ["桑植县", "澧源镇", "文昌街社区", "文昌街老民居", 1938, 24, 2, 0.18],
        ["桑植县", "瑞塔铺镇", "瑞市社区", "瑞塔铺粮站宿舍", 1996, 30, 2, 0.26],
    ]
    return workbook([Sheet("桑植县", rows, widths=[10, 10, 14, 18, 10, 8, 8, 20])])


def likely_duplicate() -> bytes:
    """07: the demo's 电力公司宿舍 sent again under the name with its buildings, and a 电力公司宿舍
    of another community (not a duplicate: likeness is judged within a community)."""
    rows: list[list[Any]] = [
        ["所属区县", "所属街道", "所属社区", "小区名称", "建成年份", "楼栋数", "户数", "建筑面积（㎡）"],
        ["永定区", "永定街道", "回龙居委会", "电力公司宿舍（1-3栋）", 1996, 3, 84, 8950],
        ["永定区", "永定街道", "解放居委会", "电力公司宿舍", 1984, 2, 40, 3300],
    ]
    return workbook([Sheet("台账", rows, widths=[10, 10, 12, 24, 10, 8, 8, 14])])


def plan_table() -> bytes:
    """08: 永定区's plan table: projects named "…老旧小区改造项目", works, the estimate in 万元,
    funding, the planned start and end (one as a date cell), a total row."""
    header = [
        "序号",
        "县（市、区）",
        "所在街道",
        "所在社区",
        "项目名称",
        "建成年代",
        "楼栋数",
        "涉及户数",
        "建筑面积（㎡）",
        "改造内容",
        "投资估算（万元）",
        "资金来源",
        "计划开工时间",
        "计划完工时间",
    ]
    rows: list[list[Any]] = [
        ["永定区2020年城镇老旧小区改造计划表", *[""] * 13],
        header,
        [
            1,
            "永定区",
            "西溪坪街道",
            "胡家岗居委会",
            "卷烟厂宿舍老旧小区改造项目",
            1988,
            4,
            96,
            8650,
            "雨污分流、屋面防水、燃气管道入户、加装电梯2部",
            386.52,
            "中央补助、省级配套、居民出资",
            "2020年10月",
            "2021.6",
        ],
        [
            2,
            "永定区",
            "崇文街道",
            "思善桥居委会",
            "思善桥小区老旧小区改造项目",
            1993,
            3,
            72,
            6900,
            "道路硬化、路灯、停车位、楼道粉刷、增设晾衣架",
            127.8,
            "中央补助、区级配套",
            dt.datetime(2020, 11, 1),
            "2021年5月",
        ],
        ["合计", "", "", "", "", "", 7, 168, 15550, "", 514.32, "", "", ""],
    ]
    return workbook(
        [
            Sheet(
                "2020年计划",
                rows,
                merges=["A1:N1", "A5:F5"],
                widths=[6, 10, 12, 14, 28, 10, 8, 10, 14, 36, 14, 26, 14, 14],
                title_rows=1,
                date_cells={"M4": "yyyy-mm-dd"},
            )
        ]
    )


def gbk_csv() -> bytes:
    """09: 桑植县's sheet saved by Excel on Chinese Windows as csv: GBK, no merged cells, its total
    row kept."""
    return excel_csv(
        [
            [
                "序号",
                "区县",
                "乡镇（街道）",
                "社区（居委会）",
                "小区名称",
                "建成年份",
                "户数",
                "建筑面积",
                "管理模式",
            ],
            [1, "桑植县", "澧源镇", "文明路社区", "县农机站宿舍", 1991, 42, 3680, "无物业"],
            [2, "桑植县", "澧源镇", "文昌街社区居委会", "文昌街小区", 1996, 88, 8100, "社区托管"],
            [3, "桑植县", "瑞塔铺镇", "鸟儿岭社区", "鸟儿岭安置小区", 2000, 56, 5300, "业主自治"],
            ["合计", "", "", "", "", "", 186, 17080, ""],
        ]
    )


EXAMPLES: dict[str, Callable[[], bytes]] = {
    "01-standard-template.xlsx": standard,
    "02-county-sheet.xlsx": county_sheet,
    "03-county-headers.xlsx": county_headers,
    "04-street-and-community.xlsx": combined_column,
    "05-update-only.xlsx": update_only,
    "06-warnings.xlsx": warnings,
    "07-likely-duplicate.xlsx": likely_duplicate,
    "08-plan-table.xlsx": plan_table,
    "09-excel-gbk.csv": gbk_csv,
}


def write_examples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in EXAMPLES.items():
        path = folder / name
        path.write_bytes(build())
        written.append(path)
    return written


class Command(BaseCommand):
    help = "Write the user guide's example ledgers (docs/examples/) into FOLDER."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, folder: Path, **options: Any) -> None:
        for path in write_examples(folder):
            self.stdout.write(f"已写入 {path}")
