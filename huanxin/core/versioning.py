from __future__ import annotations

from huanxin.core.errors import StaleEdit
from huanxin.core.models import VersionedModel


def check_version(obj: VersionedModel, version: int) -> None:
    """Refuse an edit based on an older version; the caller holds the row locked."""
    if obj.version != version:
        raise StaleEdit()


def bump_version(obj: VersionedModel) -> None:
    obj.version += 1
