"""What the project pages share: the tabs, the redirect back to a tab, a service call reported on it, form
numbers and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huanxin.accounts.models import Organization, StaffRequest
from huanxin.core.errors import Invalid
from huanxin.core.http import (
    parse_date,
    parse_decimal,
    run_and_report,
)
from huanxin.projects import rules

TABS = {
    "overview": gettext_lazy("概况"),
    "items": gettext_lazy("改造内容"),
    "progress": gettext_lazy("进度"),
    "residents": gettext_lazy("居民参与"),
    "photos": gettext_lazy("照片"),
    "feedback": gettext_lazy("投诉建议"),
    "acceptance": gettext_lazy("验收移交"),
    "history": gettext_lazy("历史"),
}
# the paper owners' vote, as the form is filled in from the minutes
PAPER_VOTE_FIELDS = {
    "heads_total": gettext_lazy("业主总人数"),
    "heads_voted": gettext_lazy("参与表决人数"),
    "heads_yes": gettext_lazy("同意人数"),
    "area_total": gettext_lazy("总面积（㎡）"),
    "area_voted": gettext_lazy("参与表决面积（㎡）"),
    "area_yes": gettext_lazy("同意面积（㎡）"),
    "archive_number": gettext_lazy("档案号"),
}


EDITABLE_DESIGN = (rules.APPROVED, rules.DESIGN)


# bookkeeping the history tab leaves out: the version, and the progress cache every report moves
CONTRACTOR_KINDS = ("design", "construction", "supervision")


HIDDEN_HISTORY = frozenset({"version", "progress_share", "forecast_end"})


REPORTING = (rules.CONSTRUCTION, rules.AWAITING_ACCEPTANCE)


def tab_redirect(pk: int, tab: str) -> HttpResponse:
    return redirect(f"{reverse('projects:detail', args=[pk])}?tab={tab}")


def contractors() -> Any:
    return Organization.objects.filter(
        kind__in=[Organization.Kind.DESIGN, Organization.Kind.CONSTRUCTION, Organization.Kind.SUPERVISION]
    ).order_by("kind", "name")


def may_report(user: Any, project: Any) -> bool:
    return user.can("projects", "change") or (
        user.can("projects", "own_progress")
        and getattr(user, "organization_id", None) in (project.builder_id, project.supervisor_id)
    )


def run_on_tab(
    request: StaffRequest, pk: int, tab: str, success: str, call: Callable[[], Any]
) -> HttpResponse:
    """Every form on the project page: call the service, say what happened, back to the tab."""
    run_and_report(request, call, success)
    return tab_redirect(pk, tab)


MAX_SHEET_BYTES = 5 * 1024 * 1024


def form_decimal(text: str, label: str) -> Decimal:
    return parse_decimal(text, label=label)


def form_date(text: str, label: str) -> dt.date:
    return parse_date(text, label=label)


def form_date_or_none(text: str, label: str) -> dt.date | None:
    return form_date(text, label) if text.strip() else None


def form_whole(text: str, label: str) -> int:
    value = form_decimal(text, label)
    if value != value.to_integral_value() or abs(value) > 10**9:
        raise Invalid(_("%(label)s应为整数：%(value)s") % {"label": label, "value": text[:20]})
    return int(value)
