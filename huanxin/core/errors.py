"""One application error type. Services raise these; pages and the API turn them into messages
and into the error envelope of SPEC 6 with the right status."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class HuanxinError(Exception):
    status = 400
    code = "invalid"
    default_message = _("请求无效")

    def __init__(self, message: Any = None, *, details: list[dict[str, Any]] | None = None) -> None:
        self.message = str(message or self.default_message)
        self.details = details or []
        super().__init__(self.message)

    def envelope(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class Invalid(HuanxinError):
    status = 400
    code = "invalid"
    default_message = _("提交的内容有误")


class NotAuthenticated(HuanxinError):
    status = 401
    code = "not_authenticated"
    default_message = _("请先登录")


class Forbidden(HuanxinError):
    status = 403
    code = "forbidden"
    default_message = _("您的角色无权进行此操作")


class NotFound(HuanxinError):
    """Missing and outside the user's jurisdiction look the same: nobody learns what exists."""

    status = 404
    code = "not_found"
    default_message = _("未找到，或不在您的辖区内")


class StaleEdit(HuanxinError):
    status = 409
    code = "stale_version"
    default_message = _("该记录已被他人修改，请刷新后重试")


class Refused(HuanxinError):
    status = 409
    code = "refused"
    default_message = _("操作被拒绝")


class OutsideJurisdiction(HuanxinError):
    status = 403
    code = "outside_jurisdiction"
    default_message = _("不能把记录移出本辖区")


def validation_details(error: Any) -> list[dict[str, Any]]:
    """Django's ValidationError as the envelope's details: one entry per field and message."""
    if hasattr(error, "message_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": str(message)} for message in getattr(error, "messages", [error])]


class Throttled(HuanxinError):
    status = 429
    code = "throttled"
    default_message = _("尝试次数过多，请稍后再试")
