"""The demo city's one seeded plan (DEMO.md).

Everything the demo needs is decided here, up front and without a database: every estate's
facts and also its fate — not planned, in the pool for 2021, in the 2019 or 2020 plan (with its
state and progress as of 2020-09-01 and its estimated cost), or cancelled. Each published figure
is then an exact sum over a subset. Later steps read the same plan instead of picking subsets
anew, so the figures hold as the demo grows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache

SEED = 20200901
DEMO_TODAY = "2020-09-01"
CUTOFF_YEAR = 2000

# The published figures (DEMO.md).
OLD_ESTATES = 373
OLD_AREA = 3_367_400
OLD_HOUSEHOLDS = 29_738
PLANNED_PROJECTS = 172
PLANNED_HOUSEHOLDS = 23_499
PLANNED_AREA = 2_588_740
PLANNED_COST = 1_548_000_000
COMPLETED_PROJECTS = 41
COMPLETED_HOUSEHOLDS = 4_138

# The three disjoint groups whose sums are fixed.
GROUP_COMPLETED = (41, 4_138)
GROUP_PLANNED_OPEN = (131, 19_361)
GROUP_NOT_PLANNED = (201, 6_239)
NOT_PLANNED_AREA = 778_660

NEWER_ESTATES = 24  # built after 2000: in the registry, never in the old-estate figures
CANCELLED = 3  # in the 2019/2020 plans once, cancelled later; counted by no published figure
POOL_2021 = 64


class Fate(StrEnum):
    COMPLETED = "completed"
    PLANNED = "planned"  # in the 2019 or 2020 plan, not completed by the demo date
    POOL_2021 = "pool_2021"
    NOT_PLANNED = "not_planned"
    CANCELLED = "cancelled"
    NEWER = "newer"  # built after the cutoff


@dataclass
class EstatePlan:
    key: str
    name: str
    community: str  # 12-digit code
    year_built: int
    households: int
    floor_area_m2: int
    buildings: int
    floors: int
    management_mode: str
    property_right_unit: str
    fate: Fate
    address: str = ""
    aliases: str = ""
    notes: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    plan_year: int | None = None
    state: str | None = None  # project state on 2020-09-01 (SPEC 5.3 names)
    progress: Decimal | None = None  # 0..1 on 2020-09-01
    planned_end: str | None = None
    estimated_cost: int | None = None  # yuan
    gated: bool = False
    deficiencies: dict[str, str] = field(default_factory=dict)  # menu code → severity
    roster: bool = False  # the community has entered its household roster
    design_quantities: dict[str, int] = field(default_factory=dict)  # menu code → designed quantity


# District code → (share of estates, centre lat, lng).
DISTRICTS = {
    "430802": (0.60, 29.125, 110.479),
    "430811": (0.08, 29.345, 110.548),
    "430821": (0.17, 29.429, 111.132),
    "430822": (0.15, 29.398, 110.163),
}
# District code → the demo's communities in it: every community of regions.csv (real residents'
# committees of the national table), street by street in code order. The seeded draw picks from
# these lists by position, so their order and lengths decide where each estate lands.
COMMUNITIES = {
    "430802": [
        "430802001001",  # 永定街道 回龙居委会
        "430802001002",  # 永定街道 北正居委会
        "430802001003",  # 永定街道 解放居委会
        "430802001004",  # 永定街道 教场居委会
        "430802002001",  # 大庸桥街道 大庸桥居委会
        "430802002002",  # 大庸桥街道 热水坑居委会
        "430802002003",  # 大庸桥街道 且住岗居委会
        "430802003001",  # 西溪坪街道 胡家岗居委会
        "430802003002",  # 西溪坪街道 覃家岗居委会
        "430802003003",  # 西溪坪街道 西溪坪居委会
        "430802004001",  # 官黎坪街道 官黎坪居委会
        "430802004002",  # 官黎坪街道 黄金塔居委会
        "430802004003",  # 官黎坪街道 鲤鱼池居委会
        "430802004004",  # 官黎坪街道 白羊坡居委会
        "430802005001",  # 崇文街道 沿河居委会
        "430802005002",  # 崇文街道 南正居委会
        "430802005003",  # 崇文街道 思善桥居委会
        "430802006001",  # 南庄坪街道 南庄坪居委会
        "430802006002",  # 南庄坪街道 邢家巷居委会
        "430802006003",  # 南庄坪街道 三眼桥居委会
    ],
    "430811": [
        "430811001001",  # 军地坪街道 吴家峪居委会
        "430811001002",  # 军地坪街道 宝峰路居委会
        "430811002001",  # 锣鼓塔街道 锣鼓塔社区
        "430811002002",  # 锣鼓塔街道 袁家界社区
    ],
    "430821": [
        "430821001001",  # 零阳街道 南街居委会
        "430821001002",  # 零阳街道 东街居委会
        "430821001003",  # 零阳街道 北街居委会
        "430821002001",  # 金慈街道 龙坪居委会
        "430821002002",  # 金慈街道 金台居委会
    ],
    "430822": [
        "430822100001",  # 澧源镇 高家坪社区居委会
        "430822100003",  # 澧源镇 文明路社区居委会
        "430822100005",  # 澧源镇 文昌街社区居委会
        "430822101001",  # 瑞塔铺镇 瑞市居委会
        "430822101002",  # 瑞塔铺镇 鸟儿岭居委会
    ],
}
YONGDING_HUILONG = "430802001001"  # 永定街道 回龙居委会: 电力公司宿舍, north of 岩塔路
GUANLIPING_HUANGJINTA = "430802004002"  # 官黎坪街道 黄金塔居委会: 财政局宿舍, south of 大庸路
GUANLIPING_COMMUNITY = "430802004001"  # 官黎坪街道 官黎坪居委会: the demo login `shequ`

BASIC = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B10"]
OTHER = ["I01", "I02", "I03", "I04", "I05", "I06", "I07", "E01", "E02", "E03", "E04"]

NAMED = [
    EstatePlan(
        key="dianli",
        name="电力公司宿舍",
        community=YONGDING_HUILONG,
        year_built=1996,
        households=84,
        floor_area_m2=8_950,
        buildings=3,
        floors=6,
        management_mode="self_managed",
        property_right_unit="国网张家界供电公司",
        fate=Fate.COMPLETED,
        plan_year=2019,
        state="handed_over",
        progress=Decimal(1),
        planned_end="2020-06-30",
        estimated_cost=3_050_000,
        address="岩塔路北侧",
        notes="2020年1月至6月改造：雨污分流、屋面防水、燃气管道、消防、照明、道路修复、化粪池清掏新建、"
        "水电气及弱电线路更新、台阶扶手楼道窗户维修、拆除违建、停车位重新规划、增设健身器材。",
        latitude=Decimal("29.131520"),
        longitude=Decimal("110.476210"),
        deficiencies={
            "B02": "hazardous",
            "B09": "major",
            "B05": "major",
            "B01": "minor",
            "B04": "minor",
            "B07": "major",
            "B06": "major",
            "B10": "minor",
            "I01": "minor",
            "I03": "minor",
            "I04": "minor",
            "I07": "minor",
        },
        roster=True,
    ),
    EstatePlan(
        key="caizhengju",
        name="财政局宿舍",
        community=GUANLIPING_HUANGJINTA,
        year_built=1995,
        households=96,
        floor_area_m2=10_780,
        buildings=4,
        floors=6,
        management_mode="property_unit",
        property_right_unit="张家界市财政局",
        fate=Fate.COMPLETED,
        plan_year=2019,
        state="accepted",
        progress=Decimal(1),
        planned_end="2020-03-15",
        estimated_cost=4_180_000,
        address="大庸路南侧",
        notes="约半年前完工：道路重新硬化、下水道清淤、外墙重新粉刷。",
        latitude=Decimal("29.118310"),
        longitude=Decimal("110.482950"),
        deficiencies={"B06": "major", "B02": "major", "B10": "minor"},
    ),
    EstatePlan(
        key="nonghang",
        name="市农行宿舍",
        community="430802002001",  # 大庸桥街道 大庸桥居委会
        year_built=1993,
        households=72,
        floor_area_m2=7_960,
        buildings=3,
        floors=6,
        management_mode="property_unit",
        property_right_unit="中国农业银行张家界分行",
        fate=Fate.COMPLETED,
        plan_year=2019,
        state="accepted",
        progress=Decimal(1),
        planned_end="2020-05-31",
        estimated_cost=3_260_000,
        latitude=Decimal("29.121740"),
        longitude=Decimal("110.469880"),
        deficiencies={"B01": "major", "B03": "major", "B06": "minor", "B10": "minor"},
    ),
    EstatePlan(
        key="shiyou",
        name="石油公司宿舍",
        community="430802003001",  # 西溪坪街道 胡家岗居委会
        year_built=1991,
        households=110,
        floor_area_m2=12_320,
        buildings=5,
        floors=5,
        management_mode="professional",
        property_right_unit="中国石油张家界销售分公司",
        fate=Fate.COMPLETED,
        plan_year=2019,
        state="handed_over",
        progress=Decimal(1),
        planned_end="2019-12-31",
        estimated_cost=5_120_000,
        gated=True,
        notes="道路硬化、绿化、水气系统更新、污水管网重建；已实行封闭式管理和停车管理。",
        latitude=Decimal("29.113960"),
        longitude=Decimal("110.458310"),
        deficiencies={
            "B06": "major",
            "B01": "major",
            "B05": "major",
            "B02": "hazardous",
            "I02": "minor",
            "B08": "minor",
            "I04": "minor",
        },
    ),
    EstatePlan(
        key="shiwei2",
        name="市委二号院",
        community=GUANLIPING_COMMUNITY,
        year_built=1992,
        households=126,
        floor_area_m2=13_870,
        buildings=6,
        floors=6,
        management_mode="none",
        property_right_unit="中共张家界市委机关",
        fate=Fate.PLANNED,
        plan_year=2020,
        state="construction",
        progress=Decimal("0.90"),
        planned_end="2020-09-30",
        estimated_cost=6_480_000,
        address="子午路市委机关大院内",
        notes="雨污管网已铺设，单元入户地坪已完成，门卫室基层施工中；施工队伍坚持度过7月汛期。",
        latitude=Decimal("29.112840"),
        longitude=Decimal("110.487120"),
        deficiencies={
            "B02": "hazardous",
            "B06": "major",
            "B08": "major",
            "B10": "major",
            "B03": "minor",
            "I02": "minor",
            "E01": "minor",
        },
        roster=True,
        design_quantities={"E01": 36},  # the guard room (门卫室)
    ),
]

UNITS = [
    "交通局",
    "粮食局",
    "物资局",
    "商业局",
    "供销社",
    "税务局",
    "工商局",
    "邮电局",
    "电信局",
    "建设银行",
    "工商银行",
    "人民银行",
    "中国银行",
    "水利局",
    "林业局",
    "卫生局",
    "人民医院",
    "中医院",
    "一中",
    "二中",
    "民族中学",
    "师范学校",
    "烟草公司",
    "医药公司",
    "百货公司",
    "五金公司",
    "糖酒公司",
    "食品公司",
    "汽车站",
    "运输公司",
    "自来水公司",
    "燃气公司",
    "建筑公司",
    "机械厂",
    "水泥厂",
    "纺织厂",
    "酒厂",
    "茶厂",
    "印刷厂",
    "化肥厂",
    "农机公司",
    "外贸公司",
    "保险公司",
    "公安局",
    "检察院",
    "法院",
    "文化局",
    "广播电视局",
    "教育局",
    "气象局",
    "地质队",
    "勘测队",
]
UNIT_SUFFIXES = ["宿舍", "家属区", "生活区"]
PLACES = [
    "紫舞",
    "岩塔",
    "解放",
    "北正",
    "大庸",
    "古庸",
    "迎宾",
    "西溪",
    "马儿山",
    "澧兰",
    "官黎",
    "滨河",
    "天门",
    "南庄",
    "教场",
    "金海",
    "崇文",
    "子午",
    "白马泉",
    "军地",
    "吴家峪",
    "索溪",
    "画卷",
    "零阳",
    "笔架",
    "沙坪",
    "龙峰",
    "丰谷",
    "澧源",
    "朱家台",
    "廖家台",
    "瑞塔",
    "空壳树",
    "回龙",
    "永兴",
    "人民",
    "新华",
    "和平",
    "建设",
    "胜利",
]
PLACE_SUFFIXES = ["小区", "新村", "大院", "花园", "街坊", "一村", "二村"]
MODES_OLD = ["none", "none", "none", "property_unit", "property_unit", "community_custody", "self_managed"]
MODES_NEW = ["professional", "professional", "entrusted"]


def _split(total: int, count: int, rng: random.Random, low: float, high: float, floor: int) -> list[int]:
    """`count` positive integers summing exactly to `total`; the last one absorbs the rounding."""
    weights = [rng.uniform(low, high) for _ in range(count)]
    scale = total / sum(weights)
    parts = [max(floor, round(weight * scale)) for weight in weights[:-1]]
    last = total - sum(parts)
    if last < floor:
        raise ValueError("the split left the absorbing estate too small; change the seed or bounds")
    return [*parts, last]


def _names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    pool = [unit + suffix for unit in UNITS for suffix in UNIT_SUFFIXES]
    pool += [place + suffix for place in PLACES for suffix in PLACE_SUFFIXES]
    pool = [name for name in pool if name not in taken]
    rng.shuffle(pool)
    if len(pool) < count:
        raise ValueError("not enough demo names")
    return pool[:count]


def _district_for(index: int, rng: random.Random) -> str:
    roll = rng.random()
    total = 0.0
    for code, (share, _lat, _lng) in DISTRICTS.items():
        total += share
        if roll < total:
            return code
    return "430802"


def _deficiencies(rng: random.Random, *, has_basic: bool) -> dict[str, str]:
    found: dict[str, str] = {}
    if has_basic:
        for code in rng.sample(BASIC, rng.randint(2, 5)):
            found[code] = rng.choice(["minor", "major", "major", "hazardous"])
    for code in rng.sample(OTHER, rng.randint(0, 3)):
        found[code] = rng.choice(["minor", "major"])
    return found


@cache
def demo_plan() -> tuple[EstatePlan, ...]:
    rng = random.Random(SEED)
    named = {plan.key: plan for plan in NAMED}
    named_completed = [p for p in NAMED if p.fate == Fate.COMPLETED]
    named_open = [p for p in NAMED if p.fate == Fate.PLANNED]

    completed_n = GROUP_COMPLETED[0] - len(named_completed)
    open_n = GROUP_PLANNED_OPEN[0] - len(named_open)
    not_planned_n = GROUP_NOT_PLANNED[0]
    names = iter(_names(rng, completed_n + open_n + not_planned_n + NEWER_ESTATES, {p.name for p in NAMED}))

    completed_households = _split(
        GROUP_COMPLETED[1] - sum(p.households for p in named_completed), completed_n, rng, 50, 150, 20
    )
    open_households = _split(
        GROUP_PLANNED_OPEN[1] - sum(p.households for p in named_open), open_n, rng, 60, 240, 20
    )
    not_planned_households = _split(GROUP_NOT_PLANNED[1], not_planned_n, rng, 12, 50, 8)

    plans: list[EstatePlan] = []

    def make(households: int, fate: Fate, year_range: tuple[int, int]) -> EstatePlan:
        district = _district_for(len(plans), rng)
        community = rng.choice(COMMUNITIES[district])
        _share, lat, lng = DISTRICTS[district]
        buildings = max(1, round(households / rng.uniform(18, 36)))
        old = fate != Fate.NEWER
        plan = EstatePlan(
            key=f"E{len(plans) + 1:03d}",
            name=next(names),
            community=community,
            year_built=rng.randint(*year_range),
            households=households,
            floor_area_m2=0,
            buildings=buildings,
            floors=rng.choice([4, 5, 5, 6, 6, 7]) if old else rng.choice([6, 11, 18]),
            management_mode=rng.choice(MODES_OLD if old else MODES_NEW),
            property_right_unit="",
            fate=fate,
            latitude=Decimal(f"{lat + rng.uniform(-0.02, 0.02):.6f}"),
            longitude=Decimal(f"{lng + rng.uniform(-0.02, 0.02):.6f}"),
            deficiencies=_deficiencies(
                rng, has_basic=old and (fate != Fate.NOT_PLANNED or rng.random() < 0.8)
            ),
        )
        if plan.name.endswith(tuple(UNIT_SUFFIXES)) and old:
            plan.property_right_unit = (
                "张家界市" + plan.name[: -len(next(s for s in UNIT_SUFFIXES if plan.name.endswith(s)))]
            )
        plans.append(plan)
        return plan

    completed = [*named_completed, *(make(h, Fate.COMPLETED, (1980, 1999)) for h in completed_households)]
    open_ = [*named_open, *(make(h, Fate.PLANNED, (1980, 2000)) for h in open_households)]
    not_planned = [make(h, Fate.NOT_PLANNED, (1978, 2000)) for h in not_planned_households]
    newer = [make(rng.randint(60, 400), Fate.NEWER, (2001, 2012)) for _ in range(NEWER_ESTATES)]

    # Floor area: ~110 ㎡ a household in planned estates, ~125 elsewhere; the last unnamed estate
    # of each group takes the rounding, so the group sums are exact.
    planned_unnamed = [p for p in completed + open_ if p.key not in named]
    _fill_area(planned_unnamed, PLANNED_AREA - sum(p.floor_area_m2 for p in NAMED), rng, 100, 122)
    _fill_area(not_planned, NOT_PLANNED_AREA, rng, 112, 138)
    for plan in newer:
        plan.floor_area_m2 = round(plan.households * rng.uniform(95, 130))

    _fill_cost(planned_unnamed, PLANNED_COST - sum(p.estimated_cost or 0 for p in NAMED), rng)
    _assign_fates(completed, open_, not_planned, named, rng)
    _seed_pool_and_cancelled(not_planned, rng)

    ordered = [*completed, *open_, *not_planned, *newer]
    for plan in ordered:
        if plan.key in named:
            continue
        plan.address = _address(plan, rng)
    return tuple(ordered)


def _fill_area(plans: list[EstatePlan], total: int, rng: random.Random, low: float, high: float) -> None:
    raw = [p.households * rng.uniform(low, high) for p in plans]
    scale = total / sum(raw)
    for plan, value in zip(plans[:-1], raw[:-1], strict=True):
        plan.floor_area_m2 = round(value * scale)
    plans[-1].floor_area_m2 = total - sum(p.floor_area_m2 for p in plans[:-1])


def _fill_cost(plans: list[EstatePlan], total: int, rng: random.Random) -> None:
    """Estimated costs in whole thousands of yuan, but for the estate that absorbs the rounding."""
    raw = [p.households * rng.uniform(45_000, 90_000) for p in plans]
    scale = total / sum(raw)
    for plan, value in zip(plans[:-1], raw[:-1], strict=True):
        plan.estimated_cost = int(round(value * scale, -3))
    plans[-1].estimated_cost = total - sum(p.estimated_cost or 0 for p in plans[:-1])


def _assign_fates(
    completed: list[EstatePlan],
    open_: list[EstatePlan],
    not_planned: list[EstatePlan],
    named: dict[str, EstatePlan],
    rng: random.Random,
) -> None:
    """2019 plan: the completed and the rest of its projects building or awaiting acceptance;
    2020 plan: projects from approval to construction."""
    for plan in completed:
        if plan.key in named:
            continue
        plan.plan_year = 2019
        plan.state = rng.choice(["accepted", "accepted", "handed_over"])
        plan.progress = Decimal(1)
        plan.planned_end = f"2020-{rng.randint(1, 8):02d}-{rng.randint(1, 28):02d}"
    unnamed_open = [p for p in open_ if p.key not in named]
    for index, plan in enumerate(unnamed_open):
        if index < 49:
            plan.plan_year = 2019
            plan.state = "awaiting_acceptance" if index < 9 else "construction"
            plan.progress = Decimal(1) if index < 9 else Decimal(rng.randint(55, 98)) / 100
            plan.planned_end = f"2020-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            plan.plan_year = 2020
            plan.state, low, high = rng.choice(
                [
                    ("approved", 0, 0),
                    ("design", 0, 0),
                    ("publicity", 0, 0),
                    ("tender", 0, 0),
                    ("construction", 5, 80),
                    ("construction", 5, 80),
                ]
            )
            plan.progress = Decimal(rng.randint(low, high)) / 100
            plan.planned_end = f"2021-{rng.randint(3, 9):02d}-{rng.randint(1, 28):02d}"


def _seed_pool_and_cancelled(not_planned: list[EstatePlan], rng: random.Random) -> None:
    eligible = [p for p in not_planned if any(code in BASIC for code in p.deficiencies)]
    chosen = rng.sample(eligible, POOL_2021 + CANCELLED)
    for plan in chosen[:CANCELLED]:
        plan.fate = Fate.CANCELLED
        plan.plan_year = rng.choice([2019, 2020])
        plan.state = "cancelled"
        plan.estimated_cost = int(round(plan.households * rng.uniform(45_000, 90_000), -3))
    for plan in chosen[CANCELLED:]:
        plan.fate = Fate.POOL_2021
        plan.estimated_cost = int(round(plan.households * rng.uniform(45_000, 90_000), -3))


def _address(plan: EstatePlan, rng: random.Random) -> str:
    roads = [
        "解放路",
        "大庸路",
        "岩塔路",
        "天门路",
        "回龙路",
        "南庄坪路",
        "教场路",
        "紫舞路",
        "迎宾路",
        "子午路",
    ]
    return f"{rng.choice(roads)}{rng.randint(1, 380)}号"


def old_plans() -> list[EstatePlan]:
    return [p for p in demo_plan() if p.fate != Fate.NEWER]


def planned_plans() -> list[EstatePlan]:
    """The 172 projects of the 2019 and 2020 plans that the published figures count."""
    return [p for p in demo_plan() if p.fate in (Fate.COMPLETED, Fate.PLANNED)]


@dataclass(frozen=True)
class SurveyPlan:
    """An estate's needs survey (step 3): when it ran, and how its households answered."""

    title: str
    opens_on: str
    closes_on: str
    answers: tuple[bool, ...]  # one per responding household, in roster order: agrees?
    first_needs: tuple[str, ...]  # menu codes, one per responding household
    cofund: tuple[bool, ...]


