"""The projects API (改造项目): the list and one project with its design, schedule, progress and the
transitions a guard would refuse; the design's items, progress reports, transitions and acceptance
signatures — each through the one service of projects.services, read through projects.querysets."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from huanxin.core import clock
from huanxin.core.access import endpoint
from huanxin.core.api import ERRORS, READ_ERRORS, Paginated, caller
from huanxin.core.bounds import (
    Code10,
    Code32,
    Day,
    Id,
    Note,
    PlanYear,
    Quantity,
    RegionCode,
    Text128,
    Text255,
    Text500,
    UnitYuan,
    Version,
)
from huanxin.core.errors import Invalid, NotFound
from huanxin.core.http import get_visible_or_404, requested_as_of
from huanxin.estates.models import ManagementMode
from huanxin.projects import rules, services
from huanxin.projects.as_of import RowsThen, attach_then, closed_on_by, design_then, milestones_then
from huanxin.projects.filtersets import filter_projects
from huanxin.projects.models import (
    AcceptanceSignature,
    PhotoReview,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPhoto,
)
from huanxin.projects.querysets import (
    PUBLIC_REVIEW,
    BasicReview,
    basic_review,
    has_owners_committee,
    missing_signatures,
    parties_of,
    projects_for,
    signer_label,
    with_flags,
)

router = Router(tags=["改造项目 projects"])

# Who may read a project: staff who view projects, and the contractors and owners' committees
# of its estate (their scope is the estates tied to their organization).
READ = ("view", "own_progress", "sign_acceptance")
SHARE = Decimal("0.0001")
CENT = Decimal("0.01")


def _name(organization: Any) -> str | None:
    return organization.name if organization is not None else None


class ProjectFields(Schema):
    id: int
    name: str
    estate_id: int
    estate_name: str
    state: str
    state_label: str
    year: int
    estimated_cost_yuan: Decimal
    progress: Decimal = Field(..., description="完成比例 0–1（按预算加权）")
    planned_start: dt.date | None
    planned_end: dt.date | None
    forecast_end: dt.date | None
    delayed: bool
    milestone_late: bool
    builder: str | None
    supervisor: str | None
    designer: str | None
    version: int


class ProjectOut(ProjectFields):
    @staticmethod
    def resolve_estate_name(obj: Project) -> str:
        return obj.estate.name

    @staticmethod
    def resolve_state(obj: Project) -> str:
        return str(getattr(obj, "state_then", obj.state))

    @staticmethod
    def resolve_state_label(obj: Project) -> str:
        state = getattr(obj, "state_then", obj.state)
        return str(rules.STATES.get(state, state))

    @staticmethod
    def resolve_year(obj: Project) -> int:
        return obj.plan_entry.plan.year

    @staticmethod
    def resolve_progress(obj: Project) -> Decimal:
        return Decimal(getattr(obj, "progress_then", obj.progress_share))

    @staticmethod
    def resolve_forecast_end(obj: Project) -> dt.date | None:
        return getattr(obj, "forecast_then", obj.forecast_end)  # type: ignore[no-any-return]

    @staticmethod
    def resolve_builder(obj: Project) -> str | None:
        return _name(obj.builder)

    @staticmethod
    def resolve_supervisor(obj: Project) -> str | None:
        return _name(obj.supervisor)

    @staticmethod
    def resolve_designer(obj: Project) -> str | None:
        return _name(obj.designer)


class ItemOut(Schema):
    id: int | None = Field(
        ..., description="项目改造内容编号（填报进度时的 item_id）；早先设计版本的内容为空"
    )
    menu_item_id: int | None = Field(..., description="菜单项编号（编制设计内容时的 item_id）")
    code: str
    name: str
    quantity: Decimal
    unit: str
    unit_cost_yuan: Decimal
    budget_yuan: Decimal
    done: Decimal = Field(..., description="完成比例 0–1")


class MilestoneOut(Schema):
    name: str
    due_on: dt.date
    done_on: dt.date | None
    late: bool
    status: str = Field(
        ..., description="pending 未到期 / late 滞后 / done 按期完成 / done_late 逾期完成 / closed 已关闭"
    )


class ActionOut(Schema):
    to_state: str
    label: str
    refusals: list[str]


class BasicProblemOut(Schema):
    menu_item_id: int
    code: str
    name: str
    severity: str = Field(..., description="major（严重）/ hazardous（存在安全隐患）")
    severity_label: str
    note: str = Field(..., description="现状评估的说明")
    reason: str | None = Field(..., description="未纳入设计的理由；null：未说明")


class BasicReasonOut(Schema):
    menu_item_id: int
    code: str
    reason: str
    by: str | None
    at: dt.datetime


class BasicCoverageOut(Schema):
    covered: list[BasicProblemOut] = Field(..., description="现状评估中严重及以上的基础类问题，已纳入设计")
    uncovered: list[BasicProblemOut] = Field(..., description="未纳入设计的，有无理由见 reason")
    reasons: list[BasicReasonOut]
    warning: str | None = Field(..., description="先基础后提升：有提升类内容而基础类问题未解决时的提醒")


class ProjectDetailOut(ProjectFields):
    as_of: dt.date | None
    design_budget_yuan: Decimal
    items: list[ItemOut]
    milestones: list[MilestoneOut]
    next_states: list[ActionOut]
    basic_coverage: BasicCoverageOut = Field(
        description="设计对照现状评估（应改尽改）；查看过去日期时为当日的评估、设计和理由"
    )


def _projects(user: Any) -> Any:
    return with_flags(projects_for(user).select_related("builder", "supervisor", "designer"))


def _project(user: Any, project_id: int) -> Project:
    project: Project = get_visible_or_404(_projects(user), user, pk=project_id)
    return project


def _detail(user: Any, project_id: int, as_of: dt.date | None = None) -> dict[str, Any]:
    """The project live, or at the end of `as_of` (read-only: no next states on a past day)."""
    project = _project(user, project_id)
    [project] = attach_then([project], as_of)
    if as_of is not None and project.state_then is None:  # type: ignore[attr-defined]
        raise NotFound(_("%(day)s时本项目尚未立项") % {"day": as_of.isoformat()})
    _revision, items = design_then(project, as_of)
    on = as_of or clock.today()
    closed_on = closed_on_by(project, on)
    return {
        **ProjectOut.model_validate(project).model_dump(),
        "as_of": as_of,
        "design_budget_yuan": sum((item.budget_yuan for item in items), Decimal(0)).quantize(CENT),
        "items": [
            {
                "id": item.item.pk if item.item else None,
                "menu_item_id": item.item.item_id if item.item else None,
                "code": item.code,
                "name": item.name,
                "quantity": item.quantity,
                "unit": item.unit,
                "unit_cost_yuan": item.unit_cost_yuan,
                "budget_yuan": item.budget_yuan,
                "done": item.done.quantize(SHARE),
            }
            for item in items
        ],
        "milestones": [
            {
                "name": milestone.name,
                "due_on": milestone.due_on,
                "done_on": milestone.done_on if milestone.done_on and milestone.done_on <= on else None,
                "late": rules.milestone_late(milestone.due_on, milestone.done_on, on, closed_on),
                "status": rules.milestone_status(milestone.due_on, milestone.done_on, on, closed_on),
            }
            for milestone in milestones_then([project.pk], as_of)
        ],
        "next_states": []
        if as_of is not None
        else [
            {
                "to_state": state,
                "label": str(rules.STATES[state]),
                "refusals": services.transition_refusals(project, state),
            }
            for state in rules.next_states(project.state, project.resume_to or None)
        ],
        "basic_coverage": _basic_coverage(basic_review(project, as_of)),
    }


def _basic_coverage(review: BasicReview) -> dict[str, Any]:
    def problem(line: Any) -> dict[str, Any]:
        p = line.problem
        return {
            "menu_item_id": line.item_id,
            "code": p.code,
            "name": p.name,
            "severity": p.severity,
            "severity_label": p.severity_label,
            "note": p.note,
            "reason": p.reason or None,
        }

    return {
        "covered": [problem(line) for line in review.lines if line.problem.covered],
        "uncovered": [problem(line) for line in review.lines if not line.problem.covered],
        "reasons": [
            {
                "menu_item_id": line.item_id,
                "code": line.problem.code,
                "reason": line.reason.reason,
                "by": str(line.reason.by) if line.reason.by is not None else None,
                "at": line.reason.at,
            }
            for line in review.lines
            if line.reason is not None
        ],
        "warning": review.warning,
    }


class ProjectFilters(Schema):
    region: RegionCode | None = Field(None, description="区划代码（6、9或12位），含其下级")
    state: Code32 | None = Field(None, description=" / ".join(rules.STATES))
    year: PlanYear | None = Field(None, description="计划年度")
    contractor: Id | None = Field(None, description="参建单位编号：施工、监理或设计单位")
    late: bool | None = Field(None, description="true：延期或节点滞后；false：两者都没有")
    as_of: dt.date | None = Field(
        None, description="截至某日（YYYY-MM-DD）：状态、进度、滞后都按当日；默认今天"
    )


@router.get("/projects", response={200: list[ProjectOut], **READ_ERRORS})
@endpoint("projects", READ)
@paginate(Paginated)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    """Projects inside your jurisdiction (contractors and owners' committees: their estates'),
    ordered by estate code."""
    params = {key: value for key, value in filters.dict().items() if value is not None}
    if isinstance(params.get("late"), bool):
        params["late"] = "true" if params["late"] else "false"
    as_of = requested_as_of(params)
    projects, filterset = filter_projects(_projects(caller(request)), params, as_of)
    if filterset.errors:
        raise Invalid(
            _("筛选条件无效"),
            details=[
                {"field": field, "message": "；".join(errors)} for field, errors in filterset.errors.items()
            ],
        )
    return RowsThen(projects, as_of)


def _as_of(value: str | None) -> dt.date | None:
    return requested_as_of({"as_of": value})


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, **READ_ERRORS})
@endpoint("projects", READ)
def get_project(request: HttpRequest, project_id: Id, as_of: Code10 | None = None) -> Any:
    """One project with its items, milestones and the next states, each with the refusals that
    stand in its way now (empty: allowed). `as_of=YYYY-MM-DD`: the project at the end of that day —
    its state then, the design version then in force, progress by the reports measured by then,
    milestones as they stood; no next states (a past day is read-only)."""
    return _detail(caller(request), project_id, _as_of(as_of))


class ItemRowIn(Schema):
    item_id: Id = Field(..., description="菜单项编号")
    quantity: Quantity
    unit_cost_yuan: UnitYuan


class ItemsIn(Schema):
    version: Version
    rows: list[ItemRowIn] = Field(..., max_length=500)


@router.put("/projects/{project_id}/items", response={200: ProjectDetailOut, **ERRORS})
@endpoint("projects", "change")
def set_items(request: HttpRequest, project_id: Id, payload: ItemsIn) -> Any:
    """The design's items as a whole (before its publicity); their sum is the design budget."""
    user = caller(request)
    ids = [row.item_id for row in payload.rows]
    if len(set(ids)) != len(ids):
        raise Invalid(
            _("改造内容重复"), details=[{"field": "rows", "message": _("每项菜单内容只能出现一次")}]
        )
    services.project_items_set(
        by=user,
        project_id=project_id,
        version=payload.version,
        rows=[
            {"item_id": row.item_id, "quantity": row.quantity, "unit_cost_yuan": row.unit_cost_yuan}
            for row in payload.rows
        ],
    )
    return _detail(user, project_id)


