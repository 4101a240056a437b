"""Fixtures of the estate tests: a city that is not the demo's, from the national table."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from huanxin.regions.models import Region
from huanxin.regions.national import TABLE, regions_load_national

LIXIA = "370102"


@pytest.fixture(scope="session")
def lixia_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """历下区 and its ancestors, cut from the national table once per run."""
    path = tmp_path_factory.mktemp("divisions") / "lixia.csv.xz"
    with lzma.open(TABLE, "rt", encoding="utf-8") as source, lzma.open(path, "wt", encoding="utf-8") as out:
        for line in source:
            code = line.split(",", 1)[0]
            if code == "code" or code.startswith(LIXIA) or code in ("370000000000", "370100000000"):
                out.write(line)
    return path


@pytest.fixture
def lixia(lixia_table: Path) -> Region:
    regions_load_national(path=lixia_table, within=LIXIA)
    return Region.objects.by_code(LIXIA)
