"""The plan-table part of a ledger import: each row's works, estimated cost, funding and planned
days become its estate's `DistrictEstimate` — new, changed, or left as it is — written with the
estates, in the same transaction, with history."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from huanxin.catalog.models import MenuItem
from huanxin.core.history import history_copy_rows
from huanxin.estates.ledger import LedgerRow
from huanxin.estates.models import DistrictEstimate, Estate
from huanxin.estates.plan_table import works_to_codes
from huanxin.regions.models import Region

# The ledger keys a plan table fills, named as DistrictEstimate's fields.
ESTIMATE_KEYS = ("works", "cost_yuan", "funding", "planned_start", "planned_end")
ESTIMATE_FIELDS = (*ESTIMATE_KEYS, "item_codes")
UNREAD_SHOWN = 20


class EstimateReader:
    """Reads a row's plan-table cells against the city's menu (cached per city) and the
    estimates the registry holds (loaded once per file)."""

    def __init__(self, estate_ids: list[int]) -> None:
        self.menus: dict[str, dict[str, str]] = {}
        self.held: dict[int, DistrictEstimate] = {
            estimate.estate_id: estimate
            for estimate in DistrictEstimate.objects.filter(estate_id__in=estate_ids)
        }
        self.unread: list[str] = []

    def values(self, row: LedgerRow, community: Region) -> dict[str, Any]:
        """The estimate the row states (empty when the file is no plan table)."""
        values = {key: row.values[key] for key in ESTIMATE_KEYS if key in row.values}
        if "works" in values:
            codes, unread = works_to_codes(values["works"], self._menu(community))
            values["item_codes"] = codes
            if unread and len(self.unread) < UNREAD_SHOWN:
                self.unread.append(
                    _("第%(row)d行改造内容中“%(words)s”未对应到改造菜单，原文已保留")
                    % {"row": row.row, "words": "、".join(unread)}
                )
        return values

    def changes(self, estate: Estate, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
        held = self.held.get(estate.pk)
        return {
            key: (getattr(held, key) if held else None, value)
            for key, value in values.items()
            if held is None or getattr(held, key) != value
        }

    def _menu(self, community: Region) -> dict[str, str]:
        city = community.code[:4]
        if city not in self.menus:
            items = MenuItem.objects.active().menu_for(community.code).order_by("code")
            self.menus[city] = dict(items.values_list("code", "name"))
        return self.menus[city]


def estimates_write(
    written: list[tuple[Estate, dict[str, Any]]], *, by: Any, reason: str, source: str
) -> int:
    """Create or change the estimates of the estates just written: `written` pairs each estate
    with the estimate values its row stated."""
    stated = {estate.pk: values for estate, values in written if values}
    if not stated:
        return 0
    held = {e.estate_id: e for e in DistrictEstimate.objects.select_for_update().filter(estate_id__in=stated)}
    new = [
        DistrictEstimate(estate_id=estate_id, source=source, **values)
        for estate_id, values in stated.items()
        if estate_id not in held
    ]
    created = DistrictEstimate.objects.bulk_create(new, batch_size=2000)
    changed = []
    for estate_id, estimate in held.items():
        for key, value in stated[estate_id].items():
            setattr(estimate, key, value)
        estimate.source, estimate.version = source, estimate.version + 1
        changed.append(estimate)
    if changed:
        DistrictEstimate.objects.bulk_update(
            changed, [*ESTIMATE_FIELDS, "source", "version"], batch_size=2000
        )
    history_copy_rows(DistrictEstimate, [e.pk for e in created], kind="+", by=by, reason=reason)
    history_copy_rows(DistrictEstimate, [e.pk for e in changed], kind="~", by=by, reason=reason)
    return len(stated)
