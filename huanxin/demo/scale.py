"""Synthetic registries at the sizes Huanxin must serve (SPEC 7; `huanxin generate`): a city
(张家界, about 400 estates), a province (湖南, about 20,000) or the nation (about 250,000 estates
holding some 40 million households), on the real division table, reproducible from a seed.

Rows are written in bulk (`core.bulk`: COPY on PostgreSQL), with their history, on the
registry's own day, so that every page and figure — live or as of a past day — reads them as it
reads records made through the services. What is generated is internally consistent: each
estate's code is its community's code and a serial, each community a real residents' committee
of the table, areas and buildings follow households."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from huanxin.catalog.services import menu_load_defaults
from huanxin.core import clock
from huanxin.core.bulk import bulk_write
from huanxin.core.errors import Refused
from huanxin.core.history import history_copy_rows
from huanxin.demo.scale_projects import generate_program
from huanxin.estates.models import Estate, ManagementMode
from huanxin.funding.services import national_sources_load
from huanxin.regions.models import Region
from huanxin.regions.national import regions_load_national
from huanxin.regions.rules import Level


@dataclass(frozen=True)
class Scale:
    name: str
    within: str  # the subtree of the division table it covers ("" = the nation)
    estates: int


SCALES = {
    "city": Scale("city", "4308", 400),
    "province": Scale("province", "43", 20_000),
    "nation": Scale("nation", "", 250_000),
}
REGISTERED_ON = dt.date(2019, 1, 15)  # the registry's day: figures as of earlier days hold none
GENERATED = "生成数据"  # history's reason, in the program's language

PLACES = [
    "长青",
    "向阳",
    "建设",
    "光明",
    "红旗",
    "新华",
    "人民",
    "和平",
    "东风",
    "胜利",
    "团结",
    "文化",
    "幸福",
    "解放",
    "朝阳",
    "民主",
    "前进",
    "友谊",
    "工农",
    "跃进",
]
UNITS = [
    "电力",
    "粮食",
    "财政",
    "供销",
    "邮电",
    "税务",
    "纺织",
    "机械",
    "化肥",
    "水泥",
    "运输",
    "农机",
    "卫生",
    "教育",
    "银行",
    "商业",
]
SUFFIXES = ["小区", "新村", "宿舍", "家属区", "大院", "花园"]
MODES = [mode.value for mode in ManagementMode]
ESTATE_COLUMNS = [
    "code",
    "name",
    "aliases",
    "address",
    "region_id",
    "year_built",
    "building_count",
    "households",
    "floor_area_m2",
    "property_right_unit",
    "management_mode",
    "in_shantytown_plan",
    "planned_demolition",
    "self_built_area",
    "urban_village",
    "notes",
    "registered_on",
    "version",
]


@dataclass
class Generated:
    regions: int = 0
    estates: int = 0
    households: int = 0
    projects: int = 0
    items: int = 0
    reports: int = 0
    ledger_entries: int = 0
    seconds: float = 0.0


def generate(scale: Scale, *, seed: int = 2019, say: Callable[[str], None] = lambda line: None) -> Generated:
    """Fill an empty registry at `scale`. Refused when estates exist: generated rows are never
    mixed with real ones."""
    if Estate.objects.exists():
        raise Refused("数据库中已有小区，生成数据只能写入空库")
    started = time.monotonic()
    result = Generated()
    with clock.pinned(REGISTERED_ON), transaction.atomic():
        report = regions_load_national(within=scale.within, actor_name=GENERATED)
        result.regions = report.added
        say(f"区划 {report.added:,} 个")
        # Each city's menu is its own: the generated one is the default list, at the top node.
        top = Level.CITY if scale.name == "city" else Level.PROVINCE
        for owner in Region.objects.filter(level=top, code__startswith=scale.within).order_by("code"):
            menu_load_defaults(owner=owner)
        national_sources_load()
        communities = urban_communities(scale.within)
        random_source = random.Random(seed)
        households = [0]

        def rows() -> Iterator[list[object]]:
            for row in estate_rows(communities, scale.estates, random_source):
                households[0] += row[7]  # type: ignore[operator]
                yield row

        result.estates = bulk_write(Estate, ESTATE_COLUMNS, rows())
        result.households = households[0]
        ids = list(Estate.objects.values_list("pk", flat=True))
        history_copy_rows(Estate, ids, kind="+", by=None, reason=GENERATED)
        say(f"小区 {result.estates:,} 个，{result.households:,} 户")
        program = generate_program(random_source, within=scale.within)
        result.projects, result.items, result.reports = program.projects, program.items, program.reports
        result.ledger_entries = program.ledger_entries
        say(f"项目 {program.projects:,} 个，改造内容 {program.items:,} 项，进度报告 {program.reports:,} 条")
        say(f"资金计划明细 {program.funding_lines:,} 条，资金收支 {program.ledger_entries:,} 笔")
    if connection.vendor == "postgresql":
        # Fresh statistics, as after any bulk load: without them the planner takes the new tables
        # for empty and nests loops over hundreds of thousands of rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result.seconds = time.monotonic() - started
    return result


def urban_communities(within: str) -> list[tuple[int, str]]:
    """The residents' committees (居委会, village-level codes 001–199) of the subtree: where old
    estates are. Village committees (2xx) hold none."""
    communities = Region.objects.current().filter(level=Level.COMMUNITY, code__startswith=within)
    return [
        (pk, code)
        for pk, code in communities.order_by("code").values_list("pk", "code")
        if "001" <= code[9:12] <= "199"
    ]


MOST_PER_COMMUNITY = 999  # the code's three-digit serial


def estate_rows(communities: list[tuple[int, str]], count: int, rng: random.Random) -> Iterator[list[object]]:
    """`count` estates spread over `communities`, in code order. A town's first committees (its
    old centre) draw a fifth of them besides their share: old estates cluster."""
    if not communities:
        return
    centres = [index for index, (_pk, code) in enumerate(communities) if code[9:12] == "001"] or [0]
    per_community = [0] * len(communities)
    for _ in range(min(count, MOST_PER_COMMUNITY * len(communities))):
        index = rng.choice(centres) if rng.random() < 0.2 else rng.randrange(len(communities))
        while per_community[index] >= MOST_PER_COMMUNITY:
            index = rng.randrange(len(communities))
        per_community[index] += 1
    for (region_id, code), estates in zip(communities, per_community, strict=True):
        for serial in range(1, estates + 1):
            yield _estate_row(region_id, code, serial, rng)


def _estate_row(region_id: int, code: str, serial: int, rng: random.Random) -> list[object]:
    households = max(12, int(rng.lognormvariate(4.85, 0.6)))  # median ≈ 128, mean ≈ 160
    area = Decimal(households * rng.uniform(55, 95)).quantize(Decimal("0.01"))
    year = int(rng.triangular(1955, 2015, 1992))
    if rng.random() < 0.5:
        name = f"{rng.choice(UNITS)}{rng.choice(['局', '公司', '厂'])}{rng.choice(SUFFIXES[2:4])}"
    else:
        name = f"{rng.choice(PLACES)}{rng.choice(SUFFIXES)}"
    return [
        f"{code}-{serial:03d}",
        name if serial == 1 else f"{name}{serial}",
        "",
        f"{rng.choice(PLACES)}路{rng.randint(1, 300)}号",
        region_id,
        year,
        max(1, households // rng.randint(18, 36)),
        households,
        area,
        "",
        rng.choice(MODES),
        False,
        False,
        False,
        False,
        "",
        REGISTERED_ON,
        1,
    ]
