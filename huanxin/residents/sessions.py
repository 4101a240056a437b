"""The resident's session: after proving a household, the browser carries its id for this estate.
No password, no account: the session expires with the staff idle timeout."""

from __future__ import annotations

from typing import Any

from huanxin.estates.models import Estate, Household

KEY = "resident"


def resident_sign_in(request: Any, household: Household) -> None:
    request.session.cycle_key()  # a new session id on every identification
    request.session[KEY] = {"household": household.pk, "estate": household.estate_id}


def resident_household(request: Any, estate: Estate) -> Household | None:
    data = request.session.get(KEY) or {}
    if data.get("estate") != estate.pk:
        return None
    household_id = data.get("household")
    if not isinstance(household_id, int):
        return None
    return Household.objects.filter(pk=household_id, estate=estate).select_related("building").first()


def resident_sign_out(request: Any) -> None:
    request.session.pop(KEY, None)
