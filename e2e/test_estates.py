"""A district officer logs in, filters the estate list, opens an estate, edits it and sees the
change in its history — in a real browser."""

import re

import pytest

from e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_filters_opens_edits_and_sees_history(page, live_server, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("电力公司宿舍", community="430802001001", households=84, year_built=1996)
    make_estate("财政局宿舍", households=96, year_built=1995)
    make_estate("零阳小区", community="430821001001")

    sign_in(page, live_server.url, "yongding")
    page.get_by_role("link", name="小区台账").click()
    table = page.locator("#estate-table")
    assert table.get_by_text("财政局宿舍").is_visible()
    assert table.get_by_text("零阳小区").count() == 0  # 慈利县 is not 永定区's

    page.get_by_label("名称或别名").fill("电力")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r".*q=%E7%94%B5%E5%8A%9B.*"))
    assert table.get_by_text("财政局宿舍").count() == 0
    assert "合计 1 个小区" in page.locator("#estate-totals").inner_text()

    table.get_by_role("link", name="电力公司宿舍").click()
    assert page.locator("h1").inner_text() == "电力公司宿舍"
    assert "84" in page.locator("#estate-households").inner_text()

    page.get_by_role("link", name="编辑").click()
    page.get_by_label("户数").fill("86")
    page.get_by_label("备注").fill("入户核实后更正户数")
    page.get_by_role("button", name="保存").click()
    assert "已保存" in page.locator(".alert-success").inner_text()
    assert "86" in page.locator("#estate-households").inner_text()

    page.get_by_role("link", name="历史").click()
    history = page.locator("#history-table").inner_text()
    assert "户数" in history and "84" in history and "86" in history
    assert "永定区住建局 李科长" in history


def test_the_home_page_shows_the_region_summary(page, live_server, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区", households=40, year_built=1988)
    make_estate("新城花园", households=300, year_built=2008)
    sign_in(page, live_server.url, "city")
    assert page.locator("#old-estates").inner_text().startswith("1")
    assert page.locator("#old-households").inner_text().startswith("40")
