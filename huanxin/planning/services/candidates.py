"""Writes for the candidate pool (SPEC 4.5): a node's eligibility rules, the steps of a candidate
from the street's submission to the city's confirmation, and its estimated cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.estates.models import DistrictEstimate, Estate
from huanxin.planning import rules
from huanxin.planning.models import (
    Candidate,
    EligibilitySettings,
)
from huanxin.planning.querysets import estate_eligibility, estimated_cost
from huanxin.regions.models import Region


class SettingsChanges(TypedDict, total=False):
    cutoff_year: int
    require_basic_deficiency: bool
    agreement_mode: str
    agreement_numerator: int
    agreement_denominator: int
    quorum_numerator: int
    quorum_denominator: int
    majority_numerator: int
    majority_denominator: int
    exclusions: list[str]


def eligibility_settings_save(
    *, by: Any, region_id: int, changes: SettingsChanges, version: int | None
) -> EligibilitySettings:
    """The city (or the administrator) sets the rules of its node; the change is recorded."""
    if not by.can("settings", "rules"):
        raise Forbidden(_("只有市改造办和系统管理员可以修改资格规则"))
    unknown = set(changes.get("exclusions", [])) - set(rules.EXCLUSIONS)
    if unknown:
        raise Invalid(
            _("未知的排除情形"), details=[{"field": "exclusions", "message": "、".join(sorted(unknown))}]
        )
    with transaction.atomic():
        region = get_visible_or_404(Region.objects.all(), by, pk=region_id)
        current = EligibilitySettings.objects.select_for_update().filter(region=region).first()
        if current is None:
            current = EligibilitySettings(region=region, exclusions=list(rules.EXCLUSIONS))
        elif version is not None and current.version != version:
            raise StaleEdit(_("资格规则已被他人修改，请刷新后重试"))
        else:
            current.version += 1
        for field, value in changes.items():
            setattr(current, field, value)
        full_clean_or_invalid(current)
        stamp_history(current, by=by, reason="修改资格规则")
        current.save()
        audit_record(
            action="eligibility.settings",
            actor=by,
            target=current,
            region_code=region.code,
            detail={"fields": sorted(changes)},
        )
    return current


def _locked_candidate(by: Any, candidate_id: int, version: int) -> Candidate:
    candidate = get_visible_or_404(Candidate.objects.select_for_update(of=("self",)), by, pk=candidate_id)
    if candidate.version != version:
        raise StaleEdit(_("该申报已被他人处理，请刷新后重试"))
    return candidate


def _refuse_unless_eligible(estate: Estate, step: str) -> None:
    result = estate_eligibility(estate)
    if result.status != "eligible":
        reasons = "；".join(rule.evidence for rule in result.rules if rule.passed is not True)
        raise Refused(
            _("该小区不符合改造条件，不能%(step)s：%(reasons)s") % {"step": step, "reasons": reasons}
        )


def candidate_submit(*, by: Any, estate_id: int, note: str = "") -> Candidate:
    """A street submits an estate (申报) to the district; a community submits one of its own
    estates to its street, which forwards it (candidate_forward). Only an eligible estate."""
    direct = by.can("eligibility", "submit")
    if not direct and not by.can("eligibility", "propose"):
        raise Forbidden(_("只有街道（乡镇）和社区可以申报"))
    with transaction.atomic():
        # a community worker sees only its own community's estates: another's is a 404
        estate = get_visible_or_404(Estate.objects.select_for_update(of=("self",)), by, pk=estate_id)
        _refuse_unless_eligible(estate, _("申报"))
        candidate = Candidate.objects.filter(estate=estate).first()
        if candidate is not None and candidate.status != Candidate.Status.RETURNED:
            raise Refused(_("该小区已申报（%(status)s）") % {"status": candidate.get_status_display()})
        if candidate is None:
            candidate = Candidate(estate=estate, submitted_by=by, submitted_at=clock.now())
        else:
            candidate.version += 1
        candidate.status = Candidate.Status.SUBMITTED if direct else Candidate.Status.PROPOSED
        candidate.note, candidate.reason = note.strip(), ""
        candidate.submitted_by, candidate.submitted_at = by, clock.now()
        # a new submission starts afresh: whoever forwarded or reviewed the returned one did not
        # forward or review this one
        candidate.forwarded_by = candidate.forwarded_at = None
        candidate.reviewed_by = candidate.reviewed_at = None
        stamp_history(candidate, by=by, reason="街道申报" if direct else "社区申报")
        candidate.save()
        audit_record(
            action="candidate.submit",
            actor=by,
            target=candidate,
            region_code=estate.region.code,
            detail={"by": "street" if direct else "community"},
        )
    return candidate


def candidate_forward(
    *, by: Any, candidate_id: int, version: int, accept: bool, reason: str = ""
) -> Candidate:
    """The street forwards (转报) a community's submission to the district, or returns it to the
    community with a reason."""
    if not by.can("eligibility", "forward"):
        raise Forbidden(_("只有街道（乡镇）可以转报社区的申报"))
    if not accept and not reason.strip():
        raise Invalid(_("退回须写明原因"), details=[{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        candidate = _locked_candidate(by, candidate_id, version)
        if candidate.status != Candidate.Status.PROPOSED:
            raise Refused(
                _("只能转报社区报来的申报（当前：%(status)s）") % {"status": candidate.get_status_display()}
            )
        if accept:
            _refuse_unless_eligible(candidate.estate, _("转报"))
        candidate.status = Candidate.Status.SUBMITTED if accept else Candidate.Status.RETURNED
        candidate.reason = "" if accept else reason.strip()
        candidate.forwarded_by, candidate.forwarded_at = (by, clock.now()) if accept else (None, None)
        candidate.version += 1
        stamp_history(candidate, by=by, reason="街道转报" if accept else "街道退回")
        candidate.save()
        audit_record(
            action="candidate.forward",
            actor=by,
            target=candidate,
            region_code=candidate.estate.region.code,
            detail={"accept": accept},
        )
    return candidate


def candidate_review(
    *, by: Any, candidate_id: int, version: int, accept: bool, reason: str = ""
) -> Candidate:
    """The district accepts a submission, or returns it to the street with a reason."""
    if not by.can("eligibility", "review"):
        raise Forbidden(_("只有区县住建部门可以审核申报"))
    if not accept and not reason.strip():
        raise Invalid(_("退回须写明原因"), details=[{"field": "reason", "message": _("必填")}])
    with transaction.atomic():
        candidate = _locked_candidate(by, candidate_id, version)
        if candidate.status != Candidate.Status.SUBMITTED:
            raise Refused(
                _("只能审核“已申报”的小区（当前：%(status)s）") % {"status": candidate.get_status_display()}
            )
        candidate.status = Candidate.Status.REVIEWED if accept else Candidate.Status.RETURNED
        candidate.reason = "" if accept else reason.strip()
        candidate.reviewed_by, candidate.reviewed_at = by, clock.now()
        candidate.version += 1
        stamp_history(candidate, by=by, reason="区县审核通过" if accept else "区县退回")
        candidate.save()
        audit_record(
            action="candidate.review",
            actor=by,
            target=candidate,
            region_code=candidate.estate.region.code,
            detail={"accept": accept},
        )
    return candidate


def candidate_confirm(*, by: Any, candidate_id: int, version: int) -> Candidate:
    """The city confirms a reviewed candidate into the project reserve (储备库)."""
    if not by.can("eligibility", "confirm"):
        raise Forbidden(_("只有市改造办可以确认入库"))
    with transaction.atomic():
        candidate = _locked_candidate(by, candidate_id, version)
        if candidate.status != Candidate.Status.REVIEWED:
            raise Refused(
                _("只能确认区县已审核的小区（当前：%(status)s）") % {"status": candidate.get_status_display()}
            )
        candidate.status = Candidate.Status.CONFIRMED
        candidate.confirmed_by, candidate.confirmed_at = by, clock.now()
        district = DistrictEstimate.objects.filter(
            estate_id=candidate.estate_id, cost_yuan__isnull=False
        ).first()
        if candidate.estimated_cost_yuan is None and district is not None:
            # The city's plan starts from the district's own number (its plan table).
            candidate.estimated_cost_yuan = district.cost_yuan
            candidate.cost_note = f"按区县计划表估算（{district.source}）"[:255]
        candidate.version += 1
        stamp_history(candidate, by=by, reason="市级确认入库")
        candidate.save()
        audit_record(
            action="candidate.confirm", actor=by, target=candidate, region_code=candidate.estate.region.code
        )
    return candidate


def _may_estimate(by: Any) -> None:
    if not (by.can("plans", "change") or by.can("plans", "propose")):
        raise Forbidden(_("您的角色不能修改估算投资"))


def candidate_cost_set(
    *, by: Any, candidate_id: int, version: int, cost_yuan: Decimal, note: str = ""
) -> Candidate:
    """The district's (or city's) estimate of a candidate's cost; every change kept."""
    _may_estimate(by)
    if cost_yuan <= 0:
        raise Invalid(
            _("估算投资应大于0"), details=[{"field": "estimated_cost_yuan", "message": _("应大于0")}]
        )
    with transaction.atomic():
        candidate = _locked_candidate(by, candidate_id, version)
        candidate.estimated_cost_yuan, candidate.cost_note = cost_yuan, note.strip()[:255]
        candidate.version += 1
        stamp_history(candidate, by=by, reason="修改估算投资")
        candidate.save()
        audit_record(
            action="candidate.cost", actor=by, target=candidate, region_code=candidate.estate.region.code
        )
    return candidate


