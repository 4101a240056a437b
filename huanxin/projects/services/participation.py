"""Residents take part: the design vote (phone or paper), satisfaction ratings, feedback and its answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import stamp_history
from huanxin.core.workdays import add_working_days
from huanxin.estates.models import Household
from huanxin.projects import rules
from huanxin.projects.models import (
    DesignVote,
    Feedback,
    FeedbackCategory,
    PaperVote,
    PhotoStage,
    Project,
    Satisfaction,
    SatisfactionRating,
)
from huanxin.projects.querysets import (
    config_for,
    publicity_ends_on,
)
from huanxin.projects.services.common import resident_project
from huanxin.projects.services.photos import photo_add


def design_vote_cast(*, household: Household, project_id: int, agrees: bool) -> DesignVote:
    """One vote per household during the design's publicity; a new vote replaces the old one
    until the period ends (every version is kept in the history)."""
    with transaction.atomic():
        Household.objects.select_for_update().get(pk=household.pk)  # one household, one writer
        project = resident_project(household, project_id)
        ends = publicity_ends_on(project)
        if project.state != rules.PUBLICITY or ends is None or clock.today() >= ends:
            raise Refused(_("设计方案不在公示期内，不能投票"))
        vote, _created = DesignVote.objects.update_or_create(
            project=project, household=household, defaults={"agrees": agrees, "voted_at": clock.now()}
        )
        audit_record(
            action="project.design_vote",
            actor=None,
            target=project,
            region_code=project.estate.region.code,
            detail={"household": household.pk},
        )
    return vote


class PaperVoteCounts(TypedDict):
    heads_total: int
    heads_voted: int
    heads_yes: int
    area_total: Decimal
    area_voted: Decimal
    area_yes: Decimal


def paper_vote_record(
    *, by: Any, project_id: int, counts: PaperVoteCounts, archive_number: str, held_on: dt.date
) -> PaperVote:
    """The result of a vote the owners held on paper, entered by the district with its archive
    number; it replaces the phone votes in the count."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能录入表决结果"))
    problems = [
        {"field": part, "message": _("应在0到%(whole)s之间") % {"whole": whole}}
        for part, whole in (
            ("heads_voted", "heads_total"),
            ("heads_yes", "heads_voted"),
            ("area_voted", "area_total"),
            ("area_yes", "area_voted"),
        )
        if not 0 <= counts[part] <= counts[whole]  # type: ignore[literal-required]
    ]
    if counts["heads_total"] <= 0 or counts["area_total"] <= 0:
        problems.append({"field": "heads_total", "message": _("业主总人数和总面积应大于0")})
    if not archive_number.strip():
        problems.append({"field": "archive_number", "message": _("必填")})
    if held_on > clock.today():
        problems.append({"field": "held_on", "message": _("表决日期不能晚于今天")})
    if problems:
        raise Invalid(_("表决结果有误"), details=problems)
    with transaction.atomic():
        project = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"),
            by,
            pk=project_id,
        )
        if project.state not in (rules.DESIGN, rules.PUBLICITY, rules.TENDER):
            raise Refused(_("只能在设计和公示阶段录入表决结果"))
        vote, _created = PaperVote.objects.update_or_create(
            project=project,
            defaults={
                **counts,
                "archive_number": archive_number.strip()[:64],
                "held_on": held_on,
                "entered_by": by if getattr(by, "pk", None) else None,
            },
        )
        audit_record(
            action="project.paper_vote",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"archive_number": vote.archive_number},
        )
    return vote


RATING_STATES = (rules.AWAITING_ACCEPTANCE, rules.ACCEPTED, rules.HANDED_OVER)


def satisfaction_rate(
    *, household: Household, project_id: int, level: str, comment: str = ""
) -> SatisfactionRating:
    """A household rates the finished work (共评); a new rating replaces its earlier one."""
    if level not in Satisfaction.values:
        raise Invalid(_("请选择满意、基本满意或不满意"), details=[{"field": "level", "message": level}])
    with transaction.atomic():
        Household.objects.select_for_update().get(pk=household.pk)
        project = resident_project(household, project_id)
        if project.state not in RATING_STATES:
            raise Refused(_("工程完工后才能评价"))
        rating, _created = SatisfactionRating.objects.update_or_create(
            project=project,
            household=household,
            defaults={"level": level, "comment": comment.strip()[:500], "rated_at": clock.now()},
        )
        audit_record(
            action="project.rating",
            actor=None,
            target=project,
            region_code=project.estate.region.code,
            detail={"household": household.pk},
        )
    return rating


