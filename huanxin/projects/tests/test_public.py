"""The project's public notice board (公示): what, where, by whom, for how much, how far along,
whom to call — and no personal data, whoever signed."""

import pytest
from django.test import Client

from huanxin.estates.models import Household
from huanxin.projects import rules, services
from huanxin.projects.tests.conftest import move
from huanxin.residents.services import representative_add

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_notice_board(city, finished) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(f"/projects/public/{finished.pk}/").content.decode()
    for fact in (
        "市委二号院改造项目（2021年）",
        "排水与雨污分流",
        "道路修复与硬化",
        "设计预算 40 万元",
        "100.0%",
        "张家界市建工集团有限公司",
        "湖南建科工程监理有限公司",
        "0744-8226000",
        "待验收",
    ):
        assert fact in page, fact


def test_no_personal_data_reaches_the_public(city, finished) -> None:  # type: ignore[no-untyped-def]
    household = Household.objects.filter(estate_id=finished.estate_id).order_by("pk")[0]
    representative_add(by=city["shequ"], household_id=household.pk, elected_on=finished.planned_start)
    services.acceptance_sign_as_representative(household=household, project_id=finished.pk)
    services.acceptance_sign(by=city["shequ"], project_id=finished.pk)
    page = Client().get(f"/projects/public/{finished.pk}/").content.decode()
    assert "居民代表" in page and "社区居委会" in page  # who has signed, as parties
    names = list(
        Household.objects.filter(estate_id=finished.estate_id).values_list("owner_name", "owner_phone")
    )
    for name, phone in names:
        assert name not in page and phone not in page
    assert str(household) not in page and "陈书记" not in page


def test_a_cancelled_project_has_no_notice_board(city, project) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(f"/projects/public/{project.pk}/").status_code == 200
    move(city["yongding"], project, rules.CANCELLED, note="拆除重建")
    assert Client().get(f"/projects/public/{project.pk}/").status_code == 404
    assert Client().get("/projects/public/999999/").status_code == 404
