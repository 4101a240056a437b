"""Who may use each page and endpoint, declared once on the view itself.

`page(area, verb)` and `endpoint(area, verb)` check the permission table of `accounts`
(through `user.can(area, verb)`) and record the declaration on the function, where the URL
registry test finds it. `public_page()` and `public_endpoint()` declare the pages that anyone
may open. Whether the data is scoped is the queryset's business: every read starts from
`visible_to(user)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from huanxin.core.errors import Forbidden, NotAuthenticated

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    area: str | None  # None: anyone, including the public
    verb: str | tuple[str, ...] | None  # a tuple: any one of these verbs
    login: bool = True
    audience: str = "staff"  # "staff", "resident" (identity checked by the page), "public"

    def describe(self) -> str:
        if not self.login:
            return "public"
        if self.area is None:
            return "any signed-in user"
        return f"{self.area}:{self.verb}"


def _declare(func: Any, access: Access) -> None:
    func.access = access


def allowed(user: Any, access: Access) -> bool:
    if not access.area:
        return True
    verbs = access.verb if isinstance(access.verb, tuple) else (access.verb,)
    return any(user.can(access.area, verb) for verb in verbs)


def page(area: str | None = None, verb: str | tuple[str, ...] | None = "view") -> Callable[[F], F]:
    """A staff page: signed in, and the role may `verb` the `area` (None: any signed-in staff;
    a tuple of verbs: any one of them)."""
    access = Access(area=area, verb=verb if area else None)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(user, access):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        _declare(wrapped, access)
        return wrapped  # type: ignore[return-value]

    return decorate


def public_page(audience: str = "public") -> Callable[[F], F]:
    """No staff login. `audience="resident"`: a phone page that checks the household's identity
    itself (residents have no password; see huanxin.residents)."""

    def decorate(view: F) -> F:
        _declare(view, Access(area=None, verb=None, login=False, audience=audience))
        return view

    return decorate


def endpoint(area: str | None = None, verb: str | tuple[str, ...] | None = "view") -> Callable[[F], F]:
    """An API operation: authenticated by the router's auth, then the role's permission."""
    access = Access(area=area, verb=verb if area else None)

    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            user = getattr(request, "auth", None) or request.user
            if not user or not user.is_authenticated:
                raise NotAuthenticated()
            if not allowed(user, access):
                raise Forbidden()
            return handler(request, *args, **kwargs)

        _declare(wrapped, access)
        return wrapped  # type: ignore[return-value]

    return decorate


def public_endpoint() -> Callable[[F], F]:
    def decorate(handler: F) -> F:
        _declare(handler, Access(area=None, verb=None, login=False))
        return handler

    return decorate


def access_of(func: Any) -> Access | None:
    return getattr(func, "access", None)
