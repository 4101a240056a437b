"""Every page and endpoint declares who may use it. This walks the URL registry — pages, the
API's operations, the docs — and fails on anything without a declaration, so a new view cannot
forget it."""

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from huanxin.core.access import access_of

# The Django admin is its own site, guarded by is_staff and used by the system administrator.
ADMIN_NAMESPACES = {admin.site.name}
# Django's language switch and django-ninja's API root (a redirect to the docs) carry no data.
UNDECLARED_BY_DESIGN = {"set_language", "api-root"}


def walk(patterns: list[Any], namespace: str = "", route: str = "") -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner.strip(":"), route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield namespace, route + str(pattern.pattern), pattern


def ninja_operations(callback: Any) -> list[Any]:
    """The operations behind a django-ninja path view, found in the view's closure."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return list(operations)
    return []


def undeclared() -> list[str]:
    missing = []
    for namespace, route, pattern in walk(get_resolver().url_patterns):
        if namespace.split(":")[0] in ADMIN_NAMESPACES or pattern.name in UNDECLARED_BY_DESIGN:
            continue
        operations = ninja_operations(pattern.callback)
        if operations:
            missing += [f"{route} {op.methods}" for op in operations if access_of(op.view_func) is None]
        elif access_of(pattern.callback) is None:
            missing.append(route)
    return missing


def test_every_page_and_endpoint_declares_its_access() -> None:
    assert undeclared() == []


def test_the_walk_finds_api_operations_and_pages() -> None:
    routes = [route for _ns, route, _p in walk(get_resolver().url_patterns)]
    assert "estates/<int:pk>/" in routes
    assert any(route.startswith("api/v1/estates") for route in routes)
    operations = [
        op
        for _ns, _route, pattern in walk(get_resolver().url_patterns)
        for op in ninja_operations(pattern.callback)
    ]
    assert len(operations) >= 8


def test_a_view_without_a_declaration_would_be_caught(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates import views

    del views.estate_list.access  # type: ignore[attr-defined]
    try:
        assert "estates/" in undeclared()
    finally:
        views.estate_list.access = views.estate_detail.access  # type: ignore[attr-defined]


def test_production_settings_pass_the_deploy_check(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {
        "PATH": "/usr/bin:/bin",
        "HUANXIN_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
        "HUANXIN_VAR_DIR": str(tmp_path),
        "HUANXIN_ALLOWED_HOSTS": "gaizao.example.gov.cn",
        "DJANGO_SETTINGS_MODULE": "huanxin.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "huanxin", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
