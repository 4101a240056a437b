"""Writes for planning: the eligibility rules of a node, and the candidate pool's steps."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, Refused, StaleEdit
from huanxin.core.http import get_visible_or_404
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.estates.models import Estate
from huanxin.planning import rules
from huanxin.planning.models import Candidate, EligibilitySettings
from huanxin.planning.querysets import estate_eligibility
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


def candidate_submit(*, by: Any, estate_id: int, note: str = "") -> Candidate:
    """A street submits an estate (申报). Only an eligible estate can be submitted."""
    if not by.can("eligibility", "submit"):
        raise Forbidden(_("只有街道（乡镇）可以申报"))
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.select_for_update(of=("self",)), by, pk=estate_id)
        result = estate_eligibility(estate)
        if result.status != "eligible":
            reasons = "；".join(rule.evidence for rule in result.rules if rule.passed is not True)
            raise Refused(_("该小区不符合改造条件，不能申报：%(reasons)s") % {"reasons": reasons})
        candidate = Candidate.objects.filter(estate=estate).first()
        if candidate is not None and candidate.status != Candidate.Status.RETURNED:
            raise Refused(_("该小区已申报（%(status)s）") % {"status": candidate.get_status_display()})
        if candidate is None:
            candidate = Candidate(estate=estate, submitted_by=by, submitted_at=clock.now())
        else:
            candidate.version += 1
        candidate.status = Candidate.Status.SUBMITTED
        candidate.note, candidate.reason = note.strip(), ""
        candidate.submitted_by, candidate.submitted_at = by, clock.now()
        stamp_history(candidate, by=by, reason="街道申报")
        candidate.save()
        audit_record(action="candidate.submit", actor=by, target=candidate, region_code=estate.region.code)
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
        candidate.version += 1
        stamp_history(candidate, by=by, reason="市级确认入库")
        candidate.save()
        audit_record(
            action="candidate.confirm", actor=by, target=candidate, region_code=candidate.estate.region.code
        )
    return candidate
