"""The demo city's organizations (the 13 departments, offices, contractors) and its eleven logins."""

from __future__ import annotations

from dataclasses import dataclass

from huanxin.accounts.models import Organization, User
from huanxin.accounts.permissions import Role
from huanxin.accounts.services import organization_create, user_create
from huanxin.regions.models import Region

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
    DemoLogin("shequ", "官黎坪居委会 陈书记", (Role.COMMUNITY_WORKER,), "430802004001", "官黎坪居民委员会"),
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


def organization_ensure(name: str, kind: str, region_code: str, duties: str = "") -> bool:
    if Organization.objects.filter(name=name).exists():
        return False
    organization_create(name=name, kind=kind, region=Region.objects.get(code=region_code), duties=duties)
    return True


def street_office_name(street: str) -> str:
    """永定街道 → 永定街道办事处; a town (澧源镇) is run by its people's government."""
    return f"{street}人民政府" if street.endswith(("镇", "乡")) else f"{street}办事处"


def committee_name(community: str) -> str:
    """The residents' committee under its full name, as the table writes the community:
    官黎坪居委会 → 官黎坪居民委员会, 锣鼓塔社区 → 锣鼓塔社区居民委员会."""
    if community.endswith("居民委员会"):
        return community
    if community.endswith("居委会"):
        return community.removesuffix("居委会") + "居民委员会"
    return f"{community}居民委员会"


def load_organizations() -> int:
    created = 0
    for name, duties in DEPARTMENTS:
        created += organization_ensure(name, Organization.Kind.DEPARTMENT, CITY, duties)
    for district in Region.objects.filter(level="county"):
        created += organization_ensure(
            f"{district.name}住房和城乡建设局",
            Organization.Kind.GOVERNMENT,
            district.code,
            "区县老旧小区改造的组织实施、项目管理和质量安全监管",
        )
    for street in Region.objects.filter(level="street"):
        created += organization_ensure(
            street_office_name(street.name),
            Organization.Kind.GOVERNMENT,
            street.code,
            "申报改造小区，组织业主协商，协调推进施工",
        )
    for community in Region.objects.filter(level="community"):
        created += organization_ensure(
            committee_name(community.name),
            Organization.Kind.GOVERNMENT,
            community.code,
            "入户调查、收集意见、组织居民参与",
        )
    created += organization_ensure("张家界市建工集团有限公司", Organization.Kind.CONSTRUCTION, "430802000000")
    created += organization_ensure("湖南建科工程监理有限公司", Organization.Kind.SUPERVISION, "430802000000")
    created += organization_ensure("张家界市建筑设计院", Organization.Kind.DESIGN, CITY)
    created += organization_ensure("市委二号院业主委员会", Organization.Kind.OWNERS_COMMITTEE, "430802004001")
    return created


def load_users() -> int:
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
