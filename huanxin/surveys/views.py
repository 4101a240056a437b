"""Staff pages for survey rounds: list, create, the round with its live tallies, close and
extend, paper answers (代录), and the export of answers and tallies."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huanxin.accounts.models import StaffRequest
from huanxin.accounts.permissions import may_any
from huanxin.catalog.querysets import menu_readable_by
from huanxin.core import clock
from huanxin.core.access import page
from huanxin.core.audit import audit_record
from huanxin.core.errors import HuanxinError, Invalid
from huanxin.core.http import get_visible_or_404, posted_version, requested_as_of
from huanxin.core.masking import mask_name
from huanxin.core.spreadsheets import filter_words, titled
from huanxin.core.validation import add_error_to_form
from huanxin.estates.models import ADDRESS_ORDER, Estate, Household, household_address
from huanxin.estates.querysets import estates_for
from huanxin.regions.filters import in_region
from huanxin.residents.services import resident_link_for
from huanxin.residents.slips import qr_svg_data_uri
from huanxin.surveys import exports, services
from huanxin.surveys.forms import ExtendForm, PaperAnswerForm, RoundForm, default_dates
from huanxin.surveys.models import Answer, SurveyRound


def _can_run(request: StaffRequest) -> bool:
    return may_any(request.user, "surveys", "change", "rounds")


@page("surveys", "view")
def round_list(request: StaffRequest) -> HttpResponse:
    rounds = (
        SurveyRound.objects.visible_to(request.user)
        .select_related("estate", "estate__region")
        .order_by("-opens_on", "-id")
    )
    rounds = in_region(rounds, request.GET.get("region", "").strip(), "estate__region__code")
    page_obj = Paginator(rounds, 50).get_page(request.GET.get("page"))
    return render(request, "surveys/list.html", {"page_obj": page_obj, "can_run": _can_run(request)})


@page("surveys", "view")
def round_create(request: StaffRequest) -> HttpResponse:
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=request.GET.get("estate") or 0)
    items = list(menu_readable_by(request.user).menu_for(estate.region.code).active().order_by("code"))
    opens_on, closes_on = default_dates()
    form = RoundForm(
        request.POST or None,
        items=items,
        initial={
            "title": _("%(name)s改造意愿调查") % {"name": estate.name},
            "opens_on": opens_on,
            "closes_on": closes_on,
            "items": [item.pk for item in items],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.round_create(
                by=request.user,
                estate_id=estate.pk,
                title=form.cleaned_data["title"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
                item_ids=[int(pk) for pk in form.cleaned_data["items"]],
            )
        except HuanxinError as error:
            add_error_to_form(form, error)
        else:
            messages.success(request, _("调查已发起"))
            return redirect("surveys:detail", pk=survey.pk)
    return render(request, "surveys/form.html", {"form": form, "estate": estate})


def _household_label(household: Household, unmasked: bool) -> str:
    name = household.owner_name if unmasked else mask_name(household.owner_name)
    return f"{household_address(household.building.name, household.unit, household.room)} {name}"


def _households(estate: Estate, unmasked: bool, answered: dict[int, Answer]) -> list[tuple[int, str]]:
    """The roster as the paper-answer picker shows it: who has already answered, and how."""
    return [
        (
            h.pk,
            _household_label(h, unmasked)
            + (f" · {_answered_label(answered[h.pk])}" if h.pk in answered else ""),
        )
        for h in Household.objects.filter(estate=estate).select_related("building").order_by(*ADDRESS_ORDER)
    ]


def _answered_label(answer: Answer) -> str:
    return _("已答（%(how)s，%(day)s，%(view)s）") % {
        "how": answer.get_channel_display(),
        "day": answer.created_at.astimezone(clock.SHANGHAI).strftime("%m-%d"),
        "view": _("同意") if answer.agrees else _("不同意"),
    }


@page("surveys", ("view", "own_tallies"))
def round_detail(request: StaffRequest, pk: int) -> HttpResponse:
    survey = get_visible_or_404(
        SurveyRound.objects.select_related("estate", "estate__region"), request.user, pk=pk
    )
    estate = survey.estate
    unmasked = request.user.sees_personal_data(estate.region.code)
    can_paper = survey.is_open and (
        request.user.can("surveys", "paper_answers") or request.user.can("surveys", "change")
    )
    paper_form = None
    if can_paper:
        answered = {a.household_id: a for a in Answer.objects.current().filter(round=survey)}
        paper_form = PaperAnswerForm(
            request.POST or None if request.POST.get("form") == "paper" else None,
            households=_households(estate, unmasked, answered),
            items=list(survey.items.order_by("code")),
        )
        if request.method == "POST" and request.POST.get("form") == "paper" and paper_form.is_valid():
            data = paper_form.cleaned_data
            household = (
                Household.objects.filter(estate=estate, pk=data["household"])
                .select_related("building")
                .first()
            )
            try:
                if household is None:
                    raise Invalid(_("住户不存在"))
                existing = answered.get(household.pk)
                if existing is not None and not data["replace"]:
                    # Never overwrite a household's answer unseen: say whose it is, ask to confirm.
                    raise Invalid(
                        _(
                            "%(household)s已有答卷：%(answer)s。确需以这份纸质答卷替换，请勾选“确认替换”后再保存。"
                        )
                        % {
                            "household": _household_label(household, unmasked),
                            "answer": _answered_label(existing),
                        },
                        details=[{"field": "replace", "message": _("该户已有答卷")}],
                    )
                services.answer_submit(
                    round_id=survey.pk,
                    household=household,
                    by=request.user,
                    consent_given=data["consent"],
                    data={
                        "agrees": data["agrees"],
                        "first_need": data["first_need"],
                        "other_needs": data["other_needs"],
                        "cofund_willing": data["cofund_willing"],
                        "cofund_modes": data["cofund_modes"],
                        "cofund_bracket": data["cofund_bracket"],
                        "comments": data["comments"],
                    },
                )
            except HuanxinError as error:
                add_error_to_form(paper_form, error)
            else:
                messages.success(request, _("已代录该户的答卷"))
                return redirect("surveys:detail", pk=survey.pk)
    # An owners' committee sees its estate's tallies, not who answered what.
    sees_answers = request.user.can("surveys", "view")
    answers = (
        Answer.objects.visible_to(request.user if sees_answers else None)
        .current()
        .filter(round=survey)
        .select_related("household", "household__building", "first_need", "entered_by")
        .order_by("-created_at")
    )
    if unmasked and answers:
        audit_record(
            action="personal_data.view",
            actor=request.user,
            target=survey,
            region_code=estate.region.code,
            request=request,
            detail={"rows": len(answers)},
        )
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "estate": estate,
            "tally": services.round_tally(survey),
            "answers": answers,
            "unmasked": unmasked,
            "sees_answers": sees_answers,
            "paper_form": paper_form,
            "can_run": _can_run(request) and survey.is_open,
            "can_print": _can_run(request),  # the slips: access_codes_issue refuses anyone else
            "extend_form": ExtendForm(initial={"closes_on": survey.closes_on, "version": survey.version}),
            "link": resident_link_for(estate),
            "menu": {item.code: item.name for item in survey.items.all()},
        },
    )


@page("surveys", "view")
@require_POST
def round_close(request: StaffRequest, pk: int) -> HttpResponse:
    try:
        services.round_close(by=request.user, round_id=pk, version=posted_version(request))
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("调查已结束"))
    return redirect("surveys:detail", pk=pk)


@page("surveys", "view")
@require_POST
def round_extend(request: StaffRequest, pk: int) -> HttpResponse:
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的截止日期"))
        return redirect("surveys:detail", pk=pk)
    try:
        services.round_extend(
            by=request.user,
            round_id=pk,
            version=form.cleaned_data["version"],
            closes_on=form.cleaned_data["closes_on"],
        )
    except HuanxinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("截止日期已延长"))
    return redirect("surveys:detail", pk=pk)


@page("surveys", "view")
def round_export(request: StaffRequest, pk: int) -> HttpResponse:
    survey = get_visible_or_404(
        SurveyRound.objects.select_related("estate", "estate__region"), request.user, pk=pk
    )
    unmasked = request.user.sees_personal_data(survey.estate.region.code)
    title = titled(survey.title, [filter_words(_("小区"), survey.estate.name)], clock.today())
    content = exports.round_xlsx(survey, services.round_tally(survey), unmasked=unmasked, title=title)
    audit_record(
        action="survey.export",
        actor=request.user,
        target=survey,
        region_code=survey.estate.region.code,
        request=request,
        detail={"unmasked": unmasked},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(survey.title + '.xlsx')}"
    return response


@page("surveys", "view")
def estate_tab(request: StaffRequest, estate_pk: int) -> HttpResponse:
    """The 调查 tab of the estate page: its rounds, the residents' link and the slips."""
    estate = get_visible_or_404(estates_for(request.user), request.user, pk=estate_pk)
    as_of = requested_as_of(request.GET)
    rounds = SurveyRound.objects.visible_to(request.user).filter(estate=estate).order_by("-opens_on")
    if as_of is not None:  # the estate page read as of a past day: the rounds opened by then
        rounds = rounds.filter(opens_on__lte=as_of)
    link = resident_link_for(estate)
    link_url = request.build_absolute_uri(reverse("residents:landing", args=[link.token]))
    context = {
        "estate": estate,
        "rounds": rounds,
        "can_run": as_of is None and _can_run(request),
        "as_of": as_of,
        "link": link,
        "link_url": link_url,
        "qr": qr_svg_data_uri(link_url),
        "roster": Household.objects.filter(estate=estate).count(),
    }
    template = "surveys/partials/estate_tab.html" if request.htmx else "surveys/estate_tab.html"
    return render(request, template, context)
