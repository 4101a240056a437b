from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huanxin.accounts.permissions import ESTATE_TIED_ROLES, NATIONWIDE_ROLES, Role, roles_may
from huanxin.core import clock
from huanxin.core.scoping import Scope, ScopedQuerySet


class OrganizationQuerySet(ScopedQuerySet):
    scope_region = "region__code"


class Organization(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("政府机关")
        DEPARTMENT = "department", _("相关部门")
        DESIGN = "design", _("设计单位")
        CONSTRUCTION = "construction", _("施工单位")
        SUPERVISION = "supervision", _("监理单位")
        OWNERS_COMMITTEE = "owners_committee", _("业主委员会")

    name = models.CharField(_("名称"), max_length=128, unique=True)
    kind = models.CharField(_("类别"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="organizations"
    )
    duties = models.TextField(_("职责"), blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["region__code", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(ScopedQuerySet):
    scope_region = "region__code"


class HuanxinUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("用户只能查看和修改本辖区内的数据"),
    )
    roles = models.JSONField(_("角色"), default=list, blank=True)
    # an account opened on a pinned day (the demo's, a backfill) opened that day; logins keep real time
    date_joined = models.DateTimeField(_("开通时间"), default=clock.now)

    objects = HuanxinUserManager()  # type: ignore[misc]
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]

    def can(self, area: str, verb: str | None) -> bool:
        return self.is_active and verb is not None and roles_may(self.roles, area, verb)

    @cached_property
    def scope(self) -> Scope:
        """Built once per request: the user object lives for one request."""
        roles = frozenset(self.roles)
        organization_id = self.organization_id
        if roles & NATIONWIDE_ROLES:
            return Scope(everything=True, roles=roles, organization_id=organization_id)
        if roles and roles <= ESTATE_TIED_ROLES:
            ties = (
                list(self.organization.estate_ties.values_list("estate_id", "estate__region__code"))
                if self.organization
                else []
            )
            return Scope(
                estate_ids=frozenset(estate_id for estate_id, _code in ties),
                estate_regions=frozenset(code for _estate_id, code in ties),
                roles=roles,
                organization_id=organization_id,
            )
        if self.region is None or not roles:
            return Scope.nothing()
        return Scope(region_prefix=self.region.prefix, roles=roles, organization_id=organization_id)

    def sees_personal_data(self, region_code: str) -> bool:
        """Unmasked names and phones: roles that need them, and a community only its own."""
        if self.can("personal_data", "unmasked"):
            return self.scope.everything or self.scope.covers_region(region_code)
        if self.can("personal_data", "own_community") and self.region is not None:
            return region_code.startswith(self.region.prefix)
        return False


class ApiToken(models.Model):
    """A bearer token for integrations. Only its hash is stored; it expires and can be revoked."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    # a credential lives in real time, whatever day the clock is pinned to
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class ThrottleRelease(models.Model):
    """An administrator lifted the throttle of a client address (every address when blank): the
    failed logins and resident code attempts before this moment no longer count against it. The
    failures themselves stay on record."""

    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    released_at = models.DateTimeField(_("解除时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("解除限制")
        verbose_name_plural = _("解除限制")
        indexes = [models.Index(fields=["ip_address", "released_at"])]

    def __str__(self) -> str:
        return f"{self.ip_address or _('全部地址')} {self.released_at:%Y-%m-%d %H:%M}"


class StaffRequest(HttpRequest):
    """A request behind `core.access.page`: the user is a signed-in staff member."""

    user: User  # type: ignore[assignment]
    auth: User
    htmx: Any
