from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from huanxin.core.access import endpoint
from huanxin.core.api import ERRORS, READ_ERRORS, Paginated, caller
from huanxin.core.bounds import (
    Code10,
    Code32,
    Code64,
    Count,
    Id,
    Name128,
    Note,
    PlanYear,
    Share,
    TargetAreaM2,
    Text64,
    Version,
    Yuan,
)
from huanxin.core.errors import Invalid, NotFound
from huanxin.core.http import get_visible_or_404, requested_as_of
from huanxin.estates.querysets import estates_for
from huanxin.planning import optimizer, services
from huanxin.planning.models import AnnualPlan, Candidate, PlanEntry, Program
from huanxin.planning.querysets import (
    OtherDistrict,
    candidates_for,
    entries_for,
    estate_eligibility,
    home_region,
)

router = Router(tags=["资格与储备 planning"])


class RuleOut(Schema):
    rule: str
    passed: bool | None
    evidence: str


class EligibilityOut(Schema):
    status: str
    rules: list[RuleOut]


@router.get("/estates/{estate_id}/eligibility", response={200: EligibilityOut, **READ_ERRORS})
@endpoint("eligibility", "view")
def get_eligibility(request: HttpRequest, estate_id: Id, as_of: Code10 | None = None) -> Any:
    """eligible / ineligible / undetermined, with each rule's result and evidence (`passed` is
    null where facts are missing). `as_of=YYYY-MM-DD`: judged at the end of that day, on the
    estate, assessment, answers and rules recorded by then."""
    estate = get_visible_or_404(estates_for(caller(request)), caller(request), pk=estate_id)
    return estate_eligibility(estate, requested_as_of({"as_of": as_of}))


class ActorOut(Schema):
    username: str
    full_name: str
    organization: str | None

    @staticmethod
    def resolve_organization(obj: Any) -> str | None:
        return obj.organization.name if obj.organization else None


class CandidateOut(Schema):
    id: int
    estate_id: int
    estate_name: str
    status: str
    note: str
    reason: str
    submitted_by: ActorOut
    submitted_at: str
    forwarded_by: ActorOut | None
    forwarded_at: str | None
    reviewed_by: ActorOut | None
    reviewed_at: str | None
    confirmed_by: ActorOut | None
    confirmed_at: str | None
    version: int

    @staticmethod
    def resolve_estate_name(obj: Candidate) -> str:
        return obj.estate.name

    @staticmethod
    def resolve_submitted_at(obj: Candidate) -> str:
        return obj.submitted_at.isoformat()

    @staticmethod
    def resolve_forwarded_at(obj: Candidate) -> str | None:
        return obj.forwarded_at.isoformat() if obj.forwarded_at else None

    @staticmethod
    def resolve_reviewed_at(obj: Candidate) -> str | None:
        return obj.reviewed_at.isoformat() if obj.reviewed_at else None

    @staticmethod
    def resolve_confirmed_at(obj: Candidate) -> str | None:
        return obj.confirmed_at.isoformat() if obj.confirmed_at else None


@router.get("/candidates", response={200: list[CandidateOut], **READ_ERRORS})
@endpoint("eligibility", "view")
@paginate(Paginated)
def list_candidates(request: HttpRequest, status: Code32 | None = None) -> Any:
    candidates = candidates_for(caller(request))
    return candidates.filter(status=status) if status else candidates


class SubmitIn(Schema):
    estate_id: Id
    note: Note = ""


class ReviewIn(Schema):
    version: Version
    accept: bool
    reason: Note = ""


class ConfirmIn(Schema):
    version: Version


@router.post("/candidates", response={201: CandidateOut, **ERRORS})
@endpoint("eligibility", ("submit", "propose"))
def submit_candidate(request: HttpRequest, payload: SubmitIn) -> Any:
    """A street submits an eligible estate (申报) to the district; a community worker submits one
    of its community's estates to its street (`proposed`)."""
    return 201, services.candidate_submit(by=caller(request), estate_id=payload.estate_id, note=payload.note)


@router.post("/candidates/{candidate_id}/forward", response={200: CandidateOut, **ERRORS})
@endpoint("eligibility", "forward")
def forward_candidate(request: HttpRequest, candidate_id: Id, payload: ReviewIn) -> Any:
    """The street forwards a community's submission to the district, or returns it with a reason."""
    return services.candidate_forward(
        by=caller(request),
        candidate_id=candidate_id,
        version=payload.version,
        accept=payload.accept,
        reason=payload.reason,
    )


@router.post("/candidates/{candidate_id}/review", response={200: CandidateOut, **ERRORS})
@endpoint("eligibility", "review")
def review_candidate(request: HttpRequest, candidate_id: Id, payload: ReviewIn) -> Any:
    return services.candidate_review(
        by=caller(request),
        candidate_id=candidate_id,
        version=payload.version,
        accept=payload.accept,
        reason=payload.reason,
    )


