"""The administrator's screens open and list the city's users and organizations."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/organization/",
        "/admin/regions/region/",
        "/admin/core/auditevent/",
        "/admin/catalog/menuitem/",
        "/admin/planning/eligibilitysettings/",
    ],
)
def test_the_admin_screens_open_for_the_administrator(login, path: str) -> None:  # type: ignore[no-untyped-def]
    assert login("admin").get(path).status_code == 200


def test_the_user_list_shows_roles_and_others_are_kept_out(login) -> None:  # type: ignore[no-untyped-def]
    page = login("admin").get("/admin/accounts/user/").content.decode()
    assert "yongding" in page and "区县住建局" in page
    assert login("city").get("/admin/").status_code == 302  # not staff: sent to the admin login