def _district_estimate(estate_id: int) -> tuple[Decimal, str] | None:
    """The cost the district's plan table gave the estate, with the note that says so."""
    district = DistrictEstimate.objects.filter(estate_id=estate_id, cost_yuan__isnull=False).first()
    if district is None or district.cost_yuan is None:
        return None
    return district.cost_yuan, f"按区县计划表估算（{district.source}）"[:255]


def _first_estimate(estate: Any) -> tuple[Decimal, str]:
    """The district's own number when its plan table gave one (the city's plan starts from the
    districts' numbers); else one from the condition assessment and the menu's unit costs."""
    district = _district_estimate(estate.pk)
    if district is not None:
        return district
    return Decimal(str(estimated_cost(estate))), "按现状评估和菜单单价估算"


def candidate_costs_estimate(*, by: Any) -> int:
    """Fill in a first estimate for confirmed candidates that have none (from the assessment)."""
    _may_estimate(by)
    filled = 0
    for candidate in (
        Candidate.objects.visible_to(by)
        .filter(status=Candidate.Status.CONFIRMED, estimated_cost_yuan__isnull=True)
        .select_related("estate")
    ):
        cost, note = _first_estimate(candidate.estate)
        if cost > 0:
            candidate_cost_set(
                by=by, candidate_id=candidate.pk, version=candidate.version, cost_yuan=cost, note=note
            )
            filled += 1
    return filled
