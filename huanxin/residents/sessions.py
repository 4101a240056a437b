"""The resident's session: after proving a household, the browser carries its id for this estate
and the slip it was proved under. No password, no account: the session expires with the staff
idle timeout, and dies when the community reprints the household's slip (a lost or stolen slip is
reprinted precisely to shut out whoever holds it)."""

from __future__ import annotations

from typing import Any

from huanxin.estates.models import Estate, Household

KEY = "resident"
# Set when the resident consents on the way to the questions: the consent was then the first of
# their screens, and the questions' counter goes on from it ("第 2 步，共 3 步").
CONSENTED_ON_THE_WAY = "resident_consented_on_the_way"


def resident_sign_in(request: Any, household: Household) -> None:
    request.session.cycle_key()  # a new session id on every identification
    request.session.pop(CONSENTED_ON_THE_WAY, None)
    request.session[KEY] = session_data(household)


def session_data(household: Household) -> dict[str, int]:
    """What the session holds of a proved household: it, its estate, and the slip's printing."""
    return {"household": household.pk, "estate": household.estate_id, "slip": slip_of(household.pk)}


def resident_household(request: Any, estate: Estate) -> Household | None:
    data = request.session.get(KEY) or {}
    if data.get("estate") != estate.pk:
        return None
    household_id = data.get("household")
    if not isinstance(household_id, int):
        return None
    if data.get("slip") != slip_of(household_id):
        return None  # the slip was reprinted since: prove the household again
    return Household.objects.filter(pk=household_id, estate=estate).select_related("building").first()


def slip_of(household_id: int) -> int:
    """Which printing of the household's slip is current (0 before the first): a session or a
    token signed under an older one is no longer honoured."""
    from huanxin.residents.models import AccessCode

    latest = (
        AccessCode.objects.filter(household_id=household_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0


def resident_sign_out(request: Any) -> None:
    request.session.pop(KEY, None)
