"""Residents' phone pages for identity: choose the household, prove it, consent. Large type, few
steps, plain words (UI.md); no account, no password."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.core.access import page, public_page
from huanxin.core.audit import client_address
from huanxin.core.errors import HuanxinError, Refused
from huanxin.core.http import get_visible_or_404
from huanxin.estates.models import Building, Estate
from huanxin.residents import services
from huanxin.residents.forms import HouseholdChoiceForm
from huanxin.residents.models import Representative
from huanxin.residents.sessions import (
    CONSENTED_ON_THE_WAY,
    resident_household,
    resident_sign_in,
    resident_sign_out,
)
from huanxin.residents.slips import slip_link_key, slip_link_read, slips_pdf


def _next_page(token: str) -> str:
    """After identity and consent: the estate's open survey, which sends the resident on to the
    estate's page when none is open."""
    return reverse("surveys:resident_survey", args=[token])


def _after_identity(request: HttpRequest, household: Any, token: str) -> HttpResponse:
    resident_sign_in(request, household)
    if services.has_consented(household):
        return redirect(_next_page(token))
    return redirect("residents:consent", token=token)


@public_page(audience="resident")
def slip_link(request: HttpRequest, token: str, key: str) -> HttpResponse:
    """The household's own QR code on its slip: proves the household as its code would, so the
    resident goes straight to consent and the questions (and, later, back to change the answer)."""
    estate = services.estate_by_link(token)
    held = slip_link_read(key)
    if held is None:
        messages.info(request, _("二维码无法识别，请选择您家的楼栋和房号，输入通知单上的验证码"))
        return redirect("residents:identify", token=token)
    household_id, code = held
    try:
        household = services.identify_by_slip(
            estate=estate, household_id=household_id, code=code, ip_address=client_address(request)
        )
    except Refused:
        messages.info(
            request, _("这张通知单已作废（社区重新打印过），请用新的通知单，或选择楼栋房号后用短信验证")
        )
        return redirect("residents:identify", token=token)
    except HuanxinError as error:
        messages.info(request, error.message)
        return redirect("residents:identify", token=token)
    return _after_identity(request, household, token)


@public_page(audience="resident")
def landing(request: HttpRequest, token: str) -> HttpResponse:
    estate = services.estate_by_link(token)
    household = resident_household(request, estate)
    is_representative = household is not None and Representative.objects.filter(household=household).exists()
    return render(
        request,
        "residents/landing.html",
        {"estate": estate, "household": household, "token": token, "is_representative": is_representative},
    )


@public_page(audience="resident")
def identify(request: HttpRequest, token: str) -> HttpResponse:
    estate = services.estate_by_link(token)
    buildings = list(Building.objects.filter(estate=estate).order_by("id"))
    building_id = _int(request.GET.get("building") or request.POST.get("building"))
    building = next((b for b in buildings if b.pk == building_id), None)
    form = HouseholdChoiceForm(
        request.POST or None, estate=estate, building_id=building.pk if building else None
    )
    sent_to = ""
    if request.method == "POST" and building is not None and form.is_valid():
        household_id = form.cleaned_data["household"]
        code = form.cleaned_data["code"]
        try:
            if request.POST.get("action") == "send_sms":
                sent_to = services.phone_code_send(
                    estate=estate, household_id=household_id, ip_address=client_address(request)
                )
            else:
                if not code:
                    raise _EmptyCode()
                identify_with = (
                    services.identify_by_phone_code
                    if form.cleaned_data["method"] == "sms"
                    else services.identify_by_slip
                )
                household = identify_with(
                    estate=estate, household_id=household_id, code=code, ip_address=client_address(request)
                )
                return _after_identity(request, household, token)
        except _EmptyCode:
            form.add_error("code", _("请输入验证码"))
        except HuanxinError as error:
            form.add_error("code" if request.POST.get("action") != "send_sms" else None, error.message)
    step = 1 if building is None else 2
    return render(
        request,
        "residents/identify.html",
        {
            "estate": estate,
            "token": token,
            "buildings": buildings,
            "building": building,
            "form": form,
            "sent_to": sent_to,
            "step": step,
        },
    )


class _EmptyCode(Exception):
    pass


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@public_page(audience="resident")
def consent(request: HttpRequest, token: str) -> HttpResponse:
    estate = services.estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    if request.method == "POST":
        if request.POST.get("agree") == "yes":
            services.consent_record(household=household)
            request.session[CONSENTED_ON_THE_WAY] = True  # the questions count on from this screen
            return redirect(_next_page(token))
        messages.info(request, _("不同意也没关系。您可以请社区工作人员帮您填写纸质问卷。"))
    return render(
        request,
        "residents/consent.html",
        {
            "estate": estate,
            "token": token,
            "household": household,
            "version": services.PRIVACY_NOTICE_VERSION,
        },
    )


@public_page(audience="resident")
@require_POST
def withdraw_consent(request: HttpRequest, token: str) -> HttpResponse:
    estate = services.estate_by_link(token)
    household = resident_household(request, estate)
    if household is not None:
        services.consent_withdraw(household=household)
        messages.info(request, _("已撤回您对个人信息告知书的同意。需要时可以再次同意。"))
    return redirect("residents:landing", token=token)


@public_page(audience="resident")
@require_POST
def sign_out(request: HttpRequest, token: str) -> HttpResponse:
    resident_sign_out(request)
    return redirect("residents:landing", token=token)


@page("surveys", "view")
@require_POST
def slips(request: StaffRequest, estate_pk: int) -> HttpResponse:
    """Print new slips for every household of the estate (the previous codes stop working)."""
    estate = get_visible_or_404(Estate.objects.select_related("region"), request.user, pk=estate_pk)
    token = services.resident_link_for(estate).token
    link = request.build_absolute_uri(reverse("residents:landing", args=[token]))
    try:
        # One transaction: if the PDF cannot be made, the old slips keep working.
        with transaction.atomic():
            issued = [
                (
                    household,
                    code,
                    request.build_absolute_uri(
                        reverse("residents:slip_link", args=[token, slip_link_key(household.pk, code)])
                    ),
                )
                for household, code in services.access_codes_issue(by=request.user, estate_id=estate.pk)
            ]
            content = slips_pdf(estate=estate, issued=issued, link_url=link)
    except HuanxinError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('estates:detail', args=[estate.pk])}?tab=surveys")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(estate.name + '入户通知单.pdf')}"
    return response
