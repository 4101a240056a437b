"""The estate ledger as files: exports of a filtered list and the blank template."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from huanxin.core.spreadsheets import SheetOut, write_csv, write_xlsx
from huanxin.estates.ledger_columns import TEMPLATE_COLUMNS, TEMPLATE_NOTES, ledger_header, ledger_row

WIDTHS = [column.width for column in TEMPLATE_COLUMNS]


def estates_xlsx(estates: Iterable[Any], title: str = "") -> bytes:
    rows = (ledger_row(estate) for estate in estates)
    return write_xlsx(
        [SheetOut(name=_("小区台账"), header=ledger_header(), rows=rows, widths=WIDTHS, title=title)]
    )


def estates_csv(estates: Iterable[Any]) -> bytes:
    return write_csv(ledger_header(), (ledger_row(estate) for estate in estates))


def ledger_template_xlsx() -> bytes:
    example = [
        "",
        "示例：电力公司宿舍",
        "",
        "永定区",
        "永定街道",
        "回龙居委会",
        "岩塔路北侧",
        1996,
        3,
        84,
        8950,
        "国网张家界供电公司",
        "业主自治",
        "",
        "",
        "（示例行，填写前请删除）",
    ]
    return write_xlsx(
        [
            SheetOut(name=_("小区台账"), header=ledger_header(), rows=[example], widths=WIDTHS),
            SheetOut(
                name=_("填表说明"),
                header=[str(TEMPLATE_NOTES[0])],
                rows=[[str(note)] for note in TEMPLATE_NOTES[1:]],
                widths=[100],
            ),
        ]
    )
