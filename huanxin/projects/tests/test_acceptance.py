"""Acceptance and handover: each party signs by its own login (or, without an owners' committee,
the elected representatives by their household's identity); the guard names every party
missing; a paper record is entered whole; handover records the management mode."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from huanxin.accounts.models import Organization
from huanxin.core.audit import AuditEvent
from huanxin.core.errors import Forbidden, Invalid, Refused
from huanxin.core.scoping import SYSTEM
from huanxin.estates.models import Estate, EstateTie, Household
from huanxin.estates.services import estate_tie_add
from huanxin.projects import rules, services
from huanxin.projects.models import AcceptanceSignature, Handover
from huanxin.projects.tests.conftest import AFTERWARDS, move
from huanxin.residents.services import representative_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(city, finished):  # type: ignore[no-untyped-def]
    """市委二号院 has an owners' committee: the demo login yeweihui."""
    estate_tie_add(
        by=SYSTEM,
        estate_id=finished.estate_id,
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        kind=EstateTie.Kind.OWNERS_COMMITTEE,
    )
    city["yeweihui"].__dict__.pop("scope", None)
    return finished


def sign(user, project):  # type: ignore[no-untyped-def]
    return services.acceptance_sign(by=user, project_id=project.pk)


def test_acceptance_names_every_party_missing_until_all_five_have_signed(city, committee) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        move(city["yongding"], committee, rules.ACCEPTED)
    assert refused.value.message == "缺少业主委员会、社区居委会、监理单位、施工单位、区县住建局签字"
    for username, party in (
        ("shequ", rules.COMMUNITY),
        ("jianli", rules.SUPERVISION),
        ("shigong", rules.CONSTRUCTION_PARTY),
        ("yongding", rules.DISTRICT),
    ):
        assert sign(city[username], committee).party == party
    with pytest.raises(Refused) as refused:
        move(city["yongding"], committee, rules.ACCEPTED)
    assert refused.value.message == "缺少业主委员会签字"
    signature = sign(city["yeweihui"], committee)
    assert (signature.party, signature.signer, signature.signed_on) == (
        rules.OWNERS,
        city["yeweihui"],
        AFTERWARDS,
    )
    assert move(city["yongding"], committee, rules.ACCEPTED).state == rules.ACCEPTED
    assert AuditEvent.objects.filter(action="project.acceptance_sign").count() == 5


def test_each_party_signs_once_and_only_for_itself(city, committee) -> None:  # type: ignore[no-untyped-def]
    sign(city["shigong"], committee)
    with pytest.raises(Refused, match="施工单位已签字"):
        sign(city["shigong"], committee)
    for outsider in ("city", "guanliping", "audit"):  # the city office, a street, the auditor: not parties
        with pytest.raises(Forbidden):
            sign(city[outsider], committee)
    assert AcceptanceSignature.objects.filter(project=committee).count() == 1


def test_another_contractor_cannot_sign(city, committee) -> None:  # type: ignore[no-untyped-def]
    from huanxin.accounts.services import user_create
    from huanxin.core.errors import NotFound

    other = Organization.objects.create(
        name="另一施工企业", kind=Organization.Kind.CONSTRUCTION, region=committee.estate.region
    )
    estate_tie_add(
        by=SYSTEM, estate_id=committee.estate_id, organization=other, kind=EstateTie.Kind.CONTRACTOR
    )
    stranger = user_create(
        by=city["admin"],
        username="other_builder",
        full_name="另一施工企业 王经理",
        roles=["contractor"],
        organization=other,
        region=None,
        password="Zjj-builder-2020!",
    )
    with pytest.raises((Forbidden, NotFound)):
        sign(stranger, committee)


def test_nobody_signs_before_the_works_are_finished(city, built) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused, match="不在待验收阶段"):
        sign(city["shigong"], built)


@pytest.fixture
def representatives(city, finished):  # type: ignore[no-untyped-def]
    """No owners' committee: three representatives elected from the roster."""
    households = list(Household.objects.filter(estate_id=finished.estate_id).order_by("pk")[:3])
    for household in households:
        representative_add(by=city["shequ"], household_id=household.pk, elected_on=dt.date(2020, 9, 20))
    return households


def test_without_a_committee_a_majority_of_representatives_sign_by_their_household(
    city, finished, representatives
) -> None:  # type: ignore[no-untyped-def]
    for username in ("shequ", "jianli", "shigong", "yongding"):
        sign(city[username], finished)
    first, second, _third = representatives
    services.acceptance_sign_as_representative(household=first, project_id=finished.pk)
    with pytest.raises(Refused) as refused:
        move(city["yongding"], finished, rules.ACCEPTED)
    assert refused.value.message == "缺少居民代表（已签1人，共3人，须过半数）签字"
    with pytest.raises(Refused, match="已经签过字"):
        services.acceptance_sign_as_representative(household=first, project_id=finished.pk)
    not_elected = Household.objects.filter(estate_id=finished.estate_id).order_by("-pk")[0]
    with pytest.raises(Forbidden):
        services.acceptance_sign_as_representative(household=not_elected, project_id=finished.pk)
    services.acceptance_sign_as_representative(household=second, project_id=finished.pk)
    assert move(city["yongding"], finished, rules.ACCEPTED).state == rules.ACCEPTED


def test_without_representatives_the_refusal_says_none_are_elected(city, finished) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        move(city["yongding"], finished, rules.ACCEPTED)
    assert "居民代表（尚未推选）" in refused.value.message