class BasicReasonIn(Schema):
    version: Version
    reason: Text500 = Field(
        ..., max_length=500, description="为什么不纳入设计，如“燃气公司另行立项”；空：撤回"
    )


@router.put("/projects/{project_id}/basic-reasons/{menu_item_id}", response={200: ProjectDetailOut, **ERRORS})
@endpoint("projects", "change")
def set_basic_reason(request: HttpRequest, project_id: Id, menu_item_id: Id, payload: BasicReasonIn) -> Any:
    """应改尽改: why a basic problem of the condition assessment (major or worse) is not in the
    design, before its publicity; an empty reason clears it. The answer's `basic_coverage` shows
    what remains open."""
    user = caller(request)
    services.basic_gap_reason_set(
        by=user, project_id=project_id, version=payload.version, item_id=menu_item_id, reason=payload.reason
    )
    return _detail(user, project_id)


class ProgressOut(Schema):
    id: int
    on: dt.date
    item_id: int = Field(..., description="项目改造内容编号")
    item_code: str
    item_name: str
    quantity_done: Decimal = Field(..., description="截至该日的累计完成量")
    note: str
    reported_by: str | None
    correction_reason: str = Field(..., description="更正原因；空：不是更正")
    confirmed_on: dt.date | None = Field(None, description="监理确认更正的日期；更正确认后才计入进度")
    confirmed_by: str | None = None

    @staticmethod
    def resolve_item_code(obj: ProgressReport) -> str:
        return obj.item.item.code

    @staticmethod
    def resolve_item_name(obj: ProgressReport) -> str:
        return obj.item.item.name

    @staticmethod
    def resolve_reported_by(obj: ProgressReport) -> str | None:
        return str(obj.reported_by) if obj.reported_by is not None else None

    @staticmethod
    def resolve_confirmed_by(obj: ProgressReport) -> str | None:
        return str(obj.confirmed_by) if obj.confirmed_by is not None else None


