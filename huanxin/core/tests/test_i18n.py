"""Chinese by default, English on request: the pages after the language switch, and the API's
error messages by Accept-Language or the language cookie."""

import re

import pytest
from django.conf import settings

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
