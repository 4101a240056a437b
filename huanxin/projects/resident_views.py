"""The phone page where an elected resident representative signs the acceptance record, by the
household's identity (the same slip or SMS code as the survey): one screen, one button."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from huanxin.core.access import public_page
from huanxin.core.errors import HuanxinError
from huanxin.projects import rules, services
from huanxin.projects.models import AcceptanceSignature, Project
from huanxin.projects.querysets import item_progress
from huanxin.residents.models import Representative
from huanxin.residents.services import estate_by_link
from huanxin.residents.sessions import resident_household


@public_page(audience="resident")
def resident_acceptance(request: HttpRequest, token: str) -> HttpResponse:
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    project = Project.objects.filter(estate=estate, state=rules.AWAITING_ACCEPTANCE).order_by("-pk").first()
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
