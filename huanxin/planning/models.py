from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet, scope_of
from huanxin.planning import rules
from huanxin.regions.rules import ancestors_of


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
    """An estate on its way into the project reserve (项目储备库): the street submits (申报) — its
    own, or one its community proposed, which it forwards (转报) — the district reviews, the city
    confirms. A returned candidate can be submitted again."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("社区已申报，待街道转报")
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
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("转报时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    estimated_cost_yuan = models.DecimalField(
        _("估算投资（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    cost_note = models.CharField(_("估算说明"), max_length=255, blank=True)

    objects = CandidateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("储备项目")
        verbose_name_plural = _("储备项目")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.estate} {self.get_status_display()}"


class PriorityWeightsQuerySet(ScopedQuerySet):
    scope_region = "region__code"


class PriorityWeights(VersionedModel):
    """The city's weights of the priority factors (planning.rules.FACTORS)."""

    region = models.OneToOneField(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="priority_weights"
    )
    age = models.PositiveSmallIntegerField(_("建成年限"), default=rules.DEFAULT_WEIGHTS["age"])
    hazard = models.PositiveSmallIntegerField(_("安全隐患程度"), default=rules.DEFAULT_WEIGHTS["hazard"])
    breadth = models.PositiveSmallIntegerField(_("基础类问题项数"), default=rules.DEFAULT_WEIGHTS["breadth"])
    agreement = models.PositiveSmallIntegerField(_("居民同意率"), default=rules.DEFAULT_WEIGHTS["agreement"])
    cofund = models.PositiveSmallIntegerField(_("居民出资意愿"), default=rules.DEFAULT_WEIGHTS["cofund"])
    households = models.PositiveSmallIntegerField(_("受益户数"), default=rules.DEFAULT_WEIGHTS["households"])
    cost_per_household = models.PositiveSmallIntegerField(
        _("户均投资"), default=rules.DEFAULT_WEIGHTS["cost_per_household"]
    )

    objects = PriorityWeightsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("优先级权重")
        verbose_name_plural = _("优先级权重")

    def __str__(self) -> str:
        return str(self.region)

    def as_dict(self) -> dict[str, float]:
        return {factor: float(getattr(self, factor)) for factor in rules.FACTORS}


class UpwardScopedQuerySet(ScopedQuerySet):
    """Programs and plans belong to a node (the city) and concern everyone below it: a district
    sees its city's plans, as well as anything made inside its own subtree. A contractor or an
    owners' committee sees the plans holding one of its estates, once they are public (on
    publicity or approved: a draft is not yet anyone's business outside the offices)."""

    # From a plan entry to the id of the row it belongs to (the plan, or the plan's program).
    entry_to_row: ClassVar[str] = ""

    def visible_to(self, user: Any) -> Any:
        scope = scope_of(user)
        if scope.estate_ids is not None and not scope.everything:
            held = (
                PlanEntry.objects.filter(estate_id__in=scope.estate_ids)
                .exclude(plan__status=AnnualPlan.Status.DRAFT)
                .values(self.entry_to_row)
            )
            return self.filter(pk__in=held)
        region = getattr(user, "region", None)
        if scope.everything or scope.region_prefix is None or region is None or self.scope_region is None:
            return super().visible_to(user)
        upward = ancestors_of(region.code)
        return self.filter(
            Q(**{f"{self.scope_region}__startswith": scope.region_prefix})
            | Q(**{f"{self.scope_region}__in": upward})
        )


class ProgramQuerySet(UpwardScopedQuerySet):
    scope_region = "region__code"
    entry_to_row = "plan__program_id"


