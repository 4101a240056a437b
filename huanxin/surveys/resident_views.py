"""The residents' survey on the phone, in two screens after consent: whether the household agrees
and what it needs (each item listed once), then co-funding and comments with the choices so far,
and submit. The answer is kept as a draft in the session until the last screen submits it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from huanxin.core.access import public_page
from huanxin.core.errors import HuanxinError
from huanxin.residents.services import estate_by_link, has_consented
from huanxin.residents.sessions import CONSENTED_ON_THE_WAY, resident_household
from huanxin.surveys import services
from huanxin.surveys.models import Answer, CofundBracket, CofundMode, SurveyRound

STEPS = 2


def _draft_key(survey: SurveyRound, household_id: int) -> str:
    """Per household: on a shared phone, the next household must not see the last one's choices."""
    return f"survey_draft_{survey.pk}_{household_id}"


def _step(value: str | None) -> int:
    try:
        return min(max(int(value or "1"), 1), STEPS)
    except ValueError:
        return 1


def _draft_from(answer: Answer | None) -> dict[str, Any]:
    if answer is None:
        return {}
    return {
        "agrees": answer.agrees,
        "first_need": answer.first_need_id,
        "other_needs": list(answer.other_needs.values_list("pk", flat=True)),
        "cofund_willing": answer.cofund_willing,
        "cofund_modes": answer.cofund_modes,
        "cofund_bracket": answer.cofund_bracket,
        "comments": answer.comments,
    }


def _ints(values: list[str]) -> list[int]:
    return [number for value in values if (number := _int(value)) is not None]


def _int(value: str) -> int | None:
    try:
        return int(value) if value.isascii() else None
    except ValueError:
        return None


@public_page(audience="resident")
def resident_survey(request: HttpRequest, token: str) -> HttpResponse:
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    if not has_consented(household):
        return redirect("residents:consent", token=token)
    survey = SurveyRound.objects.filter(estate=estate).open_now().order_by("-opens_on").first()
    current = (
        Answer.objects.current().filter(round=survey, household=household).first()
        if survey is not None
        else None
    )
    if survey is None:
        return render(request, "surveys/resident_none.html", {"estate": estate, "token": token})
    key = _draft_key(survey, household.pk)
    draft = request.session.get(key) or _draft_from(current)
    step = _step(request.GET.get("step"))
    error = ""
    if request.method == "POST":
        step = _step(request.POST.get("step"))
        draft = _apply_step(draft, step, request.POST)
        request.session[key] = draft
        if step < STEPS:
            if "agrees" not in draft:
                error = _("请选择“同意改造”或“不同意”")
            else:
                return redirect(f"{reverse('surveys:resident_survey', args=[token])}?step={step + 1}")
        else:
            try:
                services.answer_submit(round_id=survey.pk, household=household, data=draft)  # type: ignore[arg-type]
            except HuanxinError as refused:
                error = refused.message
            else:
                request.session.pop(key, None)
                request.session.pop(CONSENTED_ON_THE_WAY, None)
                return redirect("surveys:resident_done", token=token)
    if step > 1 and "agrees" not in draft:  # the second screen without the first: start there
        return redirect("surveys:resident_survey", token=token)
    items = list(survey.items.order_by("code"))
    # Consent given on the way was the first screen: the counter goes on from it, never restarts.
    before = 1 if request.session.get(CONSENTED_ON_THE_WAY) else 0
    return render(
        request,
        "surveys/resident_survey.html",
        {
            "estate": estate,
            "token": token,
            "survey": survey,
            "household": household,
            "step": step,
            "screen": before + step,
            "screens": before + STEPS,
            "draft": draft,
            "items": items,
            "error": error,
            "changing": current is not None,
            "modes": CofundMode.choices,
            "brackets": CofundBracket.choices,
            "summary": answer_summary(draft, items),
        },
    )


def answer_summary(draft: dict[str, Any], items: list[Any]) -> list[tuple[str, str]]:
    """The answer in plain words, every part of it (co-funding included): shown before submitting
    and after."""
    names = {item.pk: item.name for item in items}
    modes, brackets = dict(CofundMode.choices), dict(CofundBracket.choices)
    agrees = draft.get("agrees")
    willing = draft.get("cofund_willing")
    lines = [
        (_("是否同意改造"), _("同意") if agrees is True else _("不同意") if agrees is False else "—"),
        (_("最需要"), names.get(draft.get("first_need") or 0, "—")),
        (_("还需要"), "、".join(names[pk] for pk in draft.get("other_needs", []) if pk in names) or "—"),
        (_("愿意出资"), _("愿意") if willing is True else _("不愿意") if willing is False else "—"),
    ]
    if willing:
        chosen_modes = "、".join(str(modes[m]) for m in draft.get("cofund_modes", []) if m in modes)
        lines.append((_("出资方式"), chosen_modes or "—"))
        lines.append((_("每户大约出资"), str(brackets.get(draft.get("cofund_bracket", ""), "—"))))
    if draft.get("comments"):
        lines.append((_("意见建议"), draft["comments"]))
    return lines


def _apply_step(draft: dict[str, Any], step: int, data: Any) -> dict[str, Any]:
    draft = dict(draft)
    if step == 1:
        if data.get("agrees") in ("yes", "no"):
            draft["agrees"] = data["agrees"] == "yes"
        first = _int(data.get("first_need", ""))
        draft["first_need"] = first
        draft["other_needs"] = [pk for pk in _ints(data.getlist("other_needs")) if pk != first]
    elif step == 2:
        willing = data.get("cofund_willing")
        draft["cofund_willing"] = {"yes": True, "no": False}.get(willing)
        draft["cofund_modes"] = data.getlist("cofund_modes") if willing == "yes" else []
        draft["cofund_bracket"] = data.get("cofund_bracket", "") if willing == "yes" else ""
        draft["comments"] = data.get("comments", "")[:1000]
    return draft


@public_page(audience="resident")
def resident_done(request: HttpRequest, token: str) -> HttpResponse:
    estate = estate_by_link(token)
    household = resident_household(request, estate)
    if household is None:
        return redirect("residents:identify", token=token)
    answer = (
        Answer.objects.current()
        .filter(household=household)
        .select_related("round")
        .prefetch_related("round__items")
        .order_by("-created_at")
        .first()
    )
    summary = answer_summary(_draft_from(answer), list(answer.round.items.all())) if answer else []
    return render(
        request,
        "surveys/resident_done.html",
        {"estate": estate, "token": token, "answer": answer, "summary": summary},
    )
