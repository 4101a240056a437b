"""Loads the demo city from the seeded plan, through the apps' services, step by step on the
program's own days. Idempotent: what is already there (by region code, organization name,
username, estate code) is left alone. The steps live beside it: people, registry, pool, projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from huanxin.catalog.services import menu_load_defaults
from huanxin.core import clock
from huanxin.demo.communities import community_submissions
from huanxin.demo.participation import run_participation
from huanxin.demo.people import CITY, load_organizations, load_users
from huanxin.demo.photo_review import run_photo_review
from huanxin.demo.plan import DEMO_TODAY
from huanxin.demo.pool import fill_the_pool, plan_the_years, pool_stage, run_surveys
from huanxin.demo.projects import run_projects
from huanxin.demo.registry import import_district_ledgers, tie_owners_committee
from huanxin.funding.services import national_sources_load
from huanxin.regions.models import Region
from huanxin.regions.services import regions_load_csv


def load_demo(*, stdout: Any = None) -> dict[str, int]:
    """Each step records what happened on the days it happened; whatever is not dated further
    back happened on the demo's own day. One line per step, in the order the program ran."""
    counts: dict[str, int] = {}
    with clock.pinned(dt.date.fromisoformat(DEMO_TODAY)), transaction.atomic():
        with clock.pinned(REGISTRY_DAY):
            counts |= _load_the_registry()
        counts["surveys"] = run_surveys()
        counts["candidates"] = community_submissions(pool_stage) + fill_the_pool()
        counts |= plan_the_years()
        counts["projects"] = run_projects()
        counts["participation"] = run_participation()
        run_photo_review()
    return counts


# The registry as the districts delivered it, before the first surveys of autumn 2018.
REGISTRY_DAY = dt.date(2018, 8, 20)


def _load_the_registry() -> dict[str, int]:
    """Divisions, organizations, logins, the menu, the national money sources and the estates."""
    counts = {
        "regions": regions_load_csv(),
        "organizations": load_organizations(),
        "users": load_users(),
        "menu_items": menu_load_defaults(owner=Region.objects.get(code=CITY)),
    }
    national_sources_load()
    counts["estates"] = import_district_ledgers()
    tie_owners_committee()
    return counts