# Estates with a survey still open on 2020-09-01 but too few agreeing so far: undetermined.
BELOW_THRESHOLD = 1
OPEN_NOT_PLANNED = 6


def survey_plan(plan: EstatePlan) -> SurveyPlan | None:
    """Surveys as the program ran them: before the 2019 plan (autumn 2018), before the 2020 plan
    (autumn 2019), and for the 2021 pool in August–September 2020 (open on the demo date). Estates
    that were planned had at least two thirds of all households agreeing."""
    rng = random.Random(f"{SEED}-survey-{plan.key}")
    if plan.fate in (Fate.COMPLETED, Fate.PLANNED, Fate.CANCELLED):
        year = 2018 if plan.plan_year == 2019 else 2019
        opens, closes, title = f"{year}-09-10", f"{year}-10-31", f"{plan.name}改造意愿调查（{year}年）"
        respond, agree = rng.uniform(0.88, 1.0), rng.uniform(0.80, 0.97)
    elif plan.fate == Fate.POOL_2021 or plan.key in _open_not_planned():
        opens, closes, title = "2020-08-10", "2020-09-30", f"{plan.name}改造意愿调查（2021年度）"
        respond, agree = rng.uniform(0.8, 0.98), rng.uniform(0.84, 0.97)
        if plan.key in _below_threshold():
            agree = 0.45
    else:
        return None
    responding = max(1, round(plan.households * respond))
    # Agreement over ALL households must stay at or above 2/3 for planned and pooled estates.
    agreeing = min(responding, max(round(responding * agree), -(-2 * plan.households // 3)))
    if plan.key in _below_threshold():
        agreeing = round(plan.households * 0.45)
    needs = [code for code, _severity in sorted(plan.deficiencies.items())] or ["B06"]
    return SurveyPlan(
        title=title,
        opens_on=opens,
        closes_on=closes,
        answers=tuple(index < agreeing for index in rng.sample(range(responding), responding)),
        first_needs=tuple(rng.choice(needs) for _ in range(responding)),
        cofund=tuple(rng.random() < 0.55 for _ in range(responding)),
    )


@cache
def _below_threshold() -> frozenset[str]:
    pool = [p.key for p in demo_plan() if p.fate == Fate.NOT_PLANNED and p.community.startswith("430802")]
    return frozenset(pool[:BELOW_THRESHOLD])


@cache
def _open_not_planned() -> frozenset[str]:
    pool = [p.key for p in demo_plan() if p.fate == Fate.NOT_PLANNED and p.community.startswith("430802")]
    return frozenset(pool[: BELOW_THRESHOLD + OPEN_NOT_PLANNED])


def has_roster(plan: EstatePlan) -> bool:
    """Communities entered the rosters of the estates they surveyed."""
    return plan.roster or survey_plan(plan) is not None
