"""Masking of personal data (names, phones, ID numbers) for roles that do not need it."""

from __future__ import annotations

from django.utils.translation import gettext as _


def mask_name(name: str) -> str:
    """张三 → 张*; 欧阳小明 → 欧***; keeps only the first character."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; shorter numbers keep only their last two digits."""
    digits = (phone or "").strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def phone_tail(phone: str) -> str:
    """What a resident is shown of the phone a code went to: its last four digits only, so that
    trying households one by one reveals no one's number (13812345678 → 尾号5678)."""
    digits = (phone or "").strip()
    return _("尾号%(last)s") % {"last": digits[-4:]}


def mask_id_number(number: str) -> str:
    """A resident ID number keeps its first 3 and last 4 characters."""
    value = (number or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
