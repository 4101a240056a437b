"""Real ledger files made in the tests: openpyxl for xlsx, LibreOffice for the old xls."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER: list[Any] = ["小区名称", "所属区县", "所属街道", "所属社区", "建成年份", "户数", "建筑面积（㎡）"]
ROWS: list[list[Any]] = [
    ["电力公司宿舍", "永定区", "永定街道", "回龙居委会", 1996, 84, 8950],
    ["财政局宿舍", "永定区", "官黎坪街道", "黄金塔居委会", "1995年", 96, "10,780㎡"],
]


def xlsx(rows: Sequence[Any], *, title: str = "", sheet: str = "台账", merges: Sequence[str] = ()) -> bytes:
    """`rows`: each a sequence of cells (typed loosely: a test's rows mix texts and numbers)."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    for row in rows:
        worksheet.append(list(row))
    for cells in merges:
        worksheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Any], encoding: str = "utf-8") -> bytes:
    text = "\n".join(",".join(str(cell) for cell in row) for row in rows) + "\n"
    return text.encode(encoding)


def soffice_available() -> bool:
    return shutil.which("soffice") is not None


def convert(content: bytes, *, source: str, target: str) -> bytes:
    """Save a file as LibreOffice would (xlsx → xls, for instance)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ledger.{source}"
        path.write_bytes(content)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                folder,
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(folder) / f"ledger.{target}").read_bytes()
