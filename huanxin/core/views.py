"""Pages every app shares: the error pages, in Chinese, inside the frame."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from huanxin.core.access import public_page
from huanxin.core.errors import Forbidden, HuanxinError, Invalid, NotFound


@public_page()
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask every site for /favicon.ico, whatever the page says: answer, not 404."""
    return HttpResponsePermanentRedirect(static("huanxin/favicon.svg"))


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """What Django refuses before any view runs (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields, a disallowed host): the API answers in its envelope, a page in Chinese."""
    if _for_api(request):
        message = _("请求过大或格式不正确") if exception is not None else _("请求格式不正确")
        return JsonResponse(Invalid(message).envelope(), status=400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(Forbidden().envelope(), status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(
            NotFound(_("接口不存在：%(path)s") % {"path": request.path}).envelope(), status=404
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _for_api(request):
        error = HuanxinError(_("系统出错了，已记录此错误，请稍后重试"))
        error.code = "server_error"
        return JsonResponse(error.envelope(), status=500)
    return render(request, "500.html", status=500)
