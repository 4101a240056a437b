"""Loads the demo city from the seeded plan, through the apps' services. Idempotent: what is
already there (by region code, organization name, username, estate code) is left alone."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from huanxin.accounts.models import Organization, User
from huanxin.accounts.permissions import Role
from huanxin.accounts.services import organization_create, user_create
from huanxin.catalog.models import MenuItem
from huanxin.catalog.services import menu_load_defaults
from huanxin.core import clock
from huanxin.core.spreadsheets import SheetOut, write_xlsx
from huanxin.demo import money, progress
from huanxin.demo.communities import community_submissions
from huanxin.demo.participation import run_participation
from huanxin.demo.photo_review import run_photo_review
from huanxin.demo.plan import DEMO_TODAY, EstatePlan, Fate, demo_plan, has_roster, planned_plans, survey_plan
from huanxin.demo.progress import SHIWEI
from huanxin.demo.progress import project_start as _start
from huanxin.estates import rules as estate_rules
from huanxin.estates.ledger import ledger_header
from huanxin.estates.models import Estate, EstateTie, Household, LedgerImport, ManagementMode
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
from huanxin.funding.services import national_sources_load
from huanxin.planning.models import Candidate, Program
from huanxin.planning.services import (
    candidate_confirm,
    candidate_cost_set,
    candidate_review,
    candidate_submit,
    plan_approve,
    plan_create,
    plan_draft_with_optimizer,
    plan_publish,
    plan_set_entries,
    program_create,
)
from huanxin.projects import rules as project_rules
from huanxin.projects.models import Project, ProjectTransition
from huanxin.projects.services import (
    ItemRow,
    acceptance_paper_record,
    design_vote_cast,
    paper_vote_record,
    project_assign,
    project_hand_over,
    project_items_set,
    project_schedule_set,
    project_transition,
)
from huanxin.regions.models import Region
from huanxin.regions.services import regions_load_csv
from huanxin.residents.services import access_codes_issue, resident_link_for
from huanxin.surveys.models import Answer, SurveyRound
from huanxin.surveys.services import BatchAnswer, answers_enter_batch, round_create

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
    """Each step records what happened on the days it happened; whatever is not dated further
    back happened on the demo's own day. One line per step, in the order the program ran."""
    counts: dict[str, int] = {}
    with clock.pinned(dt.date.fromisoformat(DEMO_TODAY)), transaction.atomic():
        with clock.pinned(REGISTRY_DAY):
            counts |= _load_the_registry()
        counts["surveys"] = _run_surveys()
        counts["candidates"] = community_submissions(_pool_stage) + _fill_the_pool()
        counts |= _plan_the_years()
        counts["projects"] = _run_projects()
        counts["participation"] = run_participation()
        run_photo_review()
    return counts


# The registry as the districts delivered it, before the first surveys of autumn 2018.
REGISTRY_DAY = dt.date(2018, 8, 20)


def _load_the_registry() -> dict[str, int]:
    """Divisions, organizations, logins, the menu, the national money sources and the estates."""
    counts = {
        "regions": regions_load_csv(),
        "organizations": _load_organizations(),
        "users": _load_users(),
        "menu_items": menu_load_defaults(owner=Region.objects.get(code=CITY)),
    }
    national_sources_load()
    counts["estates"] = _import_district_ledgers()
    _tie_owners_committee()
    return counts


def _organization(name: str, kind: str, region_code: str, duties: str = "") -> bool:
    if Organization.objects.filter(name=name).exists():
        return False
    organization_create(name=name, kind=kind, region=Region.objects.get(code=region_code), duties=duties)
    return True


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


def plan_codes() -> dict[str, str]:
    """Each planned estate's code: its community and its place among that community's estates."""
    serials: dict[str, int] = {}
    codes = {}
    for plan in demo_plan():
        serials[plan.community] = serials.get(plan.community, 0) + 1
        codes[plan.key] = estate_rules.estate_code(plan.community, serials[plan.community])
    return codes


def _import_district_ledgers() -> int:
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


def _tie_owners_committee() -> None:
    estate = Estate.objects.get(name="市委二号院")
    estate_tie_add(
        by=User.objects.get(username="admin"),
        estate_id=estate.pk,
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        kind=EstateTie.Kind.OWNERS_COMMITTEE,
    )


