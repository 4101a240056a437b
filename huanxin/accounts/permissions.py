"""The permission table of SPEC 1, as data, in one place.

Each role lists, per area, the verbs it may use. `view` and `change` are the plain ones; the
others are the named steps of the pipeline (a community proposes its estates, a street
forwards them or submits its own, a district reviews, the city confirms). Scoping — which
rows — is separate: `core.scoping` and each model's queryset.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    CITY_OFFICE = "city_office", _("市改造办")
    DISTRICT_OFFICER = "district_officer", _("区县住建局")
    STREET_OFFICER = "street_officer", _("街道办事处")
    COMMUNITY_WORKER = "community_worker", _("社区居委会")
    DEPARTMENT_LIAISON = "department_liaison", _("相关部门")
    CONTRACTOR = "contractor", _("设计/施工/监理单位")
    OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
    AUDITOR = "auditor", _("审计/纪检")


AREAS = {
    "estates": _("小区台账"),
    "surveys": _("问需调查"),
    "eligibility": _("资格与储备"),
    "plans": _("改造计划"),
    "projects": _("改造项目"),
    "money": _("资金"),
    "quality": _("质量安全"),
    "reports": _("报表通报"),
    "settings": _("系统设置"),
    "personal_data": _("个人信息"),
}

# personal_data verbs: "unmasked" everywhere in scope, "own_community" only there.
PERMISSIONS: dict[str, dict[str, str]] = {
    Role.ADMIN: {
        "estates": "view change edit_facts import export",
        "surveys": "view change",
        "eligibility": "view change submit forward review confirm",
        "plans": "view change propose approve",
        "projects": "view change",
        "money": "view change",
        "quality": "view change",
        "reports": "view change submit approve",
        "settings": "view users organizations menu rules weights audit_trail",
        "personal_data": "unmasked",
    },
    Role.CITY_OFFICE: {
        "estates": "view change edit_facts import export",
        "surveys": "view change",
        "eligibility": "view change confirm",
        "plans": "view change approve",
        "projects": "view change",
        "money": "view change",
        "quality": "view change",
        "reports": "view change approve",
        "settings": "view menu rules weights",
        "personal_data": "unmasked",
    },
    Role.DISTRICT_OFFICER: {
        "estates": "view change edit_facts import export",
        "surveys": "view change",
        "eligibility": "view change review",
        "plans": "view propose",
        "projects": "view change sign_acceptance",
        "money": "view change",
        "quality": "view change",
        "reports": "view change submit",
        "personal_data": "unmasked",
    },
    Role.STREET_OFFICER: {
        "estates": "view change edit_facts import export",
        "surveys": "view change",
        "eligibility": "view change submit forward",
        "plans": "view",
        "projects": "view",
        "money": "view",
        "quality": "view",
        "reports": "view",
        "personal_data": "unmasked",
    },
    Role.COMMUNITY_WORKER: {
        "estates": "view edit_facts export",
        "surveys": "view rounds paper_answers",
        "eligibility": "view propose",
        "plans": "view",
        "projects": "view answer_feedback sign_acceptance",
        "money": "view",
        "quality": "view",
        "reports": "view",
        "personal_data": "own_community",
    },
    Role.DEPARTMENT_LIAISON: {
        "estates": "view export",
        "plans": "view",
        "projects": "view",
        "quality": "own_tasks",
        "reports": "view",
    },
    Role.CONTRACTOR: {
        "estates": "view",
        "projects": "own_progress sign_acceptance",
        "quality": "view",
    },
    Role.OWNERS_COMMITTEE: {
        "estates": "view",
        "surveys": "own_tallies",
        "eligibility": "view",
        "plans": "view",
        "projects": "sign_acceptance view",
        "money": "view",
        "quality": "view",
    },
    Role.AUDITOR: {
        "estates": "view export",
        "surveys": "view",
        "eligibility": "view",
        "plans": "view",
        "projects": "view",
        "money": "view",
        "quality": "view",
        "reports": "view",
        "settings": "audit_trail",
        "personal_data": "unmasked logged",
    },
}

# What `edit_facts` alone may change on an estate (a community worker's corrections on the
# ground); the counted figures — households, area, year built, exclusion flags, region — need
# `change`.
FACT_FIELDS = frozenset(
    {
        "aliases",
        "address",
        "latitude",
        "longitude",
        "building_count",
        "property_right_unit",
        "management_mode",
        "has_gas",
        "has_heating",
        "has_elevator",
        "notes",
    }
)

# Roles whose scope is the whole installation rather than a region node.
NATIONWIDE_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
# Roles that see only the estates their organization is tied to.
ESTATE_TIED_ROLES = frozenset({Role.CONTRACTOR, Role.OWNERS_COMMITTEE})


def role_may(role: str, area: str, verb: str) -> bool:
    return verb in PERMISSIONS.get(role, {}).get(area, "").split()


def roles_may(roles: list[str] | frozenset[str], area: str, verb: str) -> bool:
    return any(role_may(role, area, verb) for role in roles)


def may_any(user: Any, area: str, *verbs: str) -> bool:
    """Whether the user may do any of these in the area (e.g. surveys: change, or run rounds)."""
    return any(user.can(area, verb) for verb in verbs)
