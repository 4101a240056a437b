"""At phone size (360 px): a resident opens the estate's link, identifies the household with the
SMS code, answers, changes the answer — and the community's tally moves."""

import pytest

from e2e.conftest import assert_fit_for_a_phone, sign_in
from huanxin.estates.models import Household
from huanxin.residents.services import resident_link_for
from huanxin.residents.sms import MemoryBackend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_answers_on_a_phone_and_the_tally_moves(browser, live_server, open_round) -> None:  # type: ignore[no-untyped-def]
    MemoryBackend.outbox.clear()
    estate = open_round.estate
    household = Household.objects.filter(estate=estate).select_related("building").earliest("pk")
    link = f"{live_server.url}/r/{resident_link_for(estate).token}/"
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(link)
    assert_fit_for_a_phone(page)
    page.get_by_role("link", name="开始").click()
    assert_fit_for_a_phone(page)
    page.get_by_role("link", name=household.building.name).click()
    page.get_by_label("单元和房号").select_option(str(household.pk))
    assert_fit_for_a_phone(page)
    page.get_by_label("短信验证码（发到社区登记的手机）").check()
    page.get_by_role("button", name="发送短信验证码").click()
    assert f"验证码已发送到 尾号{household.owner_phone[-4:]}" in page.locator("[role=status]").inner_text()
    sent_to, message = MemoryBackend.outbox[-1]
    assert sent_to == household.owner_phone
    code = "".join(char for char in message.split("，")[0] if char.isdigit())
    page.get_by_label("短信验证码（发到社区登记的手机）").check()
    page.get_by_label("验证码", exact=True).fill(code)
    page.get_by_role("button", name="确认").click()

    page.get_by_role("button", name="我已阅读并同意，开始填写").click()
    assert "第 2 步，共 3 步" in page.locator("#step-indicator").inner_text()
    page.get_by_label("同意改造").check()
    page.get_by_label("最需要：道路修复与硬化").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("愿意", exact=True).check()
    page.get_by_label("居民直接出资").check()
    page.get_by_label("500–1000元").check()
    assert "同意" in page.locator("#answer-summary").inner_text()
    page.get_by_role("button", name="确认提交").click()
    assert "提交成功" in page.locator("h1").inner_text()
    assert "500–1000元" in page.locator("#answer-summary").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone

    staff_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    staff = staff_context.new_page()
    sign_in(staff, live_server.url, "shequ")
    staff.goto(f"{live_server.url}/surveys/{open_round.pk}/")
    assert staff.locator("#tally-agree-all").inner_text() == "8.3%"  # 1 of 12 households

    page.get_by_role("link", name="修改我的意见").click()
    assert "修改已提交的意见" in page.locator("#step-indicator").inner_text()
    page.get_by_label("不同意").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="确认提交").click()
    assert "不同意改造" in page.locator("#done-summary").inner_text()

    staff.reload()
    assert staff.locator("#tally-agree-all").inner_text() == "0.0%"
    assert staff.locator("#tally-response").inner_text() == "8.3%"
    phone.close()
    staff_context.close()
    assert errors == []
