"""One filter definition for the estate list: the page, the API and the export apply it alike."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huanxin.estates import city_rules
from huanxin.estates.models import ManagementMode
from huanxin.estates.rules import EXCLUSION_FLAGS
from huanxin.regions.filters import RegionFilter

SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "year": "year_built",
    "-year": "-year_built",
    "households": "households",
    "-households": "-households",
    "area": "floor_area_m2",
    "-area": "-floor_area_m2",
}


class EstateFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或别名"), method="filter_search")
    region = RegionFilter(field_name="region__code")
    year_min = django_filters.NumberFilter(label=_("建成年份起"), field_name="year_built", lookup_expr="gte")
    year_max = django_filters.NumberFilter(label=_("建成年份止"), field_name="year_built", lookup_expr="lte")
    households_min = django_filters.NumberFilter(
        label=_("户数不少于"), field_name="households", lookup_expr="gte"
    )
    households_max = django_filters.NumberFilter(
        label=_("户数不多于"), field_name="households", lookup_expr="lte"
    )
    management_mode = django_filters.ChoiceFilter(label=_("管理模式"), choices=ManagementMode.choices)
    old = django_filters.BooleanFilter(label=_("老旧小区"), method="filter_old")
    flag = django_filters.ChoiceFilter(
        label=_("排除情形"),
        choices=[("any", _("有任一排除情形")), *EXCLUSION_FLAGS.items()],
        method="filter_flag",
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=[(key, key) for key in SORTS], method="filter_sort"
    )

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__icontains=value) | Q(code__startswith=value)
        )

    def filter_old(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        # The city's own cutoff (its nearest region node's rules), not the server's setting.
        return city_rules.filter_old(queryset, old=value)

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "any":
            condition = Q()
            for flag in EXCLUSION_FLAGS:
                condition |= Q(**{flag: True})
            return queryset.filter(condition)
        return queryset.filter(**{value: True})

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(SORTS[value], "code")


def filter_estates(queryset: QuerySet, params: Any) -> tuple[QuerySet, EstateFilterSet]:
    """Apply the list's filters; invalid values are reported on the form and filter nothing."""
    filterset = EstateFilterSet(params, queryset=queryset)
    return filterset.qs, filterset
