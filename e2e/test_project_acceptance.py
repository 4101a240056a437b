"""市委二号院 from the last progress report to acceptance: the builder reports 100 %, the district
moves it to awaiting acceptance, the five parties sign with their own logins, and acceptance is
refused — with the reason on the page — until the owners' committee has signed."""

import pytest

from e2e.conftest import sign_in
from huanxin.accounts.models import Organization
from huanxin.core.scoping import SYSTEM
from huanxin.estates.models import EstateTie
from huanxin.estates.services import estate_tie_add
from huanxin.projects.models import Project
from huanxin.projects.tests.conftest import built, project  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, base_url: str, username: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    sign_in(page, base_url, username)
    page.goto(f"{base_url}{path}")


def test_the_builder_finishes_and_the_five_parties_sign(page, live_server, city, built) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    estate_tie_add(
        by=SYSTEM,
        estate_id=built.estate_id,
        organization=Organization.objects.get(name="市委二号院业主委员会"),
        kind=EstateTie.Kind.OWNERS_COMMITTEE,
    )
    detail = f"/projects/{built.pk}/"

    as_user(page, live_server.url, "shigong", f"{detail}?tab=progress")
    for item in built.items.select_related("item"):
        page.get_by_label(f"{item.item.name} 累计完成量").fill(str(item.quantity))
    page.get_by_role("button", name="填报").click()
    assert "进度已填报" in page.locator(".alert-success").inner_text()
    assert page.locator("#project-progress").inner_text() == "100.0%"

    as_user(page, live_server.url, "yongding", detail)
    page.get_by_role("button", name="进入“待验收”").click()
    assert page.locator("#project-state").inner_text() == "待验收"
    page.get_by_role("link", name="验收移交").click()
    accept = page.get_by_role("button", name="进入“已验收”")
    assert accept.is_disabled()
    refusal = page.locator("form").filter(has=accept).inner_text()
    assert "缺少业主委员会、社区居委会、监理单位、施工单位、区县住建局签字" in refusal
    page.get_by_role("button", name="签字", exact=True).click()
    assert "已签字" in page.locator(".alert-success").inner_text()

    for username in ("shequ", "jianli", "shigong"):
        as_user(page, live_server.url, username, f"{detail}?tab=acceptance")
        page.get_by_role("button", name="签字", exact=True).click()
        assert "已签字" in page.locator(".alert-success").inner_text(), username

    as_user(page, live_server.url, "yongding", f"{detail}?tab=acceptance")
    accept = page.get_by_role("button", name="进入“已验收”")
    assert accept.is_disabled()
    assert "缺少业主委员会签字" in page.locator("form").filter(has=accept).inner_text()

    as_user(page, live_server.url, "yeweihui", f"{detail}?tab=acceptance")
    page.get_by_role("button", name="签字", exact=True).click()
    assert page.locator("#acceptance-signatures").get_by_text("市委二号院业委会 孙主任").count() == 1

    as_user(page, live_server.url, "yongding", f"{detail}?tab=acceptance")
    page.get_by_role("button", name="进入“已验收”").click()
    assert page.locator("#project-state").inner_text() == "已验收"
    assert Project.objects.get(pk=built.pk).state == "accepted"
