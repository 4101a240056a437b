"""A district officer uploads a ledger with errors, reads them, fixes the file, uploads it again,
confirms, and exports the list — in a real browser."""

from pathlib import Path

import pytest

from e2e.conftest import assert_accessible, sign_in
from huanxin.core.spreadsheets import read_tables
from huanxin.estates.tests.ledger_files import HEADER, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_upload_errors_fix_confirm_export(page, live_server, city) -> None:  # type: ignore[no-untyped-def]
    broken = xlsx(
        [
            HEADER,
            ["电力公司宿舍", "永定区", "永定街道", "回龙居委会", "九十年代", 84, 8950],
            ["财政局宿舍", "永定区", "官黎坪街道", "黄金塔居委会", 1995, "九十六", 10780],
        ],
        title="永定区老旧小区台账",
    )
    fixed = xlsx(
        [
            HEADER,
            ["电力公司宿舍", "永定区", "永定街道", "回龙居委会", 1996, 84, 8950],
            ["财政局宿舍", "永定区", "官黎坪街道", "黄金塔居委会", 1995, 96, 10780],
        ],
        title="永定区老旧小区台账",
    )

    sign_in(page, live_server.url, "yongding")
    page.goto(f"{live_server.url}/estates/")
    page.get_by_role("link", name="导入台账").first.click()
    page.get_by_label("台账文件").set_input_files({"name": "台账.xlsx", "mimeType": XLSX, "buffer": broken})
    page.get_by_role("button", name="上传并检查").click()

    assert "发现 2 处错误，整个文件未导入" in page.locator("#import-errors-summary").inner_text()
    errors = page.locator("#import-errors").inner_text()
    assert "九十年代" in errors and "建成年份" in errors and "3" in errors
    assert "九十六" in errors and "户数" in errors
    assert page.get_by_role("button", name="确认导入").count() == 0

    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("台账文件").set_input_files(
        {"name": "台账（改）.xlsx", "mimeType": XLSX, "buffer": fixed}
    )
    page.get_by_role("button", name="上传并检查").click()
    assert "将新增 2 个小区" in page.locator("#import-preview-summary").inner_text()
    page.get_by_role("button", name="确认导入").click()
    assert "导入完成：新增 2 个小区" in page.locator("#import-result").inner_text()

    page.get_by_role("link", name="查看小区台账").click()
    assert "合计 2 个小区" in page.locator("#estate-totals").inner_text()
    with page.expect_download() as download_info:
        page.locator("#export-xlsx").click()
    exported = download_info.value
    assert exported.suggested_filename.endswith(".xlsx")
    tables = read_tables(name="export.xlsx", content=Path(exported.path()).read_bytes())
    title, header, *rows = tables[0].rows
    assert title[0].startswith("小区台账（") and header[1] == "小区名称*"
    assert {row[1] for row in rows} == {"电力公司宿舍", "财政局宿舍"}


def test_doubts_and_a_likely_duplicate_are_answered_before_the_import(
    page, live_server, city, make_estate
) -> None:  # type: ignore[no-untyped-def]
    """A clerk typed ㎡ under 万平方米 and listed an estate the registry holds under a shorter
    name: the page says both, the officer checks the box and picks "same estate"."""
    make_estate("电力公司宿舍", community="430802001001", households=84)
    header = ["所属区县", "所属街道", "所属社区", "小区名称", "建成年份", "户数", "建筑面积（万平方米）"]
    content = xlsx(
        [
            header,
            ["永定区", "永定街道", "回龙居委会", "电力公司宿舍（1-3栋）", 1996, 90, 0.81],
            ["永定区", "永定街道办事处", "回龙社区", "粮食局宿舍", 1993, 48, 4200],
        ]
    )
    sign_in(page, live_server.url, "yongding")
    page.goto(f"{live_server.url}/estates/import/")
    page.get_by_label("台账文件").set_input_files({"name": "台账.xlsx", "mimeType": XLSX, "buffer": content})
    page.get_by_role("button", name="上传并检查").click()

    assert "户均面积" in page.locator("#import-warnings").inner_text()
    assert "电力公司宿舍（1-3栋）" in page.locator("#import-duplicates").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="确认导入").click()  # the browser holds the form: nothing ticked
    assert page.locator("#import-result").count() == 0

    page.get_by_label("已核对以上数据，确认无误").check()
    page.get_by_label("是同一小区（更新它）").check()
    page.get_by_role("button", name="确认导入").click()
    assert "导入完成：新增 1 个小区，更新 1 个" in page.locator("#import-result").inner_text()
