"""The resident flow through the API, for a future mini-program: the same identity checks as the
phone pages. After identification the client carries a short-lived signed resident token."""

from typing import Any, Literal

from django.core import signing
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import APIKeyHeader

from huanxin.core.access import public_endpoint
from huanxin.core.api import ERRORS, ErrorOut
from huanxin.core.audit import client_address
from huanxin.core.bounds import Code64, Code512, Id
from huanxin.core.errors import NotAuthenticated, Refused
from huanxin.estates.models import ADDRESS_ORDER, Household
from huanxin.residents import services
from huanxin.residents.sessions import slip_of

router = Router(tags=["居民 residents"])
TOKEN_SALT = "huanxin.resident"
TOKEN_HOURS = 2


def resident_token(household: Household) -> str:
    return signing.dumps(
        {"household": household.pk, "estate": household.estate_id, "slip": slip_of(household.pk)},
        salt=TOKEN_SALT,
    )


class ResidentToken(APIKeyHeader):
    """`X-Resident-Token`: a household proved by slip or SMS, for two hours."""

    param_name = "X-Resident-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Household | None:
        if not key:
            return None
        try:
            data = signing.loads(key, salt=TOKEN_SALT, max_age=TOKEN_HOURS * 3600)
        except signing.BadSignature:
            return None
        household_id = data.get("household")
        if not isinstance(household_id, int) or data.get("slip") != slip_of(household_id):
            return None  # the slip was reprinted since the token was signed
        return Household.objects.filter(pk=household_id, estate_id=data.get("estate")).first()


RESIDENT_AUTH = ResidentToken()


def resident_of(request: HttpRequest) -> Household:
    household = getattr(request, "auth", None)
    if not isinstance(household, Household):
        raise NotAuthenticated(_("请先确认您家的身份"))
    return household


class HouseholdChoice(Schema):
    id: int
    building: str
    unit: str
    room: str


@router.get("/resident/{link}/households", auth=None, response={200: list[HouseholdChoice], **ERRORS})
@public_endpoint()
def list_households(request: HttpRequest, link: Code512) -> Any:
    """The pickers: building, unit, room — no names, no phones."""
    estate = services.estate_by_link(link)
    return [
        {"id": h.pk, "building": h.building.name, "unit": h.unit, "room": h.room}
        for h in Household.objects.filter(estate=estate).select_related("building").order_by(*ADDRESS_ORDER)
    ]


class SmsIn(Schema):
    household_id: Id


class SmsOut(Schema):
    sent_to: str


@router.post("/resident/{link}/sms", auth=None, response={200: SmsOut, **ERRORS, 429: ErrorOut})
@public_endpoint()
def send_sms(request: HttpRequest, link: Code512, payload: SmsIn) -> Any:
    estate = services.estate_by_link(link)
    return {
        "sent_to": services.phone_code_send(
            estate=estate, household_id=payload.household_id, ip_address=client_address(request)
        )
    }


class IdentifyIn(Schema):
    household_id: Id
    method: Literal["slip", "sms"] = "slip"  # the printed code, or one sent by SMS
    code: Code64


class IdentifyOut(Schema):
    token: str
    consented: bool


@router.post("/resident/{link}/identify", auth=None, response={200: IdentifyOut, **ERRORS, 429: ErrorOut})
@public_endpoint()
def identify(request: HttpRequest, link: Code512, payload: IdentifyIn) -> Any:
    estate = services.estate_by_link(link)
    check = services.identify_by_phone_code if payload.method == "sms" else services.identify_by_slip
    household = check(
        estate=estate,
        household_id=payload.household_id,
        code=payload.code,
        ip_address=client_address(request),
    )
    return {"token": resident_token(household), "consented": services.has_consented(household)}


class ConsentIn(Schema):
    agree: bool


@router.post("/resident/consent", auth=RESIDENT_AUTH, response={204: None, **ERRORS})
@public_endpoint()
def consent(request: HttpRequest, payload: ConsentIn) -> Any:
    household = resident_of(request)
    if not payload.agree:
        raise Refused(_("未同意个人信息告知书，无法在线填写；可请社区代录纸质问卷"))
    if not services.has_consented(household):
        services.consent_record(household=household)
    return 204, None


@router.delete("/resident/consent", auth=RESIDENT_AUTH, response={204: None, **ERRORS})
@public_endpoint()
def withdraw_consent(request: HttpRequest) -> Any:
    """PIPL: withdraw consent; no new answer is taken online until it is given again."""
    services.consent_withdraw(household=resident_of(request))
    return 204, None
