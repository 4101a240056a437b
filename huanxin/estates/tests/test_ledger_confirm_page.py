"""The preview page asks what the file cannot settle: doubtful numbers to confirm, and for each
new estate that looks like an existing one, "same estate" or "new estate"."""

import io
import re
from typing import Any

import pytest
from django.utils import timezone

from huanxin.core.models import AuditEvent
from huanxin.estates.models import Estate, LedgerImport
from huanxin.estates.tests.ledger_files import xlsx
from huanxin.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["所属区县", "所属街道", "所属社区", "小区名称", "建成年份", "户数", "建筑面积（万平方米）", "备注"]


def upload(client, content: bytes, name: str = "永定区台账.xlsx"):  # type: ignore[no-untyped-def]
    file = io.BytesIO(content)
    file.name = name
    return client.post("/estates/import/", {"file": file})


@pytest.fixture
def place(city, make_estate):  # type: ignore[no-untyped-def]
    """A community of 永定区 as the table names it, with an estate the file will resemble."""
    community = Region.objects.filter(level="community", code__startswith="430802").order_by("code").first()
    assert community is not None and community.parent is not None and community.parent.parent is not None
    estate = make_estate("电力公司宿舍", community=community.code)
    return community, estate


def rows(community: Region) -> list[list[Any]]:
    street = community.parent
    assert street is not None and street.parent is not None
    district = street.parent
    return [
        HEADER,
        [district.name, street.name, community.name, "电力公司宿舍（1-6栋）", 1996, 90, 0.81, ""],
        [district.name, street.name, community.name, "粮食局宿舍", 1993, 48, 4200, "2019年已做屋面"],
    ]


def test_the_page_lists_doubts_and_likely_duplicates_and_the_confirm_needs_both(login, place) -> None:  # type: ignore[no-untyped-def]
    community, estate = place
    client = login("yongding")
    response = upload(client, xlsx(rows(community)))
    job = LedgerImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    warnings = re.search(r'<table[^>]*id="import-warnings".*?</table>', page, re.S)
    assert warnings and "户均面积 875,000.0 ㎡" in warnings.group(0)  # ㎡ typed under 万平方米
    duplicates = re.search(r'<table[^>]*id="import-duplicates".*?</table>', page, re.S)
    assert (
        duplicates and "电力公司宿舍（1-6栋）" in duplicates.group(0) and estate.code in duplicates.group(0)
    )

    key = job.preview["duplicates"][0]["key"]
    refused = client.post(f"/estates/import/{job.pk}/confirm/", {f"row:{key}": "same"}, follow=True)
    assert "请先核对提示的 1 处数据" in refused.content.decode()
    refused = client.post(f"/estates/import/{job.pk}/confirm/", {"warnings_accepted": "1"}, follow=True)
    assert "请先确认第2行是已有小区还是新小区" in refused.content.decode()
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.READY and Estate.objects.count() == 1

    client.post(f"/estates/import/{job.pk}/confirm/", {"warnings_accepted": "1", f"row:{key}": "same"})
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.DONE, job.failure
    estate.refresh_from_db()
    assert (estate.households, estate.aliases) == (90, "电力公司宿舍（1-6栋）")
    new = Estate.objects.get(name="粮食局宿舍")
    day = timezone.localdate(job.created_at)  # the day in Shanghai, whatever the hour in UTC
    assert new.notes == f"{day.isoformat()} 永定区台账.xlsx：2019年已做屋面"
    confirm = AuditEvent.objects.get(action="estate.import.confirm")
    assert confirm.detail == {"warnings_accepted": True, "decisions": {key: "same"}}
