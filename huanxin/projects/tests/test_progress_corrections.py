"""Progress cannot silently go back: a cumulative figure below an earlier one is refused unless it
is a correction with its reason, which counts only once the project's supervisor confirms it — on
the page's form, in the weekly sheet (row by row) and through the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huanxin.core import clock
from huanxin.core.errors import Forbidden, Invalid
from huanxin.core.spreadsheets import SheetOut, write_xlsx
from huanxin.projects import services
from huanxin.projects.models import ProgressReport
from huanxin.projects.querysets import project_progress
from huanxin.projects.tests.conftest import IN_PROGRESS

pytestmark = pytest.mark.django_db

REPORTED_ON = dt.date(2020, 9, 15)


@pytest.fixture
def drains_done(city, built):  # type: ignore[no-untyped-def]
    """The drains (B02, 100 米) reported complete on 15 Sept; roads not begun."""
    drains = built.items.get(item__code="B02")
    with clock.pinned(IN_PROGRESS):
        services.progress_report(
            by=city["shigong"], item_id=drains.pk, on=REPORTED_ON, quantity_done=Decimal(100)
        )
    return drains


def test_a_figure_below_the_last_report_is_refused_and_changes_nothing(
    city, built, drains_done, login
) -> None:  # type: ignore[no-untyped-def]
    assert project_progress(built) == Decimal("0.75")  # 300,000 of 400,000 yuan done
    with clock.pinned(IN_PROGRESS):
        response = login("shigong").post(
            f"/projects/{built.pk}/progress/",
            {"on": "2020-09-20", f"done_{drains_done.pk}": "10"},
            follow=True,
        )
    page = response.content.decode()
    assert "排水与雨污分流累计完成量10米低于2020-09-15已填报的100米" in page
    assert ProgressReport.objects.filter(item=drains_done).count() == 1
    assert project_progress(built) == Decimal("0.75")


def test_a_backdated_figure_above_a_later_report_is_refused_too(city, built, drains_done) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(IN_PROGRESS), pytest.raises(Invalid, match="高于此日之后已填报的100"):
        services.progress_report(
            by=city["shigong"], item_id=drains_done.pk, on=dt.date(2020, 9, 13), quantity_done=Decimal(110)
        )


def test_the_form_shows_the_last_reported_figure_beside_each_item(city, built, drains_done, login) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(IN_PROGRESS):
        page = login("shigong").get(f"/projects/{built.pk}/?tab=progress").content.decode()
    assert "上次填报" in page
    assert '<td class="num last-reported">100 米 <span class="text-muted small">09-15</span></td>' in page
    assert '<td class="num last-reported">—</td>' in page  # the roads: nothing reported yet


def test_a_correction_counts_once_the_supervisor_confirms_it(city, built, drains_done, login) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(IN_PROGRESS):
        response = login("shigong").post(
            f"/projects/{built.pk}/progress/",
            {
                "on": "2020-09-20",
                f"done_{drains_done.pk}": "60",
                "correction": "1",
                "correction_reason": "复测：北段40米未通水",
            },
        )
        assert response.status_code == 302
        correction = ProgressReport.objects.get(item=drains_done, on=IN_PROGRESS)
        assert correction.correction_reason == "复测：北段40米未通水" and correction.confirmed_on is None
        assert project_progress(built) == Decimal("0.75")  # pending: the old figure stands
        page = login("jianli").get(f"/projects/{built.pk}/?tab=progress").content.decode()
        assert "确认更正" in page
        with pytest.raises(Forbidden):  # the builder cannot confirm its own correction
            services.progress_correction_confirm(by=city["shigong"], report_id=correction.pk)
        response = login("jianli").post(f"/projects/{built.pk}/progress/{correction.pk}/confirm/")
        assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.confirmed_on == IN_PROGRESS and correction.confirmed_by == city["jianli"]
    assert project_progress(built) == Decimal("0.45")  # 60 % of the drains' 300,000
    assert project_progress(built, REPORTED_ON) == Decimal("0.75")  # the day before stays as it was
    built.refresh_from_db()
    assert built.progress_share == Decimal("0.45")


def test_the_weekly_sheet_refuses_a_falling_row_by_row_unless_it_gives_a_reason(
    city, built, drains_done, login
) -> None:  # type: ignore[no-untyped-def]
    header = ["编码", "改造内容", "日期", "累计完成量", "说明", "更正原因"]

    def upload(rows: list[list[object]]) -> SimpleUploadedFile:
        return SimpleUploadedFile(
            "周报.xlsx", write_xlsx([SheetOut(name="进度周报", header=header, rows=rows)])
        )

    rows: list[list[object]] = [
        ["B06", "道路修复与硬化", "2020-09-18", 200, "", ""],
        ["B02", "排水与雨污分流", "2020-09-19", 10, "", ""],
    ]
    with clock.pinned(IN_PROGRESS):
        response = login("shigong").post(f"/projects/{built.pk}/progress/upload/", {"file": upload(rows)})
        assert response.status_code == 400
        page = response.content.decode()
        assert "低于2020-09-15已填报的100米" in page and ">3<" in page  # the sheet's row 3
        assert ProgressReport.objects.filter(item__project=built).count() == 1  # not even the good row
        rows[1][5] = "误填，按复测更正"
        response = login("shigong").post(f"/projects/{built.pk}/progress/upload/", {"file": upload(rows)})
        assert response.status_code == 302
    correction = ProgressReport.objects.get(item=drains_done, on=dt.date(2020, 9, 19))
    assert correction.correction_reason == "误填，按复测更正" and correction.confirmed_on is None


def test_corrections_through_the_api(city, built, drains_done, api_as) -> None:  # type: ignore[no-untyped-def]
    payload = {"item_id": drains_done.pk, "on": "2020-09-20", "quantity_done": "50"}
    with clock.pinned(IN_PROGRESS):
        refused = api_as("shigong").post(
            f"/api/v1/projects/{built.pk}/progress", payload, content_type="application/json"
        )
        assert refused.status_code == 400 and "低于" in refused.json()["error"]["message"]
        created = api_as("shigong").post(
            f"/api/v1/projects/{built.pk}/progress",
            {**payload, "correction_reason": "复测"},
            content_type="application/json",
        )
        assert created.status_code == 201 and created.json()["confirmed_on"] is None
        report_id = created.json()["id"]
        assert (
            api_as("shigong").post(f"/api/v1/projects/{built.pk}/progress/{report_id}/confirm").status_code
            == 403
        )
        confirmed = api_as("jianli").post(f"/api/v1/projects/{built.pk}/progress/{report_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_on"] == "2020-09-20"
    assert project_progress(built) == Decimal("0.375")


def test_the_supervisors_own_correction_is_confirmed_by_the_district(city, built, drains_done) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(IN_PROGRESS):
        correction = services.progress_report(
            by=city["jianli"],
            item_id=drains_done.pk,
            on=IN_PROGRESS,
            quantity_done=Decimal(80),
            correction_reason="监理复核",
        )
        with pytest.raises(Forbidden):  # not by the supervision organization that entered it
            services.progress_correction_confirm(by=city["jianli"], report_id=correction.pk)
        with pytest.raises(Forbidden):  # nor by the builder
            services.progress_correction_confirm(by=city["shigong"], report_id=correction.pk)
        services.progress_correction_confirm(by=city["yongding"], report_id=correction.pk)
    assert project_progress(built) == Decimal("0.6")
