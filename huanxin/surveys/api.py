"""Survey rounds, answers and tallies for staff; the resident's own survey for the mini-program."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from huanxin.core.access import endpoint, public_endpoint
from huanxin.core.api import ERRORS, READ_ERRORS, Paginated, caller
from huanxin.core.audit import audit_record
from huanxin.core.bounds import Code16, Code32, Day, Id, Name128, Text32, Text1000, Version
from huanxin.core.errors import Refused
from huanxin.core.http import get_visible_or_404
from huanxin.core.masking import mask_name, mask_phone
from huanxin.estates.models import Household
from huanxin.estates.querysets import estates_for, households_for
from huanxin.residents.api import RESIDENT_AUTH, resident_of
from huanxin.residents.services import has_consented
from huanxin.surveys import services
from huanxin.surveys.models import Answer, SurveyRound
from huanxin.surveys.rules import Tally

router = Router(tags=["问需调查 surveys"])


class HouseholdOut(Schema):
    id: int
    building: str
    unit: str
    room: str
    floor_area_m2: float | None
    owner_name: str
    owner_phone: str


@router.get("/estates/{estate_id}/households", response={200: list[HouseholdOut], **READ_ERRORS})
@endpoint("estates", "view")
@paginate(Paginated)
def list_households(request: HttpRequest, estate_id: Id) -> Any:
    """The roster, with names and phones masked for roles that do not need them."""
    user = request.auth  # type: ignore[attr-defined]
    estate = get_visible_or_404(estates_for(user), user, pk=estate_id)
    unmasked = user.sees_personal_data(estate.region.code)
    if unmasked:
        audit_record(
            action="personal_data.view",
            actor=user,
            target=estate,
            region_code=estate.region.code,
            request=request,
            detail={"api": "households"},
        )
    return [
        {
            "id": h.pk,
            "building": h.building.name,
            "unit": h.unit,
            "room": h.room,
            "floor_area_m2": float(h.floor_area_m2) if h.floor_area_m2 is not None else None,
            "owner_name": h.owner_name if unmasked else mask_name(h.owner_name),
            "owner_phone": h.owner_phone if unmasked else mask_phone(h.owner_phone),
        }
        for h in households_for(user, estate)
    ]


class RoundOut(Schema):
    id: int
    estate_id: int
    title: str
    opens_on: dt.date
    closes_on: dt.date
    status: str
    items: list[str]
    version: int

    @staticmethod
    def resolve_items(obj: SurveyRound) -> list[str]:
        return [item.code for item in obj.items.all()]


class RoundIn(Schema):
    estate_id: Id
    title: Name128
    opens_on: Day
    closes_on: Day
    item_ids: list[Id] = Field(..., max_length=200)


class RoundFilters(Schema):
    estate_id: Id | None = None
    status: Code16 | None = None


@router.get("/surveys", response={200: list[RoundOut], **READ_ERRORS})
@endpoint("surveys", ("view", "own_tallies"))
@paginate(Paginated)
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    rounds = SurveyRound.objects.visible_to(user).prefetch_related("items").order_by("-opens_on", "-id")
    if filters.estate_id:
        rounds = rounds.filter(estate_id=filters.estate_id)
    if filters.status:
        return [survey for survey in rounds if survey.status == filters.status]
    return rounds


@router.post("/surveys", response={201: RoundOut, **ERRORS})
@endpoint("surveys", ("change", "rounds"))
def create_round(request: HttpRequest, payload: RoundIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    survey = services.round_create(
        by=user,
        estate_id=payload.estate_id,
        title=payload.title,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        item_ids=payload.item_ids,
    )
    return 201, survey


class VoteOut(Schema):
    participation_heads: float | None
    participation_area: float | None
    agreement_heads: float | None
    agreement_area: float | None
    quorum_met: bool | None
    majority_met: bool | None
    passes: bool | None
    quorum: str = Field(description="本市规则：参与比例门槛，如 2/3")
    majority: str = Field(description="本市规则：参与者中同意比例门槛，如 3/4")


class NeedCountOut(Schema):
    code: str
    first_choice: int
    mentions: int


class TallyOut(Schema):
    households_total: int
    respondents: int
    agree: int
    response_rate: float | None
    agreement_all: float | None
    agreement_respondents: float | None
    agreement_all_by_area: float | None
    agreement_share: str = Field(description="本市规则：同意户数占全部户数的门槛，如 2/3")
    agreement_met: bool | None
    vote: VoteOut
    items: list[NeedCountOut]
    cofund_willing: int
    cofund_modes: dict[str, int]
    cofund_brackets: dict[str, int]


def _ratio(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)


def tally_out(tally: Tally) -> dict[str, Any]:
    vote = tally.vote
    return {
        "households_total": tally.households_total,
        "respondents": tally.respondents,
        "agree": tally.agree,
        "response_rate": _ratio(tally.response_rate),
        "agreement_all": _ratio(tally.agreement_all),
        "agreement_respondents": _ratio(tally.agreement_respondents),
        "agreement_all_by_area": _ratio(tally.agreement_all_by_area),
        "agreement_share": str(tally.agreement_share),
        "agreement_met": tally.agreement_met,
        "vote": {
            "participation_heads": _ratio(vote.participation_heads),
            "participation_area": _ratio(vote.participation_area),
            "agreement_heads": _ratio(vote.agreement_heads),
            "agreement_area": _ratio(vote.agreement_area),
            "quorum_met": vote.quorum_met,
            "majority_met": vote.majority_met,
            "passes": vote.passes,
            "quorum": str(vote.quorum),
            "majority": str(vote.majority),
        },
        "items": [
            {"code": i.code, "first_choice": i.first_choice, "mentions": i.mentions} for i in tally.items
        ],
        "cofund_willing": tally.cofund_willing,
        "cofund_modes": tally.cofund_modes,
        "cofund_brackets": tally.cofund_brackets,
    }


@router.get("/surveys/{round_id}/tally", response={200: TallyOut, **READ_ERRORS})
@endpoint("surveys", ("view", "own_tallies"))
def get_tally(request: HttpRequest, round_id: Id) -> Any:
    survey = get_visible_or_404(SurveyRound.objects.select_related("estate"), request.auth, pk=round_id)  # type: ignore[attr-defined]
    return tally_out(services.round_tally(survey))


class AnswerOut(Schema):
    id: int
    household_id: int
    address: str
    owner_name: str
    sequence: int
    agrees: bool
    first_need: str | None
    other_needs: list[str]
    cofund_willing: bool | None
    cofund_modes: list[str]
    cofund_bracket: str
    comments: str
    channel: str
    created_at: str


@router.get("/surveys/{round_id}/answers", response={200: list[AnswerOut], **READ_ERRORS})
@endpoint("surveys", "view")
@paginate(Paginated)
def list_answers(request: HttpRequest, round_id: Id) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    survey = get_visible_or_404(SurveyRound.objects.select_related("estate__region"), user, pk=round_id)
    unmasked = user.sees_personal_data(survey.estate.region.code)
    if unmasked:
        audit_record(
            action="personal_data.view",
            actor=user,
            target=survey,
            region_code=survey.estate.region.code,
            request=request,
            detail={"api": "answers"},
        )
    answers = (
        Answer.objects.visible_to(user)
        .current()
        .filter(round=survey)
        .select_related("household", "household__building", "first_need")
        .prefetch_related("other_needs")
    )
    return [_answer_out(answer, unmasked=unmasked) for answer in answers]


def _answer_out(answer: Answer, *, unmasked: bool) -> dict[str, Any]:
    household = answer.household
    return {
        "id": answer.pk,
        "household_id": household.pk,
        "address": str(household),
        "owner_name": household.owner_name if unmasked else mask_name(household.owner_name),
        "sequence": answer.sequence,
        "agrees": answer.agrees,
        "first_need": answer.first_need.code if answer.first_need else None,
        "other_needs": [item.code for item in answer.other_needs.all()],
        "cofund_willing": answer.cofund_willing,
        "cofund_modes": answer.cofund_modes,
        "cofund_bracket": answer.cofund_bracket,
        "comments": answer.comments,
        "channel": answer.channel,
        "created_at": answer.created_at.isoformat(),
    }


class AnswerIn(Schema):
    agrees: bool
    first_need: Id | None = None
    other_needs: list[Id] = Field([], max_length=200)
    cofund_willing: bool | None = None
    cofund_modes: list[Code32] = Field([], max_length=10)
    cofund_bracket: Text32 = ""
    comments: Text1000 = ""


class PaperAnswerIn(AnswerIn):
    household_id: Id
    consent_given: bool = False


@router.post("/surveys/{round_id}/answers", response={201: AnswerOut, **ERRORS})
@endpoint("surveys", ("change", "paper_answers"))
def enter_paper_answer(request: HttpRequest, round_id: Id, payload: PaperAnswerIn) -> Any:
    """A community worker's paper answer for a household (代录)."""
    user = request.auth  # type: ignore[attr-defined]
    survey = get_visible_or_404(SurveyRound.objects.select_related("estate__region"), user, pk=round_id)
    household = get_visible_or_404(
        Household.objects.filter(estate=survey.estate), user, pk=payload.household_id
    )
    answer = services.answer_submit(
        round_id=survey.pk,
        household=household,
        by=user,
        consent_given=payload.consent_given,
        data=payload.model_dump(exclude={"household_id", "consent_given"}),  # type: ignore[arg-type]
    )
    return 201, _answer_out(answer, unmasked=user.sees_personal_data(survey.estate.region.code))


