"""The phone page where an elected resident representative signs the acceptance record, by the
household's identity (the same slip or SMS code as the survey): one screen, one button."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huanxin.core.access import public_page
from huanxin.core.errors import HuanxinError, Invalid
from huanxin.projects import rules, services
from huanxin.projects.models import (
    AcceptanceSignature,
    DesignVote,
    Feedback,
    FeedbackCategory,
    Project,
    Satisfaction,
    SatisfactionRating,
)
from huanxin.projects.querysets import design_budget, item_progress, publicity_ends_on
from huanxin.residents.models import Representative
from huanxin.residents.services import estate_by_link
from huanxin.residents.sessions import resident_household


@public_page(audience="resident")
def resident_acceptance(request: HttpRequest, token: str) -> HttpResponse:
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    project = _project_of(estate)
    project = project if project is not None and project.state == rules.AWAITING_ACCEPTANCE else None
    is_representative = Representative.objects.filter(household=household).exists()
    if request.method == "POST" and project is not None:
        try:
            services.acceptance_sign_as_representative(
                household=household, project_id=project.pk, opinion=request.POST.get("opinion", "")
            )
        except HuanxinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("签字成功，谢谢您！"))
        return redirect("projects:resident_acceptance", token=token)
    signed = (
        project is not None
        and AcceptanceSignature.objects.filter(project=project, household=household).exists()
    )
    return render(
        request,
        "projects/resident_acceptance.html",
        {
            "estate": estate,
            "token": token,
            "project": project,
            "items": item_progress(project) if project else [],
            "is_representative": is_representative,
            "signed": signed,
        },
    )


def _project_of(estate: Any) -> Project | None:
    """The estate's current project: the latest one not cancelled — or the joint project it
    was joined into, where the residents vote, complain and rate."""
    project = (
        Project.objects.filter(estate=estate)
        .exclude(state=rules.CANCELLED)
        .select_related("joined_into")
        .order_by("-pk")
        .first()
    )
    return project.joined_into if project is not None and project.joined_into else project


@public_page(audience="resident")
def resident_vote(request: HttpRequest, token: str) -> HttpResponse:
    """The design on the phone during its publicity: one vote per household, changeable until
    the period ends."""
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    project = _project_of(estate)
    if request.method == "POST" and project is not None:
        choice = request.POST.get("agrees", "")
        try:
            if choice not in ("yes", "no"):
                raise Invalid(_("请选择同意或不同意"))
            services.design_vote_cast(household=household, project_id=project.pk, agrees=choice == "yes")
        except HuanxinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("您的投票已记录。公示期结束前可以修改。"))
        return redirect("projects:resident_vote", token=token)
    vote = DesignVote.objects.filter(project=project, household=household).first() if project else None
    return render(
        request,
        "projects/resident_vote.html",
        {
            "estate": estate,
            "token": token,
            "project": project,
            "open": project is not None and project.state == rules.PUBLICITY,
            "ends": publicity_ends_on(project) if project else None,
            "items": item_progress(project) if project else [],
            "budget": design_budget(project) if project else None,
            "vote": vote,
        },
    )


@public_page(audience="resident")
def resident_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """Complaints and suggestions during the works, with photos; the answer shows here."""
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    project = _project_of(estate)
    if request.method == "POST" and project is not None:
        uploads = request.FILES.getlist("photos")
        try:
            if any(upload.size and upload.size > settings.HUANXIN_PHOTO_MAX_BYTES for upload in uploads):
                raise Invalid(_("照片不能超过 %(n)d MB") % {"n": settings.HUANXIN_PHOTO_MAX_BYTES // 2**20})
            services.feedback_submit(
                household=household,
                project_id=project.pk,
                category=request.POST.get("category", ""),
                text=request.POST.get("text", ""),
                photos=tuple(upload.read() for upload in uploads[: services.MAX_FEEDBACK_PHOTOS + 1]),
            )
        except HuanxinError as error:
            messages.error(request, error.message)
            return render(
                request,
                "projects/resident_feedback.html",
                _feedback_context(estate, token, project, household) | {"posted": request.POST},
                status=400,
            )
        messages.success(request, _("已收到，我们会尽快答复。答复会显示在这个页面上。"))
        return redirect("projects:resident_feedback", token=token)
    return render(
        request, "projects/resident_feedback.html", _feedback_context(estate, token, project, household)
    )


def _feedback_context(estate: Any, token: str, project: Project | None, household: Any) -> dict[str, Any]:
    return {
        "estate": estate,
        "token": token,
        "project": project,
        "categories": FeedbackCategory.choices,
        "mine": Feedback.objects.filter(household=household).order_by("-received_on", "-id")[:20],
        "max_photos": services.MAX_FEEDBACK_PHOTOS,
    }


@public_page(audience="resident")
def resident_rate(request: HttpRequest, token: str) -> HttpResponse:
    """After the works: how satisfied the household is (共评)."""
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    project = _project_of(estate)
    if request.method == "POST" and project is not None:
        try:
            services.satisfaction_rate(
                household=household,
                project_id=project.pk,
                level=request.POST.get("level", ""),
                comment=request.POST.get("comment", ""),
            )
        except HuanxinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("谢谢您的评价！"))
        return redirect("projects:resident_rate", token=token)
    rating = (
        SatisfactionRating.objects.filter(project=project, household=household).first() if project else None
    )
    return render(
        request,
        "projects/resident_rate.html",
        {
            "estate": estate,
            "token": token,
            "project": project,
            "open": project is not None and project.state in services.RATING_STATES,
            "levels": Satisfaction.choices,
            "rating": rating,
        },
    )
