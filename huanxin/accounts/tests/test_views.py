"""Staff login and logout in Chinese, the lockout per username, the per-address throttle, the
idle timeout, the password policy."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from huanxin.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Huanxin@2020"


def post_login(client: Client, username: str, password: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_login_page_is_in_chinese(city) -> None:  # type: ignore[no-untyped-def]
    page = Client(HTTP_HOST="127.0.0.1").get("/accounts/login/")
    assert page.status_code == 200
    assert "工作人员登录" in page.content.decode()


def test_pages_send_strangers_to_the_login(city) -> None:  # type: ignore[no-untyped-def]
    response = Client(HTTP_HOST="127.0.0.1").get("/estates/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/estates/")


def test_a_good_password_signs_in_and_is_audited(city) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="127.0.0.1")
    response = post_login(client, "yongding", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=city["yongding"]).exists()


def test_a_wrong_password_says_so_in_chinese_and_is_audited_without_the_password(city) -> None:  # type: ignore[no-untyped-def]
    response = post_login(Client(HTTP_HOST="127.0.0.1"), "yongding", "wrong-password-1")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor_name == "yongding"
    assert "wrong-password-1" not in str(event.detail)


def test_five_failures_lock_the_username_even_from_many_addresses(city) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="127.0.0.1")
    for attempt in range(5):
        post_login(client, "yongding", "wrong-password-1", address=f"10.0.0.{attempt + 1}")
    locked = post_login(client, "yongding", PASSWORD, address="10.0.0.99")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    # Another user at the same office address is not locked out by a colleague's typos.
    assert post_login(client, "guanliping", PASSWORD, address="10.0.0.1").status_code == 302


def test_an_address_with_many_failures_is_throttled_for_every_username(city, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ADDRESS_FAILURE_LIMIT = 6
    client = Client(HTTP_HOST="127.0.0.1")
    for username in ["u1", "u2", "u3", "u4", "u5", "u6"]:
        post_login(client, username, "wrong-password-1", address="10.9.9.9")
    response = post_login(client, "cili", PASSWORD, address="10.9.9.9")
    assert response.status_code == 200
    assert "该地址登录失败次数过多" in response.content.decode()
    assert post_login(client, "cili", PASSWORD, address="10.9.9.10").status_code == 302


def test_the_lockout_command_lifts_an_address_throttle_and_keeps_the_failures(city, settings) -> None:  # type: ignore[no-untyped-def]
    from axes.models import AccessFailureLog
    from django.core.management import call_command

    settings.ADDRESS_FAILURE_LIMIT = 6
    client = Client(HTTP_HOST="127.0.0.1")
    for username in ["u1", "u2", "u3", "u4", "u5", "u6"]:
        post_login(client, username, "wrong-password-1", address="10.9.9.9")
    assert post_login(client, "cili", PASSWORD, address="10.9.9.9").status_code == 200  # throttled
    call_command("lockout_reset", address="10.9.9.8", verbosity=0)  # another address: no change
    assert post_login(client, "cili", PASSWORD, address="10.9.9.9").status_code == 200
    call_command("lockout_reset", address="10.9.9.9", verbosity=0)
    assert post_login(client, "cili", PASSWORD, address="10.9.9.9").status_code == 302
    assert AccessFailureLog.objects.filter(ip_address="10.9.9.9").count() >= 6  # still on record


def test_a_success_resets_the_username_failures(city) -> None:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(3):
        post_login(client, "cili", "wrong-password-1")
    assert post_login(client, "cili", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="cili").exists()


def test_logout_ends_the_session(login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/estates/").status_code == 302


def test_the_session_expires_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Huanxin@2020", True),
        ("short1A!", False),
        ("alllowercaseletters", False),
        ("lowercase2020x", False),
        ("Lowercase2020x", True),
    ],
)
def test_passwords_need_ten_characters_of_three_kinds(password: str, ok: bool) -> None:
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)
