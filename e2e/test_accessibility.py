"""Accessibility (WCAG 2.1 AA, as axe-core checks it): no serious or critical violation on the
login page, the staff pages of a project at every tab, the money and plan pages, every resident
page and the public pages; the login form and a survey screen work with the keyboard alone; the
resident pages reflow at 200 % zoom on a 360 px phone without sideways scrolling; the landmarks
carry names in the page's language."""

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from e2e.conftest import accessibility_report, assert_accessible, sign_in
from huanxin.core import clock
from huanxin.demo.participation import site_photo
from huanxin.estates.models import Household
from huanxin.funding.models import FundingSource
from huanxin.funding.services import ledger_record
from huanxin.planning.models import AnnualPlan
from huanxin.projects import services as project_services
from huanxin.projects.tests.conftest import built, finished, project  # noqa: F401  (fixtures)
from huanxin.residents.services import access_codes_issue, representative_add, resident_link_for
from huanxin.residents.slips import slip_link_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}
# A 360 px phone at 200 % zoom: the page lays out in 180 CSS px, drawn on 360 device pixels.
PHONE_AT_200 = PHONE | {"viewport": {"width": 180, "height": 370}, "device_scale_factor": 2}

# [] when the page does not scroll sideways; else what sticks out past the right edge.
SIDEWAYS = """() => document.documentElement.scrollWidth <= document.documentElement.clientWidth ? [] :
  [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .slice(0, 5).map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`)
  .concat([`scrollWidth ${document.documentElement.scrollWidth}`])"""


def sideways(page: Any) -> list[str]:
    return page.evaluate(SIDEWAYS)  # type: ignore[no-any-return]


# The landmarks, named in the page's language (Chinese by default): the page says it is Chinese,
# one <main>, at most one banner, and every <nav> named in Chinese (there are several).
LANDMARKS = r"""() => {
  const problems = [];
  const lang = document.documentElement.lang;
  if (!lang.startsWith('zh')) problems.push(`<html lang="${lang}">`);
  if (document.querySelectorAll('main').length !== 1) problems.push('not exactly one <main>');
  const banners = document.querySelectorAll('body > header, header[role=banner]');
  if (banners.length > 1) problems.push('more than one banner');
  for (const nav of document.querySelectorAll('nav')) {
    const name = nav.getAttribute('aria-label') || '';
    if (!/[\u4e00-\u9fff]/.test(name)) problems.push(`<nav aria-label="${name}"> is not named in Chinese`);
  }
  return problems;
}"""


class Findings:
    """Every page's axe report, so that one run names all that is wrong, not only the first page."""

    def __init__(self) -> None:
        self.reports: list[str] = []

    def check(self, page: Any, what: str) -> None:
        page.wait_for_load_state("networkidle")  # the parts HTMX loads into the page, too
        report = accessibility_report(page)
        report += "".join(f"  landmarks: {problem}\n" for problem in page.evaluate(LANDMARKS))
        if report:
            self.reports.append(f"{what} ({page.url}):\n{report}")

    def assert_none(self) -> None:
        assert not self.reports, "axe-core finds:\n" + "\n".join(self.reports)


