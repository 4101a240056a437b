"""Loads the demo city from the seeded plan, through the apps' services. Idempotent: what is
already there (by region code, organization name, username, estate code) is left alone."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from huanxin.accounts.models import Organization, User
from huanxin.accounts.permissions import Role
from huanxin.accounts.services import user_create
from huanxin.catalog.models import MenuItem
from huanxin.catalog.services import menu_load_defaults
from huanxin.demo.plan import EstatePlan, demo_plan
from huanxin.estates import rules as estate_rules
from huanxin.estates.models import Building, ConditionAssessment, Estate, EstateTie, Household
from huanxin.estates.services import EstateChanges, estate_create
from huanxin.regions.models import Region
from huanxin.regions.services import regions_load_csv

DEMO_PASSWORD = "Huanxin@2020"
CITY = "430800000000"

DEPARTMENTS = [
    (
        "张家界市住房和城乡建设局",
        "牵头组织全市老旧小区改造，设改造办，负责计划、技术指导、质量安全监管和考核通报",
    ),
    ("张家界市发展和改革委员会", "争取中央预算内投资，审批项目立项"),
    ("张家界市财政局", "统筹中央、省、市补助资金，监督资金使用"),
    ("张家界市自然资源和规划局", "规划审批，存量用地和建筑利用"),
    ("张家界市城市管理和综合执法局", "拆除违法建设，市容环境整治"),
    ("张家界市公安局", "小区安防、停车秩序和交通组织"),
    ("张家界市消防救援支队", "消防通道和消防设施改造指导验收"),
    ("张家界市民政局", "社区治理、养老服务设施"),
    ("张家界市市场监督管理局", "电梯等特种设备安全监管"),
    ("国网张家界供电公司", "供电线路改造、电力设施迁改"),
    ("张家界市自来水公司", "供水管网改造、一户一表"),
    ("张家界市燃气公司", "燃气管道新增与改造"),
    ("张家界市通信运营商联合工作组", "弱电管线规整、光纤入户"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    roles: tuple[str, ...]
    region: str | None
    organization: str | None


LOGINS = [
    DemoLogin("admin", "系统管理员", (Role.ADMIN,), None, None),
    DemoLogin("city", "市改造办 王主任", (Role.CITY_OFFICE,), CITY, "张家界市住房和城乡建设局"),
    DemoLogin(
        "yongding", "永定区住建局 李科长", (Role.DISTRICT_OFFICER,), "430802000000", "永定区住房和城乡建设局"
    ),
    DemoLogin(
        "cili", "慈利县住建局 张科长", (Role.DISTRICT_OFFICER,), "430821000000", "慈利县住房和城乡建设局"
    ),
    DemoLogin("guanliping", "官黎坪街道 刘主任", (Role.STREET_OFFICER,), "430802004000", "官黎坪街道办事处"),
    DemoLogin("shequ", "官黎坪社区 陈书记", (Role.COMMUNITY_WORKER,), "430802004001", "官黎坪社区居民委员会"),
    DemoLogin("dianli", "供电公司 赵工", (Role.DEPARTMENT_LIAISON,), CITY, "国网张家界供电公司"),
    DemoLogin("shigong", "建工集团 周经理", (Role.CONTRACTOR,), "430802000000", "张家界市建工集团有限公司"),
    DemoLogin("jianli", "建科监理 吴总监", (Role.CONTRACTOR,), "430802000000", "湖南建科工程监理有限公司"),
    DemoLogin(
        "yeweihui",
        "市委二号院业委会 孙主任",
        (Role.OWNERS_COMMITTEE,),
        "430802004001",
        "市委二号院业主委员会",
    ),
    DemoLogin("audit", "审计局 郑审计", (Role.AUDITOR,), None, None),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞云峰海燕春梅"


def load_demo(*, stdout: Any = None) -> dict[str, int]:
    with transaction.atomic():
        regions = regions_load_csv()
        organizations = _load_organizations()
        users = _load_users()
        admin = User.objects.get(username="admin")
        city = Region.objects.get(code=CITY)
        menu = menu_load_defaults(owner=city)
        estates = _load_estates(admin)
        _tie_owners_committee()
    return {
        "regions": regions,
        "organizations": organizations,
        "users": users,
        "menu_items": menu,
        "estates": estates,
    }


def _organization(name: str, kind: str, region_code: str, duties: str = "") -> bool:
    _org, created = Organization.objects.get_or_create(
        name=name, defaults={"kind": kind, "region": Region.objects.get(code=region_code), "duties": duties}
    )
    return created


def _load_organizations() -> int:
    created = 0
    for name, duties in DEPARTMENTS:
        created += _organization(name, Organization.Kind.DEPARTMENT, CITY, duties)
    for district in Region.objects.filter(level="county"):
        created += _organization(
            f"{district.name}住房和城乡建设局",
            Organization.Kind.GOVERNMENT,
            district.code,
            "区县老旧小区改造的组织实施、项目管理和质量安全监管",
        )
    for street in Region.objects.filter(level="street"):
        created += _organization(
            f"{street.name}办事处",
            Organization.Kind.GOVERNMENT,
            street.code,
            "申报改造小区，组织业主协商，协调推进施工",
        )
    for community in Region.objects.filter(level="community"):
        created += _organization(
            f"{community.name}居民委员会",
            Organization.Kind.GOVERNMENT,
            community.code,
            "入户调查、收集意见、组织居民参与",
        )
    created += _organization("张家界市建工集团有限公司", Organization.Kind.CONSTRUCTION, "430802000000")
    created += _organization("湖南建科工程监理有限公司", Organization.Kind.SUPERVISION, "430802000000")
    created += _organization("张家界市建筑设计院", Organization.Kind.DESIGN, CITY)
    created += _organization("市委二号院业主委员会", Organization.Kind.OWNERS_COMMITTEE, "430802004001")
    return created


def _load_users() -> int:
    created = 0
    for login in LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user_create(
            username=login.username,
            password=DEMO_PASSWORD,
            roles=list(login.roles),
            full_name=login.full_name,
            region=Region.objects.get(code=login.region) if login.region else None,
            organization=Organization.objects.get(name=login.organization) if login.organization else None,
        )
        created += 1
    return created


def _load_estates(admin: User) -> int:
    existing = set(Estate.objects.values_list("code", flat=True))
    communities = {region.code: region for region in Region.objects.filter(level="community")}
    menu = {item.code: item for item in MenuItem.objects.filter(owner__code=CITY)}
    serials: dict[str, int] = {}
    created = 0
    for plan in demo_plan():
        serials[plan.community] = serials.get(plan.community, 0) + 1
        code = estate_rules.estate_code(plan.community, serials[plan.community])
        if code in existing:
            continue
        estate = estate_create(
            by=admin, code=code, changes=_estate_changes(plan, communities), reason="示例数据载入"
        )
        _add_buildings_and_roster(estate, plan)
        assessments = [
            ConditionAssessment(estate=estate, item=menu[item_code], severity=severity)
            for item_code, severity in plan.deficiencies.items()
        ]
        bulk_create_with_history(
            assessments, ConditionAssessment, default_user=admin, default_change_reason="示例数据载入"
        )
        created += 1
    return created


def _estate_changes(plan: EstatePlan, communities: dict[str, Region]) -> EstateChanges:
    return {
        "name": plan.name,
        "aliases": plan.aliases,
        "address": plan.address,
        "region": communities[plan.community],
        "latitude": plan.latitude,
        "longitude": plan.longitude,
        "year_built": plan.year_built,
        "building_count": plan.buildings,
        "households": plan.households,
        "floor_area_m2": Decimal(plan.floor_area_m2),
        "property_right_unit": plan.property_right_unit,
        "management_mode": plan.management_mode,
        "has_gas": plan.fate.value in ("completed",) or None,
        "has_heating": False,
        "has_elevator": plan.floors >= 11,
        "notes": plan.notes,
    }


def _add_buildings_and_roster(estate: Estate, plan: EstatePlan) -> None:
    rng = random.Random(f"{plan.key}-roster")
    per_building = _split_evenly(plan.households, plan.buildings)
    buildings = Building.objects.bulk_create(
        Building(
            estate=estate,
            name=f"{index}栋",
            floors=plan.floors,
            units=max(1, count // (plan.floors * 2)) or 1,
            households=count,
            structure="砖混" if plan.year_built < 1995 else "框架",
            year_built=plan.year_built,
        )
        for index, count in enumerate(per_building, start=1)
    )
    if not plan.roster:
        return
    rows = []
    area_each = Decimal(plan.floor_area_m2) / plan.households * Decimal("0.85")  # flats without shared areas
    for building, count in zip(buildings, per_building, strict=True):
        units = building.units or 1
        per_unit = -(-count // units)
        for n in range(count):
            within = n % per_unit
            rows.append(
                Household(
                    estate=estate,
                    building=building,
                    unit=str(n // per_unit + 1),
                    room=f"{within // 2 + 1}0{within % 2 + 1}",
                    floor_area_m2=(area_each * Decimal(rng.uniform(0.8, 1.2))).quantize(Decimal("0.01")),
                    owner_name=rng.choice(SURNAMES)
                    + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                    owner_phone="1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9)),
                )
            )
    Household.objects.bulk_create(rows)


def _split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def _tie_owners_committee() -> None:
    estate = Estate.objects.get(name="市委二号院")
    EstateTie.objects.get_or_create(
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        estate=estate,
        kind=EstateTie.Kind.OWNERS_COMMITTEE,
    )
