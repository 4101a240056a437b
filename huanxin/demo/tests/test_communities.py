"""In the demo city some of 官黎坪社区's pool candidates came from the community worker and were
forwarded by the street, dated on the demo's timeline."""

import datetime as dt

import pytest
from django.core.management import call_command

from huanxin.planning.models import Candidate

pytestmark = pytest.mark.django_db


def test_the_demo_pool_holds_community_submissions_forwarded_by_the_street(api_as, login) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo")
    from_community = Candidate.objects.filter(submitted_by__username="shequ").select_related("estate")
    assert from_community.count() >= 3
    for candidate in from_community:
        assert candidate.estate.region.code == "430802004001"
        assert candidate.forwarded_by is not None and candidate.forwarded_by.username == "guanliping"
        assert candidate.forwarded_at is not None and candidate.submitted_at < candidate.forwarded_at
        last = candidate.confirmed_at or candidate.reviewed_at or candidate.forwarded_at
        assert last.date() < dt.date(2020, 9, 1)
        reasons = [r.history_change_reason for r in candidate.history.order_by("history_id")][:2]
        assert reasons == ["社区申报", "街道转报"]
    listed = api_as("shequ").get("/api/v1/candidates?status=confirmed").json()["items"]
    assert {"shequ"} <= {item["submitted_by"]["username"] for item in listed}
    assert "官黎坪社区 陈书记" in login("city").get("/planning/pool/?region=430802004001").content.decode()