DEMO_RESIDENT_ESTATE = "滨河一村"  # in shequ's community, its 2021 survey open on the demo date


def _run_surveys() -> int:
    """Each estate's survey, on the dates it ran, entered as the community's door-to-door
    answers (入户调查) — the clock pinned to each round's last day."""
    codes = plan_codes()
    admin = User.objects.get(username="admin")
    offered = list(
        MenuItem.objects.filter(owner__code=CITY, category__in=["basic", "improvement"]).order_by("code")
    )
    by_code = {item.code: item.pk for item in offered}
    done = set(SurveyRound.objects.values_list("estate__code", flat=True))
    created = 0
    for plan in demo_plan():
        survey = survey_plan(plan)
        if survey is None or codes[plan.key] in done:
            continue
        estate = Estate.objects.get(code=codes[plan.key])
        opens, closes = dt.date.fromisoformat(survey.opens_on), dt.date.fromisoformat(survey.closes_on)
        entered_on = min(closes, dt.date.fromisoformat(DEMO_TODAY))
        with clock.pinned(entered_on):
            round_ = round_create(
                by=admin,
                estate_id=estate.pk,
                title=survey.title,
                opens_on=opens,
                closes_on=closes,
                item_ids=[item.pk for item in offered],
            )
            households = list(
                Household.objects.filter(estate=estate).order_by("pk").values_list("pk", flat=True)
            )
            rows: list[BatchAnswer] = [
                {
                    "household_id": household,
                    "agrees": agrees,
                    "first_need": by_code.get(need),
                    "cofund_willing": cofund,
                }
                for household, agrees, need, cofund in zip(
                    households, survey.answers, survey.first_needs, survey.cofund, strict=False
                )
            ]
            answers_enter_batch(by=admin, round_id=round_.pk, rows=rows)
        created += 1
    return created


def _fill_the_pool() -> int:
    """The reserve as of the demo date: the planned estates went through it in 2018–2019; the
    2021 pool is mostly confirmed, a few still with the district or the city."""
    codes = plan_codes()
    users = {user.username: user for user in User.objects.all()}
    reviewer = {"430802": users["yongding"], "430821": users["cili"]}
    existing = set(Candidate.objects.values_list("estate__code", flat=True))
    created = 0
    for plan in demo_plan():
        if plan.fate not in (Fate.COMPLETED, Fate.PLANNED, Fate.CANCELLED, Fate.POOL_2021):
            continue
        if codes[plan.key] in existing:
            continue
        estate = Estate.objects.get(code=codes[plan.key])
        year = {2019: 2018, 2020: 2019}.get(plan.plan_year or 0, 2020)
        street = users["guanliping"] if plan.community.startswith("430802004") else users["admin"]
        with clock.pinned(dt.date(year, 11, 5) if year < 2020 else dt.date(2020, 8, 31)):
            candidate = candidate_submit(
                by=street, estate_id=estate.pk, note="居民改造意愿强烈，基础设施问题突出"
            )
            stage = _pool_stage(plan)
            if stage != "submitted":
                candidate = candidate_review(
                    by=reviewer.get(plan.community[:6], users["admin"]),
                    candidate_id=candidate.pk,
                    version=candidate.version,
                    accept=True,
                )
                if stage == "confirmed":
                    candidate_confirm(by=users["city"], candidate_id=candidate.pk, version=candidate.version)
        created += 1
    return created


def _pool_stage(plan: EstatePlan) -> str:
    if plan.fate != Fate.POOL_2021:
        return "confirmed"
    number = int(plan.key.removeprefix("E"))
    return {0: "submitted", 1: "reviewed"}.get(number % 8, "confirmed")


