"""Text as it enters and leaves Huanxin. Entering (forms, the API, spreadsheet cells): control
characters other than a line break or a tab are stripped from free text — a stray \\x0b pasted
from a Word table is noise, not meaning; names and codes are trimmed, and refused when blank or
when they hold invisible (zero-width) or direction-changing (bidi override) characters, which make
one name look like another. Leaving (xlsx, csv, PDF): whatever is already stored is written
without the characters the format cannot hold, so old data never breaks an export."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _
from pydantic_core import PydanticCustomError

# C0 controls but \t \n \r, DEL and the C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# what XML 1.0 cannot hold at all: the xlsx writer refuses these
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_controls(value: str) -> str:
    return CONTROL.sub("", value.replace("\r\n", "\n"))


def invisible_in(value: str) -> str | None:
    """The first invisible or direction-changing character, written U+XXXX; None when clean."""
    found = INVISIBLE.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def free_text(value: str) -> str:
    return strip_controls(value).strip()


def name_text(value: str) -> str:
    """A name, trimmed; refused blank or with an invisible character (pydantic's error, which
    the API's envelope reports beside the field)."""
    cleaned = " ".join(strip_controls(value).split())
    if not cleaned:
        raise PydanticCustomError("text_blank", _("不能为空"))
    if (char := invisible_in(cleaned)) is not None:
        raise PydanticCustomError(
            "text_invisible", _("含有不可见字符（{char}），请删除后重试"), {"char": char}
        )
    return cleaned


def code_text(value: str) -> str:
    return name_text(value)


def name_problem(value: str) -> str | None:
    """Why a name typed in a form or a cell cannot be kept; None when it can."""
    cleaned = " ".join(strip_controls(value).split())
    if not cleaned:
        return _("不能为空")
    if (char := invisible_in(cleaned)) is not None:
        return _("含有不可见字符（%(char)s），请删除后重试") % {"char": char}
    return None


def folded_name(value: str) -> str:
    """A name compared by meaning: full-width folded (（ → (, １ → 1), every space and invisible
    character gone. 官黎坪 街道 and 官黎坪街道 are one name."""
    text = unicodedata.normalize("NFKC", strip_controls(value))
    return "".join(INVISIBLE.sub("", text).split())


def for_export(value: str) -> str:
    """Stored text made safe for a file: what XML cannot hold removed."""
    return NOT_IN_XML.sub("", value)


def validate_name(value: str) -> None:
    """A model field's validator: the refusals of `name_problem`, for forms and `full_clean`."""
    from django.core.exceptions import ValidationError

    if (problem := name_problem(value)) is not None:
        raise ValidationError(problem, code="name")
