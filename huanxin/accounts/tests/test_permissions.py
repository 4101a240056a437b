"""The permission table of SPEC 1 as data, and the scope each demo login gets from it."""

import pytest

from huanxin.accounts.permissions import AREAS, PERMISSIONS, Role, role_may

pytestmark = pytest.mark.django_db


def test_every_role_has_a_row_and_every_row_names_known_areas() -> None:
    assert set(PERMISSIONS) == set(Role.values)
    for role, areas in PERMISSIONS.items():
        assert set(areas) <= set(AREAS), role


@pytest.mark.parametrize(
    ("role", "area", "verb", "allowed"),
    [
        (Role.CITY_OFFICE, "plans", "approve", True),
        (Role.DISTRICT_OFFICER, "plans", "approve", False),
        (Role.DISTRICT_OFFICER, "plans", "propose", True),
        (Role.STREET_OFFICER, "eligibility", "submit", True),
        (Role.COMMUNITY_WORKER, "estates", "change", False),
        (Role.COMMUNITY_WORKER, "estates", "edit_facts", True),
        (Role.DEPARTMENT_LIAISON, "surveys", "view", False),
        (Role.CONTRACTOR, "money", "view", False),
        (Role.AUDITOR, "estates", "change", False),
        (Role.AUDITOR, "settings", "audit_trail", True),
        (Role.CITY_OFFICE, "settings", "users", False),
        (Role.ADMIN, "settings", "users", True),
    ],
)
def test_the_table_says_what_each_role_may_do(role: str, area: str, verb: str, allowed: bool) -> None:
    assert role_may(role, area, verb) is allowed


def test_scopes_follow_role_and_region(city) -> None:  # type: ignore[no-untyped-def]
    assert city["admin"].scope.everything
    assert city["audit"].scope.everything
    assert city["city"].scope.region_prefix == "4308"
    assert city["yongding"].scope.region_prefix == "430802"
    assert city["guanliping"].scope.region_prefix == "430802004"
    assert city["shequ"].scope.region_prefix == "430802004001"
    # Contractors see only what they are tied to: nothing until step 5 assigns them.
    assert city["shigong"].scope.estate_ids == frozenset()


def test_personal_data_is_unmasked_only_for_roles_that_need_it(city, make_estate) -> None:  # type: ignore[no-untyped-def]
    in_shequ = "430802004001"
    elsewhere_in_guanliping = "430802004002"
    assert city["yongding"].sees_personal_data(in_shequ)
    assert not city["yongding"].sees_personal_data("430821001001")
    assert city["shequ"].sees_personal_data(in_shequ)
    assert not city["shequ"].sees_personal_data(elsewhere_in_guanliping)
    assert not city["dianli"].sees_personal_data(in_shequ)
    assert not city["yeweihui"].sees_personal_data(in_shequ)
    assert city["audit"].sees_personal_data(in_shequ)
