"""Where a ledger row's estate is: its district, street and community as the file names them,
found in the division table inside the importer's jurisdiction (SPEC 4.2). Names match by kind
(`regions.names`); a name that matches nothing is answered with the nearest names there are."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from huanxin.estates.ledger import LedgerError, LedgerRow
from huanxin.regions.models import Region
from huanxin.regions.names import NameIndex
from huanxin.regions.rules import Level

SEPARATORS = "/／-—·・、，, \\|"
HINTS = 200  # unmatched names per file answered with the nearest names
ANY_PARENT = None  # districts are looked up across the jurisdiction, whatever their city


class LedgerPlaces:
    """Districts, streets and communities still in the table (retired ones take no new
    estates), inside the importer's jurisdiction. Built once per file."""

    def __init__(self, by: Any, root: Region | None) -> None:
        regions = Region.objects.visible_to(by).current()
        if root is not None:
            regions = regions.subtree(root.code)
        levels: dict[Level, list[Region]] = {Level.COUNTY: [], Level.STREET: [], Level.COMMUNITY: []}
        for region in regions.filter(level__in=list(levels)).only("id", "code", "name", "level", "parent_id"):
            levels[Level(region.level)].append(region)
        self.districts = NameIndex(_Unparented(region) for region in levels[Level.COUNTY])
        self.streets = NameIndex(levels[Level.STREET])
        self.communities = NameIndex(levels[Level.COMMUNITY])
        self.streets_of: dict[int, list[int]] = {}
        for street in levels[Level.STREET]:
            self.streets_of.setdefault(street.parent_id or 0, []).append(street.pk)
        self.hints_left = HINTS
        self.by_id: dict[int, Region] = {
            region.pk: region for regions_ in levels.values() for region in regions_
        }

    def resolve(self, row: LedgerRow) -> tuple[Region | None, LedgerError | None]:
        """The row's community, or why it cannot be found."""
        values = row.values
        district, error = self._district(row)
        if district is None:
            return None, error
        if "street_community" in values and not ("street" in values and "community" in values):
            return self._split(row, district)
        found = self.streets.find([district.pk], values["street"])
        if len(found) != 1:
            return None, self._not_found(row, "street", found, self.streets, [district.pk], district.name)
        street = self.by_id[found[0].pk]
        found = self.communities.find([street.pk], values["community"])
        if len(found) == 1:
            return self.by_id[found[0].pk], None
        if not found:
            elsewhere = self.communities.find(self.streets_of.get(district.pk, []), values["community"])
            if len(elsewhere) == 1:
                other = self.by_id[elsewhere[0].parent_id or 0]
                return None, row.error(
                    "community",
                    _("%(community)s属于%(other)s，不属于%(street)s")
                    % {"community": elsewhere[0].name, "other": other.name, "street": street.name},
                )
        return None, self._not_found(row, "community", found, self.communities, [street.pk], street.name)

    def _district(self, row: LedgerRow) -> tuple[Region | None, LedgerError | None]:
        found = self.districts.find([ANY_PARENT], row.values["district"])
        if len(found) == 1:
            return self.by_id[found[0].pk], None
        return None, self._not_found(row, "district", found, self.districts, [ANY_PARENT], "")

    def _split(self, row: LedgerRow, district: Region) -> tuple[Region | None, LedgerError | None]:
        """所在街道及社区 in one cell ("永定街道回龙社区", "永定街道/回龙社区", or the community
        alone): every cut of the text into a street of the district and a community of that
        street is tried; exactly one must fit."""
        text = "".join(row.values["street_community"].split())
        streets = self.streets_of.get(district.pk, [])
        fits: set[int] = set()
        for cut in range(1, len(text)):
            street_part, community_part = text[:cut].strip(SEPARATORS), text[cut:].strip(SEPARATORS)
            if not street_part or not community_part:
                continue
            for street in self.streets.find([district.pk], street_part):
                fits |= {c.pk for c in self.communities.find([street.pk], community_part)}
        if not fits:
            fits = {c.pk for c in self.communities.find(streets, text.strip(SEPARATORS))}
        if len(fits) == 1:
            return self.by_id[fits.pop()], None
        if fits:
            return None, row.error(
                "street_community",
                _("可能是以下多个社区之一，请分列填写街道和社区：%(names)s")
                % {"names": "、".join(sorted(self._where(pk) for pk in fits))},
            )
        nearest = [self._where(c.pk) for c in self._nearest(self.communities, streets, text)]
        return None, row.error(
            "street_community",
            _("在%(district)s找不到这个街道和社区") % {"district": district.name} + _nearest_words(nearest),
        )

    def _nearest(self, index: NameIndex, parents: list[int | None] | list[int], written: str) -> list[Any]:
        """The nearest names, for the first HINTS unmatched names of a file: a file of a hundred
        thousand wrong names gets its errors at once, not a hint each at the price of a scan."""
        if self.hints_left <= 0:
            return []
        self.hints_left -= 1
        return index.nearest(list(parents), written)

    def _where(self, community_id: int) -> str:
        community = self.by_id[community_id]
        return f"{self.by_id[community.parent_id or 0].name}{community.name}"

    def _not_found(
        self,
        row: LedgerRow,
        key: str,
        found: list[Any],
        index: NameIndex,
        parents: list[int | None],
        where: str,
    ) -> LedgerError:
        if found:
            names = "、".join(sorted({region.name for region in found}))
            return row.error(key, _("有多个同名区划（%(names)s），请写全称或填写小区编码") % {"names": names})
        nearest = [region.name for region in self._nearest(index, parents, row.values[key])]
        reasons = {
            "district": _("区县不存在或不在您的辖区内"),
            "street": _("%(where)s没有这个街道（乡镇），或不在您的辖区内"),
            "community": _("%(where)s没有这个社区，或不在您的辖区内"),
        }
        reason = reasons[key] % {"where": where} if where else reasons[key]
        return row.error(key, reason + _nearest_words(nearest))


class _Unparented:
    """A district seen without its city: ledgers name districts, never their cities."""

    parent_id: int | None

    def __init__(self, region: Region) -> None:
        self.pk, self.name, self.parent_id = region.pk, region.name, ANY_PARENT


def _nearest_words(names: list[str]) -> str:
    return _("；相近的名称：%(names)s") % {"names": "、".join(names)} if names else ""
