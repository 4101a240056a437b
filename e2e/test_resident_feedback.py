"""At phone size: a resident reports a problem on the works with a photo, the district answers
on its page, and the resident reads the answer on the same link."""

import datetime as dt
from decimal import Decimal

import pytest

from e2e.conftest import sign_in
from huanxin.demo.participation import site_photo
from huanxin.estates.models import Household
from huanxin.projects.models import Feedback
from huanxin.projects.tests.conftest import built, project  # noqa: F401  (fixtures)
from huanxin.residents.services import resident_link_for
from huanxin.residents.sms import MemoryBackend

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_complains_with_a_photo_and_reads_the_answer(browser, live_server, built) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    MemoryBackend.outbox.clear()
    household = Household.objects.filter(estate=built.estate).select_related("building").earliest("pk")
    link = f"{live_server.url}/r/{resident_link_for(built.estate).token}/"
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(link)
    page.get_by_role("link", name="开始").click()
    page.get_by_role("link", name=household.building.name).click()
    page.get_by_label("单元和房号").select_option(str(household.pk))
    page.get_by_label("短信验证码（发到社区登记的手机）").check()
    page.get_by_role("button", name="发送短信验证码").click()
    _to, message = MemoryBackend.outbox[-1]
    code = "".join(char for char in message.split("，")[0] if char.isdigit())
    page.get_by_label("短信验证码（发到社区登记的手机）").check()
    page.get_by_label("验证码", exact=True).fill(code)
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    consent = page.get_by_role("button", name="我已阅读并同意")
    if consent.count():  # the community took this household's consent on paper already
        consent.click()

    page.goto(link)
    page.get_by_role("link", name="投诉建议").click()
    page.get_by_label("是哪方面的问题？").select_option("quality")
    page.get_by_label("请说说情况").fill("2栋单元门口新铺的地砖松动，踩上去会响。")
    photo = site_photo(
        stage="during",
        taken_at=dt.datetime(2020, 9, 19, 8, 30),
        latitude=Decimal("29.131520"),
        longitude=Decimal("110.476210"),
        seed="e2e",
    )
    page.get_by_label("拍照（可不拍，最多3张）").set_input_files(
        [{"name": "地砖.jpg", "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.get_by_role("button", name="提交").click()
    assert "已收到" in page.locator("[role=status]").first.inner_text()
    assert "正在处理" in page.locator(".feedback-item").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    feedback = Feedback.objects.get()
    assert feedback.photos.count() == 1 and feedback.routed_to == built.builder

    staff_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    staff = staff_context.new_page()
    sign_in(staff, live_server.url, "yongding")
    staff.goto(f"{live_server.url}/projects/{built.pk}/?tab=feedback")
    row = staff.locator("#feedback tbody tr").filter(has_text="地砖松动")
    assert row.locator("img").count() == 1  # the resident's photo, as a thumbnail
    row.get_by_label("答复").fill("已安排班组明天上午重新铺贴，请您查看。")
    row.get_by_role("button", name="答复").click()
    assert "已答复" in staff.locator(".alert-success").inner_text()
    staff.wait_for_load_state("networkidle")  # the thumbnails too, before the server goes away
    staff_context.close()

    page.reload()
    answer = page.locator(".feedback-item .answer").first.inner_text()
    assert "已安排班组明天上午重新铺贴" in answer
    page.wait_for_load_state("networkidle")
    phone.close()
    assert errors == []
