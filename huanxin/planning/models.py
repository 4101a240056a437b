from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet
from huanxin.planning import rules


class EligibilitySettingsQuerySet(ScopedQuerySet):
    scope_region = "region__code"


class EligibilitySettings(VersionedModel):
    """The eligibility rules of a region node (usually the city), applying to everything below it
    unless a lower node has its own. Thresholds are kept as exact fractions."""

    class Mode(models.TextChoices):
        HOUSEHOLDS = "households", _("按户数：同意户数占全部户数的比例")
        OWNERS_VOTE = "owners_vote", _("业主表决（民法典第二百七十八条）")

    region = models.OneToOneField(
        "regions.Region",
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        related_name="eligibility_settings",
    )
    cutoff_year = models.PositiveSmallIntegerField(_("建成年份不晚于"), default=2000)
    require_basic_deficiency = models.BooleanField(_("须有基础类问题"), default=True)
    agreement_mode = models.CharField(
        _("意愿认定方式"), max_length=16, choices=Mode.choices, default=Mode.HOUSEHOLDS
    )
    agreement_numerator = models.PositiveSmallIntegerField(_("同意比例（分子）"), default=2)
    agreement_denominator = models.PositiveSmallIntegerField(_("同意比例（分母）"), default=3)
    quorum_numerator = models.PositiveSmallIntegerField(_("参与比例（分子）"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("参与比例（分母）"), default=3)
    majority_numerator = models.PositiveSmallIntegerField(_("表决同意比例（分子）"), default=3)
    majority_denominator = models.PositiveSmallIntegerField(_("表决同意比例（分母）"), default=4)
    exclusions = models.JSONField(_("排除情形"), default=list)

    objects = EligibilitySettingsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资格规则")
        verbose_name_plural = _("资格规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_numerator__lte=models.F("agreement_denominator"))
                & Q(quorum_numerator__lte=models.F("quorum_denominator"))
                & Q(majority_numerator__lte=models.F("majority_denominator"))
                & Q(agreement_denominator__gt=0)
                & Q(quorum_denominator__gt=0)
                & Q(majority_denominator__gt=0),
                name="eligibility_shares_are_fractions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}"

    def as_config(self) -> rules.EligibilityConfig:
        return rules.EligibilityConfig(
            cutoff_year=self.cutoff_year,
            require_basic_deficiency=self.require_basic_deficiency,
            agreement_mode=self.agreement_mode,  # type: ignore[arg-type]
            agreement_share=Fraction(self.agreement_numerator, self.agreement_denominator),
            quorum=Fraction(self.quorum_numerator, self.quorum_denominator),
            majority=Fraction(self.majority_numerator, self.majority_denominator),
            exclusions=tuple(flag for flag in self.exclusions if flag in rules.EXCLUSIONS),
        )


class CandidateQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class Candidate(VersionedModel):
    """An estate on its way into the project reserve (项目储备库): the street submits (申报), the
    district reviews, the city confirms. A returned candidate can be submitted again."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        REVIEWED = "reviewed", _("区县已审核")
        RETURNED = "returned", _("已退回")
        CONFIRMED = "confirmed", _("已入库")

    estate = models.OneToOneField(
        "estates.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="candidacy"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    note = models.TextField(_("申报说明"), blank=True)
    reason = models.TextField(_("退回原因"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("申报时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("入库时间"), null=True, blank=True)

    objects = CandidateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("储备项目")
        verbose_name_plural = _("储备项目")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.estate} {self.get_status_display()}"
