from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core import clock
from huanxin.core.fields import ClockUpdatedField
from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet
from huanxin.core.text import validate_name
from huanxin.estates.rules import EXCLUSION_FLAGS


class ManagementMode(models.TextChoices):
    PROFESSIONAL = "professional", _("专业物业")
    COMMUNITY_CUSTODY = "community_custody", _("社区托管")
    PROPERTY_UNIT = "property_unit", _("产权单位管理")
    SELF_MANAGED = "self_managed", _("业主自治")
    ENTRUSTED = "entrusted", _("委托管理")
    NONE = "none", _("无管理")


class Severity(models.TextChoices):
    NONE = "none", _("无")
    MINOR = "minor", _("轻微")
    MAJOR = "major", _("严重")
    HAZARDOUS = "hazardous", _("存在安全隐患")


class EstateQuerySet(ScopedQuerySet):
    scope_region = "region__code"
    scope_estate = "id"

    def built_by(self, year: int) -> EstateQuerySet:
        """Old estates: built in or before the cutoff year."""
        return self.filter(year_built__lte=year)

    def registered_by(self, day: dt.date) -> EstateQuerySet:
        """The estates in the registry at the end of `day`."""
        return self.filter(registered_on__lte=day)

    def with_regions(self) -> EstateQuerySet:
        return self.select_related("region", "region__parent", "region__parent__parent")