@router.get("/projects/{project_id}/progress", response={200: list[ProgressOut], **READ_ERRORS})
@endpoint("projects", READ)
@paginate(Paginated)
def list_progress(request: HttpRequest, project_id: Id) -> Any:
    """The project's progress reports, newest first."""
    project = _project(caller(request), project_id)
    return (
        ProgressReport.objects.filter(item__project=project)
        .select_related("item__item", "reported_by", "confirmed_by")
        .order_by("-on", "-id")
    )


class ProgressIn(Schema):
    item_id: Id = Field(..., description="项目改造内容编号（项目详情 items[].id）")
    on: Day
    quantity_done: Quantity
    note: Text255 = ""
    correction_reason: Text500 = Field(
        "", max_length=255, description="低于此前已填报的累计完成量时必填：更正原因，由监理单位确认后计入"
    )


@router.post("/projects/{project_id}/progress", response={201: ProgressOut, **ERRORS})
@endpoint("projects", ("change", "own_progress"))
def report_progress(request: HttpRequest, project_id: Id, payload: ProgressIn) -> Any:
    """A dated report of the quantity done so far on one of the project's items: staff, or the
    project's own builder or supervisor."""
    user = caller(request)
    project = _project(user, project_id)
    if not ProjectItem.objects.filter(project=project, pk=payload.item_id).exists():
        raise NotFound(_("本项目没有这项改造内容"))
    report = services.progress_report(
        by=user,
        item_id=payload.item_id,
        on=payload.on,
        quantity_done=payload.quantity_done,
        note=payload.note,
        correction_reason=payload.correction_reason,
    )
    return 201, _report(report.pk)


