from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from huanxin.core.scoping import ScopedQuerySet
from huanxin.regions import rules


class RegionQuerySet(ScopedQuerySet):
    scope_region = "code"

    def current(self) -> RegionQuerySet:
        """The nodes still in the division table: the only ones offered for new records."""
        return self.filter(retired_on__isnull=True)

    def subtree(self, code: str) -> RegionQuerySet:
        return self.filter(code__startswith=rules.significant_prefix(code))

    def by_code(self, code: str) -> Region:
        """Either the full or the short form."""
        return self.get(code=rules.full_code(code))  # type: ignore[return-value]


class Region(models.Model):
    LEVELS = [
        (rules.Level.NATION.value, _("全国")),
        (rules.Level.PROVINCE.value, _("省")),
        (rules.Level.CITY.value, _("市")),
        (rules.Level.COUNTY.value, _("区县")),
        (rules.Level.STREET.value, _("街道乡镇")),
        (rules.Level.COMMUNITY.value, _("社区")),
    ]

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=LEVELS)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )

    # Set when a newer division table no longer lists the node (regions/national.py). Never
    # deleted: estates, users and organizations point at regions with PROTECT.
    retired_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        # A level's nodes in code order (the region pickers, "the first city"): at the nation a
        # scan of 665,000 rows without it.
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def short_code(self) -> str:
        return rules.short_code(self.code)

    @property
    def prefix(self) -> str:
        return rules.significant_prefix(self.code)

    def ancestors(self) -> list[Region]:
        """From the top of the tree down to this node's parent."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class RegionRename(models.Model):
    """A name a newer division table changed: the region keeps its code, and this its old name."""

    region = models.ForeignKey(
        Region, verbose_name=_("行政区划"), related_name="renames", on_delete=models.CASCADE
    )
    old_name = models.CharField(_("原名称"), max_length=64)
    new_name = models.CharField(_("新名称"), max_length=64)
    renamed_on = models.DateField(_("更名日期"))
    source = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("区划更名记录")
        verbose_name_plural = _("区划更名记录")
        ordering = ["region", "renamed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"
