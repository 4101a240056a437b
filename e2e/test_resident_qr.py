"""At 360 × 740, as an elderly resident holding the slip: scanning the household's own QR code
leads to "提交成功" in at most three screens, with no text under 16 px and no tap target under
44 px on any of them, and the same link later reopens the answer to change it."""

import pytest

from e2e.conftest import assert_fit_for_a_phone
from huanxin.estates.models import Household
from huanxin.residents.services import access_codes_issue, resident_link_for
from huanxin.residents.slips import slip_link_key
from huanxin.surveys.models import Answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_scan_to_submitted_in_three_screens_large_enough_for_anyone(  # type: ignore[no-untyped-def]
    browser, live_server, city, open_round
) -> None:
    estate = open_round.estate
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=estate.pk))
    household = Household.objects.filter(estate=estate).select_related("building").earliest("pk")
    key = slip_link_key(household.pk, codes[household])
    scan = f"{live_server.url}/r/{resident_link_for(estate).token}/h/{key}/"
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    screens: list[str] = []

    def shown(frame) -> None:  # type: ignore[no-untyped-def]
        if frame == page.main_frame:
            screens.append(frame.url)

    page.on("framenavigated", shown)

    page.goto(scan)
    assert "第 1 步，共 3 步" in page.locator("#step-indicator").inner_text()
    assert f"{household.unit}单元 {household.room}室" in page.locator("#resident-household").inner_text()
    assert_fit_for_a_phone(page)
    page.get_by_role("button", name="我已阅读并同意，开始填写").click()

    assert "第 2 步，共 3 步" in page.locator("#step-indicator").inner_text()
    assert_fit_for_a_phone(page)
    page.get_by_text("同意改造").click()  # the whole label is the target, not only the little circle
    page.get_by_label("最需要：道路修复与硬化").check()
    page.get_by_label("也需要：屋面防水").check()
    page.get_by_role("button", name="下一步").click()

    assert "第 3 步，共 3 步" in page.locator("#step-indicator").inner_text()
    assert_fit_for_a_phone(page)
    page.get_by_label("愿意", exact=True).check()
    page.get_by_label("居民直接出资").check()
    page.get_by_label("500元以下").check()
    page.get_by_role("button", name="确认提交").click()

    assert "提交成功" in page.locator("h1").inner_text()
    assert len(screens) == 4, screens  # three screens, then "提交成功"
    assert "500元以下" in page.locator("#answer-summary").inner_text()
    assert_fit_for_a_phone(page)
    answer = Answer.objects.current().get(household=household)
    assert answer.agrees and answer.cofund_bracket == "under_500"

    page.goto(scan)  # the same link, days later: straight to the answer, to change it
    assert "修改已提交的意见" in page.locator("#step-indicator").inner_text()
    assert page.get_by_label("最需要：道路修复与硬化").is_checked()
    page.get_by_text("不同意").click()
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="确认提交").click()
    assert "不同意改造" in page.locator("#done-summary").inner_text()
    assert Answer.objects.current().get(household=household).agrees is False
    phone.close()
    assert errors == []
