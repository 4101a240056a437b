"""API tokens: issued for a username and password, used as a bearer, expiring and revocable."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from huanxin.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def issue(username: str = "yongding", password: str = "Huanxin@2020"):  # type: ignore[no-untyped-def]
    return Client(HTTP_HOST="127.0.0.1").post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def bearer(key: str) -> Client:
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_is_issued_and_works_as_a_bearer(city) -> None:  # type: ignore[no-untyped-def]
    response = issue()
    assert response.status_code == 200
    key = response.json()["token"]
    assert bearer(key).get("/api/v1/stats/summary").json()["region"] == "430802"
    token = ApiToken.objects.get(user=city["yongding"])
    assert token.key_hash != key and key.startswith(token.prefix)
    assert timezone.now() + timedelta(days=29) < token.expires_at <= timezone.now() + timedelta(days=30)


def test_a_wrong_password_gets_401_in_the_envelope(city) -> None:  # type: ignore[no-untyped-def]
    response = issue(password="nope-nope-nope")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "用户名或密码错误"
    assert not ApiToken.objects.exists()


def test_missing_fields_get_400_naming_the_field(city) -> None:  # type: ignore[no-untyped-def]
    response = Client(HTTP_HOST="127.0.0.1").post(
        "/api/v1/auth/token", {"username": "yongding"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert any("password" in (d["field"] or "") for d in response.json()["error"]["details"])


def test_an_expired_token_is_refused(city) -> None:  # type: ignore[no-untyped-def]
    key = issue().json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert bearer(key).get("/api/v1/stats/summary").status_code == 401


def test_a_revoked_token_is_refused(city) -> None:  # type: ignore[no-untyped-def]
    key = issue().json()["token"]
    client = bearer(key)
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert client.get("/api/v1/stats/summary").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_an_unknown_token_is_refused(city) -> None:  # type: ignore[no-untyped-def]
    assert bearer("hx_made_up").get("/api/v1/stats/summary").status_code == 401


def test_token_requests_count_towards_the_lockout(city) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        issue(password="nope-nope-nope")
    response = issue()
    assert response.status_code == 429
    assert "锁定" in response.json()["error"]["message"]


def test_organizations_are_listed_within_the_jurisdiction(api_as) -> None:  # type: ignore[no-untyped-def]
    body = api_as("cili").get("/api/v1/organizations?limit=500").json()
    names = {item["name"] for item in body["items"]}
    assert "慈利县住房和城乡建设局" in names
    assert "永定区住房和城乡建设局" not in names
    assert body["count"] == len(body["items"])
    city_body = api_as("city").get("/api/v1/organizations?kind=department&limit=50").json()
    assert city_body["count"] == 13


def test_a_new_password_or_a_deactivation_revokes_every_token(city, api_as) -> None:  # type: ignore[no-untyped-def]
    from huanxin.core.models import AuditEvent

    district = api_as("yongding")
    assert district.get("/api/v1/estates").status_code == 200
    user = city["yongding"]
    user.set_password("另一个密码-2026")
    user.save()
    assert district.get("/api/v1/estates").status_code == 401
    again = api_as("yongding")
    user.refresh_from_db()
    user.last_login = None  # an unrelated save keeps the tokens
    user.save()
    assert again.get("/api/v1/estates").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert again.get("/api/v1/estates").status_code == 401  # stays revoked once the account is back
    reasons = [
        e.detail["reason"] for e in AuditEvent.objects.filter(action="token.revoke_all").order_by("pk")
    ]
    assert reasons == ["password", "deactivated"]
