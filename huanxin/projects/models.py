from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet
from huanxin.estates.models import ManagementMode
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
    reapproved_budget_yuan = models.DecimalField(
        _("市级重新批准的设计预算（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    contact_phone = models.CharField(_("项目联系电话"), max_length=32, blank=True)
    # Kept up to date by every progress report, so that lists filter and sort in SQL; the
    # progress on a past date is computed from the reports themselves.
    progress_share = models.DecimalField(_("进度"), max_digits=5, decimal_places=4, default=0)
    forecast_end = models.DateField(_("预计完工"), null=True, blank=True)

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


class ProjectSettings(models.Model):
    """A region's project rules (usually the city's), applying to everything below it unless a
    lower node has its own (SPEC 5.3)."""

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="project_settings"
    )
    reapproval_margin_percent = models.PositiveSmallIntegerField(
        _("设计预算超出批准估算多少（%）须重新批准"), default=10
    )
    publicity_days = models.PositiveSmallIntegerField(_("设计公示天数"), default=7)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目规则")
        verbose_name_plural = _("项目规则")

    def __str__(self) -> str:
        return f"{self.region}"

    def as_config(self) -> rules.ProjectConfig:
        return rules.ProjectConfig(
            reapproval_margin=Decimal(self.reapproval_margin_percent) / 100,
            publicity_days=self.publicity_days,
        )


class MilestoneQuerySet(ScopedQuerySet):
    scope_region = "project__estate__region__code"
    scope_estate = "project__estate_id"


class Milestone(models.Model):
    """A dated step of the schedule (管网完工, 主体完工…), done or late."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=64)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.name}"


class SignatureQuerySet(ScopedQuerySet):
    scope_region = "project__estate__region__code"
    scope_estate = "project__estate_id"


class AcceptanceSignature(models.Model):
    """One signature on the acceptance record (竣工验收): a party signing by its own login, or an
    elected resident representative by the household's identity. A record signed on paper before
    the system was used is entered whole by the district, with its archive number, and shows so."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(_("签字方"), max_length=16, choices=list(rules.PARTIES.items()))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签字人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "estates.Household",
        verbose_name=_("居民代表户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("纸质记录上的签字人"), max_length=64, blank=True)
    archive_number = models.CharField(_("纸质验收记录档案号"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.CharField(_("验收意见"), max_length=255, default="同意验收")
    signed_on = models.DateField(_("签字日期"))
    signed_at = models.DateTimeField(_("签字时间"), auto_now_add=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("验收签字")
        verbose_name_plural = _("验收签字")
        ordering = ["project", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "party"],
                condition=Q(household__isnull=True),
                name="one_signature_per_party",
            ),
            models.UniqueConstraint(
                fields=["project", "household"],
                condition=Q(household__isnull=False),
                name="one_signature_per_representative",
            ),
            models.CheckConstraint(
                condition=Q(signer__isnull=False)
                | Q(household__isnull=False)
                | (~Q(archive_number="") & ~Q(signer_name="")),
                name="signature_has_a_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.get_party_display()}"


class HandoverQuerySet(ScopedQuerySet):
    scope_region = "project__estate__region__code"
    scope_estate = "project__estate_id"


class Handover(models.Model):
    """The handover to long-term management (移交): who manages the estate from now on, and how."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="handover")
    management_mode = models.CharField(_("长效管理模式"), max_length=32, choices=ManagementMode.choices)
    manager = models.CharField(_("管理单位或负责人"), max_length=128, blank=True)
    on = models.DateField(_("移交日期"))
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = HandoverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("移交")
        verbose_name_plural = _("移交")

    def __str__(self) -> str:
        return f"{self.project} {self.get_management_mode_display()}"