@router.post("/candidates/{candidate_id}/confirm", response={200: CandidateOut, **ERRORS})
@endpoint("eligibility", "confirm")
def confirm_candidate(request: HttpRequest, candidate_id: Id, payload: ConfirmIn) -> Any:
    return services.candidate_confirm(by=caller(request), candidate_id=candidate_id, version=payload.version)


class OptimizeCandidate(Schema):
    id: Code64 | Id
    district: Text64
    cost_yuan: float = Field(..., ge=0.01, le=1e12, allow_inf_nan=False)
    households: int = Field(..., ge=0, le=10_000_000)
    priority: float = Field(..., ge=0, le=1_000_000, allow_inf_nan=False)


class OptimizeIn(Schema):
    budget_yuan: float = Field(..., ge=0.01, le=1e14, allow_inf_nan=False)
    candidates: list[OptimizeCandidate] = Field(..., max_length=50_000)
    district_min_share: dict[Text64, Share] = Field({}, max_length=1000)
    district_max_share: dict[Text64, Share] = Field({}, max_length=1000)
    must_include: list[Code64 | Id] = Field([], max_length=50_000)
    must_exclude: list[Code64 | Id] = Field([], max_length=50_000)
    time_limit_s: float = Field(10, gt=0, le=60)
    # The search stops once the selection is proven within this share of the best possible: 0.1 %
    # by default (a province's pool in about a second); 0 proves optimality, up to the time limit.
    gap: float = Field(0.001, ge=0, le=0.05, allow_inf_nan=False)


class GreedyOut(Schema):
    selected: list[str | int]
    objective: float
    violations: list[str]


class OptimizeOut(Schema):
    status: str
    selected: list[str | int]
    objective: float | None
    bound: float | None
    gap: float | None
    greedy: GreedyOut
    reasons: dict[str, str]
    conflicts: list[str]
    seconds: float


@router.post("/planning/optimize", response={200: OptimizeOut, **ERRORS})
@endpoint("plans", "view")
def optimize_what_if(request: HttpRequest, payload: OptimizeIn) -> Any:
    """What if: the exact selection for the candidates given (nothing is read or written), the
    greedy pick beside it, and why each candidate is in or out."""
    # Ids compared as text: 1 and "1" are the same candidate.
    ids = [str(candidate.id) for candidate in payload.candidates]
    if len(set(ids)) != len(ids):
        raise Invalid(_("候选项目编号重复"), details=[{"field": "candidates", "message": _("编号须唯一")}])
    for name, shares in (
        ("district_min_share", payload.district_min_share),
        ("district_max_share", payload.district_max_share),
    ):
        bad = [code for code, share in shares.items() if not 0 <= share <= 1]
        if bad:
            raise Invalid(_("份额应在0到1之间"), details=[{"field": name, "message": "、".join(bad)}])
    problem = optimizer.Problem(
        budget=payload.budget_yuan,
        candidates=[
            optimizer.Candidate(str(c.id), c.district, c.cost_yuan, c.households, c.priority)
            for c in payload.candidates
        ],
        min_share=payload.district_min_share,
        max_share=payload.district_max_share,
        must_include=frozenset(str(i) for i in payload.must_include),
        must_exclude=frozenset(str(i) for i in payload.must_exclude),
        time_limit_s=payload.time_limit_s,
        mip_rel_gap=payload.gap,
    )
    return optimizer.as_dict(optimizer.optimize(problem))


class ProgramOut(Schema):
    id: int
    region_code: str
    name: str
    start_year: int
    end_year: int
    target_estates: int
    target_households: int
    target_area_m2: float
    target_investment_yuan: float
    version: int

    @staticmethod
    def resolve_region_code(obj: Program) -> str:
        return obj.region.code


class ProgramIn(Schema):
    name: Name128
    start_year: PlanYear
    end_year: PlanYear
    target_estates: Count = 0
    target_households: Count = 0
    target_area_m2: TargetAreaM2 = Decimal(0)
    target_investment_yuan: Yuan = Decimal(0)


class ProgramUpdateIn(ProgramIn):
    version: Version


@router.get("/programs", response={200: list[ProgramOut], **READ_ERRORS})
@endpoint("plans", "view")
@paginate(Paginated)
def list_programs(request: HttpRequest) -> Any:
    return Program.objects.visible_to(caller(request)).select_related("region")


@router.post("/programs", response={201: ProgramOut, **ERRORS})
@endpoint("plans", "change")
def create_program(request: HttpRequest, payload: ProgramIn) -> Any:
    """A program at the caller's own node (the administrator's: the first city)."""
    user = caller(request)
    region = home_region(user)
    if region is None:
        raise NotFound(_("尚未加载行政区划"))
    return 201, services.program_create(by=user, region_id=region.pk, **payload.dict())