def tab_to(page: Any, condition: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element meets `condition` (a JS expression about `el`)."""
    visited = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(
            f"""(() => {{ const el = document.activeElement;
              return [!!({condition}), `${{el.tagName}} ${{el.name || ''}}=${{el.value || ''}}`]; }})()"""
        )
        if here[0]:
            return
        visited.append(here[1])
    raise AssertionError(f"Tab never reached an element where {condition}; it went {visited}")


@pytest.fixture
def everything(city, finished):  # type: ignore[no-untyped-def]  # noqa: F811
    """The finished project with something on every tab: money received and paid, a site photo,
    a resident's complaint with its photo, a representative to sign the acceptance."""
    households = list(Household.objects.filter(estate=finished.estate).order_by("pk"))
    with clock.pinned(dt.date(2020, 9, 30)):
        for kind, amount, number in (("receipt", "200000", "DW-1"), ("payment", "150000", "ZF-1")):
            ledger_record(
                by=city["yongding"],
                project_id=finished.pk,
                source_id=FundingSource.objects.get(owner__isnull=True, code="G01").pk,
                kind=kind,
                amount=Decimal(amount),
                on=dt.date(2020, 9, 30),
                document_number=number,
            )
        photo = site_photo(
            stage="after",
            taken_at=dt.datetime(2020, 9, 26, 9, 0),
            latitude=Decimal("29.131520"),
            longitude=Decimal("110.476210"),
            seed="a11y",
        )
        project_services.photo_upload(
            by=city["shigong"], project_id=finished.pk, content=photo, stage="after"
        )
        project_services.feedback_submit(
            project_id=finished.pk,
            category="quality",
            text="2栋单元门口新铺的地砖松动。",
            household=households[1],
            photos=(photo,),
        )
    representative_add(by=city["shequ"], household_id=households[0].pk, elected_on=dt.date(2020, 9, 20))
    finished.refresh_from_db()
    return finished


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """A page in a browser context of its own, a 360 px phone unless told otherwise; as with the
    `page` fixture, a JavaScript error or a console error (a CSP refusal) on any fails the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def logged(message: Any) -> None:
        if message.type == "error":
            errors.append(f"{message.text} {message.location.get('url', '')}")

    def opened(**options: Any) -> Any:
        context = browser.new_context(**(PHONE | options))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", logged)
        return page

    yield opened
    for context in contexts:
        context.close()
    assert errors == [], f"errors in the browser: {errors}"


def resident_signed_in(open_page: Any, base_url: str, city: Any, household: Any, **options: Any) -> Any:
    """A phone whose resident opened the household's own slip link: signed in for the estate."""
    estate = household.estate
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=estate.pk))
    page = open_page(**options)
    page.goto(
        f"{base_url}/r/{resident_link_for(estate).token}/h/{slip_link_key(household.pk, codes[household])}/"
    )
    return page


def test_the_login_form_by_keyboard_alone_and_the_dashboard(page, live_server, city) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    assert page.evaluate(LANDMARKS) == []
    tab_to(page, "el.name === 'username'")
    page.keyboard.type("yongding")
    tab_to(page, "el.name === 'password'")
    page.keyboard.type("Huanxin@2020")
    tab_to(page, "el.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/"
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    assert page.evaluate(LANDMARKS) == []
    assert page.locator("body > header").count() == 1  # the banner
    assert page.locator("nav[aria-label='导航']").count() == 1
    assert page.locator("nav[aria-label='辖区']").count() == 1


def test_the_staff_pages_of_a_project(page, live_server, city, everything) -> None:  # type: ignore[no-untyped-def]
    findings = Findings()
    sign_in(page, live_server.url, "yongding")
    page.goto(f"{live_server.url}/estates/{everything.estate_id}/")
    findings.check(page, "the estate")
    for tab in ("overview", "items", "progress", "residents", "photos", "feedback", "acceptance", "history"):
        page.goto(f"{live_server.url}/projects/{everything.pk}/?tab={tab}")
        findings.check(page, f"the project, tab {tab}")
    page.goto(f"{live_server.url}/funding/projects/{everything.pk}/")
    findings.check(page, "the project's money")
    page.goto(f"{live_server.url}/funding/")
    findings.check(page, "money by district")
    page.goto(f"{live_server.url}/funding/sources/")
    findings.check(page, "the funding sources")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "city")
    findings.check(page, "the dashboard, as the city")
    page.goto(f"{live_server.url}/planning/plans/{AnnualPlan.objects.get().pk}/")
    findings.check(page, "the plan")
    findings.assert_none()


def test_the_public_pages(open_page, live_server, everything) -> None:  # type: ignore[no-untyped-def]
    findings = Findings()
    for size in ({"viewport": {"width": 1366, "height": 900}, "is_mobile": False, "has_touch": False}, {}):
        page = open_page(**size)
        page.goto(f"{live_server.url}/projects/public/{everything.pk}/")
        findings.check(page, "the notice board")
        assert page.locator("#public-progress-bar").evaluate("el => el.tagName") == "PROGRESS"
        page.goto(f"{live_server.url}/planning/public/plans/{AnnualPlan.objects.get().pk}/")
        findings.check(page, "the public plan")
    findings.assert_none()


