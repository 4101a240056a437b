"""The planning records most tests start from, made through the services as the offices make
them: an estate through the pool (submitted, reviewed, confirmed, costed) and a draft plan."""

from decimal import Decimal
from typing import Any

from huanxin.planning import services
from huanxin.planning.models import AnnualPlan, Candidate
from huanxin.regions.models import Region


def confirmed_candidate(city: dict[str, Any], estate: Any, cost_yuan: str | None = None) -> Candidate:
    """The street submits, the district accepts, the city confirms; and costs it if asked."""
    candidate = services.candidate_submit(by=city["guanliping"], estate_id=estate.pk)
    candidate = services.candidate_review(
        by=city["yongding"], candidate_id=candidate.pk, version=candidate.version, accept=True
    )
    candidate = services.candidate_confirm(
        by=city["city"], candidate_id=candidate.pk, version=candidate.version
    )
    if cost_yuan is not None:
        candidate = services.candidate_cost_set(
            by=city["city"],
            candidate_id=candidate.pk,
            version=candidate.version,
            cost_yuan=Decimal(cost_yuan),
        )
    return candidate


def draft_plan(city: dict[str, Any], budget_yuan: str = "5000000", year: int = 2021) -> AnnualPlan:
    """The city's 2020–2022 program and a draft plan for `year`."""
    program = services.program_create(
        by=city["city"],
        region_id=Region.objects.get(code="430800000000").pk,
        name="三年行动",
        start_year=2020,
        end_year=2022,
    )
    return services.plan_create(
        by=city["city"], program_id=program.pk, year=year, budget_yuan=Decimal(budget_yuan)
    )
