"""The API conventions of SPEC 6, once: the error envelope and limit/offset pagination."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination

from huanxin.core.errors import (
    Forbidden,
    HuanxinError,
    Invalid,
    NotAuthenticated,
    NotFound,
    validation_details,
)


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, Any]]


class ErrorOut(Schema):
    error: ErrorBody


ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 400: ErrorOut}


PAGE_MAX = 500
OFFSET_MAX = 10_000_000  # past any list Huanxin holds; a 20-digit offset is a 400, not a 500


class Paginated(LimitOffsetPagination):
    """`?limit=&offset=` → `{"items": [...], "count": N}`; at most 500 rows a page."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=PAGE_MAX)
        offset: int = Field(0, ge=0, le=OFFSET_MAX)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=PAGE_MAX, **kwargs)


def _respond(api: NinjaAPI, request: HttpRequest, error: HuanxinError) -> HttpResponse:
    return api.create_response(request, error.envelope(), status=error.status)


# pydantic's error types, said in Chinese; the rest keep pydantic's own words after a Chinese lead.
REASONS = {
    "missing": _lazy("必填"),
    "int_parsing": _lazy("应为整数"),
    "int_type": _lazy("应为整数"),
    "decimal_parsing": _lazy("应为数字"),
    "decimal_type": _lazy("应为数字"),
    "float_parsing": _lazy("应为数字"),
    "bool_parsing": _lazy("应为 true 或 false"),
    "string_type": _lazy("应为文字"),
    "greater_than_equal": _lazy("不能小于 %(ge)s"),
    "greater_than": _lazy("应大于 %(gt)s"),
    "less_than_equal": _lazy("不能大于 %(le)s"),
    "string_too_short": _lazy("不能为空"),
    "string_too_long": _lazy("过长（最多 %(max_length)s 个字）"),
    "enum": _lazy("取值无效，可选：%(expected)s"),
    "decimal_max_places": _lazy("最多 %(decimal_places)s 位小数"),
    "json_invalid": _lazy("JSON 格式错误"),
}
# The handler's parameter names that wrap a schema: `payload.households` is `households`.
WRAPPERS = {"body", "query", "path", "payload", "filters"}


def _field_name(error: dict[str, Any]) -> str | None:
    parts = [str(part) for part in error.get("loc", []) if str(part) not in WRAPPERS]
    return ".".join(parts) or None


def _reason(error: dict[str, Any]) -> str:
    if error.get("type", "").startswith("text_"):  # core/text.py's own refusals, already in Chinese
        return str(error.get("msg", ""))
    template = REASONS.get(error.get("type", ""))
    if template is None:
        return f"{_('格式不正确')}（{error.get('msg', '')}）"
    try:
        return str(template) % (error.get("ctx") or {})
    except (KeyError, TypeError):
        return str(template).split("%")[0].strip()


def install_error_envelope(api: NinjaAPI) -> None:
    """Every error the API can answer, in one shape with a Chinese message."""

    @api.exception_handler(HuanxinError)
    def application_error(request: HttpRequest, exc: HuanxinError) -> HttpResponse:
        return _respond(api, request, exc)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        details = [{"field": _field_name(error), "message": _reason(error)} for error in exc.errors]
        return _respond(api, request, Invalid(_("提交的内容有误"), details=details))

    @api.exception_handler(ValidationError)
    def invalid_model(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _respond(api, request, Invalid(_("提交的内容有误"), details=validation_details(exc)))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _respond(api, request, NotAuthenticated())

    @api.exception_handler(AuthorizationError)
    def unauthorized(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return _respond(api, request, Forbidden())

    @api.exception_handler(Http404)
    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, NotFound())

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja's own refusals (an unreadable body, a failed CSRF check) in our words.
        known: dict[int, HuanxinError] = {
            400: Invalid(_("请求内容无法解析，请检查 JSON 格式")),
            403: Forbidden(_("CSRF 校验失败，请刷新页面后重试")),
            405: Invalid(_("不支持该请求方法")),
        }
        error = known.get(exc.status_code) or HuanxinError(_("请求未能完成"))
        error.status = exc.status_code
        return _respond(api, request, error)


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by the router's auth)."""
    return getattr(request, "auth", None)