def demo_access_codes(count: int = 3) -> list[tuple[str, str, str]]:
    """New slip codes for a few households of the demo's resident estate, for `make demo` to print:
    (address, code, link path). Printing again revokes the previous ones, as slips do."""
    estate = Estate.objects.get(name=DEMO_RESIDENT_ESTATE)
    answered = Answer.objects.filter(round__estate=estate).values("household_id")
    households = list(Household.objects.filter(estate=estate).exclude(pk__in=answered).order_by("pk")[:count])
    households += list(Household.objects.filter(estate=estate).order_by("pk")[: count - len(households)])
    issued = access_codes_issue(
        by=User.objects.get(username="shequ"),
        estate_id=estate.pk,
        household_ids=[household.pk for household in households],
    )
    link = f"/r/{resident_link_for(estate).token}/"
    return [(f"{estate.name} {h.building.name}{h.unit}单元{h.room}室", code, link) for h, code in issued]


def _plan_the_years() -> dict[str, int]:
    """The 2019–2021 program; the 2019 and 2020 plans as approved (172 estates, exactly the
    published households, area and 1,548,000,000 yuan); a 2021 draft made by the optimizer."""
    if Program.objects.exists():
        return {"programs": 0, "plans": 0}
    codes = plan_codes()
    users = {user.username: user for user in User.objects.all()}
    city_user = users["city"]
    candidates = {c.estate.code: c for c in Candidate.objects.select_related("estate")}
    for plan in demo_plan():
        candidate = candidates.get(codes[plan.key])
        if candidate is not None and plan.estimated_cost and candidate.estimated_cost_yuan is None:
            with clock.pinned(
                candidate.confirmed_at.date() if candidate.confirmed_at else dt.date(2020, 8, 31)
            ):
                candidate_cost_set(
                    by=city_user,
                    candidate_id=candidate.pk,
                    version=candidate.version,
                    cost_yuan=Decimal(plan.estimated_cost),
                    note="区县上报估算",
                )
    pool = [p for p in demo_plan() if p.fate == Fate.POOL_2021]
    planned = planned_plans()
    cancelled = [p for p in demo_plan() if p.fate == Fate.CANCELLED]
    city = Region.objects.get(code=CITY)
    with clock.pinned(dt.date(2019, 2, 20)):
        program = program_create(
            by=city_user,
            region_id=city.pk,
            name="张家界市城镇老旧小区改造三年行动（2019—2021年）",
            start_year=2019,
            end_year=2021,
            target_estates=len(planned) + len(pool),
            target_households=sum(p.households for p in [*planned, *pool]),
            target_area_m2=Decimal(sum(p.floor_area_m2 for p in [*planned, *pool])),
            target_investment_yuan=Decimal(sum(p.estimated_cost or 0 for p in [*planned, *pool])),
        )
    for year, published, approved in (
        (2019, dt.date(2019, 3, 1), dt.date(2019, 3, 15)),
        (2020, dt.date(2020, 3, 2), dt.date(2020, 3, 16)),
    ):
        # The plans as approved also held the few projects cancelled later (step 5 cancels them).
        members = [p for p in [*planned, *cancelled] if p.plan_year == year]
        estate_ids = list(
            Estate.objects.filter(code__in=[codes[p.key] for p in members]).values_list("pk", flat=True)
        )
        with clock.pinned(published):
            annual = plan_create(
                by=city_user,
                program_id=program.pk,
                year=year,
                budget_yuan=Decimal(sum(p.estimated_cost or 0 for p in members)),
            )
            annual = plan_set_entries(
                by=city_user, plan_id=annual.pk, version=annual.version, estate_ids=estate_ids
            )
            annual = plan_publish(by=city_user, plan_id=annual.pk, version=annual.version, days=7)
        with clock.pinned(approved):
            plan_approve(by=city_user, plan_id=annual.pk, version=annual.version)
    draft = plan_create(
        by=city_user,
        program_id=program.pk,
        year=2021,
        budget_yuan=Decimal(round(sum(p.estimated_cost or 0 for p in pool) * 0.6, -4)),
    )
    plan_draft_with_optimizer(
        by=city_user,
        plan_id=draft.pk,
        version=draft.version,
        min_share={"430821": 0.1, "430822": 0.1},
        time_limit_s=5,
    )
    return {"programs": 1, "plans": 3}


CONTRACTORS = {
    "construction": ["张家界市建工集团有限公司", "张家界永盛建设有限公司", "湖南天门建设工程有限公司"],
    "supervision": ["湖南建科工程监理有限公司", "张家界华诚工程监理有限公司"],
    "design": ["张家界市建筑设计院", "张家界市规划勘测设计研究院"],
}


