"""Chinese by default, English on request: the pages after the language switch, and the API's
error messages by Accept-Language or the language cookie."""

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db

MISSING_ESTATE = "/api/v1/estates/999999"
NOT_FOUND_EN = "Not found, or not within your jurisdiction"


def _nav(page: str) -> str:
    """The sidebar, where the section names live."""
    match = re.search(r'<nav class="sidebar.*?</nav>', page, re.S)
    assert match, "the page has no sidebar"
    return match.group(0)


def test_pages_are_chinese_by_default(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区")
    page = login("yongding").get("/estates/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "小区台账" in _nav(page)
    assert "合计 1 个小区" in page
    assert "Estate registry" not in page


def test_the_switch_posts_to_set_language_and_comes_back(login) -> None:  # type: ignore[no-untyped-def]
    page = login("yongding").get("/estates/?old=true").content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', page, re.S)
    assert form, "the user menu has no language switch"
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert 'name="next" value="/estates/?old=true"' in form.group(0)
    assert 'name="language" value="zh-hans"' in form.group(0) and "简体中文" in form.group(0)
    assert 'name="language" value="en"' in form.group(0) and "English" in form.group(0)
    assert "style=" not in form.group(0) and "onclick" not in form.group(0)


def test_english_after_switching(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区")
    client = login("yongding")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/estates/"})
    assert response.status_code == 302 and response["Location"] == "/estates/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = client.get("/estates/").content.decode()
    assert '<html lang="en">' in page
    assert "Estate registry" in _nav(page)
    assert "小区台账" not in page
    assert "Total: 1 estate" in page
    assert "老街小区" in page  # data stays as entered

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/estates/"})
    assert "小区台账" in _nav(client.get("/estates/").content.decode())


def test_api_errors_are_chinese_by_default(api_as) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").get(MISSING_ESTATE)
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "未找到，或不在您的辖区内",
        "details": [],
    }


def test_api_errors_follow_accept_language(api_as) -> None:  # type: ignore[no-untyped-def]
    response = api_as("yongding").get(MISSING_ESTATE, headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"] == NOT_FOUND_EN


def test_api_errors_follow_the_language_cookie(api_as, login) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(MISSING_ESTATE).json()["error"]["message"] == NOT_FOUND_EN

    browser = login("yongding")  # the session-signed API, after the switch in the user menu
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert browser.get(MISSING_ESTATE).json()["error"]["message"] == NOT_FOUND_EN


def test_an_english_browser_still_gets_chinese_pages(login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    page = client.get("/estates/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "小区台账" in _nav(page) and "Estate registry" not in page


def test_an_unknown_language_cookie_falls_back_to_chinese(login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-unknown"
    assert '<html lang="zh-hans">' in client.get("/estates/").content.decode()


# ---------------------------------------------------------------------------------------------
# The English catalogue: complete, current and compiled; and no Chinese left outside it.
# ---------------------------------------------------------------------------------------------

CATALOGUE = Path(settings.BASE_DIR) / "huanxin" / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u303f]")  # Chinese words and punctuation
IDEOGRAPH = re.compile(r"[\u3400-\u9fff]")  # a word: what a reader of English could not read
# message ids without a Chinese character that are still the program's words (units, symbols)
LANGUAGE_FREE = {"—", "%(n)s%%", "m²", "㎡", "%(area)s ㎡"}
# paper forms printed in Chinese whatever the screen's language (core/pdf.py paper_form_pdf)
STATIC_CHINESE = {"projects/acceptance_pdf.html", "residents/slips.html"}


def _catalogue() -> Any:
    polib = pytest.importorskip("polib")
    return polib.pofile(str(CATALOGUE))


def test_every_message_is_translated_into_english() -> None:
    catalogue = _catalogue()
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} marked fuzzy, e.g. {fuzzy[:5]}"


def test_every_message_id_is_chinese() -> None:
    """Chinese is the source language: an English msgid would show English to Chinese users."""
    not_chinese = [
        entry.msgid
        for entry in _catalogue()
        if not CJK.search(entry.msgid) and entry.msgid not in LANGUAGE_FREE
    ]
    assert not not_chinese, not_chinese[:10]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogue_holds_every_message_of_the_code(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """`make messages` was run after the last change of user-facing text. makemessages writes
    into the locale directory above the files it reads, so it runs on a copy of the source tree:
    the checkout stays as it was."""
    polib = pytest.importorskip("polib")
    source = Path(settings.BASE_DIR) / "huanxin"
    copy = tmp_path / "huanxin"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "static", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    gathered = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    }
    kept = {(e.msgctxt, e.msgid) for e in _catalogue()}
    assert gathered - kept == set(), (
        f"not in the catalogue (run `make messages`): {sorted(gathered - kept)[:10]}"
    )
    assert kept - gathered == set(), f"no longer in the code: {sorted(kept - gathered)[:10]}"


def test_the_compiled_catalogue_matches_its_source() -> None:
    polib = pytest.importorskip("polib")
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    }
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in _catalogue()
        if e.translated() and "fuzzy" not in e.flags
    }
    assert compiled == source, "django.mo is stale: run `make messages`"


def _unmarked_chinese(text: str) -> list[str]:
    """Lines of a template with Chinese outside {% translate %}, {% blocktranslate %}, _("…")
    and comments."""
    for pattern in (
        r"\{#.*?#\}",
        r"\{% comment %\}.*?\{% endcomment %\}",
        r"\{% blocktrans(late)?.*?\{% endblocktrans(late)? %\}",
        r"\{% trans(late)? .*?%\}",
        r'_\("[^"]*"\)',
    ):
        text = re.sub(pattern, "", text, flags=re.S)
    return [line.strip() for line in text.splitlines() if IDEOGRAPH.search(line)]


def test_no_template_shows_chinese_that_cannot_be_translated() -> None:
    root = Path(settings.BASE_DIR) / "huanxin"
    found = {}
    for path in root.rglob("templates/**/*.html"):
        name = str(path.relative_to(path.parents[len(path.relative_to(root).parts) - 1]))
        relative = name.split("templates/", 1)[-1]
        if relative in STATIC_CHINESE:
            continue
        lines = _unmarked_chinese(path.read_text(encoding="utf-8"))
        if lines:
            found[relative] = lines[:2]
    assert not found, found


def test_english_pages_carry_the_sections_translated(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区")
    client = login("city")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for url in ("/", "/estates/", "/planning/", "/projects/", "/funding/"):
        page = client.get(url).content.decode()
        sidebar = _nav(page)
        assert not IDEOGRAPH.search(re.sub(r"<[^>]+>", "", sidebar)), (url, sidebar[:300])