def _report(report_id: int) -> ProgressReport:
    return ProgressReport.objects.select_related("item__item", "reported_by", "confirmed_by").get(
        pk=report_id
    )


@router.post("/projects/{project_id}/progress/{report_id}/confirm", response={200: ProgressOut, **ERRORS})
@endpoint("projects", ("change", "own_progress"))
def confirm_correction(request: HttpRequest, project_id: Id, report_id: Id) -> Any:
    """The project's supervisor confirms a correction (a figure below an earlier one), which then
    counts in the progress; where no supervisor is assigned, the district confirms."""
    user = caller(request)
    project = _project(user, project_id)
    if not ProgressReport.objects.filter(item__project=project, pk=report_id).exists():
        raise NotFound(_("本项目没有这条进度报告"))
    services.progress_correction_confirm(by=user, report_id=report_id)
    return _report(report_id)


class TransitionIn(Schema):
    version: Version
    note: Note = ""


@router.post("/projects/{project_id}/transitions/{name}", response={200: ProjectDetailOut, **ERRORS})
@endpoint("projects", "change")
def transition_project(request: HttpRequest, project_id: Id, name: Code32, payload: TransitionIn) -> Any:
    """Moves the project to the state `name`. Every guard runs: a refusal is 409 with each reason
    in `details`; cancellation needs a `note`."""
    if name not in rules.STATES:
        raise Invalid(
            _("未知的项目状态：%(name)s") % {"name": name},
            details=[{"field": "name", "message": _("可选：%(v)s") % {"v": "、".join(rules.STATES)}}],
        )
    user = caller(request)
    services.project_transition(
        by=user, project_id=project_id, version=payload.version, to_state=name, note=payload.note
    )
    return _detail(user, project_id)