class Estate(VersionedModel):
    code = models.CharField(_("小区编码"), max_length=16, unique=True, help_text=_("社区代码-序号"))
    name = models.CharField(_("小区名称"), max_length=128, validators=[validate_name])
    aliases = models.CharField(_("别名"), max_length=255, blank=True, help_text=_("多个别名用、分隔"))
    address = models.CharField(_("地址"), max_length=255, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="estates"
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(
        _("建成年份"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    building_count = models.PositiveSmallIntegerField(_("楼栋数"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"))
    floor_area_m2 = models.DecimalField(_("建筑面积（㎡）"), max_digits=12, decimal_places=2)
    property_right_unit = models.CharField(_("产权单位"), max_length=128, blank=True)
    management_mode = models.CharField(
        _("管理模式"), max_length=32, choices=ManagementMode.choices, default=ManagementMode.NONE
    )
    has_gas = models.BooleanField(_("已通管道燃气"), null=True, blank=True)
    has_heating = models.BooleanField(_("有集中供暖"), null=True, blank=True)
    has_elevator = models.BooleanField(_("有电梯"), null=True, blank=True)
    # One field per entry of EXCLUSION_FLAGS (estates/rules.py), labelled from it.
    in_shantytown_plan = models.BooleanField(EXCLUSION_FLAGS["in_shantytown_plan"], default=False)
    planned_demolition = models.BooleanField(EXCLUSION_FLAGS["planned_demolition"], default=False)
    self_built_area = models.BooleanField(EXCLUSION_FLAGS["self_built_area"], default=False)
    urban_village = models.BooleanField(EXCLUSION_FLAGS["urban_village"], default=False)
    notes = models.TextField(_("备注"), blank=True)
    # The day the estate entered the registry: figures as of an earlier day leave it out.
    registered_on = models.DateField(_("登记日期"), default=clock.today, editable=False)

    objects = EstateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["code"]
        indexes = [models.Index(fields=["year_built"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(condition=Q(floor_area_m2__gte=0), name="estate_area_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.replace(",", "、").split("、") if alias.strip()]

    @property
    def exclusion_labels(self) -> list[str]:
        return [str(label) for flag, label in EXCLUSION_FLAGS.items() if getattr(self, flag)]

    @property
    def street(self):  # type: ignore[no-untyped-def]
        return self.region.parent

    @property
    def district(self):  # type: ignore[no-untyped-def]
        return self.region.parent.parent if self.region.parent else None


class BuildingQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class Building(models.Model):
    estate = models.ForeignKey(
        Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=32, help_text=_("如：1栋"))
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    units = models.PositiveSmallIntegerField(_("单元数"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    structure = models.CharField(_("结构"), max_length=32, blank=True)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)

    objects = BuildingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["estate", "id"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="building_name_unique_in_estate")
        ]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.name}"


def address_order(through: str = "") -> tuple[Any, ...]:
    """Doors as a building numbers them: unit 2 before unit 10, room 101 before 1001 (the shorter
    number first, then as written), which plain text order gets wrong. `through`: the path to
    the household from the rows ordered ("household")."""
    path = f"{through}__" if through else ""
    return (f"{path}building_id", Length(f"{path}unit"), f"{path}unit", Length(f"{path}room"), f"{path}room")


ADDRESS_ORDER = address_order()


class HouseholdQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class Household(models.Model):
    """A household row of the roster: personal data (owner's name and phone), masked by role."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="household_rows"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="household_rows"
    )
    unit = models.CharField(_("单元"), max_length=16)
    room = models.CharField(_("房号"), max_length=16)
    floor_area_m2 = models.DecimalField(
        _("面积（㎡）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    owner_name = models.CharField(_("户主姓名"), max_length=64, blank=True)
    owner_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = HouseholdQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ADDRESS_ORDER
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "room"], name="household_unique_address"),
        ]

    def __str__(self) -> str:
        return household_address(self.building.name, self.unit, self.room)


def household_address(building: str, unit: str, room: str) -> str:
    """How a household is written on slips and lists: 3栋2单元301."""
    return f"{building}{unit}单元{room}"


class ConditionAssessmentQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class ConditionAssessment(models.Model):
    """现状评估: one menu item's deficiency in one estate."""

    estate = models.ForeignKey(
        Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="assessments"
    )
    item = models.ForeignKey(
        "catalog.MenuItem", verbose_name=_("改造内容"), on_delete=models.PROTECT, related_name="assessments"
    )
    severity = models.CharField(_("问题程度"), max_length=16, choices=Severity.choices, default=Severity.NONE)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    objects = ConditionAssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("现状评估")
        verbose_name_plural = _("现状评估")
        ordering = ["estate", "item__code"]
        constraints = [models.UniqueConstraint(fields=["estate", "item"], name="assessment_unique_per_item")]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.item.name}: {self.get_severity_display()}"


class EstateTie(models.Model):
    """An organization tied to an estate: its owners' committee, and (from step 5) the contractors
    of its projects. Contractors and committees see only the estates they are tied to."""

    class Kind(models.TextChoices):
        OWNERS_COMMITTEE = "owners_committee", _("业主委员会")
        CONTRACTOR = "contractor", _("参建单位")

    organization = models.ForeignKey(
        "accounts.Organization", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="estate_ties"
    )
    estate = models.ForeignKey(Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="ties")
    kind = models.CharField(_("关系"), max_length=32, choices=Kind.choices)

    class Meta:
        verbose_name = _("机构与小区")
        verbose_name_plural = _("机构与小区")
        constraints = [
            models.UniqueConstraint(fields=["organization", "estate", "kind"], name="estate_tie_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.estate}"


class DistrictEstimateQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class DistrictEstimate(VersionedModel):
    """What the district's plan table (区县改造计划表) says of an estate: the works it intends,
    their estimated cost, where the money is to come from, and when. Read by the ledger import;
    the city's candidates start from its cost (planning.services.candidate_costs_estimate)."""

    estate = models.OneToOneField(
        Estate, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="district_estimate"
    )
    cost_yuan = models.DecimalField(
        _("投资估算（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    works = models.TextField(_("改造内容"), blank=True)  # as the table wrote it
    item_codes = models.JSONField(_("对应菜单项目"), default=list, blank=True)  # read from `works`
    funding = models.CharField(_("资金来源"), max_length=255, blank=True)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)  # the day and file it came from

    objects = DistrictEstimateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区县计划估算")
        verbose_name_plural = _("区县计划估算")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_yuan__isnull=True) | Q(cost_yuan__gt=0),
                name="district_estimate_cost_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate}"


class LedgerImport(models.Model):
    """One uploaded ledger file on its way in: checked, previewed, confirmed, applied. The file
    is kept in the database so that a worker on another machine can read it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        CHECKING = "checking", _("检查中")
        READY = "ready", _("待确认")
        INVALID = "invalid", _("有错误")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("导入失败")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=clock.now, editable=False)
    updated_at = ClockUpdatedField(_("更新时间"))
    file_name = models.CharField(_("文件名"), max_length=255)
    content = models.BinaryField(_("文件内容"))
    root = models.ForeignKey(
        "regions.Region",
        verbose_name=_("导入范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    notices = models.JSONField(_("提示"), default=list, blank=True)
    # Plausible but doubtful values (户均面积, 建成年份): the officer confirms them with the import.
    warnings = models.JSONField(_("待核对"), default=list, blank=True)
    warnings_accepted = models.BooleanField(_("已核对"), default=False)
    # Row key → "same" (the estate it resembles) or "new", for each likely duplicate.
    decisions = models.JSONField(_("疑似重复的处理"), default=dict, blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.CHECKING, self.Status.APPLYING}

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
