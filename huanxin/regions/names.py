"""Region names as offices write them (SPEC 4.2). The table says 回龙居委会, 解放路街道 and 澧源镇;
a ledger says 回龙社区, 解放路街道办事处 and 澧源. A written name matches a node by its exact name
first, then by its stem with a suffix of the same kind (街道办事处 → 街道, 社区居委会 → 社区), then as
a bare stem. Kinds never stand in for each other: a 镇 is not a 街道, a 村 is not a 社区."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Protocol

from huanxin.core.text import folded_name

# Suffix → the kind of node it names. The longest suffix that fits wins (社区居民委员会 before 社区
# before 村), so "菜市新村社区居民委员会" is the community 菜市新村 and not a village.
SUFFIX_KINDS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        (
            ("社区居民委员会", "社区"),
            ("社区居委会", "社区"),
            ("居民委员会", "社区"),
            ("居委会", "社区"),
            ("社区", "社区"),
            ("村民委员会", "村"),
            ("村委会", "村"),
            ("村", "村"),
            ("街道办事处", "街道"),
            ("街道办", "街道"),
            ("办事处", "街道"),
            ("街道", "街道"),
            ("镇人民政府", "镇"),
            ("镇", "镇"),
            ("乡人民政府", "乡"),
            ("乡", "乡"),
            ("自治县", "县"),
            ("县", "县"),
            ("区", "区"),
            ("市", "市"),
            ("旗", "旗"),
        ),
        key=lambda pair: -len(pair[0]),
    )
)
NEAREST = 5


class Named(Protocol):
    pk: int
    name: str
    parent_id: int | None


def stem_and_kind(name: str) -> tuple[str, str]:
    """解放路街道办事处 → (解放路, 街道); 回龙居委会 → (回龙, 社区); 岩塔 → (岩塔, "")."""
    folded = folded_name(name)
    for suffix, kind in SUFFIX_KINDS:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            return folded[: -len(suffix)], kind
    return folded, ""


class NameIndex:
    """One level of the tree (districts, or streets, or communities), by name under each parent.
    Built once per file from the nodes in the importer's jurisdiction: no query per row."""

    def __init__(self, regions: Iterable[Named]) -> None:
        self.by_name: dict[tuple[int | None, str], list[Named]] = {}
        self.by_stem_kind: dict[tuple[int | None, str, str], list[Named]] = {}
        self.by_stem: dict[tuple[int | None, str], list[Named]] = {}
        self.under: dict[int | None, list[Named]] = {}
        for region in regions:
            stem, kind = stem_and_kind(region.name)
            self.by_name.setdefault((region.parent_id, folded_name(region.name)), []).append(region)
            self.by_stem_kind.setdefault((region.parent_id, stem, kind), []).append(region)
            self.by_stem.setdefault((region.parent_id, stem), []).append(region)
            self.under.setdefault(region.parent_id, []).append(region)

    def find(self, parents: Sequence[int | None], written: str) -> list[Named]:
        """The nodes under `parents` that `written` names: exact first, then the same kind, then
        the written name as a bare stem (菜市新村 → 菜市新村社区居民委员会). More than one: ambiguous."""
        folded = folded_name(written)
        stem, kind = stem_and_kind(written)
        keys = [lambda parent: self.by_name.get((parent, folded), [])]
        if kind:
            keys.append(lambda parent: self.by_stem_kind.get((parent, stem, kind), []))
        keys.append(lambda parent: self.by_stem.get((parent, folded), []))
        for key in keys:
            found = [region for parent in parents for region in key(parent)]
            if found:
                return found
        return []

    def nearest(self, parents: Sequence[int | None], written: str, count: int = NEAREST) -> list[Named]:
        """The names under `parents` closest to `written`, for a message that helps: a typo, a
        community filed under the wrong street."""
        candidates = [region for parent in parents for region in self.under.get(parent, [])]
        stem = stem_and_kind(written)[0]
        scored = [
            (difflib.SequenceMatcher(None, stem, stem_and_kind(region.name)[0]).ratio(), region)
            for region in candidates
        ]
        return [region for score, region in sorted(scored, key=lambda pair: -pair[0])[:count] if score > 0]