class Program(VersionedModel):
    """A multi-year program (改造规划), e.g. 2019–2021, with its targets."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区划"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=128)
    start_year = models.PositiveSmallIntegerField(_("起始年"))
    end_year = models.PositiveSmallIntegerField(_("结束年"))
    target_estates = models.PositiveIntegerField(_("目标小区数"), default=0)
    target_households = models.PositiveIntegerField(_("目标户数"), default=0)
    target_area_m2 = models.DecimalField(_("目标建筑面积（㎡）"), max_digits=14, decimal_places=2, default=0)
    target_investment_yuan = models.DecimalField(
        _("目标投资（元）"), max_digits=16, decimal_places=2, default=0
    )

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("改造规划")
        verbose_name_plural = _("改造规划")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="program_years")
        ]

    def __str__(self) -> str:
        return self.name


class AnnualPlanQuerySet(UpwardScopedQuerySet):
    scope_region = "program__region__code"
    entry_to_row = "plan_id"


class AnnualPlan(VersionedModel):
    """A year's plan under a program: drafted, published for review (公示), approved by the city."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草案")
        PUBLICITY = "publicity", _("公示中")
        APPROVED = "approved", _("已批准")

    program = models.ForeignKey(
        Program, verbose_name=_("改造规划"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    budget_yuan = models.DecimalField(_("预算（元）"), max_digits=16, decimal_places=2)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    publicity_starts = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_ends = models.DateField(_("公示结束"), null=True, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    optimizer_summary = models.JSONField(_("优化结果"), default=dict, blank=True)

    objects = AnnualPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="one_plan_per_year")]

    def __str__(self) -> str:
        return str(_("%(year)d年度计划") % {"year": self.year})


class PlanEntryQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class PlanEntry(models.Model):
    """One estate in a plan, with the figures it was planned with."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="entries"
    )
    estate = models.ForeignKey(
        "estates.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="plan_entries"
    )
    estimated_cost_yuan = models.DecimalField(_("估算投资（元）"), max_digits=16, decimal_places=2)
    households = models.PositiveIntegerField(_("户数"))
    floor_area_m2 = models.DecimalField(_("建筑面积（㎡）"), max_digits=12, decimal_places=2)
    priority = models.DecimalField(_("优先级得分"), max_digits=6, decimal_places=2, default=0)
    reason = models.TextField(_("纳入理由"), blank=True)

    objects = PlanEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("计划项目")
        verbose_name_plural = _("计划项目")
        ordering = ["plan", "-priority", "estate__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "estate"], name="estate_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.plan} {self.estate}"


class OptimizerRun(models.Model):
    """One press of 运行优化: the solver works in the background worker (half a minute on a large
    pool) while the plan page shows where it is; the draft changes only when it is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未完成")

    class Stage(models.TextChoices):
        POOL = "pool", _("读取储备库并计算优先级")
        SOLVE = "solve", _("求解最优组合")
        EXPLAIN = "explain", _("逐个说明纳入理由")
        SAVE = "save", _("写入草案")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="optimizer_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    plan_version = models.PositiveIntegerField(_("发起时的计划版本"))
    options = models.JSONField(_("优化条件"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("当前步骤"), max_length=16, choices=Stage.choices, blank=True)
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始计算"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.TextField(_("结果"), blank=True)

    class Meta:
        # read only through its plan (get_visible_or_404 on the plan), never on its own
        verbose_name = _("优化运行")
        verbose_name_plural = _("优化运行")
        ordering = ["-pk"]
        constraints = [
            # one run at a time per plan: a second press while the first works is refused
            models.UniqueConstraint(
                fields=["plan"], condition=Q(status__in=["queued", "running"]), name="one_active_run_per_plan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def time_limit_s(self) -> float:
        return float(self.options.get("time_limit_s", 10))

    @property
    def longest_s(self) -> int:
        """What the page may promise as the longest wait: the solve, then up to three times as long
        explaining the reasons (optimizer.optimize's own deadlines), plus reading the pool."""
        return int(4 * self.time_limit_s + 5)

    @property
    def elapsed_s(self) -> int:
        since = self.started_at or self.requested_at
        end = self.finished_at or timezone.now()
        return max(0, int((end - since).total_seconds())) if since else 0

    def stage_number(self) -> int:
        return list(self.Stage.values).index(self.stage) + 1 if self.stage else 0
