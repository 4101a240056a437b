"""Acceptance signatures: by login, by resident representatives, or a paper record entered whole."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, NotFound, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.estates.models import Household
from huanxin.projects import rules
from huanxin.projects.models import (
    AcceptanceSignature,
    Project,
)
from huanxin.projects.querysets import (
    has_owners_committee,
    parties_of,
)
from huanxin.projects.services.common import resident_project
from huanxin.residents import services as resident_services
from huanxin.residents.models import Representative


def acceptance_sign(*, by: Any, project_id: int, opinion: str = "") -> AcceptanceSignature:
    """A party signs the acceptance record with its own login; each party signs once."""
    with transaction.atomic():
        project = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"),
            by,
            pk=project_id,
        )
        parties = parties_of(by, project)
        if not parties:
            raise Forbidden(_("您不是本项目的验收签字方"))
        if project.state != rules.AWAITING_ACCEPTANCE:
            raise Refused(_("项目不在待验收阶段，不能签字"))
        signed = set(
            AcceptanceSignature.objects.filter(project=project, household__isnull=True).values_list(
                "party", flat=True
            )
        )
        party = next((p for p in parties if p not in signed), None)
        if party is None:
            raise Refused(_("%(party)s已签字") % {"party": "、".join(str(rules.PARTIES[p]) for p in parties)})
        signature = AcceptanceSignature.objects.create(
            project=project,
            party=party,
            signer=by,
            opinion=opinion.strip()[:255] or "同意验收",
            signed_on=clock.today(),
        )
        audit_record(
            action="project.acceptance_sign",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"party": party},
        )
    return signature


def acceptance_sign_as_representative(
    *, household: Household, project_id: int, opinion: str = ""
) -> AcceptanceSignature:
    """An elected resident representative signs by the household's identity (the phone pages)."""
    with transaction.atomic():
        project = resident_project(household, project_id)
        if not Representative.objects.filter(household=household).exists():
            raise Forbidden(_("您家不是本小区推选的居民代表"))
        if project.state != rules.AWAITING_ACCEPTANCE:
            raise Refused(_("项目不在待验收阶段，不能签字"))
        if AcceptanceSignature.objects.filter(project=project, household=household).exists():
            raise Refused(_("您家已经签过字了"))
        signature = AcceptanceSignature.objects.create(
            project=project,
            party=rules.REPRESENTATIVES,
            household=household,
            opinion=opinion.strip()[:255] or "同意验收",
            signed_on=clock.today(),
        )
        audit_record(
            action="project.acceptance_sign",
            actor=None,
            target=project,
            region_code=project.estate.region.code,
            detail={"party": rules.REPRESENTATIVES, "household": household.pk},
        )
    return signature


def acceptance_paper_record(
    *, by: Any, project_id: int, archive_number: str, signed_on: dt.date, signers: dict[str, str]
) -> list[AcceptanceSignature]:
    """Enters an acceptance record signed on paper (before the system was used, or at a meeting
    without it): every required party at once, with the names on the form and its archive number.
    It never completes a record begun online — the parties who sign online sign online."""
    if not by.can("projects", "change"):
        raise Forbidden(_("您的角色不能补录验收记录"))
    archive_number = archive_number.strip()[:64]
    with transaction.atomic():
        project = get_visible_or_404(
            Project.objects.select_for_update(of=("self",)).select_related("estate__region"),
            by,
            pk=project_id,
        )
        if project.state != rules.AWAITING_ACCEPTANCE:
            raise Refused(_("项目不在待验收阶段，不能补录验收记录"))
        if AcceptanceSignature.objects.filter(project=project).exists():
            raise Refused(_("本项目已有在线签字，不能再补录纸质记录"))
        required = rules.parties_required(has_owners_committee(project))
        problems = [
            {
                "field": f"signers.{party}",
                "message": _("缺少%(party)s签字人") % {"party": rules.PARTIES[party]},
            }
            for party in required
            if not signers.get(party, "").strip()
        ]
        if not archive_number:
            problems.append({"field": "archive_number", "message": _("必填")})
        if signed_on > clock.today():
            problems.append({"field": "signed_on", "message": _("签字日期不能晚于今天")})
        if problems:
            raise Invalid(_("纸质验收记录不完整"), details=problems)
        signatures = AcceptanceSignature.objects.bulk_create(
            AcceptanceSignature(
                project=project,
                party=party,
                signer_name=signers[party].strip()[:64],
                archive_number=archive_number,
                recorded_by=by if getattr(by, "pk", None) else None,
                signed_on=signed_on,
            )
            for party in required
        )
        audit_record(
            action="project.acceptance_paper",
            actor=by,
            target=project,
            region_code=project.estate.region.code,
            detail={"archive_number": archive_number},
        )
    return signatures


def project_representative_remove(*, by: Any, project_id: int, representative_id: int) -> None:
    """Representatives cannot be removed while their signatures are being collected: removing
    those who have not signed would turn a minority into a majority."""
    with transaction.atomic():
        project = get_visible_or_404(Project.objects.select_for_update(of=("self",)), by, pk=project_id)
        if project.state == rules.AWAITING_ACCEPTANCE:
            raise Refused(_("验收签字期间不能移除居民代表"))
        if not Representative.objects.filter(
            pk=representative_id, household__estate_id=project.estate_id
        ).exists():
            raise NotFound()
        resident_services.representative_remove(by=by, representative_id=representative_id)
