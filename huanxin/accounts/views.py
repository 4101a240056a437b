from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from huanxin.accounts.forms import LoginForm
from huanxin.core.access import page, public_page
from huanxin.core.errors import Throttled


@public_page()
def login(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
    )(request)


@page()
def logout(request: HttpRequest) -> HttpResponseBase:
    return auth_views.LogoutView.as_view()(request)


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this when a username is locked: a plain Chinese page, not a stack trace."""
    if request.path.startswith("/api/"):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        error = Throttled(
            _("登录失败次数过多，账号已临时锁定，请%(minutes)d分钟后再试") % {"minutes": minutes}
        )
        return JsonResponse(error.envelope(), status=error.status)
    return render(request, "accounts/locked_out.html", status=429)
