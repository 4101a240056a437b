"""Reads for accounts. Organizations and users are scoped by their region node."""

from __future__ import annotations

from typing import Any

from huanxin.accounts.models import Organization


def organizations_for(user: Any) -> Any:
    return Organization.objects.visible_to(user).select_related("region")
