from __future__ import annotations

from typing import Any

from django.conf import settings

from huanxin.core import clock

NAV_VERBS = ("view", "own_progress", "audit_trail", "menu")
NAV_AREAS = (
    "estates",
    "surveys",
    "eligibility",
    "plans",
    "projects",
    "money",
    "quality",
    "reports",
    "settings",
)


# The planning pages that belong to 改造计划 in the sidebar; the rest of planning is 储备库.
PLAN_PAGES = frozenset(
    {
        "programs",
        "program_new",
        "program_edit",
        "plan_new",
        "plan",
        "plan_optimize",
        "plan_entries",
        "plan_publish",
        "plan_withdraw",
        "plan_approve",
        "plan_export",
    }
)
SECTIONS = {
    "reporting": "home",
    "estates": "estates",
    "surveys": "surveys",
    "funding": "money",
    "catalog": "catalog",
}


def active_entry(request: Any) -> str:
    """The one sidebar entry the page belongs to (never two lit at once)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "planning":
        return "plans" if match.url_name in PLAN_PAGES else "pool"
    if match.namespace == "projects":
        if match.url_name == "mine":
            task = request.GET.get("task", "")
            return task if task in ("vote", "sign") else "mine"
        return "projects"
    return SECTIONS.get(match.namespace, "")


def huanxin(request: Any) -> dict[str, Any]:
    """The frame's needs: the clock, the demo banner, and which sections the role may open."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    nav = {
        area: signed_in and any(user.can(area, verb) for verb in NAV_VERBS)  # type: ignore[union-attr]
        for area in NAV_AREAS
    }
    return {
        "today": clock.today(),
        "is_demo": settings.HUANXIN_DEMO,
        "nav": nav,
        "nav_active": active_entry(request),
        # contractors and owners' committees: their own projects are their home
        "estate_tied": signed_in and user.scope.estate_ids is not None and not user.scope.everything,  # type: ignore[union-attr]
        "owners_committee": signed_in and "owners_committee" in getattr(user, "roles", ()),
        "old_cutoff_year": settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR,
        "lockout": {
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    }
