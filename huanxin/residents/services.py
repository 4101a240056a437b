"""Resident identity: slips, SMS codes, consent. Codes and phone numbers never reach the logs or
the audit trail; the audit keeps household ids and counts only."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huanxin.accounts.permissions import may_any
from huanxin.accounts.services import counted_since
from huanxin.core import clock
from huanxin.core.audit import audit_record
from huanxin.core.errors import Forbidden, Invalid, NotFound, Refused, Throttled
from huanxin.core.http import get_visible_or_404
from huanxin.core.masking import phone_tail
from huanxin.estates.models import ADDRESS_ORDER, Estate, Household
from huanxin.residents import rules
from huanxin.residents.models import (
    AccessCode,
    Consent,
    IdentificationAttempt,
    PhoneCode,
    Representative,
    ResidentLink,
)
from huanxin.residents.sms import send_sms

PRIVACY_NOTICE_VERSION = "2020-1"
PHONE_CODE_MINUTES = 10
PHONE_CODE_INTERVAL_SECONDS = 60
PHONE_CODE_TRIES = 5  # wrong tries before a sent code stops working
PHONE_CODES_PER_DAY = 5  # per household: the link is on posters, anyone may ask
# ...and one client must not make us text a whole estate: per address an hour, per estate a day
PHONE_CODES_PER_ADDRESS_HOUR = 20
PHONE_CODES_PER_ESTATE_DAY = 200
FAILURES_PER_HOUSEHOLD = 5
FAILURES_PER_ADDRESS = 30
THROTTLE_MINUTES = 15
# A sent code is kept a day after it expires: the per-day quota above counts the codes of the
# last day, so removing one sooner would hand out a fresh quota.
PHONE_CODE_KEPT = timedelta(days=1)
ATTEMPTS_KEPT = timedelta(days=30)  # identification attempts hold addresses: kept as axes' logs are


def resident_codes_prune() -> dict[str, int]:
    """Delete the residents' codes that can no longer prove anything: SMS codes a day past their
    expiry, slip codes revoked by a newer slip, and identification attempts past their keeping.
    Run by the worker (residents/tasks.py); returns what went, for the log."""
    now = timezone.now()
    with transaction.atomic():
        phone, _by_model = PhoneCode.objects.filter(expires_at__lt=now - PHONE_CODE_KEPT).delete()
        slips, _by_model = AccessCode.objects.filter(revoked_at__isnull=False).delete()
        attempts, _by_model = IdentificationAttempt.objects.filter(at__lt=now - ATTEMPTS_KEPT).delete()
    return {"phone_codes": phone, "access_codes": slips, "attempts": attempts}


def _prune_scheduled(after: datetime | None) -> None:
    """django-tasks has no periodic scheduler, so the codes schedule their own removal: each code
    sent enqueues the prune for when it becomes prunable, each printing of slips enqueues it at
    once for the codes it revoked. A prune finding nothing deletes nothing; a lost one is made
    good by the next code. Imported here, not at the top: tasks.py imports this module."""
    from huanxin.residents.tasks import resident_codes_prune_task

    task = resident_codes_prune_task
    if after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=after)
    transaction.on_commit(task.enqueue)


def resident_link_for(estate: Estate) -> ResidentLink:
    link, _created = ResidentLink.objects.get_or_create(estate=estate)
    return link


def estate_by_link(token: str) -> Estate:
    link = ResidentLink.objects.select_related("estate", "estate__region").filter(token=token).first()
    if link is None:
        raise NotFound(_("链接无效，请扫描社区发放的二维码"))
    return link.estate


def access_codes_issue(
    *, by: Any, estate_id: int, household_ids: list[int] | None = None
) -> list[tuple[Household, str]]:
    """New slip codes for an estate's households (all, or those given); the old ones stop working.
    The codes are returned once, for printing; only their hashes are kept."""
    if not may_any(by, "surveys", "change", "rounds"):
        raise Forbidden(_("您的角色不能发放入户验证码"))
    with transaction.atomic():
        estate = get_visible_or_404(Estate.objects.all(), by, pk=estate_id)
        households = (
            Household.objects.filter(estate=estate).select_related("building").order_by(*ADDRESS_ORDER)
        )
        if household_ids is not None:
            households = households.filter(pk__in=household_ids)
        households_list = list(households)
        if not households_list:
            raise Invalid(_("该小区尚未录入住户名册，无法生成入户验证码"))
        AccessCode.objects.filter(household__in=households_list, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        issued = []
        codes = []
        for household in households_list:
            code = rules.new_slip_code()
            codes.append(
                AccessCode(
                    household=household,
                    issued_by=by if getattr(by, "pk", None) else None,
                    code_hash=rules.code_hash(
                        secret=settings.SECRET_KEY, household_id=household.pk, code=code
                    ),
                )
            )
            issued.append((household, code))
        AccessCode.objects.bulk_create(codes)
        _prune_scheduled(None)
        audit_record(
            action="resident.slips",
            actor=by,
            target=estate,
            region_code=estate.region.code,
            detail={"households": len(issued)},
        )
    return issued


def _throttle(household: Household, ip_address: str | None) -> None:
    since = timezone.now() - timedelta(minutes=THROTTLE_MINUTES)
    failures = IdentificationAttempt.objects.filter(at__gte=since, succeeded=False)
    if failures.filter(household=household).count() >= FAILURES_PER_HOUSEHOLD:
        raise Throttled(
            _("验证码错误次数过多，请%(minutes)d分钟后再试，或联系社区") % {"minutes": THROTTLE_MINUTES}
        )
    from_address = (
        failures.filter(ip_address=ip_address, at__gte=counted_since(ip_address, since))
        if ip_address
        else None
    )
    if from_address is not None and from_address.count() >= FAILURES_PER_ADDRESS:
        raise Throttled(_("尝试次数过多，请稍后再试"))


def _attempt(household: Household, ip_address: str | None, succeeded: bool) -> None:
    IdentificationAttempt.objects.create(household=household, ip_address=ip_address, succeeded=succeeded)


def household_in_estate(*, estate: Estate, household_id: Any) -> Household:
    household = Household.objects.filter(estate=estate, pk=household_id).select_related("building").first()
    if household is None:
        raise Invalid(_("请选择您家的楼栋、单元和房号"))
    return household


def identify_by_slip(*, estate: Estate, household_id: Any, code: str, ip_address: str | None) -> Household:
    household = household_in_estate(estate=estate, household_id=household_id)
    _throttle(household, ip_address)
    active = AccessCode.objects.filter(household=household, revoked_at__isnull=True)
    if any(
        rules.codes_match(
            secret=settings.SECRET_KEY, household_id=household.pk, code=code, stored=row.code_hash
        )
        for row in active
    ):
        _attempt(household, ip_address, True)
        return household
    _attempt(household, ip_address, False)
    raise Refused(_("验证码不正确。请核对社区发放的通知单上的验证码，或改用短信验证"))


def phone_code_send(*, estate: Estate, household_id: Any, ip_address: str | None) -> str:
    """Send a code to the phone on the household's roster row; returns the phone's last four digits."""
    household = household_in_estate(estate=estate, household_id=household_id)
    _throttle(household, ip_address)
    if not household.owner_phone:
        raise Refused(_("社区没有登记您家的手机号，请使用通知单上的验证码"))
    recent = PhoneCode.objects.filter(
        household=household, created_at__gte=timezone.now() - timedelta(seconds=PHONE_CODE_INTERVAL_SECONDS)
    )
    day_ago = timezone.now() - timedelta(days=1)
    today = PhoneCode.objects.filter(household=household, created_at__gte=day_ago)
    if today.count() >= PHONE_CODES_PER_DAY:
        raise Throttled(_("今天发送的验证码已达上限，请使用通知单上的验证码，或联系社区"))
    from_address = PhoneCode.objects.filter(
        ip_address=ip_address, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if ip_address and from_address.count() >= PHONE_CODES_PER_ADDRESS_HOUR:
        raise Throttled(_("短信发送过于频繁，请稍后再试，或使用通知单上的验证码"))
    if (
        PhoneCode.objects.filter(household__estate=estate, created_at__gte=day_ago).count()
        >= PHONE_CODES_PER_ESTATE_DAY
    ):
        raise Throttled(_("本小区今天发送的验证码已达上限，请使用通知单上的验证码，或联系社区"))
    if recent.exists():
        raise Throttled(_("验证码已发送，请%(seconds)d秒后再试") % {"seconds": PHONE_CODE_INTERVAL_SECONDS})
    code = rules.new_phone_code()
    # Kept only if the message goes out: a refused or failed send uses up no quota.
    with transaction.atomic():
        sent = PhoneCode.objects.create(
            household=household,
            ip_address=ip_address,
            code_hash=rules.code_hash(secret=settings.SECRET_KEY, household_id=household.pk, code=code),
            expires_at=timezone.now() + timedelta(minutes=PHONE_CODE_MINUTES),
        )
        _prune_scheduled(sent.expires_at + PHONE_CODE_KEPT + timedelta(minutes=1))
        send_sms(
            household.owner_phone,
            _("【焕新】您的验证码是%(code)s，%(minutes)d分钟内有效。请勿告诉他人。")
            % {"code": code, "minutes": PHONE_CODE_MINUTES},
        )
    return phone_tail(household.owner_phone)


def identify_by_phone_code(
    *, estate: Estate, household_id: Any, code: str, ip_address: str | None
) -> Household:
    household = household_in_estate(estate=estate, household_id=household_id)
    _throttle(household, ip_address)
    refusal = None
    with transaction.atomic():
        sent = (
            PhoneCode.objects.select_for_update()
            .filter(household=household, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if sent is None or sent.expires_at < timezone.now() or sent.attempts >= PHONE_CODE_TRIES:
            refusal = Refused(_("验证码已失效，请重新获取"))
        elif not rules.codes_match(
            secret=settings.SECRET_KEY, household_id=household.pk, code=code, stored=sent.code_hash
        ):
            sent.attempts += 1
            sent.save(update_fields=["attempts"])
            refusal = Refused(_("验证码不正确，请核对短信中的6位数字"))
        else:
            sent.used_at = timezone.now()
            sent.save(update_fields=["used_at"])
    # Recorded after the transaction: a refusal must still count towards the throttle.
    _attempt(household, ip_address, refusal is None)
    if refusal is not None:
        raise refusal
    return household


def consent_record(*, household: Household, by: Any = None) -> Consent:
    consent = Consent.objects.create(
        household=household,
        notice_version=PRIVACY_NOTICE_VERSION,
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    audit_record(
        action="resident.consent", actor=by, target=household, region_code=household.estate.region.code
    )
    return consent


def has_consented(household: Household) -> bool:
    return Consent.objects.filter(
        household=household, notice_version=PRIVACY_NOTICE_VERSION, withdrawn_at__isnull=True
    ).exists()


def consent_withdraw(*, household: Household) -> int:
    """PIPL: consent can be withdrawn at any time. Answers already given stay in the tallies as
    anonymous counts; no new answer is taken online until consent is given again."""
    withdrawn = Consent.objects.filter(household=household, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    audit_record(
        action="resident.consent_withdraw", target=household, region_code=household.estate.region.code
    )
    return withdrawn


def representative_add(*, by: Any, household_id: int, elected_on: Any, note: str = "") -> Representative:
    """Records a representative the residents elected; the community or the street enters it."""
    if not (by.can("projects", "change") or by.can("projects", "answer_feedback")):
        raise Forbidden(_("您的角色不能登记居民代表"))
    with transaction.atomic():
        household = get_visible_or_404(
            Household.objects.select_related("estate__region"), by, pk=household_id
        )
        if elected_on > clock.today():
            raise Invalid(
                _("推选日期不能晚于今天"), details=[{"field": "elected_on", "message": str(elected_on)}]
            )
        representative, created = Representative.objects.get_or_create(
            household=household,
            defaults={"elected_on": elected_on, "note": note.strip()[:255], "added_by": by},
        )
        if not created:
            raise Refused(_("%(household)s已是居民代表") % {"household": household})
        audit_record(
            action="representative.add",
            actor=by,
            target=household.estate,
            region_code=household.estate.region.code,
            detail={"household": household.pk},
        )
    return representative


def representative_remove(*, by: Any, representative_id: int) -> None:
    if not (by.can("projects", "change") or by.can("projects", "answer_feedback")):
        raise Forbidden(_("您的角色不能登记居民代表"))
    with transaction.atomic():
        representative = get_visible_or_404(
            Representative.objects.select_related("household__estate__region"), by, pk=representative_id
        )
        estate = representative.household.estate
        representative.delete()
        audit_record(
            action="representative.remove",
            actor=by,
            target=estate,
            region_code=estate.region.code,
            detail={"household": representative.household_id},
        )