def _run_projects() -> int:
    """Each project of the 2019 and 2020 plans taken to its state on 2020-09-01, on the dates the
    work happened: design, publicity, tender, construction with progress reports, acceptance."""
    if ProjectTransition.objects.exclude(to_state=project_rules.APPROVED).exists():
        return 0
    codes = plan_codes()
    city_user = User.objects.get(username="city")
    for kind, names in CONTRACTORS.items():
        for name in names:
            _organization(name, kind, "430802000000")
    builders = [Organization.objects.get(name=name) for name in CONTRACTORS["construction"][1:]]
    supervisors = [Organization.objects.get(name=name) for name in CONTRACTORS["supervision"][1:]]
    designers = [Organization.objects.get(name=name) for name in CONTRACTORS["design"]]
    menu = {item.code: item for item in MenuItem.objects.filter(owner__code=CITY)}
    projects = {p.estate.code: p for p in Project.objects.select_related("estate")}
    moved = 0
    for number, plan in enumerate(p for p in demo_plan() if p.plan_year and codes[p.key] in projects):
        project = projects[codes[plan.key]]
        if plan.fate == Fate.CANCELLED:
            with clock.pinned(dt.date(plan.plan_year or 2019, 7, 1)):
                project_transition(
                    by=city_user,
                    project_id=project.pk,
                    version=project.version,
                    to_state=project_rules.CANCELLED,
                    note="原产权单位决定拆除重建，终止改造",
                )
            moved += 1
            continue
        shiwei = plan.name == SHIWEI
        builder = (
            Organization.objects.get(name=CONTRACTORS["construction"][0]) if shiwei else builders[number % 2]
        )
        supervisor = (
            Organization.objects.get(name=CONTRACTORS["supervision"][0])
            if shiwei
            else supervisors[number % len(supervisors)]
        )
        designer = designers[0 if shiwei else number % len(designers)]
        for when, state in _timeline(plan):
            with clock.pinned(when):
                project.refresh_from_db()
                if state == project_rules.DESIGN:
                    project = project_transition(
                        by=city_user, project_id=project.pk, version=project.version, to_state=state
                    )
                    project = project_items_set(
                        by=city_user,
                        project_id=project.pk,
                        version=project.version,
                        rows=_design_items(plan, menu),
                    )
                    project = project_assign(
                        by=city_user,
                        project_id=project.pk,
                        version=project.version,
                        designer=designer,
                        builder=builder,
                        supervisor=supervisor,
                    )
                    project = _schedule(project, plan, number, city_user)
                    amounts = money.plan_funding(
                        project, property_unit=bool(plan.property_right_unit), by=city_user
                    )
                    continue
                if state == project_rules.AWAITING_ACCEPTANCE:
                    reports = progress.report_evenly(
                        project, plan, start=_start(plan), last=when, share=Decimal(1)
                    )
                    progress.milestones_mark(project, reports)
                    money.pay(project, sum(amounts.values(), Decimal(0)) - _paid(project), when, city_user)
                if state == project_rules.ACCEPTED:
                    _paper_acceptance(project, when, city_user)
                if state == project_rules.HANDED_OVER:
                    project = project_hand_over(
                        by=city_user,
                        project_id=project.pk,
                        version=project.version,
                        management_mode=_mode_after(plan),
                        manager=plan.property_right_unit if _mode_after(plan) == "property_unit" else "",
                        note="改造完成后移交",
                    )
                    continue
                project = project_transition(
                    by=city_user, project_id=project.pk, version=project.version, to_state=state
                )
                if state == project_rules.PUBLICITY:
                    _design_vote(project, plan, when, city_user)
                if state == project_rules.CONSTRUCTION:
                    _money_at_start(project, plan, amounts, when, city_user)
                if state == project_rules.CONSTRUCTION and plan.state in (project_rules.CONSTRUCTION,):
                    last = dt.date(2020, 8, 31)
                    if shiwei:
                        progress.report_shiwei(project)
                    else:
                        share = plan.progress or Decimal(0)
                        reports = progress.report_evenly(project, plan, start=when, last=last, share=share)
                        progress.milestones_mark(project, reports)
                    _pay_for_progress(project, plan, amounts, last, city_user)
        if plan.state == project_rules.APPROVED:  # not designed yet: planned against the estimate
            project.refresh_from_db()
            _schedule(project, plan, number, city_user)
            money.plan_funding(
                project,
                property_unit=bool(plan.property_right_unit),
                by=city_user,
                total=project.estimated_cost_yuan,
            )
        moved += 1
    return moved


