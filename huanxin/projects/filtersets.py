"""One filter definition for the project list: the page, its export and the API apply it alike,
live or as of a past day. Expects a queryset annotated by `querysets.with_flags` (the live late
filter reads its flags) and `as_of.with_state_then` (the state filter reads the state of the day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from huanxin.accounts.models import Organization
from huanxin.projects import rules
from huanxin.projects.as_of import late_then, with_state_then
from huanxin.regions.filters import RegionFilter


class ContractorField(forms.DecimalField):
    """An organization's id in the URL, its name in an export's title."""

    def in_words(self, value: Any) -> str:
        name = Organization.objects.filter(pk=int(value)).values_list("name", flat=True).first()
        return name or str(value)


class ContractorFilter(django_filters.NumberFilter):
    field_class = ContractorField


class ProjectFilterSet(django_filters.FilterSet):
    region = RegionFilter(field_name="estate__region__code")
    state = django_filters.ChoiceFilter(
        label=_("状态"), field_name="state_then", choices=list(rules.STATES.items())
    )
    year = django_filters.NumberFilter(
        label=_("计划年度"), field_name="plan_entry__plan__year", min_value=1990, max_value=2100
    )
    contractor = ContractorFilter(
        label=_("参建单位"), method="filter_contractor", min_value=1, max_value=2**63 - 1
    )
    late = django_filters.BooleanFilter(label=_("滞后或节点逾期"), method="filter_late")

    def __init__(self, *args: Any, as_of: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def filter_contractor(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        organization = int(value)
        return queryset.filter(
            Q(builder_id=organization) | Q(supervisor_id=organization) | Q(designer_id=organization)
        )

    def filter_late(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        if self.as_of is not None:
            return late_then(queryset, self.as_of, value)
        if value:
            return queryset.filter(Q(delayed=True) | Q(milestone_late=True))
        return queryset.filter(delayed=False, milestone_late=False)


def filter_projects(
    queryset: QuerySet, params: Any, as_of: dt.date | None = None
) -> tuple[QuerySet, ProjectFilterSet]:
    """Apply the list's filters, live or on `as_of`; invalid values are reported on the form and
    filter nothing."""
    filterset = ProjectFilterSet(params, queryset=with_state_then(queryset, as_of), as_of=as_of)
    return filterset.qs.order_by("estate__code", "pk"), filterset
