"""The city drafts the 2021 plan with the optimizer, reads why an estate is in, and publishes it."""

import re

import pytest
from django.core.management import call_command

from e2e.conftest import sign_in
from huanxin.planning.tests.builders import confirmed_candidate, draft_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_drafts_with_the_optimizer_reads_a_reason_and_publishes(
    page, live_server, city, eligible_estate, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real queue
    confirmed_candidate(city, eligible_estate, cost_yuan="1000000")
    plan = draft_plan(city, budget_yuan="3000000")

    sign_in(page, live_server.url, "city")
    page.get_by_role("link", name="改造计划").click()
    page.get_by_role("link", name="2021年度计划").click()
    page.get_by_label("永定区 最高份额").fill("80")
    page.get_by_role("button", name="运行优化").click()
    assert "优化已排队" in page.locator("#optimizer-run").inner_text()
    assert page.locator("button", has_text="运行优化").is_disabled()  # one run at a time
    # The worker runs here while the page polls. The test database lives in memory, where SQLite
    # lets no reader in while a writer works (a deployed file database in WAL mode does): the
    # polls made meanwhile are answered "no change", as htmx reads a 204.
    polls = "**/planning/plans/*/optimize/*/"
    page.route(polls, lambda route: route.fulfill(status=204))
    call_command("db_worker", batch=True, verbosity=0)
    page.unroute(polls)
    done = page.locator("#optimizer-run .alert-success")
    done.wait_for()  # the page reloads itself once the run has ended
    assert "已按优化结果生成草案：1 个小区" in done.inner_text()
    assert "贪心排序总效用" in page.locator("#optimizer-summary").inner_text()
    reason = page.locator("#plan-entries").get_by_text(re.compile("^纳入："))
    assert reason.count() == 1 and "总效用" in reason.inner_text()

    page.get_by_role("button", name="发布公示").click()
    assert page.locator("#plan-status").inner_text() == "公示中"
    approve = page.get_by_role("button", name="批准年度计划")
    assert approve.is_disabled()  # the publicity period has not ended, and the page says so
    assert "公示期至" in page.locator("form").filter(has=approve).inner_text()
    page.get_by_role("link", name="公示页面").click()
    assert "市委二号院" in page.locator("table").inner_text()
    assert plan.pk