def _money_at_start(
    project: Project, plan: EstatePlan, amounts: dict[str, Decimal], on: dt.date, by: Any
) -> None:
    """What arrived when the works began: everything for the projects finished by the demo date;
    for those still under way, the provincial money (and the residents' for some) still to come;
    for the one the district advanced, only the city's and the district's."""
    if plan.state != project_rules.CONSTRUCTION:
        money.receive(project, amounts, tuple(amounts), on, by)
    elif plan.name == money.ADVANCED:
        money.receive(project, amounts, ("G04", "G05"), on, by)
    else:
        money.receive(project, amounts, ("G01", "G04", "G05", "E02", "R02"), on, by)


def _pay_for_progress(
    project: Project, plan: EstatePlan, amounts: dict[str, Decimal], on: dt.date, by: Any
) -> None:
    """Paid by 31 August for the work done, never beyond what arrived — except the advance."""
    due = sum(amounts.values(), Decimal(0)) * (plan.progress or Decimal(0)) * Decimal("0.8")
    if plan.name == money.ADVANCED:
        money.pay(project, due, on, by, advance=True)
        return
    received = _received(project)
    money.pay(project, min(due, received) - _paid(project), on, by)


def _received(project: Project) -> Decimal:
    from huanxin.funding.querysets import project_money

    return project_money(project)[1].received


def _paid(project: Project) -> Decimal:
    from huanxin.funding.querysets import project_money

    return project_money(project)[1].paid


