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
        "old_cutoff_year": settings.HUANXIN_OLD_ESTATE_CUTOFF_YEAR,
        "lockout": {
            "failures": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
    }
