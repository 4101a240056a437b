"""The public notice board on a 360 px phone: read top to bottom without sideways scrolling, the
money table as stacked lines (not a character per line), and nothing the content security policy
refuses."""

import datetime as dt
from decimal import Decimal

import pytest

from huanxin.core import clock
from huanxin.funding.models import FundingSource
from huanxin.funding.services import ledger_record
from huanxin.projects.tests.conftest import built, project  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notice_board_reads_on_a_phone(browser, live_server, city, built) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with clock.pinned(dt.date(2020, 9, 15)):
        ledger_record(
            by=city["yongding"],
            project_id=built.pk,
            source_id=FundingSource.objects.get(owner__isnull=True, code="G01").pk,
            kind="receipt",
            amount=Decimal("200000"),
            on=dt.date(2020, 9, 15),
            document_number="DW-1",
        )
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    refused: list[str] = []

    def logged(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error":
            refused.append(f"{message.text} {message.location.get('url', '')}")

    page.on("console", logged)
    page.goto(f"{live_server.url}/projects/public/{built.pk}/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    money = page.locator("#money-by-source tbody tr").first
    box = money.bounding_box()
    assert box is not None and box["width"] > 300  # a line as wide as the phone
    assert "中央" in money.locator("th").inner_text()
    assert money.locator("th").bounding_box()["height"] < 60  # type: ignore[index]  # the name on one or two lines
    received = money.locator("td").nth(1)  # stacked: the header is hidden, each line names its unit
    label = received.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"到位（万元）"' and received.inner_text() == "20.00"
    assert page.evaluate("document.documentElement.scrollHeight") < 4000  # today: 4,418 px
    assert page.locator("#public-progress-bar").get_attribute("value") is not None
    phone.close()
    assert refused == []  # no inline style or script refused by the content security policy