def test_a_representative_signs_on_the_phone_page(city, finished, representatives, client) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.services import resident_link_for
    from huanxin.residents.sessions import KEY, session_data

    token = resident_link_for(finished.estate).token
    session = client.session
    session[KEY] = session_data(representatives[0])
    session.save()
    page = client.get(f"/r/{token}/acceptance/").content.decode()
    assert "同意验收，签字" in page and "道路修复与硬化" in page
    response = client.post(f"/r/{token}/acceptance/", {"opinion": "同意，楼道灯还请再检查"})
    assert response.status_code == 302
    signature = AcceptanceSignature.objects.get(project=finished, household=representatives[0])
    assert (signature.party, signature.opinion) == (rules.REPRESENTATIVES, "同意，楼道灯还请再检查")
    assert "您家已经签过字了" in client.get(f"/r/{token}/acceptance/").content.decode()
    assert "居民代表：竣工验收签字" in client.get(f"/r/{token}/").content.decode()


def test_the_phone_page_asks_who_you_are_first(finished, client) -> None:  # type: ignore[no-untyped-def]
    from huanxin.residents.services import resident_link_for

    token = resident_link_for(finished.estate).token
    response = client.post(f"/r/{token}/acceptance/", {})
    assert response.status_code == 302 and response["Location"].endswith(f"/r/{token}/identify/")
    assert not AcceptanceSignature.objects.exists()


def test_a_paper_record_is_entered_whole_by_the_district(city, finished) -> None:  # type: ignore[no-untyped-def]
    signers = {
        rules.REPRESENTATIVES: "张三、李四、王五",
        rules.COMMUNITY: "陈书记",
        rules.SUPERVISION: "吴总监",
        rules.CONSTRUCTION_PARTY: "周经理",
    }
    with pytest.raises(Invalid) as invalid:
        services.acceptance_paper_record(
            by=city["yongding"],
            project_id=finished.pk,
            archive_number="",
            signed_on=AFTERWARDS,
            signers=signers,
        )
    assert {d["field"] for d in invalid.value.details} == {"signers.district", "archive_number"}
    with pytest.raises(Forbidden):
        services.acceptance_paper_record(
            by=city["shequ"],
            project_id=finished.pk,
            archive_number="YS-1",
            signed_on=AFTERWARDS,
            signers=signers | {rules.DISTRICT: "区住建局"},
        )
    assert not AcceptanceSignature.objects.exists()
    services.acceptance_paper_record(
        by=city["yongding"],
        project_id=finished.pk,
        archive_number="YS-2020-001",
        signed_on=AFTERWARDS,
        signers=signers | {rules.DISTRICT: "区住建局 刘科长"},
    )
    assert move(city["yongding"], finished, rules.ACCEPTED).state == rules.ACCEPTED


def test_a_record_begun_online_is_not_completed_on_paper(city, finished) -> None:  # type: ignore[no-untyped-def]
    sign(city["shigong"], finished)
    with pytest.raises(Refused, match="在线签字"):
        services.acceptance_paper_record(
            by=city["yongding"],
            project_id=finished.pk,
            archive_number="YS-1",
            signed_on=AFTERWARDS,
            signers={party: "某某" for party in rules.PARTIES},
        )


@pytest.fixture
def accepted(city, committee):  # type: ignore[no-untyped-def]
    for username in ("yeweihui", "shequ", "jianli", "shigong", "yongding"):
        sign(city[username], committee)
    return move(city["yongding"], committee, rules.ACCEPTED)


def test_handover_needs_the_management_mode_and_sets_the_estates(city, accepted) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused, match="长效管理模式"):
        move(city["yongding"], accepted, rules.HANDED_OVER)
    with pytest.raises(Invalid):
        services.project_hand_over(
            by=city["yongding"], project_id=accepted.pk, version=accepted.version, management_mode="none"
        )
    project = services.project_hand_over(
        by=city["yongding"],
        project_id=accepted.pk,
        version=accepted.version,
        management_mode="community_custody",
        manager="官黎坪居委会",
    )
    assert project.state == rules.HANDED_OVER
    assert Handover.objects.get(project=project).management_mode == "community_custody"
    assert Estate.objects.get(pk=project.estate_id).management_mode == "community_custody"


def test_the_acceptance_record_prints_with_every_signature(city, accepted, login) -> None:  # type: ignore[no-untyped-def]
    response = login("yeweihui").get(f"/projects/{accepted.pk}/acceptance.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "竣工验收记录表" in text and "市委二号院改造项目" in text
    for party in ("业主委员会", "社区居委会", "监理单位", "施工单位", "区县住建局"):
        assert party in text
    assert "验收合格" in text
    assert login("cili").get(f"/projects/{accepted.pk}/acceptance.pdf").status_code == 404


def test_handover_through_the_api(city, accepted, api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    refused = client.post(
        f"/api/v1/projects/{accepted.pk}/transitions/handed_over",
        {"version": accepted.version},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == [{"field": None, "message": "尚未登记移交后的长效管理模式"}]
    bad = client.post(
        f"/api/v1/projects/{accepted.pk}/handover",
        {"version": accepted.version, "management_mode": "none"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    done = client.post(
        f"/api/v1/projects/{accepted.pk}/handover",
        {"version": accepted.version, "management_mode": "professional", "manager": "某物业公司"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "handed_over"
