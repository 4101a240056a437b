"""Writes for accounts: users, API tokens, and the per-address login throttle."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huanxin.accounts.models import ApiToken, Organization, ThrottleRelease, User
from huanxin.accounts.permissions import Role
from huanxin.core.audit import audit_record
from huanxin.core.errors import Invalid, NotAuthenticated, Throttled
from huanxin.core.validation import full_clean_or_invalid, stamp_history
from huanxin.regions.models import Region


def user_create(
    *,
    username: str,
    password: str,
    roles: list[str],
    region: Region | None = None,
    organization: Organization | None = None,
    full_name: str = "",
    by: User | None = None,
) -> User:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise Invalid(_("未知角色：%(roles)s") % {"roles": "、".join(unknown)})
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            roles=list(roles),
            region=region,
            organization=organization,
            is_staff=Role.ADMIN in roles,
            is_superuser=Role.ADMIN in roles,
        )
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_record(action="user.create", actor=by, target=user, detail={"roles": list(roles)})
    return user


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def address_throttled(request: Any) -> bool:
    """Beside the per-username lockout, a looser limit per address (an office shares one).
    The address is the one django-axes records, so a proxy's forwarding is read the same way."""
    address = get_client_ip_address(request) if request is not None else None
    if address is None:
        return False
    since = counted_since(address, timezone.now() - settings.AXES_COOLOFF_TIME)
    failures = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()
    return failures >= settings.ADDRESS_FAILURE_LIMIT


def counted_since(address: str, window_start: Any) -> Any:
    """Failures of an address count from the window's start, or from the last time an
    administrator lifted its throttle (`huanxin lockout_reset`), whichever is later."""
    released = (
        ThrottleRelease.objects.filter(Q(ip_address=address) | Q(ip_address__isnull=True))
        .order_by("-released_at")
        .values_list("released_at", flat=True)
        .first()
    )
    return max(window_start, released) if released else window_start


def lockout_reset(*, address: str | None = None, username: str | None = None) -> int:
    """Lift the per-username lockout and the per-address throttle (both, when neither is named);
    returns the lockouts removed. The failed attempts stay on record."""
    from axes.utils import reset

    removed = reset(ip=address, username=username) if address or username else reset()
    if address or not username:
        ThrottleRelease.objects.create(ip_address=address)
    audit_record(
        action="lockout.reset",
        actor_name="管理命令",
        detail={"address": address or "", "username": username or ""},
    )
    return removed


def token_issue(*, request: Any, username: str, password: str) -> str:
    """Exchange a username and password for a bearer token; the key is shown only this once."""
    if address_throttled(request):
        raise Throttled(_("该地址登录失败次数过多，请稍后再试"))
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise Throttled(
            _("登录失败次数过多，账号已临时锁定，请%(minutes)d分钟后再试") % {"minutes": _lockout_minutes()}
        )
    if user is None or not isinstance(user, User):
        raise NotAuthenticated(_("用户名或密码错误"))
    key = "hx_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            key_hash=ApiToken.hash_key(key),
            prefix=key[:10],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit_record(action="token.issue", actor=user, target=token, request=request)
    return key


def token_user(key: str) -> User | None:
    """The active user behind a live token, or None for unknown, expired or revoked keys."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__region", "user__organization")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # Touch at most once a minute: a busy integration must not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, key: str, by: User, request: Any = None) -> None:
    with transaction.atomic():
        revoked = ApiToken.objects.filter(
            key_hash=ApiToken.hash_key(key), user=by, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if revoked:
            audit_record(action="token.revoke", actor=by, request=request)


def organization_create(
    *, name: str, kind: str, region: Region, duties: str = "", phone: str = "", by: Any = None
) -> Organization:
    with transaction.atomic():
        organization = Organization(name=name, kind=kind, region=region, duties=duties, phone=phone)
        full_clean_or_invalid(organization)
        stamp_history(organization, by=by, reason="新建机构")
        organization.save()
        audit_record(action="organization.create", actor=by, target=organization, region_code=region.code)
    return organization
