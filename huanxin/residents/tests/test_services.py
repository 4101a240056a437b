"""Resident identity: slips, SMS codes, throttling, consent — and no code or phone in the logs."""

import logging

import pytest

from huanxin.core.errors import Forbidden, Refused, Throttled
from huanxin.estates.models import Household
from huanxin.residents import services
from huanxin.residents.models import AccessCode
from huanxin.residents.sms import MemoryBackend

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_outbox():  # type: ignore[no-untyped-def]
    MemoryBackend.outbox.clear()
    yield
    MemoryBackend.outbox.clear()


def test_a_printed_code_identifies_its_household_only(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    issued = dict(services.access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk))
    first, second = list(issued)[:2]
    assert (
        services.identify_by_slip(
            estate=roster_estate, household_id=first.pk, code=issued[first].lower(), ip_address="10.1.1.1"
        )
        == first
    )
    with pytest.raises(Refused) as refused:
        services.identify_by_slip(
            estate=roster_estate, household_id=second.pk, code=issued[first], ip_address=None
        )
    assert "验证码不正确" in refused.value.message
    assert not AccessCode.objects.filter(code_hash__icontains=issued[first]).exists()  # only hashes are kept


def test_printing_again_revokes_the_old_codes(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    old = dict(services.access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk))
    household = next(iter(old))
    new = dict(services.access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk))
    with pytest.raises(Refused):
        services.identify_by_slip(
            estate=roster_estate, household_id=household.pk, code=old[household], ip_address=None
        )
    assert (
        services.identify_by_slip(
            estate=roster_estate, household_id=household.pk, code=new[household], ip_address=None
        )
        == household
    )


def test_a_department_cannot_print_slips(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        services.access_codes_issue(by=city["dianli"], estate_id=roster_estate.pk)


def test_repeated_wrong_codes_are_throttled(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    issued = dict(services.access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk))
    household = next(iter(issued))
    for _ in range(services.FAILURES_PER_HOUSEHOLD):
        with pytest.raises(Refused):
            services.identify_by_slip(
                estate=roster_estate, household_id=household.pk, code="WRONG123", ip_address=None
            )
    with pytest.raises(Throttled) as throttled:
        services.identify_by_slip(
            estate=roster_estate, household_id=household.pk, code=issued[household], ip_address=None
        )
    assert "次数过多" in throttled.value.message


def test_an_sms_code_goes_to_the_roster_phone_and_works_once(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    masked = services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    assert masked == "尾号" + household.owner_phone[-4:]  # only the last four: no number is revealed
    phone, message = MemoryBackend.outbox[-1]
    assert phone == household.owner_phone
    code = "".join(char for char in message.split("，")[0] if char.isdigit())
    assert (
        services.identify_by_phone_code(
            estate=roster_estate, household_id=household.pk, code=code, ip_address=None
        )
        == household
    )
    with pytest.raises(Refused):
        services.identify_by_phone_code(
            estate=roster_estate, household_id=household.pk, code=code, ip_address=None
        )


def test_a_second_sms_within_a_minute_is_refused(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    with pytest.raises(Throttled):
        services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    assert len(MemoryBackend.outbox) == 1


def test_an_expired_sms_code_says_so(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from huanxin.residents.models import PhoneCode

    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    code = "".join(char for char in MemoryBackend.outbox[-1][1].split("，")[0] if char.isdigit())
    PhoneCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Refused) as refused:
        services.identify_by_phone_code(
            estate=roster_estate, household_id=household.pk, code=code, ip_address=None
        )
    assert "已失效" in refused.value.message


def test_codes_and_phones_never_reach_the_logs(city, roster_estate, caplog, login) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    issued = dict(services.access_codes_issue(by=city["shequ"], estate_id=roster_estate.pk))
    household = next(iter(issued))
    client = login("shequ")
    client.get(f"/estates/{roster_estate.pk}/?tab=buildings")  # an unmasked view, audited
    resident = type(client)(HTTP_HOST="127.0.0.1")
    token = services.resident_link_for(roster_estate).token
    resident.post(
        f"/r/{token}/identify/",
        {
            "building": household.building_id,
            "household": household.pk,
            "method": "slip",
            "code": "BADCODE9",
            "action": "verify",
        },
    )
    resident.post(
        f"/r/{token}/identify/",
        {
            "building": household.building_id,
            "household": household.pk,
            "method": "slip",
            "code": issued[household],
            "action": "verify",
        },
    )
    services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    sms_code = "".join(char for char in MemoryBackend.outbox[-1][1].split("，")[0] if char.isdigit())
    logged = caplog.text
    assert issued[household] not in logged and "BADCODE9" not in logged and sms_code not in logged
    assert household.owner_phone not in logged and household.owner_name not in logged
    from huanxin.core.models import AuditEvent

    audit_text = " ".join(str(event.detail) for event in AuditEvent.objects.all())
    assert issued[household] not in audit_text and household.owner_phone not in audit_text


def test_wrong_sms_codes_count_and_a_code_dies_after_five_tries(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    code = "".join(char for char in MemoryBackend.outbox[-1][1].split("，")[0] if char.isdigit())
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.FAILURES_PER_HOUSEHOLD):
        with pytest.raises(Refused):
            services.identify_by_phone_code(
                estate=roster_estate, household_id=household.pk, code=wrong, ip_address=None
            )
    with pytest.raises(Throttled):  # the failures were recorded, so guessing stops here
        services.identify_by_phone_code(
            estate=roster_estate, household_id=household.pk, code=code, ip_address=None
        )


def test_sms_sends_per_household_are_capped_per_day(city, roster_estate) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from huanxin.residents.models import PhoneCode

    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    for _ in range(services.PHONE_CODES_PER_DAY):
        services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
        PhoneCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))  # past the one-minute wait
    with pytest.raises(Throttled) as capped:
        services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    assert "上限" in capped.value.message


def test_without_a_gateway_production_refuses_sms_clearly(city, roster_estate, settings) -> None:  # type: ignore[no-untyped-def]
    settings.HUANXIN_SMS_BACKEND = "huanxin.residents.sms.DisabledBackend"
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    with pytest.raises(Refused) as refused:
        services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    assert "通知单" in refused.value.message


def test_a_refused_send_uses_up_no_quota(city, roster_estate, settings) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.models import PhoneCode

    settings.HUANXIN_SMS_BACKEND = "huanxin.residents.sms.DisabledBackend"
    household = Household.objects.filter(estate=roster_estate).earliest("pk")
    for _ in range(2):
        with pytest.raises(Refused):
            services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address=None)
    assert not PhoneCode.objects.exists()


