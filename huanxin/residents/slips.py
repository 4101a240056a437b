"""The slips a community hands out: one per household, with the household's own QR code, its
address and its access code, in Chinese, as one PDF for the whole estate.

The QR code is a signed link holding the household and its slip code: scanning it proves the
household as typing the code would, without choosing the building and the room. Signed, so that
nobody can make links for other households or guess codes through it; and it dies with the slip,
since a reprint revokes the code it holds."""

from __future__ import annotations

import segno
from django.core import signing

from huanxin.core.pdf import paper_form_pdf
from huanxin.estates.models import Estate, Household

SALT = "huanxin.residents.slip-link"


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def slip_link_key(household_id: int, code: str) -> str:
    """The signed part of a household's QR link."""
    return signing.dumps({"h": household_id, "c": code}, salt=SALT, compress=True)


def slip_link_read(key: str) -> tuple[int, str] | None:
    """The household and code a QR link holds; None for a link not signed by us (or altered)."""
    try:
        data = signing.loads(key[:512], salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    household, code = data.get("h"), data.get("c")
    if not isinstance(household, int) or not isinstance(code, str):
        return None
    return household, code


def slips_pdf(*, estate: Estate, issued: list[tuple[Household, str, str]], link_url: str) -> bytes:
    """`issued`: (household, code, the household's QR link); `link_url` the estate's own link,
    printed for those who type it and choose their household (or use an SMS code)."""
    return paper_form_pdf(
        "residents/slips.html",
        {
            "estate": estate,
            "slips": [(household, code, qr_svg_data_uri(link), link) for household, code, link in issued],
            "link_url": link_url,
        },
    )