@router.put("/programs/{program_id}", response={200: ProgramOut, **ERRORS})
@endpoint("plans", "change")
def update_program(request: HttpRequest, program_id: Id, payload: ProgramUpdateIn) -> Any:
    """`409 refused` once a plan under the program is approved."""
    changes = payload.dict()
    version = changes.pop("version")
    return services.program_update(
        by=caller(request),
        program_id=program_id,
        version=version,
        changes=changes,  # type: ignore[arg-type]
    )


class PlanEntryOut(Schema):
    estate_id: int
    estate_name: str
    households: int
    floor_area_m2: float
    estimated_cost_yuan: float
    priority: float
    reason: str

    @staticmethod
    def resolve_estate_name(obj: PlanEntry) -> str:
        return obj.estate.name


class PlanOut(Schema):
    id: int
    program: str
    year: int
    status: str
    budget_yuan: float
    publicity_starts: str | None
    publicity_ends: str | None
    approved_on: str | None
    version: int

    @staticmethod
    def resolve_program(obj: AnnualPlan) -> str:
        return obj.program.name

    @staticmethod
    def resolve_publicity_starts(obj: AnnualPlan) -> str | None:
        return obj.publicity_starts.isoformat() if obj.publicity_starts else None

    @staticmethod
    def resolve_publicity_ends(obj: AnnualPlan) -> str | None:
        return obj.publicity_ends.isoformat() if obj.publicity_ends else None

    @staticmethod
    def resolve_approved_on(obj: AnnualPlan) -> str | None:
        return obj.approved_on.isoformat() if obj.approved_on else None


class PlanRecordOut(Schema):
    at: str
    by: str | None
    reason: str


class OtherDistrictOut(Schema):
    name: str
    count: int
    households: int
    area_m2: Decimal
    cost_yuan: Decimal


class PlanDetailOut(PlanOut):
    entries: list[PlanEntryOut]
    other_districts: list[OtherDistrictOut] = Field(
        description="草案中辖区以外的区县：只给合计（小区数、户数、面积、投资），不列小区"
    )
    history: list[PlanRecordOut]

    @staticmethod
    def resolve_entries(obj: AnnualPlan, context: dict[str, Any]) -> list[PlanEntry]:
        seen, _others = entries_for(caller(context["request"]), obj)
        return list(seen.select_related("estate").order_by("-priority", "estate__code"))

    @staticmethod
    def resolve_other_districts(obj: AnnualPlan, context: dict[str, Any]) -> list[OtherDistrict]:
        return entries_for(caller(context["request"]), obj)[1]

    @staticmethod
    def resolve_history(obj: AnnualPlan) -> list[dict[str, Any]]:
        """Each change with who made it and why (a withdrawal's reason among them), newest first."""
        return [
            {
                "at": record.history_date.isoformat(),
                "by": record.history_user.username if record.history_user else None,
                "reason": record.history_change_reason or "",
            }
            for record in obj.history.select_related("history_user").order_by("-history_date", "-history_id")
        ]


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS})
@endpoint("plans", "view")
@paginate(Paginated)
def list_plans(request: HttpRequest) -> Any:
    return AnnualPlan.objects.visible_to(caller(request)).select_related("program")


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **READ_ERRORS})
@endpoint("plans", "view")
def get_plan(request: HttpRequest, plan_id: Id) -> Any:
    return get_visible_or_404(AnnualPlan.objects.select_related("program"), caller(request), pk=plan_id)


class VersionIn(Schema):
    version: Version


class PublishIn(VersionIn):
    days: int = Field(7, ge=1, le=60)


@router.post("/plans/{plan_id}/publish", response={200: PlanOut, **ERRORS})
@endpoint("plans", "change")
def publish_plan(request: HttpRequest, plan_id: Id, payload: PublishIn) -> Any:
    return services.plan_publish(
        by=caller(request), plan_id=plan_id, version=payload.version, days=payload.days
    )


class WithdrawIn(VersionIn):
    reason: Note = Field(..., min_length=1)


@router.post("/plans/{plan_id}/withdraw", response={200: PlanOut, **ERRORS})
@endpoint("plans", "change")
def withdraw_plan(request: HttpRequest, plan_id: Id, payload: WithdrawIn) -> Any:
    """A plan in publicity back to draft, with a reason kept in its history (409 once approved)."""
    return services.plan_withdraw(
        by=caller(request), plan_id=plan_id, version=payload.version, reason=payload.reason
    )


@router.post("/plans/{plan_id}/approve", response={200: PlanOut, **ERRORS})
@endpoint("plans", "approve")
def approve_plan(request: HttpRequest, plan_id: Id, payload: VersionIn) -> Any:
    """Refused (409) with every reason in `details` while the publicity runs, or while an entry's
    estate is not eligible or lacks an estimated cost."""
    return services.plan_approve(by=caller(request), plan_id=plan_id, version=payload.version)
