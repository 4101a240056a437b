from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet
from huanxin.projects import rules


class ProjectQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class Project(VersionedModel):
    """A renovation project, opened when the plan holding it is approved (SPEC 5.3)."""

    plan_entry = models.OneToOneField(
        "planning.PlanEntry", verbose_name=_("计划项目"), on_delete=models.PROTECT, related_name="project"
    )
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(_("项目名称"), max_length=128)
    state = models.CharField(
        _("状态"), max_length=24, choices=list(rules.STATES.items()), default=rules.APPROVED
    )
    resume_to = models.CharField(_("暂停前状态"), max_length=24, blank=True)
    cancel_reason = models.TextField(_("终止原因"), blank=True)
    estimated_cost_yuan = models.DecimalField(_("批准估算（元）"), max_digits=16, decimal_places=2)
    designer = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("设计单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    builder = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("施工单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("监理单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划竣工"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("改造项目")
        verbose_name_plural = _("改造项目")
        ordering = ["estate__code"]

    def __str__(self) -> str:
        return self.name


class TransitionQuerySet(ScopedQuerySet):
    scope_region = "project__estate__region__code"
    scope_estate = "project__estate_id"


class ProjectTransition(models.Model):
    """Each change of state, with who and when: the state on any past date is read from these."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["project", "on", "id"]
        indexes = [models.Index(fields=["to_state", "on"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_state}→{self.to_state}"


class ProjectItemQuerySet(ScopedQuerySet):
    scope_region = "project__estate__region__code"
    scope_estate = "project__estate_id"


class ProjectItem(models.Model):
    """A menu item in the design: quantity, unit cost and budget; their sum is the design budget."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        "catalog.MenuItem", verbose_name=_("改造内容"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("工程量"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=8)
    unit_cost_yuan = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    budget_yuan = models.DecimalField(_("预算（元）"), max_digits=16, decimal_places=2)

    objects = ProjectItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目改造内容")
        verbose_name_plural = _("项目改造内容")
        ordering = ["project", "item__code"]
        constraints = [models.UniqueConstraint(fields=["project", "item"], name="menu_item_once_per_project")]

    def __str__(self) -> str:
        return f"{self.project} {self.item.name}"


class ProgressReport(models.Model):
    """A dated report of quantity done on an item, so any past date can be reported."""

    item = models.ForeignKey(ProjectItem, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("日期"))
    quantity_done = models.DecimalField(_("累计完成量"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")
        ordering = ["item", "on", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.on} {self.quantity_done}"
