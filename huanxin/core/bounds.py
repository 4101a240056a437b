"""Every value a request may carry, bounded by its type, once. The API's schemas use these instead
of a bare `int`, `Decimal` or `str`, so that the server refuses what the database or the program
cannot hold (a 20-digit id, a denormal cost, a million-character note) with a 400 naming the
field, and the OpenAPI document states the same bounds: a request valid by the document is never
refused for its shape, and one outside it never accepted.

Text is normalised at the same edge (`core/text.py`): control characters other than line breaks
and tabs stripped from free text; invisible and direction-changing characters refused in names
and codes; names blank after trimming refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema

from huanxin.core.text import code_text, free_text, name_text

INT_MAX = 2**31 - 1  # an IntegerField or PositiveIntegerField
ID_MAX = 2**63 - 1  # a BigAutoField
NEXT_YEAR = dt.date.today().year + 1
FIRST_DAY = dt.date(2000, 1, 1)  # money and progress are dated within the program's years
LAST_DAY = dt.date(2099, 12, 31)

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Version = Annotated[int, Field(ge=0, le=INT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
HOUSEHOLDS_MAX = 100_000  # past any estate: the largest hold some tens of thousands
BUILDINGS_MAX = 9_999  # an estate's buildings, in a small-integer column
Households = Annotated[int, Field(ge=0, le=HOUSEHOLDS_MAX)]
Buildings = Annotated[int, Field(ge=0, le=BUILDINGS_MAX)]
Year = Annotated[int, Field(ge=1900, le=NEXT_YEAR)]
PlanYear = Annotated[int, Field(ge=2000, le=2099)]
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


def _number(low: str, high: str, places: int) -> Any:
    """How the document states a bounded Decimal: a number (a client may still send the digits
    as a string, which reads the same)."""
    return WithJsonSchema(
        {"type": "number", "minimum": float(low), "maximum": float(high), "multipleOf": 10.0**-places}
    )


def _decimal(low: str, high: str, places: int) -> Any:
    return Field(ge=Decimal(low), le=Decimal(high), decimal_places=places, allow_inf_nan=False)


# DecimalField(max_digits=16, decimal_places=2), but at most 15 digits: SQLite keeps a decimal as a
# double, which holds 15 significant digits exactly; 12 for unit costs and quantities; 14 for targets
Yuan = Annotated[Decimal, _decimal("0", "9999999999999.99", 2), _number("0", "9999999999999.99", 2)]
PositiveYuan = Annotated[
    Decimal, _decimal("0.01", "9999999999999.99", 2), _number("0.01", "9999999999999.99", 2)
]
UnitYuan = Annotated[Decimal, _decimal("0", "9999999999.99", 2), _number("0", "9999999999.99", 2)]
AreaM2 = Annotated[Decimal, _decimal("0", "9999999999.99", 2), _number("0", "9999999999.99", 2)]
TargetAreaM2 = Annotated[Decimal, _decimal("0", "999999999999.99", 2), _number("0", "999999999999.99", 2)]
Quantity = Annotated[Decimal, _decimal("0", "9999999999.99", 2), _number("0", "9999999999.99", 2)]
Latitude = Annotated[Decimal, _decimal("3.5", "53.6", 6), _number("3.5", "53.6", 6)]  # China, south to north
Longitude = Annotated[Decimal, _decimal("73.4", "135.1", 6), _number("73.4", "135.1", 6)]  # west to east
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]

# Free text (notes, reasons, comments): line breaks kept, control characters stripped.
_FREE = AfterValidator(free_text)
Text32 = Annotated[str, _FREE, Field(max_length=32)]
Text64 = Annotated[str, _FREE, Field(max_length=64)]
Text100 = Annotated[str, _FREE, Field(max_length=100)]
Text128 = Annotated[str, _FREE, Field(max_length=128)]
Text255 = Annotated[str, _FREE, Field(max_length=255)]
Text500 = Annotated[str, _FREE, Field(max_length=500)]
Text1000 = Annotated[str, _FREE, Field(max_length=1000)]
Note = Annotated[str, _FREE, Field(max_length=2000)]

# A name: trimmed, never blank, no invisible or direction-changing characters.
Name128 = Annotated[str, AfterValidator(name_text), Field(min_length=1, max_length=128)]

# A code or key (document numbers, states, links): the same, shorter.
_CODE = AfterValidator(code_text)
Code10 = Annotated[str, _CODE, Field(min_length=1, max_length=10)]
Code16 = Annotated[str, _CODE, Field(min_length=1, max_length=16)]
Code32 = Annotated[str, _CODE, Field(min_length=1, max_length=32)]
Code64 = Annotated[str, _CODE, Field(min_length=1, max_length=64)]
Code150 = Annotated[str, _CODE, Field(min_length=1, max_length=150)]
Code512 = Annotated[str, _CODE, Field(min_length=1, max_length=512)]
EstateCode = Annotated[str, _CODE, Field(min_length=16, max_length=16, pattern=r"^[0-9]{12}-[0-9]{3}$")]
RegionCode = Annotated[str, _CODE, Field(min_length=2, max_length=12, pattern=r"^[0-9]{2,12}$")]