class ResidentSurveyOut(Schema):
    round: RoundOut | None
    consented: bool
    answer: dict[str, Any] | None


@router.get("/resident/survey", auth=RESIDENT_AUTH, response={200: ResidentSurveyOut, **ERRORS})
@public_endpoint()
def resident_survey(request: HttpRequest) -> Any:
    """The resident's open survey and their current answer (identity checked by the token)."""
    household = resident_of(request)
    survey = (
        SurveyRound.objects.filter(estate_id=household.estate_id).open_now().order_by("-opens_on").first()
    )
    current = Answer.objects.current().filter(round=survey, household=household).first() if survey else None
    return {
        "round": survey,
        "consented": has_consented(household),
        "answer": _answer_out(current, unmasked=False) if current else None,
    }


@router.post("/resident/survey/answer", auth=RESIDENT_AUTH, response={201: AnswerOut, **ERRORS})
@public_endpoint()
def resident_answer(request: HttpRequest, payload: AnswerIn) -> Any:
    household = resident_of(request)
    survey = (
        SurveyRound.objects.filter(estate_id=household.estate_id).open_now().order_by("-opens_on").first()
    )
    if survey is None:
        raise Refused(_("目前没有进行中的调查"))
    answer = services.answer_submit(round_id=survey.pk, household=household, data=payload.model_dump())  # type: ignore[arg-type]
    return 201, _answer_out(answer, unmasked=False)  # a slip code is not proof of being the owner


class CloseIn(Schema):
    version: Version


class ExtendIn(Schema):
    version: Version
    closes_on: Day


@router.post("/surveys/{round_id}/close", response={200: RoundOut, **ERRORS})
@endpoint("surveys", ("change", "rounds"))
def close_round(request: HttpRequest, round_id: Id, payload: CloseIn) -> Any:
    return services.round_close(by=caller(request), round_id=round_id, version=payload.version)


@router.post("/surveys/{round_id}/extend", response={200: RoundOut, **ERRORS})
@endpoint("surveys", ("change", "rounds"))
def extend_round(request: HttpRequest, round_id: Id, payload: ExtendIn) -> Any:
    return services.round_extend(
        by=caller(request), round_id=round_id, version=payload.version, closes_on=payload.closes_on
    )
