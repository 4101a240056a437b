"""`huanxin check` says which system packages are missing and how to install them. The
program runs without them; PDFs need a CJK font and Pango, browser tests need Chromium."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core import checks


def cjk_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(listed.strip())


@checks.register("huanxin")
def system_dependencies(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if ctypes.util.find_library("pango-1.0") is None:
        found.append(
            checks.Warning(
                "Pango is missing: PDF reports cannot be made.",
                hint="apt-get install libpango-1.0-0 libpangoft2-1.0-0",
                id="huanxin.W001",
            )
        )
    if not cjk_font_installed():
        found.append(
            checks.Warning(
                "No Chinese font is installed: PDF reports would show empty boxes.",
                hint="apt-get install fonts-noto-cjk",
                id="huanxin.W002",
            )
        )
    if settings.DEBUG and shutil.which("chromium") is None:
        found.append(
            checks.Info(
                "Chromium is missing: the browser tests will skip.",
                hint="apt-get install chromium",
                id="huanxin.I001",
            )
        )
    return found
