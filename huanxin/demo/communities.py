"""Communities submit too (办事处及社区报上来): in the demo city, some of 官黎坪居委会's estates in
the 2021 pool came from the community worker `shequ` and were forwarded by the street
`guanliping`, in August 2020, before the district and the city took them on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from huanxin.accounts.models import User
from huanxin.core import clock
from huanxin.demo.plan import EstatePlan, Fate, demo_plan
from huanxin.estates import rules as estate_rules
from huanxin.estates.models import Estate
from huanxin.planning.models import Candidate
from huanxin.planning.services import candidate_confirm, candidate_forward, candidate_review, candidate_submit

COMMUNITY = "430802004001"  # 官黎坪居委会, shequ's
PROPOSED_ON = dt.date(2020, 8, 10)
FORWARDED_ON = dt.date(2020, 8, 14)
REVIEWED_ON = dt.date(2020, 8, 24)
CONFIRMED_ON = dt.date(2020, 8, 28)


def community_submissions(stage_of: Callable[[EstatePlan], str]) -> int:
    """The community's candidates, each taken as far as `stage_of` (the loader's pool stage) says;
    run before the streets fill the rest of the pool, which then skips these estates."""
    users = {
        user.username: user
        for user in User.objects.filter(username__in=["shequ", "guanliping", "yongding", "city"])
    }
    serial = 0
    created = 0
    for plan in demo_plan():
        if plan.community != COMMUNITY:
            continue
        serial += 1  # the estate's code follows its place among the community's planned estates
        if plan.fate != Fate.POOL_2021:
            continue
        estate = Estate.objects.get(code=estate_rules.estate_code(COMMUNITY, serial))
        if Candidate.objects.filter(estate=estate).exists():
            continue
        with clock.pinned(PROPOSED_ON):
            candidate = candidate_submit(
                by=users["shequ"], estate_id=estate.pk, note="居民联名申请，社区入户核实"
            )
        with clock.pinned(FORWARDED_ON):
            candidate = candidate_forward(
                by=users["guanliping"], candidate_id=candidate.pk, version=candidate.version, accept=True
            )
        stage = stage_of(plan)
        if stage != "submitted":
            with clock.pinned(REVIEWED_ON):
                candidate = candidate_review(
                    by=users["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
                )
            if stage == "confirmed":
                with clock.pinned(CONFIRMED_ON):
                    candidate_confirm(by=users["city"], candidate_id=candidate.pk, version=candidate.version)
        created += 1
    return created
