"""The slips a community hands out: one per household, with the estate's QR code, the household's
address and its access code, in Chinese, as one PDF for the whole estate."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string

from huanxin.core.pdf import html_to_pdf
from huanxin.estates.models import Estate, Household


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def slips_pdf(*, estate: Estate, issued: list[tuple[Household, str]], link_url: str) -> bytes:
    html = render_to_string(
        "residents/slips.html",
        {"estate": estate, "slips": issued, "link_url": link_url, "qr": qr_svg_data_uri(link_url)},
    )
    return html_to_pdf(html)