class HandoverIn(Schema):
    version: Version
    management_mode: ManagementMode = Field(..., description="管理模式")
    manager: Text128 = Field("", description="管理单位")
    note: Note = ""


@router.post("/projects/{project_id}/handover", response={200: ProjectDetailOut, **ERRORS})
@endpoint("projects", "change")
def hand_over_project(request: HttpRequest, project_id: Id, payload: HandoverIn) -> Any:
    """Records the long-term management mode and moves an accepted project to 已移交 (the
    transition alone is refused without it); the estate's management mode follows."""
    user = caller(request)
    services.project_hand_over(
        by=user,
        project_id=project_id,
        version=payload.version,
        management_mode=payload.management_mode,
        manager=payload.manager,
        note=payload.note,
    )
    return _detail(user, project_id)


class PhotoOut(Schema):
    id: int
    stage: str = Field(..., description="before / during / after")
    item_id: int | None = Field(None, description="项目改造内容编号；空：全景")
    caption: str
    taken_at: dt.datetime | None = Field(None, description="照片自带的拍摄时间")
    uploaded_at: dt.datetime
    flags: list[str] = Field(..., description="拍摄时间或地点与项目不符之处")
    review: str = Field(..., description="clear：无疑点；waiting：待审核，不公开；accepted：已审核公开")
    reviewed_at: dt.datetime | None
    review_note: str
    public: bool = Field(..., description="公示页面显示这张照片")
    thumbnail_url: str = Field(..., description="缩略图（工作人员）")
    public_url: str | None = Field(None, description="公开图（去除拍摄信息），未公开的照片为空")

    @staticmethod
    def resolve_public(obj: ProjectPhoto) -> bool:
        return obj.review in PUBLIC_REVIEW

    @staticmethod
    def resolve_thumbnail_url(obj: ProjectPhoto) -> str:
        return reverse("projects:photo", args=[obj.pk, "thumb"])

    @staticmethod
    def resolve_public_url(obj: ProjectPhoto) -> str | None:
        if obj.review not in PUBLIC_REVIEW:
            return None
        return reverse("projects:public_photo", args=[obj.pk, "public"])


def _project_photo(user: Any, project_id: int, photo_id: int) -> int:
    """A photo of the project in the path, or the same 404 as a missing one."""
    project = _project(user, project_id)
    if not ProjectPhoto.objects.filter(project=project, pk=photo_id, feedback__isnull=True).exists():
        raise NotFound()
    return photo_id


@router.get("/projects/{project_id}/photos", response={200: list[PhotoOut], **READ_ERRORS})
@endpoint("projects", READ)
@paginate(Paginated)
def list_photos(request: HttpRequest, project_id: Id, review: Code32 | None = None) -> Any:
    """The project's own site photos (residents' feedback photos are not among them) with their
    review state, oldest first; `review=waiting`: the flagged photos the public cannot see yet."""
    project = _project(caller(request), project_id)
    photos = ProjectPhoto.objects.filter(project=project, feedback__isnull=True)
    if review:
        if review not in PhotoReview.values:
            raise Invalid(
                _("审核状态应为 clear、waiting 或 accepted"), details=[{"field": "review", "message": review}]
            )
        photos = photos.filter(review=review)
    return photos.order_by("taken_at", "uploaded_at", "id")


