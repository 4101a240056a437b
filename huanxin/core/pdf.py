"""Printed documents (slips, acceptance records, bulletins): HTML rendered to PDF by WeasyPrint
with the Noto CJK fonts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from huanxin.core.errors import Refused
from huanxin.core.text import for_export


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # Pango missing: `huanxin check` says what to install
        raise Refused(_("服务器缺少生成PDF所需的组件（Pango），请联系系统管理员")) from error
    document: Any = HTML(string=for_export(html))  # old stored text may hold control characters
    return document.write_pdf()


def paper_form_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A form filed on paper (household slips, the acceptance record) is Chinese whatever language
    the person printing it reads the screen in: the archives and the households read Chinese."""
    with translation.override(settings.LANGUAGE_CODE):
        return html_to_pdf(render_to_string(template, context))
