from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from huanxin.accounts.forms import LoginForm
from huanxin.core.access import page, public_page


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
        from django.http import JsonResponse

        return JsonResponse(
            {
                "error": {
                    "code": "locked_out",
                    "message": "登录失败次数过多，账号已临时锁定，请15分钟后再试",
                    "details": [],
                }
            },
            status=429,
        )
    return render(request, "accounts/locked_out.html", status=429)
