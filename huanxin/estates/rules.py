"""Estate codes (SPEC 4.2): the community's 12 digits, a dash and a 3-digit serial."""

from __future__ import annotations

import re

CODE_PATTERN = re.compile(r"^(\d{12})-(\d{3})$")


def estate_code(community_code: str, serial: int) -> str:
    if not 1 <= serial <= 999:
        raise ValueError("an estate serial runs from 001 to 999")
    return f"{community_code}-{serial:03d}"


def next_serial(existing_codes: list[str]) -> int:
    serials = [int(match.group(2)) for code in existing_codes if (match := CODE_PATTERN.match(code))]
    return max(serials, default=0) + 1


def is_old(year_built: int | None, cutoff_year: int) -> bool | None:
    """Built no later than the cutoff; None when the year is unknown."""
    if year_built is None:
        return None
    return year_built <= cutoff_year
