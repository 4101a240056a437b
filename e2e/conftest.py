"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

They skip where Chromium is missing, unless HUANXIN_REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure."""

import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("HUANXIN_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls our fixtures make
# before and between page actions are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not chromium_available():
        if os.environ.get("HUANXIN_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"HUANXIN_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install chromium"
            )
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    console: list[str] = []  # what the browser's console calls an error: CSP refusals, failed loads

    def logged(message: Any) -> None:
        if message.type == "error":
            console.append(f"{message.text} {message.location.get('url', '')}")

    opened.on("console", logged)
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert console == [], f"errors in the browser console: {console}"


def sign_in(page: Any, base_url: str, username: str, password: str = "Huanxin@2020") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # the home page: the dashboard, or a contractor's and a committee's own projects
    page.wait_for_url(lambda url: url in (f"{base_url}/", f"{base_url}/projects/mine/"))


# Every visible element holding text of its own, with its computed size.
SMALL_TEXT = """() => [...document.querySelectorAll('body *')].filter(el => {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const box = el.getBoundingClientRect();
  return own && box.width > 1 && box.height > 1 && getComputedStyle(el).visibility !== 'hidden'
    && parseFloat(getComputedStyle(el).fontSize) < 16;
}).map(el => `${el.tagName} ${getComputedStyle(el).fontSize} ${el.textContent.trim().slice(0, 20)}`)"""

# Every button, link and choice, measured as the finger meets it: a radio or a checkbox by its label.
SMALL_TARGETS = """() => [...document.querySelectorAll('main :is(a, button, input, select, textarea)')]
  .map(el => (el.type === 'radio' || el.type === 'checkbox') ? (el.closest('label') || el) : el)
  .filter(el => el.type !== 'hidden' && el.getBoundingClientRect().height < 44)
  .map(el => `${el.tagName} ${Math.round(el.getBoundingClientRect().height)} ${el.textContent.trim()}`)"""


def assert_fit_for_a_phone(page: Any) -> None:
    """No text under 16 px, no tap target under 44 px, nothing wider than a 360 px phone."""
    assert page.evaluate(SMALL_TEXT) == []
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# axe-core, pinned in package.json and vendored by `make vendor` under e2e/vendor rather than the
# static files: only these tests load it, so it is never collected, served nor shipped in the wheel.
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async ({tags, exclude}) => {
  const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
  const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n =>
      n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1).join(' ').trim()),
    more: Math.max(0, v.nodes.length - 5),
  }));
}"""


def accessibility_report(page: Any, *, exclude: Iterable[str] = ()) -> str:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it stands,
    one paragraph each (rule, help, the first elements with what is wrong), or "" for none;
    `exclude`: CSS selectors of parts to leave out (say why where it is used).

    The pages' Content-Security-Policy (script-src 'self') refuses the inline <script> that
    add_script_tag inserts, and says so in the console; axe's source evaluated through the DevTools
    protocol is not subject to the page's CSP."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    found = page.evaluate(AXE_RUN, {"tags": AXE_TAGS, "exclude": list(exclude)})
    return "".join(
        f"  {v['impact']} {v['id']}: {v['help']}\n"
        + "".join(f"      {target}\n" for target in v["targets"])
        + (f"      … and {v['more']} more\n" if v["more"] else "")
        for v in found
    )


def assert_accessible(page: Any, *, exclude: Iterable[str] = ()) -> None:
    """No serious or critical WCAG 2.1 A/AA violation that axe-core finds (accessibility_report)."""
    report = accessibility_report(page, exclude=exclude)
    assert not report, f"axe-core finds on {page.url}:\n{report}"
