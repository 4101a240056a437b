"""Where the money comes from and where it goes (SPEC 4.8): sources as data, each project's
funding plan by source, and a ledger of receipts (到位) and payments (支出) that only grows —
a correction is a reversing entry, never an edit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core import clock
from huanxin.core.models import VersionedModel
from huanxin.funding import rules
from huanxin.projects.models import ByProjectQuerySet
from huanxin.regions.rules import ancestors_and_self


class SourceKind(models.TextChoices):
    GOVERNMENT = "government", _("政府")
    RESIDENT = "resident", _("居民")
    ENTERPRISE = "enterprise", _("企业和社会")
    FINANCE = "finance", _("金融")


class FundingSourceQuerySet(models.QuerySet["FundingSource"]):
    def active(self) -> FundingSourceQuerySet:
        return self.filter(retired=False)

    def sources_for(self, region_code: str) -> FundingSourceQuerySet:
        """The national list and the sources the node or its ancestors added."""
        ancestors = ancestors_and_self(region_code)
        return self.filter(Q(owner__isnull=True) | Q(owner__code__in=ancestors))


class FundingSource(models.Model):
    """A source of money: the national list (no owner) and what a city adds for itself."""

    owner = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_sources",
    )
    code = models.CharField(_("编号"), max_length=16)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类别"), max_length=16, choices=SourceKind.choices)
    retired = models.BooleanField(_("已停用"), default=False)

    objects = FundingSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="funding_source_code_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class FundingPlan(VersionedModel):
    """A project's funding plan: how much from each source; its total must equal the design
    budget before construction starts."""

    project = models.OneToOneField(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funding_plan"
    )

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金计划")
        verbose_name_plural = _("资金计划")

    def __str__(self) -> str:
        return f"{self.project}"


class FundingLine(models.Model):
    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE, related_name="lines")
    source = models.ForeignKey(
        FundingSource, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="+"
    )
    amount_yuan = models.DecimalField(_("计划金额（元）"), max_digits=16, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金计划明细")
        verbose_name_plural = _("资金计划明细")
        ordering = ["source__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "source"], name="one_line_per_source"),
            models.CheckConstraint(condition=Q(amount_yuan__gt=0), name="planned_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.amount_yuan}"


class LedgerEntry(models.Model):
    """One receipt or payment, dated, with its document. Entries are never changed or deleted: a
    mistake is undone by a reversing entry of the opposite sign that points at it."""

    class Kind(models.TextChoices):
        RECEIPT = rules.RECEIPT, _("到位")
        PAYMENT = rules.PAYMENT, _("支出")

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="ledger")
    source = models.ForeignKey(
        FundingSource, verbose_name=_("来源"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    amount_yuan = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    on = models.DateField(_("日期"))
    document_number = models.CharField(_("凭证号"), max_length=64)
    attachment = models.FileField(_("附件"), upload_to="funding/", blank=True)
    household = models.ForeignKey(  # a resident's own contribution
        "estates.Household",
        verbose_name=_("出资住户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    advance = models.BooleanField(_("区县垫付"), default=False)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    note = models.CharField(_("说明"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("资金收支")
        verbose_name_plural = _("资金收支")
        ordering = ["project", "on", "id"]
        indexes = [models.Index(fields=["project", "kind"]), models.Index(fields=["on"])]
        constraints = [
            # a reversal carries the opposite sign; everything else is positive
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount_yuan__gt=0)
                | Q(reverses__isnull=False, amount_yuan__lt=0),
                name="ledger_sign_by_reversal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_kind_display()} {self.amount_yuan}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Written once: a correction is a reversing entry (funding.services.ledger_reverse)."""
        if self.pk is not None:
            raise ValueError("a ledger entry is never changed; reverse it instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("a ledger entry is never deleted; reverse it instead")
