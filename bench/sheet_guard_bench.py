"""Hostile spreadsheets (step 9): the peak memory and time of refusing each, in a fresh process.

- a small xlsx whose only cells are A1 and XFD1048576 (the reader once allocated all 17 billion
  cells between them and aborted the process);
- a zip bomb: an xlsx of about 1 MB whose shared strings expand to 1 GB of zeros;
- the same bomb with the ratio check lifted, refused by the unpacked-size limit;
- a lying bomb: the member's headers declare 1 KB, so only the streamed read finds the truth.

The target is a peak (maxrss) under 200 MB for every refusal. Run:
`.venv/bin/python bench/sheet_guard_bench.py`; the numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GB = 2**30


def far_corner() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "小区名称"  # type: ignore[index]
    book.active["XFD1048576"] = 1  # type: ignore[index]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb(size: int) -> bytes:
    """An xlsx with a clean sheet and `size` bytes of zeros as its shared strings, written a
    megabyte at a time so that making it costs no memory either."""
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return packed.getvalue()


def lying(content: bytes) -> bytes:
    """The bomb with the shared strings' declared size cut to 1 KB in both headers."""
    data = bytearray(content)
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = struct.unpack_from("<H", data, start + name_length_at)[0]
            if data[start + name_at : start + name_at + length] == b"xl/sharedStrings.xml":
                struct.pack_into("<I", data, start + size_at, 1024)
            start += 4
    return bytes(data)


def refuse(path: str, settings: dict[str, str]) -> None:
    """In the child: read the file through the guarded reader; print what happened."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanxin.settings")
    os.environ.update(settings)
    django.setup()
    from huanxin.core.errors import Invalid
    from huanxin.core.spreadsheets import read_tables

    content = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        read_tables(name="bench.xlsx", content=content)
        outcome = "read"
    except Invalid as error:
        outcome = error.message
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"outcome": outcome, "seconds": seconds, "peak_mb": peak / 1024, "before_mb": before / 1024}
        )
    )


def main() -> None:
    cases = {
        "A1 + XFD1048576": (far_corner(), {}),
        "zip bomb, 1 GB of zeros": (bomb(GB), {}),
        "the bomb, ratio check lifted": (bomb(GB), {"HUANXIN_SHEET_MAX_RATIO": "1000000000"}),
        "the bomb, headers say 1 KB": (lying(bomb(GB)), {"HUANXIN_SHEET_MAX_RATIO": "1000000000"}),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, (content, settings) in cases.items():
            path = Path(tmp) / "file.xlsx"
            path.write_bytes(content)
            child = subprocess.run(
                [sys.executable, __file__, "--refuse", str(path), json.dumps(settings)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "HUANXIN_VAR_DIR": tmp},
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            rows.append((label, len(content), result))
            print(f"{label}: {len(content) / 1024:,.0f} KB → {result['outcome']}")
            print(f"    {result['seconds']:.2f} s, peak {result['peak_mb']:.0f} MB", end="")
            print(f" (after start-up {result['before_mb']:.0f} MB)")
    print("\n| file | size | refused with | time | peak memory |\n|---|---|---|---|---|")
    for label, size, result in rows:
        print(
            f"| {label} | {size / 1024:,.0f} KB | {result['outcome']} | {result['seconds']:.2f} s | "
            f"{result['peak_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--refuse":
        refuse(sys.argv[2], json.loads(sys.argv[3]))
    else:
        main()
