from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.core.models import VersionedModel
from huanxin.core.scoping import ScopedQuerySet
from huanxin.regions.rules import ancestors_and_self


class Category(models.TextChoices):
    BASIC = "basic", _("基础类")
    IMPROVEMENT = "improvement", _("完善类")
    ENHANCEMENT = "enhancement", _("提升类")


class MenuItemQuerySet(ScopedQuerySet):
    # The menu is read by everyone below the node that owns it; see `menu_for`.
    scope_region = "owner__code"

    def active(self) -> MenuItemQuerySet:
        return self.filter(retired=False)

    def menu_for(self, region_code: str) -> MenuItemQuerySet:
        """The items owned by the node or any of its ancestors (a city's menu applies below it)."""
        ancestors = ancestors_and_self(region_code)
        return self.filter(owner__code__in=ancestors)


class MenuItem(VersionedModel):
    """One item of the renovation menu (改造菜单), owned by a region node — usually the city."""

    owner = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="menu_items"
    )
    code = models.CharField(_("编号"), max_length=8)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    name = models.CharField(_("名称"), max_length=64)
    unit = models.CharField(_("计量单位"), max_length=8)
    unit_cost_min = models.DecimalField(
        _("单价下限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit_cost_max = models.DecimalField(
        _("单价上限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_floors = models.PositiveSmallIntegerField(
        _("所需最低楼层"), null=True, blank=True, help_text=_("如加装电梯需4层及以上楼栋")
    )
    description = models.TextField(_("说明"), blank=True)
    retired = models.BooleanField(_("已停用"), default=False)

    objects = MenuItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("改造项目菜单")
        verbose_name_plural = _("改造项目菜单")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "code"],
                name="menu_item_code_unique_per_owner",
                violation_error_message=_("菜单中已有相同编号的项目"),
            ),
            models.CheckConstraint(
                condition=Q(unit_cost_min__isnull=True)
                | Q(unit_cost_max__isnull=True)
                | Q(unit_cost_min__lte=models.F("unit_cost_max")),
                name="menu_item_cost_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
