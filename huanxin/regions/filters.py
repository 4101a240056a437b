"""The region filter of every list page (estates, surveys, the candidate pool, projects): chosen
by name from the user's own districts, streets and communities, yet still a code in the URL and in
the API, so bookmarks, exports and scripts keep working.

The choices stay bounded whatever the user's level: the two levels below the user's own node —
a province sees its cities and their districts, a city its districts and their streets, a district
its streets and their communities, a street its communities. A province officer never gets the
160,000 communities of a province in one dropdown; a deeper node is still reachable by its code in
the URL, and is then shown, by name, as the current choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import CharField, Func, QuerySet, Value
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huanxin.core.scoping import scope_of
from huanxin.regions import rules
from huanxin.regions.models import Region

REGION_CODE = RegexValidator(r"^(\d{6}|\d{9}|\d{12})$", gettext_lazy("区划代码应为6、9或12位数字"))
QS = TypeVar("QS", bound=QuerySet)
LEVELS = list(rules.PREFIX_LENGTH)  # province … community, top down


def in_region(queryset: QS, code: str, path: str) -> QS:
    """Rows whose region code (at `path`) lies in the subtree of `code`; an empty code filters
    nothing, a malformed one matches nothing."""
    if not code:
        return queryset
    try:
        prefix = rules.significant_prefix(code)
    except ValueError:
        return queryset.none()
    return under_prefix(queryset, path, prefix)


def under_prefix(queryset: QS, path: str, prefix: str) -> QS:
    """Rows whose region code (at `path`) starts with `prefix`; the nation's empty prefix filters
    nothing, so no join to the regions is made for it."""
    return queryset.filter(**{f"{path}__startswith": prefix}) if prefix else queryset


def code_prefix(path: str, length: int) -> Func | Value:
    """The first `length` digits of the region code at `path`, to group rows by the node above
    them; for length 0 (the nation's own total) a constant, which needs no join to the regions."""
    return Substr(path, 1, length) if length else Value("", output_field=CharField())


def region_name(code: str) -> str:
    """A region named as people say it ("永定区"), for an export's title; the code as given if it
    names no region."""
    found = Region.objects.filter(code=_full_or_blank(code)).only("name").first()
    return found.name if found is not None else code


class RegionCodeField(forms.CharField):
    """A code in the URL, a name in an export's title (core.spreadsheets.filters_in_words)."""

    def in_words(self, value: str) -> str:
        return region_name(value)


class RegionFilter(django_filters.CharFilter):
    """A list's region field: a 6-, 9- or 12-digit code matched as a subtree."""

    field_class = RegionCodeField

    def __init__(self, *, field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("区划"))
        super().__init__(field_name=field_name, validators=[REGION_CODE], **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return in_region(qs, value or "", self.field_name)


@dataclass(frozen=True)
class Option:
    value: str  # the short code, as URLs carry it
    label: str
    selected: bool


@dataclass(frozen=True)
class Group:
    label: str  # the district (or city) the options belong to; "" for a single flat list
    options: list[Option]


def _base_level(user: Any) -> rules.Level | None:
    """The level of the user's own node; for those who see everything, the shallowest level that
    has more than one node (one province and one city make the districts the useful first level)."""
    scope = scope_of(user)
    if scope.everything:
        for level in LEVELS[:-1]:
            if len(Region.objects.current().filter(level=level).values_list("pk", flat=True)[:2]) > 1:
                return LEVELS[LEVELS.index(level) - 1] if level != LEVELS[0] else None
        return None
    if scope.estate_ids is not None or scope.region_prefix is None:
        return None  # contractors and owners' committees see a few estates: no region to choose
    by_length = {length: level for level, length in rules.PREFIX_LENGTH.items()}
    return by_length.get(len(scope.region_prefix))


def _same(code: str, other: str) -> bool:
    try:
        return rules.full_code(code) == rules.full_code(other)
    except ValueError:
        return False


def region_groups(user: Any, current: str = "") -> list[Group]:
    """The choices of the region filter for this user, grouped by the first level below theirs."""
    base = _base_level(user)
    if base is None and not scope_of(user).everything:
        return []
    below = LEVELS[LEVELS.index(base) + 1 :][:2] if base is not None else LEVELS[:2]
    if not below:
        return []  # a community's own worker: nothing below to choose
    nodes = list(  # retired nodes (regions/national.py) are not offered; a bookmark still shows one
        Region.objects.current()
        .visible_to(user)
        .filter(level__in=below)
        .only("code", "name", "level", "parent_id")
    )
    first = [node for node in nodes if node.level == below[0]]
    children: dict[int | None, list[Region]] = {}
    for node in nodes:
        if len(below) > 1 and node.level == below[1]:
            children.setdefault(node.parent_id, []).append(node)
    groups: list[Group] = []
    if len(below) == 1:
        groups.append(Group("", [Option(n.short_code, n.name, _same(current, n.code)) for n in first]))
    else:
        for node in first:
            options = [
                Option(
                    node.short_code, _("%(name)s（全部）") % {"name": node.name}, _same(current, node.code)
                )
            ]
            options += [
                Option(c.short_code, c.name, _same(current, c.code)) for c in children.get(node.pk, [])
            ]
            groups.append(Group(node.name, options))
    offered = any(option.selected for group in groups for option in group.options)
    if current and not offered:
        # A code from a bookmark, deeper than the dropdown goes: shown by name if it is the user's.
        found = Region.objects.visible_to(user).filter(code=_full_or_blank(current)).first()
        label = found.name if found is not None else current
        groups.insert(0, Group("", [Option(current, label, True)]))
    return groups


def _full_or_blank(code: str) -> str:
    try:
        return rules.full_code(code)
    except ValueError:
        return ""
