from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core import clock
from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet


class CofundMode(models.TextChoices):
    DIRECT = "direct", _("居民直接出资")
    MAINTENANCE_FUND = "maintenance_fund", _("住宅专项维修资金")
    PROVIDENT_FUND = "provident_fund", _("提取住房公积金")


class CofundBracket(models.TextChoices):
    UNDER_500 = "under_500", _("500元以下")
    FROM_500 = "500_1000", _("500–1000元")
    FROM_1000 = "1000_3000", _("1000–3000元")
    OVER_3000 = "over_3000", _("3000元以上")


class SurveyRoundQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"

    def open_now(self) -> SurveyRoundQuerySet:
        """Rounds taking answers today (the same test as `SurveyRound.status`, in SQL)."""
        today = clock.today()
        return self.filter(opens_on__lte=today, closes_on__gte=today, closed_on__isnull=True)


class SurveyRound(VersionedModel):
    """A needs and willingness survey of one estate (问需于民), open between two dates."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("未开始")
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="survey_rounds"
    )
    title = models.CharField(_("名称"), max_length=128)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    closed_on = models.DateField(_("提前结束于"), null=True, blank=True)
    items = models.ManyToManyField("catalog.MenuItem", verbose_name=_("可选改造内容"), related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    objects = SurveyRoundQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        verbose_name = _("调查轮次")
        verbose_name_plural = _("调查轮次")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        return self.status_on(clock.today())

    def status_on(self, day: dt.date) -> str:
        """Where the round stood on `day`: closed once past its closing date or closed early."""
        if (self.closed_on is not None and self.closed_on <= day) or day > self.closes_on:
            return self.Status.CLOSED
        if day < self.opens_on:
            return self.Status.SCHEDULED
        return self.Status.OPEN

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def get_status_display(self) -> str:
        return str(dict(self.Status.choices)[self.status])


class AnswerQuerySet(ScopedQuerySet):
    scope_region = "round__estate__region__code"
    scope_estate = "round__estate_id"

    def current(self) -> AnswerQuerySet:
        return self.filter(is_current=True)


class Answer(models.Model):
    """One version of a household's answer. Versions are never edited: a change adds a version
    and the previous stops being current."""

    class Channel(models.TextChoices):
        RESIDENT = "resident", _("居民自填")
        PAPER = "paper", _("社区代录")

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("调查轮次"), on_delete=models.CASCADE, related_name="answers"
    )
    household = models.ForeignKey(
        "estates.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="survey_answers"
    )
    sequence = models.PositiveSmallIntegerField(_("版本"))
    is_current = models.BooleanField(_("当前有效"), default=True)
    agrees = models.BooleanField(_("同意改造"))
    first_need = models.ForeignKey(
        "catalog.MenuItem",
        verbose_name=_("最需要的改造"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_needs = models.ManyToManyField(
        "catalog.MenuItem", verbose_name=_("其他需要"), blank=True, related_name="+"
    )
    cofund_willing = models.BooleanField(_("愿意出资"), null=True, blank=True)
    cofund_modes = models.JSONField(_("出资方式"), default=list, blank=True)
    cofund_bracket = models.CharField(
        _("每户大约出资"), max_length=16, choices=CofundBracket.choices, blank=True
    )
    comments = models.TextField(_("意见建议"), blank=True)
    channel = models.CharField(
        _("填写方式"), max_length=16, choices=Channel.choices, default=Channel.RESIDENT
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), default=clock.now, editable=False)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查答卷")
        verbose_name_plural = _("调查答卷")
        ordering = ["round", "household", "-sequence"]
        constraints = [
            # Exactly one current answer per household and round, even under concurrent submissions.
            models.UniqueConstraint(
                fields=["round", "household"], condition=Q(is_current=True), name="one_current_answer"
            ),
            models.UniqueConstraint(fields=["round", "household", "sequence"], name="answer_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.household_id} v{self.sequence}"
