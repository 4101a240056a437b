from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from huanxin.core.errors import HuanxinError


class ApplicationErrorMiddleware:
    """A service's refusal raised from a page becomes that page's error, in the frame, with the
    right status; the API turns the same errors into its envelope."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not isinstance(exception, HuanxinError):
            return None
        template = {404: "404.html", 403: "403.html"}.get(exception.status, "error.html")
        return render(request, template, {"error": exception}, status=exception.status)


API_ERROR_CODES = {
    400: "invalid",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}


class ApiErrorsAsJsonMiddleware:
    """Whatever answers an /api/ request with an error — ninja's 405, Django's own refusals —
    answers in the API's envelope, never an HTML page a client cannot read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            error = HuanxinError(_("请求未能完成（%(status)d）") % {"status": status})
            error.code = API_ERROR_CODES.get(status, "server_error" if status >= 500 else "invalid")
            replaced = JsonResponse(error.envelope(), status=status)
            if "Allow" in response:
                replaced["Allow"] = response["Allow"]
            return replaced
        return response


class NoStoreMiddleware:
    """Personal data stays out of every cache between the server and the user (browsers, proxies,
    a shared office PC's disk): every answer Django makes — API, pages, downloads — says
    `Cache-Control: no-store` unless it chose its own caching. Static files keep their long
    caching (whitenoise answers them before this runs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Pages speak Chinese unless the user chose English in the user menu: an office PC set up in
    English must not turn a city's screens half English. The API still honours Accept-Language,
    as clients expect of an HTTP interface."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None
