from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from huanxin.accounts.services import address_throttled


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续失败多次后账号将被临时锁定。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})

    def clean(self) -> dict[str, Any]:
        if address_throttled(self.request):
            raise forms.ValidationError(_("该地址登录失败次数过多，请稍后再试。"), code="throttled")
        return super().clean()
