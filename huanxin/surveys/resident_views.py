"""The residents' survey on the phone: one question per screen, four steps, a confirmation.
The answer is kept as a draft in the session until the last step submits it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from huanxin.core.access import public_page
from huanxin.core.errors import HuanxinError
from huanxin.residents.services import estate_by_link, has_consented
from huanxin.residents.sessions import resident_household
from huanxin.surveys import services
from huanxin.surveys.models import Answer, CofundBracket, CofundMode, SurveyRound

STEPS = 4


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
            if step == 1 and "agrees" not in draft:
                error = "请选择“同意”或“不同意”"
            else:
                return redirect(f"{reverse('surveys:resident_survey', args=[token])}?step={step + 1}")
        else:
            try:
                services.answer_submit(round_id=survey.pk, household=household, data=draft)  # type: ignore[arg-type]
            except HuanxinError as refused:
                error = refused.message
            else:
                request.session.pop(key, None)
                return redirect("surveys:resident_done", token=token)
    items = list(survey.items.order_by("code"))
    chosen = {item.pk: item for item in items}
    return render(
        request,
        "surveys/resident_survey.html",
        {
            "estate": estate,
            "token": token,
            "survey": survey,
            "household": household,
            "step": step,
            "steps": STEPS,
            "draft": draft,
            "items": items,
            "error": error,
            "changing": current is not None,
            "modes": CofundMode.choices,
            "brackets": CofundBracket.choices,
            "first_item": chosen.get(draft.get("first_need") or 0),
            "other_items": [chosen[pk] for pk in draft.get("other_needs", []) if pk in chosen],
        },
    )


def _apply_step(draft: dict[str, Any], step: int, data: Any) -> dict[str, Any]:
    draft = dict(draft)
    if step == 1 and data.get("agrees") in ("yes", "no"):
        draft["agrees"] = data["agrees"] == "yes"
    elif step == 2:
        draft["first_need"] = _int(data.get("first_need", ""))
        draft["other_needs"] = _ints(data.getlist("other_needs"))
    elif step == 3:
        willing = data.get("cofund_willing")
        draft["cofund_willing"] = {"yes": True, "no": False}.get(willing)
        draft["cofund_modes"] = data.getlist("cofund_modes") if willing == "yes" else []
        draft["cofund_bracket"] = data.get("cofund_bracket", "") if willing == "yes" else ""
    elif step == 4:
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
        .order_by("-created_at")
        .first()
    )
    return render(request, "surveys/resident_done.html", {"estate": estate, "token": token, "answer": answer})
