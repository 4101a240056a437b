"""The district records money arriving and money paid on a project, and the rates move."""

import pytest

from e2e.conftest import sign_in
from huanxin.funding.tests.conftest import designed, funded  # noqa: F401  (fixtures)
from huanxin.projects.tests.conftest import project  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_receipt_and_a_payment_move_the_rates(page, live_server, funded) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    sign_in(page, live_server.url, "yongding")
    page.goto(f"{live_server.url}/projects/{funded.pk}/")
    page.locator("main").get_by_role("link", name="资金", exact=True).click()
    assert page.locator("#in-place-rate").inner_text() == "0.0%"

    page.get_by_label("类别").select_option("receipt")
    page.get_by_label("来源", exact=True).select_option(label="中央补助资金")
    page.get_by_label("金额（元）").fill("200000")
    page.get_by_label("凭证号").fill("DW-2020-09-001")
    page.get_by_role("button", name="记账", exact=True).click()
    assert "已记账" in page.locator(".alert-success").inner_text()
    assert page.locator("#in-place-rate").inner_text() == "50.0%"  # of the 400,000 planned
    assert page.locator("#received-total").inner_text() == "20.00"  # the column's form: 万元
    assert page.locator("#received-total span").get_attribute("title") == "200,000.00 元"  # exact on hover

    page.get_by_label("类别").select_option("payment")
    page.get_by_label("来源", exact=True).select_option(label="中央补助资金")
    page.get_by_label("金额（元）").fill("250000")
    page.get_by_label("凭证号").fill("ZF-2020-09-001")
    page.get_by_role("button", name="记账", exact=True).click()
    assert (
        "超过其已到位200,000.00元" in page.locator(".alert-danger").inner_text()
    )  # refused: more than arrived

    page.get_by_label("类别").select_option("payment")
    page.get_by_label("来源", exact=True).select_option(label="中央补助资金")
    page.get_by_label("金额（元）").fill("150000")
    page.get_by_label("凭证号").fill("ZF-2020-09-001")
    page.get_by_role("button", name="记账", exact=True).click()
    assert page.locator("#execution-rate").inner_text() == "75.0%"  # 150,000 of 200,000 received

    page.goto(f"{live_server.url}/funding/?as_of=2020-09-20")  # the plan counts from its approval on 3 Sept
    assert page.locator("#total-in-place").inner_text() == "50.0%"
    assert page.locator("#total-execution").inner_text() == "75.0%"