def test_one_client_cannot_text_a_whole_estate(city, roster_estate, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Past the per-address quota a client is refused, whichever household it names; another
    client is refused too once the estate's daily quota is spent."""
    monkeypatch.setattr(services, "PHONE_CODES_PER_ADDRESS_HOUR", 2)
    monkeypatch.setattr(services, "PHONE_CODES_PER_ESTATE_DAY", 3)
    households = list(
        Household.objects.filter(estate=roster_estate).exclude(owner_phone="").order_by("pk")[:4]
    )
    for household in households[:2]:
        services.phone_code_send(estate=roster_estate, household_id=household.pk, ip_address="10.0.0.9")
    with pytest.raises(Throttled, match="过于频繁"):
        services.phone_code_send(estate=roster_estate, household_id=households[2].pk, ip_address="10.0.0.9")
    services.phone_code_send(estate=roster_estate, household_id=households[2].pk, ip_address="10.0.0.10")
    with pytest.raises(Throttled, match="本小区今天"):
        services.phone_code_send(estate=roster_estate, household_id=households[3].pk, ip_address="10.0.0.11")
    assert len(MemoryBackend.outbox) >= 3


def test_household_pickers_sort_doors_as_numbers(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    """Room 101 before 1001 and unit 2 before unit 10, as a building numbers its doors."""
    from huanxin.estates.services import buildings_add, household_roster_add
    from huanxin.residents.forms import HouseholdChoiceForm

    estate = make_estate("高层小区")
    buildings_add(by=city["admin"], estate_id=estate.pk, buildings=[{"name": "1栋", "floors": 12}])
    rows = [("10", "101"), ("2", "1001"), ("2", "101"), ("2", "201"), ("2", "1002")]
    household_roster_add(
        by=city["admin"],
        estate_id=estate.pk,
        rows=[{"building": "1栋", "unit": unit, "room": room} for unit, room in rows],  # type: ignore[typeddict-item]
    )
    form = HouseholdChoiceForm(estate=estate, building_id=None)
    labels = [label for _pk, label in form.fields["household"].choices]  # type: ignore[attr-defined]
    assert labels == ["2单元 101室", "2单元 201室", "2单元 1001室", "2单元 1002室", "10单元 101室"]
