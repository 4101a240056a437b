"""Resident identity: a household proves itself with the code on a printed slip or a one-time
code sent to the phone on its roster row. Codes are kept only as keyed hashes."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from huanxin.core import clock
from huanxin.core.scoping import ScopedQuerySet


def new_link_token() -> str:
    return secrets.token_urlsafe(9)


class ResidentLinkQuerySet(ScopedQuerySet):
    scope_region = "estate__region__code"
    scope_estate = "estate_id"


class ResidentLink(models.Model):
    """The estate's link and QR code for residents' phone pages."""

    estate = models.OneToOneField(
        "estates.Estate", verbose_name=_("小区"), on_delete=models.CASCADE, related_name="resident_link"
    )
    token = models.CharField(_("链接码"), max_length=32, unique=True, default=new_link_token)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    objects = ResidentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民链接")
        verbose_name_plural = _("居民链接")

    def __str__(self) -> str:
        return self.token


class AccessCode(models.Model):
    """The code printed on a household's slip. Printing a new slip revokes the old code."""

    household = models.ForeignKey(
        "estates.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="access_codes"
    )
    code_hash = models.CharField(max_length=64)
    # codes are credentials: issued, expired and pruned in real time, whatever the clock says
    issued_at = models.DateTimeField(_("发放时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发放人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("入户验证码")
        verbose_name_plural = _("入户验证码")
        indexes = [models.Index(fields=["household", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.issued_at:%Y-%m-%d}"


class PhoneCode(models.Model):
    """A one-time code sent by SMS to the phone on the household's roster row."""

    household = models.ForeignKey(
        "estates.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="phone_codes"
    )
    code_hash = models.CharField(max_length=64)
    # real time: the code expires in minutes of it
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ip_address = models.GenericIPAddressField(null=True, blank=True)  # the per-address quota

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self) -> str:
        return f"{self.household_id} {self.created_at:%Y-%m-%d %H:%M}"


class IdentificationAttempt(models.Model):
    """Each try at proving a household, for throttling repeated wrong codes."""

    household = models.ForeignKey(
        "estates.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # real time: throttling counts real minutes
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("身份验证记录")
        verbose_name_plural = _("身份验证记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'✓' if self.succeeded else '✗'}"


class Consent(models.Model):
    """A household's consent to the privacy notice (PIPL), before any answer is kept."""

    household = models.ForeignKey(
        "estates.Household", verbose_name=_("住户"), on_delete=models.CASCADE, related_name="consents"
    )
    notice_version = models.CharField(_("告知书版本"), max_length=16)
    at = models.DateTimeField(_("同意时间"), default=clock.now, editable=False)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("个人信息同意")
        verbose_name_plural = _("个人信息同意")

    def __str__(self) -> str:
        return f"{self.household_id} {self.notice_version}"


class RepresentativeQuerySet(ScopedQuerySet):
    scope_region = "household__estate__region__code"
    scope_estate = "household__estate_id"


class Representative(models.Model):
    """A resident representative elected by an estate that has no owners' committee (SPEC 5.3):
    signs for the owners, by the household's identity, where a committee would."""

    household = models.OneToOneField(
        "estates.Household", verbose_name=_("代表户"), on_delete=models.CASCADE, related_name="representative"
    )
    elected_on = models.DateField(_("推选日期"))
    note = models.CharField(_("说明"), max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民代表")
        verbose_name_plural = _("居民代表")
        ordering = ["household__estate", "household"]

    def __str__(self) -> str:
        return str(self.household)
