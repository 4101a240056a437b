"""The worker prunes residents' dead codes: SMS codes a day past their expiry, slip codes revoked
by newer slips, old identification attempts; live codes stay and still work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from huanxin.estates.models import Household
from huanxin.residents import services
from huanxin.residents.models import AccessCode, IdentificationAttempt, PhoneCode
from huanxin.residents.sms import MemoryBackend
from huanxin.residents.tasks import resident_codes_prune_task

pytestmark = pytest.mark.django_db


def sms_code() -> str:
    return "".join(char for char in MemoryBackend.outbox[-1][1].split("，")[0] if char.isdigit())


def test_the_worker_deletes_an_expired_sms_code_and_keeps_a_live_one(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    MemoryBackend.outbox.clear()
    first, second, third = Household.objects.filter(estate=roster_estate).order_by("pk")[:3]
    services.phone_code_send(estate=roster_estate, household_id=first.pk, ip_address=None)
    PhoneCode.objects.filter(household=first).update(expires_at=timezone.now() - timedelta(days=1, minutes=5))
    services.phone_code_send(estate=roster_estate, household_id=second.pk, ip_address=None)
    live = sms_code()
    # Expired a minute ago: still counted by the day's quota, so kept for now.
    services.phone_code_send(estate=roster_estate, household_id=third.pk, ip_address=None)
    PhoneCode.objects.filter(household=third).update(expires_at=timezone.now() - timedelta(minutes=1))

    resident_codes_prune_task.enqueue()  # the immediate backend of the tests runs it at once

    assert not PhoneCode.objects.filter(household=first).exists()
    assert PhoneCode.objects.filter(household=third).exists()
    assert (
        services.identify_by_phone_code(
            estate=roster_estate, household_id=second.pk, code=live, ip_address=None
        )
        == second
    )


def test_revoked_slip_codes_and_old_attempts_are_pruned(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    services.access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk, household_ids=[household.pk])
    [(_, code)] = services.access_codes_issue(
        by=city["shequ"], estate_id=roster_estate.pk, household_ids=[household.pk]
    )
    IdentificationAttempt.objects.create(household=household, succeeded=False)
    IdentificationAttempt.objects.update(at=timezone.now() - timedelta(days=31))
    IdentificationAttempt.objects.create(household=household, succeeded=False)
    assert AccessCode.objects.count() == 2

    assert services.resident_codes_prune() == {"phone_codes": 0, "access_codes": 1, "attempts": 1}

    assert AccessCode.objects.get().revoked_at is None
    assert IdentificationAttempt.objects.count() == 1
    assert (
        services.identify_by_slip(estate=roster_estate, household_id=household.pk, code=code, ip_address=None)
        == household
    )


def test_each_code_sent_schedules_its_own_pruning(
    city, roster_estate, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    [scheduled] = default_task_backend.results  # type: ignore[attr-defined]
    assert scheduled.task.func is resident_codes_prune_task.func
    expires_at = PhoneCode.objects.get().expires_at
    assert scheduled.task.run_after > expires_at + services.PHONE_CODE_KEPT