FEEDBACK_STATES = (
    rules.DESIGN,
    rules.PUBLICITY,
    rules.TENDER,
    rules.CONSTRUCTION,
    rules.AWAITING_ACCEPTANCE,
    rules.ACCEPTED,
    rules.HANDED_OVER,
    rules.SUSPENDED,
)


def feedback_submit(
    *,
    project_id: int,
    category: str,
    text: str,
    household: Household | None = None,
    by: Any = None,
    photos: tuple[bytes, ...] = (),
) -> Feedback:
    """A complaint or suggestion from a resident on the phone, or taken down by the community for
    a resident who calls (`by`). Routed to the organization responsible, due in working days."""
    if category not in FeedbackCategory.values:
        raise Invalid(_("请选择类别"), details=[{"field": "category", "message": category}])
    text = text.strip()
    if not text or len(text) > 2000:
        raise Invalid(_("请写明情况（2000字以内）"), details=[{"field": "text", "message": str(len(text))}])
    if len(photos) > MAX_FEEDBACK_PHOTOS:
        raise Invalid(_("最多上传%(n)d张照片") % {"n": MAX_FEEDBACK_PHOTOS})
    with transaction.atomic():
        if household is not None:
            project = resident_project(household, project_id)
        else:
            if by is None or not (by.can("projects", "answer_feedback") or by.can("projects", "change")):
                raise Forbidden(_("您的角色不能登记投诉建议"))
            project = get_visible_or_404(Project.objects.select_related("estate__region"), by, pk=project_id)
        if project.state not in FEEDBACK_STATES:
            raise Refused(_("本项目现在不受理投诉建议"))
        received = clock.today()
        route = rules.feedback_route(category)
        feedback = Feedback.objects.create(
            project=project,
            household=household,
            entered_by=by if getattr(by, "pk", None) else None,
            category=category,
            text=text,
            received_on=received,
            due_on=add_working_days(received, config_for(project.estate.region.code).feedback_working_days),
            routed_to=getattr(project, route) if route else None,
        )
        for content in photos:
            photo_add(project=project, content=content, stage=PhotoStage.DURING, feedback=feedback, by=by)
        audit_record(
            action="project.feedback",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"feedback": feedback.pk, "category": category},
        )
    return feedback


MAX_FEEDBACK_PHOTOS = 3


def feedback_answer(*, by: Any, feedback_id: int, answer: str) -> Feedback:
    """The answer the resident reads on the same link: by the organization it was routed to, the
    district, or the community."""
    answer = answer.strip()
    if not answer:
        raise Invalid(_("请填写答复"), details=[{"field": "answer", "message": _("必填")}])
    with transaction.atomic():
        feedback = get_visible_or_404(
            Feedback.objects.select_for_update(of=("self",)).select_related("project__estate__region"),
            by,
            pk=feedback_id,
        )
        staff = by.can("projects", "change") or by.can("projects", "answer_feedback")
        routed_here = feedback.routed_to_id is not None and feedback.routed_to_id == getattr(
            by, "organization_id", None
        )
        if not (staff or (by.can("projects", "own_progress") and routed_here)):
            raise Forbidden(_("这条投诉建议不由您的单位答复"))
        first = feedback.answered_on is None
        feedback.answer = answer[:2000]
        feedback.answered_by = by
        feedback.answered_on = feedback.answered_on or clock.today()
        stamp_history(feedback, by=by, reason="答复" if first else "修改答复")
        feedback.save()
        audit_record(
            action="project.feedback_answer",
            actor=by,
            target=feedback.project,
            region_code=feedback.project.estate.region.code,
            detail={"feedback": feedback.pk},
        )
    return feedback
