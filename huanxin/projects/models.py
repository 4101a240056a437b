from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core import clock
from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet
from huanxin.estates.models import ManagementMode
from huanxin.projects import rules


class ProjectQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class ByProjectQuerySet(ScopedQuerySet):
    """Rows that belong to a project (and rows of funding, to the right): scoped through it."""

    scope_region = "project__estate__region__code"
    scope_estate = "project__estate_id"


class TransitionQuerySet(ByProjectQuerySet):
    def held_at_end_of(self, day: dt.date) -> TransitionQuerySet:
        """Each project's transition in force at the end of `day` (one per project opened by then)."""
        return self.filter(on__lte=day).filter(Q(until__gt=day) | Q(until__isnull=True))


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
    # 联片改造: adjacent estates renovated as one project. A project joined into another keeps its
    # plan entry (so planned figures stay per estate) and follows the lead project's states.
    joined_into = models.ForeignKey(
        "self",
        verbose_name=_("并入联片项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joined",
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


class ProjectTransition(models.Model):
    """Each change of state, with who and when: the state on any past date is read from these."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    on = models.DateField(_("日期"))
    # The day of the project's next transition: `to_state` held from `on` up to (not including)
    # `until`, and still holds while empty. "The state at the end of day d" is then a range test,
    # on <= d < until, read for every project of a province in one grouped scan.
    until = models.DateField(_("截止日期"), null=True, blank=True, editable=False)
    at = models.DateTimeField(default=clock.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["project", "on", "id"]
        indexes = [models.Index(fields=["to_state", "on"]), models.Index(fields=["on", "until"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_state}→{self.to_state}"


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

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目改造内容")
        verbose_name_plural = _("项目改造内容")
        ordering = ["project", "item__code"]
        constraints = [models.UniqueConstraint(fields=["project", "item"], name="menu_item_once_per_project")]

    def __str__(self) -> str:
        return f"{self.project} {self.item.name}"


class DesignRevision(models.Model):
    """Each version of the design as it was saved: its items and budget, so that a project read as
    of a past date shows the design then in force. The current version's items are ProjectItem."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="design_revisions")
    number = models.PositiveIntegerField(_("版本"))
    on = models.DateField(_("日期"))
    at = models.DateTimeField(default=clock.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget_yuan = models.DecimalField(_("设计预算（元）"), max_digits=16, decimal_places=2)
    # [{"code", "name", "quantity", "unit", "unit_cost_yuan", "budget_yuan"}], amounts as text
    items = models.JSONField(_("改造内容"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("设计版本")
        verbose_name_plural = _("设计版本")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="design_revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"


class ProgressReportQuerySet(ScopedQuerySet):
    scope_region = "item__project__estate__region__code"
    scope_estate = "item__project__estate_id"

    def counted(self) -> ProgressReportQuerySet:
        """The reports progress is computed from: every ordinary report, and a correction once
        the supervisor has confirmed it. Like any report, a confirmed correction speaks for the
        day it was measured (`on`), so progress on a past day reads the corrected figure."""
        return self.filter(Q(correction_reason="") | Q(confirmed_on__isnull=False))


class ProgressReport(models.Model):
    """A dated report of quantity done on an item, so any past date can be reported. Quantities
    are cumulative and never go back silently: a report below what was reported before (or above
    what was reported after its date) is a correction, with its reason, that counts only once the
    project's supervisor confirms it."""

    item = models.ForeignKey(ProjectItem, on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("日期"))
    quantity_done = models.DecimalField(_("累计完成量"), max_digits=12, decimal_places=2)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=clock.now, editable=False)
    correction_reason = models.CharField(_("更正原因"), max_length=255, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)

    objects = ProgressReportQuerySet.as_manager()

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
    satisfaction_guard = models.BooleanField(_("验收须居民满意度达标"), default=False)
    satisfaction_threshold_percent = models.PositiveSmallIntegerField(_("满意度达标线（%）"), default=80)
    photo_max_distance_m = models.PositiveIntegerField(_("照片拍摄地点距小区超过多少米时提示"), default=1000)
    feedback_working_days = models.PositiveSmallIntegerField(_("投诉建议答复时限（工作日）"), default=3)
    basic_coverage_guard = models.BooleanField(
        _("设计公示须覆盖现状评估中的基础类重大问题"),
        default=True,
        help_text=_("应改尽改：评估为严重或存在安全隐患的基础类问题，须纳入设计或书面说明理由"),
    )

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
            satisfaction_guard=self.satisfaction_guard,
            satisfaction_threshold=Decimal(self.satisfaction_threshold_percent) / 100,
            photo_max_distance_m=self.photo_max_distance_m,
            feedback_working_days=self.feedback_working_days,
            basic_coverage_guard=self.basic_coverage_guard,
        )


class BasicGapReason(models.Model):
    """Why a basic problem of the estate's condition assessment (major or worse) is not in the
    design, e.g. 燃气公司另行立项: one per project and menu item; cleared by deleting the row,
    which history keeps."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="basic_gap_reasons")
    item = models.ForeignKey(
        "catalog.MenuItem", verbose_name=_("改造内容"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("未纳入设计的理由"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("说明人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("说明时间"))

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("基础类问题未纳入设计的理由")
        verbose_name_plural = _("基础类问题未纳入设计的理由")
        ordering = ["project", "item__code"]
        constraints = [models.UniqueConstraint(fields=["project", "item"], name="one_basic_reason_per_item")]

    def __str__(self) -> str:
        return f"{self.project} {self.item.name}"


class Milestone(models.Model):
    """A dated step of the schedule (管网完工, 主体完工…), done or late."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=64)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        ordering = ["project", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.project} {self.name}"


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
    signed_at = models.DateTimeField(_("签字时间"), default=clock.now, editable=False)

    objects = ByProjectQuerySet.as_manager()

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

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("移交")
        verbose_name_plural = _("移交")

    def __str__(self) -> str:
        return f"{self.project} {self.get_management_mode_display()}"


class DesignVote(models.Model):
    """A household's vote on the design during its publicity (one per household, changeable
    until the period ends), by the household's identity on the phone pages."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="design_votes")
    household = models.ForeignKey("estates.Household", on_delete=models.CASCADE, related_name="+")
    agrees = models.BooleanField(_("同意设计方案"))
    voted_at = models.DateTimeField(_("投票时间"))

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("设计方案表决")
        verbose_name_plural = _("设计方案表决")
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="one_design_vote_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.household_id}"


class PaperVote(models.Model):
    """The result of a design vote held on paper at an owners' meeting (书面表决), entered by the
    district with its archive number: counted like the online votes (Civil Code art. 278)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="paper_vote")
    heads_total = models.PositiveIntegerField(_("业主总人数"))
    heads_voted = models.PositiveIntegerField(_("参与表决人数"))
    heads_yes = models.PositiveIntegerField(_("同意人数"))
    area_total = models.DecimalField(_("专有部分总面积（㎡）"), max_digits=12, decimal_places=2)
    area_voted = models.DecimalField(_("参与表决面积（㎡）"), max_digits=12, decimal_places=2)
    area_yes = models.DecimalField(_("同意面积（㎡）"), max_digits=12, decimal_places=2)
    archive_number = models.CharField(_("档案号"), max_length=64)
    held_on = models.DateField(_("表决日期"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("纸质表决结果")
        verbose_name_plural = _("纸质表决结果")
        constraints = [
            models.CheckConstraint(
                condition=Q(heads_yes__lte=models.F("heads_voted"))
                & Q(heads_voted__lte=models.F("heads_total"))
                & Q(area_yes__lte=models.F("area_voted"))
                & Q(area_voted__lte=models.F("area_total")),
                name="paper_vote_counts_nest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.archive_number}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class SatisfactionRating(models.Model):
    """A household's rating of the finished work (共评), changeable until the project is accepted."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ratings")
    household = models.ForeignKey("estates.Household", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("评价"), max_length=16, choices=Satisfaction.choices)
    comment = models.CharField(_("意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"))

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("满意度评价")
        verbose_name_plural = _("满意度评价")
        constraints = [
            models.UniqueConstraint(fields=["project", "household"], name="one_rating_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.level}"


class FeedbackCategory(models.TextChoices):
    QUALITY = "quality", _("施工质量")
    SAFETY = "safety", _("施工安全")
    NUISANCE = "nuisance", _("噪音、扬尘、占道")
    PROGRESS = "progress", _("工期进度")
    DESIGN = "design", _("改造内容和设计")
    OTHER = "other", _("其他")


class Feedback(models.Model):
    """A resident's complaint or suggestion (投诉建议) during the works: routed to the
    organization responsible, answered by a deadline counted in working days."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback")
    household = models.ForeignKey(
        "estates.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(  # a community worker taking a resident's phone call
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=16, choices=FeedbackCategory.choices)
    text = models.TextField(_("内容"))
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("答复期限"))
    routed_to = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ByProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投诉建议")
        verbose_name_plural = _("投诉建议")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["project", "answered_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_category_display()}"


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("改造前")
    DURING = "during", _("施工中")
    AFTER = "after", _("改造后")


class PhotoReview(models.TextChoices):
    """Whether the public may see a photo: at once without flags; a flagged one only once a
    district officer has accepted it with a note (a removed one is deleted, see photo_remove)."""

    CLEAR = "clear", _("无疑点")
    WAITING = "waiting", _("待审核")
    ACCEPTED = "accepted", _("已审核")


class ProjectPhoto(models.Model):
    """A photo of the works, kept three times under generated names: the original (staff only,
    with its metadata), a public copy and a thumbnail with every metadata stripped. Taken-at time
    and place come from EXIF and are checked against the project's place and dates; a flagged
    photo waits for a district officer's review before the public sees it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey(
        ProjectItem,
        verbose_name=_("改造内容"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    stage = models.CharField(_("阶段"), max_length=8, choices=PhotoStage.choices)
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    original = models.FileField(_("原图"), upload_to="photos/original/")
    public_copy = models.FileField(_("公开图"), upload_to="photos/public/")
    thumbnail = models.FileField(_("缩略图"), upload_to="photos/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    flags = models.JSONField(_("疑点"), default=list, blank=True)
    caption = models.CharField(_("说明"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=clock.now, editable=False)
    review = models.CharField(
        _("审核"), max_length=8, choices=PhotoReview.choices, default=PhotoReview.CLEAR, db_index=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["project", "stage", "taken_at", "id"]
        constraints = [
            # an accepted flag always says who accepted it, when and why
            models.CheckConstraint(
                condition=~Q(review="accepted")
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False) & ~Q(review_note="")),
                name="photo_accepted_with_a_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.get_stage_display()}"