def test_the_survey_from_the_link_to_done_a_screen_by_keyboard(
    open_page, live_server, city, open_round
) -> None:  # type: ignore[no-untyped-def]
    estate = open_round.estate
    codes = dict(access_codes_issue(by=city["shequ"], estate_id=estate.pk))
    household = Household.objects.filter(estate=estate).select_related("building").earliest("pk")
    page = open_page()
    findings = Findings()

    page.goto(f"{live_server.url}/r/{resident_link_for(estate).token}/")
    findings.check(page, "the start")
    page.get_by_role("link", name="开始").click()
    findings.check(page, "identify: the building")
    page.get_by_role("link", name=household.building.name).click()
    findings.check(page, "identify: the household")
    page.get_by_label("单元和房号").select_option(str(household.pk))
    page.get_by_label("验证码", exact=True).fill(codes[household])
    page.get_by_role("button", name="确认").click()
    assert "第 1 步，共 3 步" in page.locator("#step-indicator").inner_text()
    findings.check(page, "consent")
    page.get_by_role("button", name="我已阅读并同意，开始填写").click()
    assert "第 2 步，共 3 步" in page.locator("#step-indicator").inner_text()
    findings.check(page, "the survey, first screen")

    # the first screen with the keyboard alone: Tab to a choice, Space to take it, Enter to go on;
    # within a group of radio buttons (one Tab stop) the arrow keys move, as everywhere
    tab_to(page, "el.name === 'agrees' && el.value === 'yes'")
    page.keyboard.press("Space")
    tab_to(page, "el.name === 'first_need'")
    for _ in range(4):
        if page.evaluate("document.activeElement.closest('.need').textContent.includes('道路修复与硬化')"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, "el.name === 'other_needs' && el.closest('.need').textContent.includes('屋面防水')")
    page.keyboard.press("Space")
    tab_to(page, "el.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "第 3 步，共 3 步" in page.locator("#step-indicator").inner_text()
    findings.check(page, "the survey, second screen")
    page.get_by_label("愿意", exact=True).check()
    page.get_by_label("500元以下").check()
    page.get_by_role("button", name="确认提交").click()
    assert "提交成功" in page.locator("h1").inner_text()
    assert "同意改造" in page.locator("#done-summary").inner_text()
    assert "最需要：道路修复与硬化" in page.locator("#answer-summary").inner_text().replace(" ", "")
    findings.check(page, "done")
    page.goto(f"{live_server.url}/r/{resident_link_for(estate).token}/")
    findings.check(page, "the start, signed in")
    findings.assert_none()


def test_the_acceptance_feedback_vote_and_rating_pages(open_page, live_server, city, everything) -> None:  # type: ignore[no-untyped-def]
    representative = Household.objects.filter(estate=everything.estate).earliest("pk")
    token = resident_link_for(everything.estate).token
    pages = (
        ("acceptance", "the representative's acceptance"),
        ("feedback", "complaints and suggestions"),
        ("vote", "the design vote"),
        ("rate", "the rating"),
    )
    page = resident_signed_in(open_page, live_server.url, city, representative)
    findings = Findings()
    for path, what in pages:
        page.goto(f"{live_server.url}/r/{token}/{path}/")
        findings.check(page, what)
        assert page.locator("body > header").count() == 1  # the banner
    findings.assert_none()

    page = resident_signed_in(open_page, live_server.url, city, representative, **PHONE_AT_200)
    wide = {}
    for path, what in pages:
        page.goto(f"{live_server.url}/r/{token}/{path}/")
        wide[what] = sideways(page)
    assert {what: found for what, found in wide.items() if found} == {}


def test_the_survey_reflows_at_200_percent_zoom(open_page, live_server, city, open_round) -> None:  # type: ignore[no-untyped-def]
    estate = open_round.estate
    household = Household.objects.filter(estate=estate).select_related("building").earliest("pk")
    token = resident_link_for(estate).token
    page = resident_signed_in(open_page, live_server.url, city, household, **PHONE_AT_200)
    assert page.evaluate("document.documentElement.clientWidth") == 180
    wide = {"consent": sideways(page)}
    page.get_by_role("button", name="我已阅读并同意，开始填写").click()
    wide["the survey, first screen"] = sideways(page)
    page.get_by_text("同意改造").click()
    page.get_by_label("最需要：道路修复与硬化").check()
    page.get_by_role("button", name="下一步").click()
    wide["the survey, second screen"] = sideways(page)
    page.get_by_label("不愿意", exact=True).check()
    page.get_by_role("button", name="确认提交").click()
    wide["done"] = sideways(page)
    page.goto(f"{live_server.url}/r/{token}/")
    wide["the start, signed in"] = sideways(page)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/r/{token}/")
    wide["the start"] = sideways(page)
    page.goto(f"{live_server.url}/r/{token}/identify/")
    wide["identify: the building"] = sideways(page)
    page.get_by_role("link", name=household.building.name).click()
    wide["identify: the household"] = sideways(page)
    assert {what: found for what, found in wide.items() if found} == {}
