"""The slips a community hands out: one per household, with the estate's QR code, the household's
address and its access code, in Chinese, as one PDF for the whole estate."""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string

from huanxin.estates.models import Estate, Household


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def slips_pdf(*, estate: Estate, issued: list[tuple[Household, str]], link_url: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # Pango missing: `huanxin check` says what to install
        from django.utils.translation import gettext as _

        from huanxin.core.errors import Refused

        raise Refused(_("服务器缺少生成PDF所需的组件（Pango），请联系系统管理员")) from error

    html = render_to_string(
        "residents/slips.html",
        {"estate": estate, "slips": issued, "link_url": link_url, "qr": qr_svg_data_uri(link_url)},
    )
    document: Any = HTML(string=html)
    return document.write_pdf()