def _design_vote(project: Project, plan: EstatePlan, on: dt.date, by: Any) -> None:
    """The owners' vote on the design: on paper at a meeting for the works of 2019–2020 (before the
    system), on the phones for a design still on publicity on the demo date — half the households
    have voted so far, nearly all of them for it."""
    rng = random.Random(f"demo-vote-{plan.key}")
    if plan.state == project_rules.PUBLICITY:
        households = list(Household.objects.filter(estate_id=project.estate_id).order_by("pk"))
        for household in households[: len(households) // 2]:
            design_vote_cast(household=household, project_id=project.pk, agrees=rng.random() < 0.92)
        return
    heads_voted = round(plan.households * rng.uniform(0.82, 0.97))
    heads_yes = round(heads_voted * rng.uniform(0.86, 0.98))
    area_total = Decimal(plan.floor_area_m2) * Decimal("0.85")  # the flats, without shared parts
    per_head = area_total / plan.households
    paper_vote_record(
        by=by,
        project_id=project.pk,
        counts={
            "heads_total": plan.households,
            "heads_voted": heads_voted,
            "heads_yes": heads_yes,
            "area_total": area_total.quantize(Decimal("0.01")),
            "area_voted": (per_head * heads_voted).quantize(Decimal("0.01")),
            "area_yes": (per_head * heads_yes).quantize(Decimal("0.01")),
        },
        archive_number=f"BJ-{on.year}-{project.pk:04d}",
        held_on=on,
    )


def _schedule(project: Project, plan: EstatePlan, number: int, by: Any) -> Project:
    """Planned dates, the public phone and, for works that start, the milestones: set at design."""
    started = plan.planned_end and plan.state in project_rules.STARTED
    return project_schedule_set(
        by=by,
        project_id=project.pk,
        version=project.version,
        planned_start=_start(plan),
        planned_end=dt.date.fromisoformat(plan.planned_end) if plan.planned_end else None,
        contact_phone=f"0744-82{number % 100:02d}{project.pk % 1000:03d}",
        milestones=progress.milestone_rows(plan) if started else None,
    )


def _paper_acceptance(project: Project, on: dt.date, by: Any) -> None:
    """Projects accepted before the system was used: their paper records, entered by the city."""
    signers = {
        project_rules.OWNERS: "业主委员会主任",
        project_rules.REPRESENTATIVES: "居民代表（3人）",
        project_rules.COMMUNITY: "社区居委会主任",
        project_rules.SUPERVISION: f"{project.supervisor}总监理工程师",
        project_rules.CONSTRUCTION_PARTY: f"{project.builder}项目经理",
        project_rules.DISTRICT: "区住建局分管负责人",
    }
    acceptance_paper_record(
        by=by,
        project_id=project.pk,
        archive_number=f"YS-{on.year}-{project.pk:04d}",
        signed_on=on,
        signers=signers,
    )


def _mode_after(plan: EstatePlan) -> str:
    """How the estate is managed after handover: as it was where it had a manager, else the
    city's default of professional property management (DEMO.md)."""
    if plan.management_mode in ("", ManagementMode.NONE):
        return ManagementMode.PROFESSIONAL
    return plan.management_mode


def _timeline(plan: EstatePlan) -> list[tuple[dt.date, str]]:
    """The dates each step happened, up to the plan's state on the demo date."""
    r = project_rules
    start = _start(plan)
    steps = [
        (start - dt.timedelta(days=27), r.DESIGN),
        (start - dt.timedelta(days=18), r.PUBLICITY),
        (start - dt.timedelta(days=10), r.TENDER),
        (start, r.CONSTRUCTION),
    ]
    if plan.plan_year == 2020:
        steps = [
            (dt.date(2020, 4, 1), r.DESIGN),
            (dt.date(2020, 4, 20), r.PUBLICITY),
            (dt.date(2020, 5, 1), r.TENDER),
            (dt.date(2020, 5, 15), r.CONSTRUCTION),
        ]
        if plan.state == r.PUBLICITY:
            steps[1] = (dt.date(2020, 8, 28), r.PUBLICITY)
    end = dt.date.fromisoformat(plan.planned_end) if plan.planned_end else None
    if plan.state == r.AWAITING_ACCEPTANCE:
        steps.append((dt.date(2020, 8, 20), r.AWAITING_ACCEPTANCE))
    if plan.state in r.COMPLETED and end is not None:
        steps += [(end - dt.timedelta(days=15), r.AWAITING_ACCEPTANCE), (end, r.ACCEPTED)]
        if plan.state == r.HANDED_OVER:
            steps.append((min(end + dt.timedelta(days=20), dt.date(2020, 8, 31)), r.HANDED_OVER))
    order = r.ORDER
    return [
        (when, state) for when, state in steps if order.index(state) <= order.index(plan.state or r.APPROVED)
    ]


def _design_items(plan: EstatePlan, menu: dict[str, MenuItem]) -> list[ItemRow]:
    """The design from the estate's deficiencies, priced so that it totals the approved estimate."""
    deficient = [(code, severity) for code, severity in sorted(plan.deficiencies.items())] or [
        ("B06", "major")
    ]
    raw = []
    for code, _severity in deficient:
        item = menu[code]
        quantity = _designed_quantity(plan, item)
        raw.append((item, quantity, (item.unit_cost_min or Decimal(0)) + (item.unit_cost_max or Decimal(0))))
    total = sum((quantity * cost for _item, quantity, cost in raw), Decimal(0)) or Decimal(1)
    scale = Decimal(plan.estimated_cost or 0) / total
    return [
        {"item_id": item.pk, "quantity": quantity, "unit_cost_yuan": (cost * scale).quantize(Decimal("0.01"))}
        for item, quantity, cost in raw
    ]


def _designed_quantity(plan: EstatePlan, item: MenuItem) -> Decimal:
    """What the plan names, else rooms by the households they serve (some 30 ㎡ a hundred), else
    the planners' rough estimate from the estate's size."""
    from huanxin.planning.rules import estimate_quantity

    if item.code in plan.design_quantities:
        return Decimal(plan.design_quantities[item.code])
    if item.code == "E01":
        return Decimal(max(20, round(plan.households * 0.3)))
    estimate = estimate_quantity(
        item.unit,
        households=plan.households,
        floor_area=plan.floor_area_m2,
        buildings=plan.buildings,
        floors=plan.floors,
    )
    return Decimal(str(round(max(1.0, estimate), 0)))
