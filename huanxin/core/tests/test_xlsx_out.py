"""Every xlsx export reads as an office expects: a title row, a bold header frozen above the rows,
thousands separators with the same decimals down a column (years and codes plain), columns as wide
as what they hold."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from huanxin.core.spreadsheets import SheetOut, write_xlsx


def test_an_export_has_a_frozen_header_number_formats_and_fitted_columns() -> None:
    content = write_xlsx(
        [
            SheetOut(
                name="小区台账",
                title="小区台账（永定区，截至2020-09-01）",
                header=["小区名称", "建成年份", "户数", "建筑面积（㎡）", "估算投资（元）"],
                rows=[
                    ["官黎坪社区市委二号院（含宿舍区）", 1995, 1260, Decimal("13870.5"), Decimal("6480000")],
                    ["小区", 1988, 12, Decimal("800"), Decimal("1.25")],
                ],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "小区台账（永定区，截至2020-09-01）" and sheet["A1"].font.bold
    assert sheet["A2"].value == "小区名称" and sheet["A2"].font.bold
    assert sheet.freeze_panes == "A3"  # the title and the header stay in view
    assert sheet["B3"].number_format == "General"  # a year: 1995, not 1,995
    assert sheet["C3"].number_format == "#,##0"
    assert sheet["D3"].number_format == sheet["D4"].number_format == "#,##0.00"  # the same decimals down
    assert sheet["E3"].number_format == "#,##0.00"
    name_width = sheet.column_dimensions["A"].width
    assert name_width >= 2 * len("官黎坪社区市委二号院") and name_width <= 60  # fits the longest name
    assert sheet.column_dimensions["C"].width < name_width
