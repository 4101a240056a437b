"""Division codes (统计用区划代码), SPEC 4.1. A node has a full 12-digit code and a short form;
its subtree is every full code that starts with its significant prefix. Above the five levels of
the table stands the nation (中华人民共和国), code 000000000000 and the empty prefix: a node like
any other, so that national figures are a node's figures."""

from __future__ import annotations

import re
from enum import StrEnum


class Level(StrEnum):
    NATION = "nation"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    STREET = "street"
    COMMUNITY = "community"


NATION_CODE = "000000000000"
NATION_NAME = "中华人民共和国"

# Significant digits per level; the short form pads the nation and the first three levels to 6.
PREFIX_LENGTH = {
    Level.NATION: 0,
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
}
SHORT_LENGTH = {
    Level.NATION: 6,
    Level.PROVINCE: 6,
    Level.CITY: 6,
    Level.COUNTY: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
}
# The five levels of the national table, top down (the nation is above them, not in it).
DIVISION_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.STREET, Level.COMMUNITY)

_DIGITS = re.compile(r"^\d{6}$|^\d{9}$|^\d{12}$")


def full_code(code: str) -> str:
    """Either form → the 12-digit code. Raises ValueError for anything else."""
    code = code.strip()
    if not _DIGITS.match(code):
        raise ValueError(f"not a division code: {code!r}")
    return code.ljust(12, "0")


def level_of(code: str) -> Level:
    full = full_code(code)
    if full == NATION_CODE:
        return Level.NATION
    if full[2:] == "0" * 10:
        return Level.PROVINCE
    if full[4:] == "0" * 8:
        return Level.CITY
    if full[6:] == "0" * 6:
        return Level.COUNTY
    if full[9:] == "000":
        return Level.STREET
    return Level.COMMUNITY


def significant_prefix(code: str) -> str:
    """430802000000 → 430802: the digits every code in the subtree starts with."""
    full = full_code(code)
    return full[: PREFIX_LENGTH[level_of(full)]]


def short_code(code: str) -> str:
    """430800000000 → 430800; 430802001000 → 430802001; a community keeps all 12."""
    full = full_code(code)
    return full[: SHORT_LENGTH[level_of(full)]]


def in_subtree(code: str, ancestor: str) -> bool:
    return full_code(code).startswith(significant_prefix(ancestor))


def ancestors_and_self(code: str) -> list[str]:
    """430802004001 → its community, street, county, city, province and nation codes, nearest
    first (a node's own rules apply below it unless a nearer node has its own)."""
    full = full_code(code)
    return list(dict.fromkeys(full[:length].ljust(12, "0") for length in (12, 9, 6, 4, 2, 0)))


def ancestors_of(code: str) -> list[str]:
    """The full codes of the nodes above `code` (either form, or a significant prefix such as
    4308), nearest first: what a node inherits its menu, funding sources and plans from."""
    return ancestors_and_self(code.ljust(12, "0"))[1:]
