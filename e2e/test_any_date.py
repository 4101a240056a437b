"""An officer reads a project as it stood on a past day, and the builder's mistyped figure is
refused until it is entered as a correction that the supervisor confirms."""

import datetime as dt
from decimal import Decimal

import pytest

from e2e.conftest import sign_in
from huanxin.core import clock
from huanxin.projects import services
from huanxin.projects.tests.conftest import built, project  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def drains_done(city, built):  # type: ignore[no-untyped-def]  # noqa: F811
    """The drains (¾ of the budget) reported complete on 15 Sept; today is 20 Sept."""
    drains = built.items.get(item__code="B02")
    with clock.pinned(dt.date(2020, 9, 15)):
        services.progress_report(
            by=city["shigong"], item_id=drains.pk, on=dt.date(2020, 9, 15), quantity_done=Decimal(100)
        )
    return built


def test_an_officer_reads_the_project_on_a_past_day_and_comes_back(page, live_server, drains_done) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, "yongding")
    page.goto(f"{live_server.url}/projects/{drains_done.pk}/?tab=progress")
    assert page.locator("#project-progress").inner_text() == "75.0%"
    assert page.locator("#project-actions").count() == 1
    page.fill("#id_as_of", "2020-09-13")
    page.get_by_role("button", name="查看", exact=True).click()
    assert "2020-09-13 当日结束时的情况" in page.locator("#as-of-banner").inner_text()
    assert page.locator("#project-progress").inner_text() == "0.0%"  # the drains were done on the 15th
    assert page.locator("#project-actions").count() == 0  # a past day is read-only
    assert "tab=progress" in page.url  # the tab is kept
    page.get_by_role("link", name="概况").click()
    assert "as_of=2020-09-13" in page.url  # and the day is kept across tabs
    page.locator("#as-of-today").click()
    assert page.locator("#as-of-banner").count() == 0
    assert page.locator("#project-progress").inner_text() == "75.0%"


def test_a_mistyped_figure_waits_for_the_supervisor(page, live_server, drains_done) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, "shigong")
    page.goto(f"{live_server.url}/projects/{drains_done.pk}/?tab=progress")
    row = page.locator("#progress-form tbody tr").first
    assert "100 米" in row.locator(".last-reported").inner_text()
    page.get_by_label("排水与雨污分流 累计完成量").fill("10")
    page.get_by_role("button", name="填报", exact=True).click()
    assert "低于2020-09-15已填报的100米" in page.locator(".alert-danger").inner_text()
    page.get_by_label("排水与雨污分流 累计完成量").fill("60")
    page.get_by_label("更正已填报的数量（低于上次填报时）").check()
    page.get_by_label("更正原因").fill("复测：北段未通水")
    page.get_by_role("button", name="填报", exact=True).click()
    assert "待监理确认" in page.locator("#progress-reports").inner_text()
    assert page.locator("#project-progress").inner_text() == "75.0%"

    page.context.clear_cookies()
    sign_in(page, live_server.url, "jianli")
    page.goto(f"{live_server.url}/projects/{drains_done.pk}/?tab=progress")
    page.get_by_role("button", name="确认更正").click()
    assert "更正已确认" in page.locator(".alert-success").inner_text()
    assert page.locator("#project-progress").inner_text() == "45.0%"
