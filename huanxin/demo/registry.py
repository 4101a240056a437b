"""The registry as the districts delivered it: one ledger per district imported through the ledger
import, the surveyed facts, rosters and condition assessments, the owners' committee."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from huanxin.accounts.models import Organization, User
from huanxin.accounts.permissions import Role
from huanxin.catalog.models import MenuItem
from huanxin.core.spreadsheets import SheetOut, write_xlsx
from huanxin.demo.people import CITY
from huanxin.demo.plan import EstatePlan, demo_plan, has_roster
from huanxin.estates import rules as estate_rules
from huanxin.estates.ledger_columns import ledger_header
from huanxin.estates.models import Estate, EstateTie, LedgerImport, ManagementMode
from huanxin.estates.services import (
    HouseholdRow,
    assessment_set,
    buildings_add,
    estate_tie_add,
    household_roster_add,
    ledger_import_check,
    ledger_import_confirm,
    ledger_import_run,
    ledger_import_start,
)
from huanxin.regions.models import Region

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)


GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞云峰海燕春梅"


def plan_codes() -> dict[str, str]:
    """Each planned estate's code: its community and its place among that community's estates."""
    serials: dict[str, int] = {}
    codes = {}
    for plan in demo_plan():
        serials[plan.community] = serials.get(plan.community, 0) + 1
        codes[plan.key] = estate_rules.estate_code(plan.community, serials[plan.community])
    return codes


def import_district_ledgers() -> int:
    """The registry goes in the way a real city's does: each district's ledger (台账) through the
    import, by the district's officer where the demo has one. Buildings, the condition
    assessment and the rosters follow for the estates that came in."""
    codes = plan_codes()
    existing = set(Estate.objects.values_list("code", flat=True))
    admin = User.objects.get(username="admin")
    officers = {
        user.region.code: user
        for user in User.objects.select_related("region")
        if Role.DISTRICT_OFFICER in user.roles and user.region is not None
    }
    created = 0
    for district in Region.objects.filter(level="county").order_by("code"):
        plans = [plan for plan in demo_plan() if plan.community.startswith(district.prefix)]
        missing = [plan for plan in plans if codes[plan.key] not in existing]
        if not missing:
            continue
        importer = officers.get(district.code, admin)
        content = district_ledger_xlsx(district, missing, codes)
        job = ledger_import_start(by=importer, file_name=f"{district.name}老旧小区台账.xlsx", content=content)
        job = ledger_import_check(job_id=job.pk)
        if job.status != LedgerImport.Status.READY:
            raise RuntimeError(f"demo ledger of {district.name} did not check: {job.errors[:3]}")
        ledger_import_confirm(by=importer, job_id=job.pk)
        if ledger_import_run(job_id=job.pk).status != LedgerImport.Status.DONE:
            raise RuntimeError(f"demo ledger of {district.name} did not import")
        for plan in missing:
            _add_surveyed_facts(Estate.objects.get(code=codes[plan.key]), plan, importer)
        created += len(missing)
    return created


def district_ledger_xlsx(district: Region, plans: list[EstatePlan], codes: dict[str, str]) -> bytes:
    communities = {region.code: region for region in Region.objects.filter(code__startswith=district.prefix)}
    modes = dict(ManagementMode.choices)
    rows = []
    for plan in plans:
        community = communities[plan.community]
        street = community.parent
        assert street is not None
        rows.append(
            [
                codes[plan.key],
                plan.name,
                plan.aliases,
                district.name,
                street.name,
                community.name,
                plan.address,
                plan.year_built,
                plan.buildings,
                plan.households,
                plan.floor_area_m2,
                plan.property_right_unit,
                str(modes[plan.management_mode]),
                plan.latitude,
                plan.longitude,
                plan.notes,
            ]
        )
    title = f"{district.name}老旧小区改造台账（示例数据）"
    return write_xlsx([SheetOut(name="台账", header=ledger_header(), rows=rows, title=title)])


def _add_surveyed_facts(estate: Estate, plan: EstatePlan, by: Any) -> None:
    counts = _split_evenly(plan.households, plan.buildings)
    buildings_add(
        by=by,
        estate_id=estate.pk,
        buildings=[
            {
                "name": f"{index}栋",
                "floors": plan.floors,
                "units": max(1, count // (plan.floors * 2)),
                "households": count,
                "structure": "砖混" if plan.year_built < 1995 else "框架",
                "year_built": plan.year_built,
            }
            for index, count in enumerate(counts, start=1)
        ],
    )
    menu = {item.code: item.pk for item in MenuItem.objects.filter(owner__code=CITY)}
    if plan.deficiencies:
        estate.refresh_from_db()
        assessment_set(
            by=by,
            estate_id=estate.pk,
            version=estate.version,
            entries={menu[code]: (severity, "") for code, severity in plan.deficiencies.items()},
        )
    if has_roster(plan):
        household_roster_add(by=by, estate_id=estate.pk, rows=_roster(plan, counts))


def _roster(plan: EstatePlan, counts: list[int]) -> list[HouseholdRow]:
    """Invented names and numbers for the communities that entered their roster."""
    rng = random.Random(f"{plan.key}-roster")
    area_each = Decimal(plan.floor_area_m2) / plan.households * Decimal("0.85")  # flats without shared areas
    rows: list[HouseholdRow] = []
    for index, count in enumerate(counts, start=1):
        units = max(1, count // (plan.floors * 2))
        per_unit = -(-count // units)
        for n in range(count):
            within = n % per_unit
            rows.append(
                {
                    "building": f"{index}栋",
                    "unit": str(n // per_unit + 1),
                    "room": f"{within // 2 + 1}0{within % 2 + 1}",
                    "floor_area_m2": (area_each * Decimal(rng.uniform(0.8, 1.2))).quantize(Decimal("0.01")),
                    "owner_name": rng.choice(SURNAMES)
                    + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
                    "owner_phone": "1"
                    + rng.choice("3589")
                    + "".join(str(rng.randint(0, 9)) for _ in range(9)),
                }
            )
    return rows


def _split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def tie_owners_committee() -> None:
    estate = Estate.objects.get(name="市委二号院")
    estate_tie_add(
        by=User.objects.get(username="admin"),
        estate_id=estate.pk,
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        kind=EstateTie.Kind.OWNERS_COMMITTEE,
    )