class PhotoAcceptIn(Schema):
    note: Note = Field(..., min_length=1, description="审核意见，如何核实的")


@router.post("/projects/{project_id}/photos/{photo_id}/accept", response={200: PhotoOut, **ERRORS})
@endpoint("projects", "change")
def accept_photo(request: HttpRequest, project_id: Id, photo_id: Id, payload: PhotoAcceptIn) -> Any:
    """A district or city officer lets the public see a flagged photo, with a written note. Not
    the photo's own uploader, never a contractor."""
    user = caller(request)
    photo = services.photo_review_accept(
        by=user, photo_id=_project_photo(user, project_id, photo_id), note=payload.note
    )
    return photo


class PhotoRemoveIn(Schema):
    reason: Note = Field(..., min_length=1, description="删除原因")


@router.post("/projects/{project_id}/photos/{photo_id}/remove", response={204: None, **ERRORS})
@endpoint("projects", "change")
def remove_photo(request: HttpRequest, project_id: Id, photo_id: Id, payload: PhotoRemoveIn) -> Any:
    """Deletes a photo that does not show this project's works (its files and its row); the audit
    trail keeps who, when, why and what the photo's metadata said."""
    user = caller(request)
    services.photo_remove(by=user, photo_id=_project_photo(user, project_id, photo_id), reason=payload.reason)
    return 204, None


class PartyOut(Schema):
    party: str
    label: str


class SignatureOut(Schema):
    party: str
    party_label: str
    signer: str = Field(..., description="签字人；居民代表只显示遮蔽后的门牌")
    opinion: str
    signed_on: dt.date
    paper: bool = Field(..., description="补录的纸质验收记录")
    archive_number: str | None


class AcceptanceOut(Schema):
    project_id: int
    state: str
    required: list[PartyOut]
    signatures: list[SignatureOut]
    missing: list[str]
    my_parties: list[str] = Field(..., description="您可以代表签字的一方")


def _signature_out(signature: AcceptanceSignature, *, personal: bool) -> dict[str, Any]:
    paper = bool(signature.archive_number)
    signer = signer_label(signature, personal=personal)
    return {
        "party": signature.party,
        "party_label": str(rules.PARTIES.get(signature.party, signature.party)),
        "signer": signer,
        "opinion": signature.opinion,
        "signed_on": signature.signed_on,
        "paper": paper,
        "archive_number": signature.archive_number if paper else None,
    }


def _acceptance(user: Any, project_id: int) -> dict[str, Any]:
    project = _project(user, project_id)
    signatures = AcceptanceSignature.objects.filter(project=project).select_related(
        "signer", "household__building"
    )
    return {
        "project_id": project.pk,
        "state": project.state,
        "required": [
            {"party": party, "label": str(rules.PARTIES[party])}
            for party in rules.parties_required(has_owners_committee(project))
        ],
        "signatures": [
            _signature_out(signature, personal=user.sees_personal_data(project.estate.region.code))
            for signature in signatures
        ],
        "missing": missing_signatures(project),
        "my_parties": parties_of(user, project),
    }


@router.get("/projects/{project_id}/acceptance", response={200: AcceptanceOut, **READ_ERRORS})
@endpoint("projects", READ)
def get_acceptance(request: HttpRequest, project_id: Id) -> Any:
    """The acceptance record (竣工验收): the parties who must sign, who has, who has not."""
    return _acceptance(caller(request), project_id)


class SignIn(Schema):
    opinion: Text255 = ""


@router.post("/projects/{project_id}/acceptance/signatures", response={201: AcceptanceOut, **ERRORS})
@endpoint("projects", "sign_acceptance")
def sign_acceptance(request: HttpRequest, project_id: Id, payload: SignIn) -> Any:
    """You sign for your own party (by role and organization); each party signs once."""
    user = caller(request)
    services.acceptance_sign(by=user, project_id=project_id, opinion=payload.opinion)
    return 201, _acceptance(user, project_id)
