"""The schedule: milestones done or late, the delay flag from the forecast end (the same in SQL
as in the rule), the city's re-approval of an over-budget design, and progress as a weekly
xlsx sheet with the ledger's error rules."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huanxin.core import clock
from huanxin.core.errors import Forbidden, Invalid, NotFound, Refused
from huanxin.core.spreadsheets import SheetOut, read_tables, write_xlsx
from huanxin.projects import rules, services
from huanxin.projects.models import ProgressReport, Project
from huanxin.projects.querysets import project_progress, with_flags
from huanxin.projects.tests.conftest import IN_PROGRESS, STARTED_ON, design, move

pytestmark = pytest.mark.django_db


def test_the_forecast_extrapolates_the_pace_so_far() -> None:
    start = dt.date(2020, 5, 1)
    assert rules.forecast_end(start, dt.date(2020, 5, 31), Decimal("0.5")) == dt.date(2020, 6, 30)
    assert rules.forecast_end(start, dt.date(2020, 5, 31), Decimal(0)) is None
    assert rules.forecast_end(start, dt.date(2020, 5, 31), Decimal(1)) == dt.date(2020, 5, 31)
    assert rules.is_delayed(
        rules.CONSTRUCTION, dt.date(2020, 6, 15), dt.date(2020, 6, 30), dt.date(2020, 6, 1)
    )
    assert not rules.is_delayed(rules.ACCEPTED, dt.date(2020, 6, 15), None, dt.date(2020, 9, 1))
    assert rules.milestone_late(dt.date(2020, 6, 1), None, dt.date(2020, 6, 2))
    # reached late: late from its due date until the day it was reached, then done (late)
    assert rules.milestone_late(dt.date(2020, 6, 1), dt.date(2020, 6, 3), dt.date(2020, 6, 2))
    assert not rules.milestone_late(dt.date(2020, 6, 1), dt.date(2020, 6, 3), dt.date(2020, 9, 1))
    assert (
        rules.milestone_status(dt.date(2020, 6, 1), dt.date(2020, 6, 3), dt.date(2020, 9, 1)) == "done_late"
    )
    assert not rules.milestone_late(dt.date(2020, 6, 1), dt.date(2020, 6, 1), dt.date(2020, 9, 1))
    # never reached, the project accepted on 2020-08-01: late until then, closed after
    assert rules.milestone_late(dt.date(2020, 6, 1), None, dt.date(2020, 7, 31), dt.date(2020, 8, 1))
    assert (
        rules.milestone_status(dt.date(2020, 6, 1), None, dt.date(2020, 8, 1), dt.date(2020, 8, 1))
        == "closed"
    )


@given(
    days=st.integers(min_value=1, max_value=2000),
    share=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("0.9999"), places=4),
)
def test_at_the_forecast_pace_the_work_ends_on_the_forecast_day(days: int, share: Decimal) -> None:
    start = dt.date(2020, 1, 1)
    forecast = rules.forecast_end(start, start + dt.timedelta(days=days), share)
    assert forecast is not None
    total = (forecast - start).days
    assert total * share >= days > (total - 1) * share  # the first whole day that reaches 100 %


STATES = st.sampled_from(list(rules.STATES))
DATES = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2021, 12, 31))


@pytest.mark.parametrize("today", [dt.date(2020, 9, 1), dt.date(2021, 3, 1)])
def test_the_delay_flag_in_sql_is_the_rule(city, project, today) -> None:  # type: ignore[no-untyped-def]
    """Every combination of state, planned end and forecast that matters, written to the row and
    read back through `with_flags`."""
    ends = [None, dt.date(2020, 8, 1), dt.date(2020, 12, 31)]
    forecasts = [None, dt.date(2020, 7, 1), dt.date(2021, 2, 1)]
    for state in rules.STATES:
        for end in ends:
            for forecast in forecasts:
                Project.objects.filter(pk=project.pk).update(
                    state=state, planned_end=end, forecast_end=forecast
                )
                flagged = with_flags(Project.objects.filter(pk=project.pk), today).get().delayed
                assert flagged == rules.is_delayed(state, end, forecast, today), (state, end, forecast)


def test_reports_keep_progress_and_forecast_and_the_list_flags_the_late(city, built, login) -> None:  # type: ignore[no-untyped-def]
    drains, roads = built.items.order_by("item__code")
    services.progress_report(by=city["shigong"], item_id=roads.pk, on=IN_PROGRESS, quantity_done=Decimal(100))
    built.refresh_from_db()
    # 8 days for 2.5 % of the budget: a forecast far past the planned end of 30 Nov
    assert built.progress_share == Decimal("0.0250")
    assert built.forecast_end == STARTED_ON + dt.timedelta(days=320)
    page = login("yongding").get("/projects/?late=1").content.decode()
    assert "市委二号院改造项目" in page and "滞后" in page
    services.progress_report(
        by=city["shigong"], item_id=drains.pk, on=IN_PROGRESS, quantity_done=Decimal(100)
    )
    built.refresh_from_db()
    assert built.forecast_end == dt.date(2020, 9, 23)  # 77.5 % in 8 days: 10.3 days, rounded up
    assert "市委二号院改造项目" not in login("yongding").get("/projects/?late=1").content.decode()


def test_milestones_are_set_by_staff_and_reached_by_the_builder(city, built, login) -> None:  # type: ignore[no-untyped-def]
    services.milestones_set(
        by=city["yongding"],
        project_id=built.pk,
        version=built.version,
        rows=[
            {"name": "管网完工", "due_on": dt.date(2020, 9, 15), "done_on": None},
            {"name": "竣工", "due_on": dt.date(2020, 11, 30), "done_on": None},
        ],
    )
    assert with_flags(Project.objects.filter(pk=built.pk)).get().milestone_late
    milestone = built.milestones.get(name="管网完工")
    with pytest.raises(Forbidden):
        services.milestones_set(by=city["shigong"], project_id=built.pk, version=built.version + 1, rows=[])
    services.milestone_done(by=city["shigong"], milestone_id=milestone.pk, done_on=dt.date(2020, 9, 14))
    assert not with_flags(Project.objects.filter(pk=built.pk)).get().milestone_late
    with pytest.raises(Invalid):
        services.milestone_done(by=city["shigong"], milestone_id=milestone.pk, done_on=dt.date(2020, 12, 1))
    assert "按期完成" in login("shigong").get(f"/projects/{built.pk}/").content.decode()


def test_only_the_supervisor_or_the_district_marks_the_completion(city, built, login) -> None:  # type: ignore[no-untyped-def]
    """竣工 judges the builder's work: the builder cannot mark it, the supervisor and the district can."""
    services.milestones_set(
        by=city["yongding"],
        project_id=built.pk,
        version=built.version,
        rows=[{"name": "竣工", "due_on": dt.date(2020, 11, 30), "done_on": None}],
    )
    completion = built.milestones.get()
    builder_page = login("shigong").get(f"/projects/{built.pk}/").content.decode()
    assert f"/milestones/{completion.pk}/done/" not in builder_page  # no button it may not use
    with pytest.raises(Forbidden, match="竣工节点由监理单位或区县住建局确认"):
        services.milestone_done(by=city["shigong"], milestone_id=completion.pk, done_on=dt.date(2020, 9, 20))
    assert (
        f"/milestones/{completion.pk}/done/" in login("jianli").get(f"/projects/{built.pk}/").content.decode()
    )
    services.milestone_done(by=city["jianli"], milestone_id=completion.pk, done_on=dt.date(2020, 9, 20))
    completion.refresh_from_db()
    assert completion.done_on == dt.date(2020, 9, 20)


def test_the_schedule_form_saves_dates_phone_and_milestones(city, built, login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    response = client.post(
        f"/projects/{built.pk}/schedule/",
        {
            "version": built.version,
            "planned_start": "2020-09-12",
            "planned_end": "2020-12-15",
            "contact_phone": "0744-8221234",
            "milestone_name": ["管网完工", ""],
            "milestone_due": ["2020-10-10", ""],
            "milestone_done": ["", ""],
        },
    )
    assert response.status_code == 302
    built.refresh_from_db()
    assert (built.planned_end, built.contact_phone) == (dt.date(2020, 12, 15), "0744-8221234")
    assert list(built.milestones.values_list("name", "due_on")) == [("管网完工", dt.date(2020, 10, 10))]
    bad = client.post(
        f"/projects/{built.pk}/schedule/",
        {"version": built.version, "planned_start": "2020-12-31", "planned_end": "2020-10-01"},
        follow=True,
    )
    assert "计划竣工日期不能早于计划开工日期" in bad.content.decode()


def test_an_over_budget_design_waits_for_the_citys_reapproval(city, project, login) -> None:  # type: ignore[no-untyped-def]
    move(city["yongding"], project, rules.DESIGN)
    design(city["yongding"], project, [("B02", Decimal(100), Decimal(11500))])  # 1,150,000: 15 % over
    with pytest.raises(Refused, match="超过批准估算10%以上"):
        move(city["yongding"], project, rules.PUBLICITY)
    project.refresh_from_db()
    with pytest.raises(Forbidden):
        services.project_reapprove(by=city["yongding"], project_id=project.pk, version=project.version)
    assert "重新批准设计预算" in login("city").get(f"/projects/{project.pk}/?tab=items").content.decode()
    login("city").post(f"/projects/{project.pk}/reapprove/", {"version": project.version})
    project.refresh_from_db()
    assert project.reapproved_budget_yuan == Decimal("1150000.00")
    design(city["yongding"], project, [("B02", Decimal(100), Decimal(12000))])  # larger again
    with pytest.raises(Refused, match="市级重新批准"):
        move(city["yongding"], project, rules.PUBLICITY)
    design(city["yongding"], project, [("B02", Decimal(100), Decimal(11000))])
    assert move(city["yongding"], project, rules.PUBLICITY).state == rules.PUBLICITY
    project.refresh_from_db()
    with pytest.raises(Refused, match="无须重新批准"):
        services.project_reapprove(by=city["city"], project_id=project.pk, version=project.version)


def test_the_item_editor_saves_the_design(city, project, login) -> None:  # type: ignore[no-untyped-def]
    from huanxin.catalog.models import MenuItem

    move(city["yongding"], project, rules.DESIGN)
    project.refresh_from_db()
    b02 = MenuItem.objects.get(code="B02")
    client = login("yongding")
    assert 'name="quantity_' in client.get(f"/projects/{project.pk}/?tab=items").content.decode()
    client.post(
        f"/projects/{project.pk}/items/",
        {"version": project.version, f"quantity_{b02.pk}": "120", f"cost_{b02.pk}": "2,500"},
    )
    item = project.items.get()
    assert (item.item, item.quantity, item.budget_yuan) == (b02, Decimal(120), Decimal("300000.00"))
    page = client.post(
        f"/projects/{project.pk}/items/",
        {"version": project.version + 1, f"quantity_{b02.pk}": "很多", f"cost_{b02.pk}": "1"},
        follow=True,
    ).content.decode()
    assert "工程量应为数字：很多" in page
    assert project.items.get().quantity == Decimal(120)


def weekly_sheet(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    return write_xlsx(
        [
            SheetOut(
                name="进度周报",
                title="市委二号院 施工进度周报",
                header=header or ["编码", "改造内容", "日期", "累计完成量", "说明"],
                rows=rows,
            )
        ]
    )


def test_a_weekly_sheet_becomes_reports(city, built, login) -> None:  # type: ignore[no-untyped-def]
    content = weekly_sheet(
        [
            ["B02", "", dt.date(2020, 9, 15), 40, "雨污管网铺设"],
            ["", "道路修复与硬化", "2020/9/18", "250平方米", ""],
            ["B02", "", "2020年9月19日", 70, ""],
        ],
        header=["编码", "改造内容", "日期", "累计完成量", "说明"],
    )
    result = services.progress_upload(
        by=city["shigong"], project_id=built.pk, file_name="周报.xlsx", content=content
    )
    assert result == {"errors": [], "reports": 3}
    assert project_progress(built, dt.date(2020, 9, 16)) == Decimal("0.3000")  # 40 % of ¾
    assert project_progress(built) == Decimal("0.5875")  # 70 % of ¾ + 25 % of ¼


def test_a_sheet_with_errors_writes_nothing_and_names_every_error(city, built) -> None:  # type: ignore[no-untyped-def]
    content = weekly_sheet(
        [
            ["B02", "", "2020-09-15", 40, ""],
            ["B99", "", "2020-09-15", 1, ""],
            ["", "道路修复与硬化", "2020-10-15", 10, ""],
            ["", "道路修复与硬化", "2020-09-15", -3, ""],
            ["B02", "", "下周", 5000, ""],
            ["B02", "", "2020-09-15", 41, ""],
        ]
    )
    result = services.progress_upload(
        by=city["shigong"], project_id=built.pk, file_name="周报.xlsx", content=content
    )
    errors = [(e["row"], e["column"], e["value"], e["reason"]) for e in result["errors"]]
    assert errors == [
        (4, "编码", "B99", "不是本项目设计中的改造内容"),
        (5, "日期", "2020-10-15", "不能填报未来日期的进度"),
        (6, "累计完成量", "-3", "不能为负数"),
        (7, "日期", "下周", "无法识别的日期，应写作2020-08-31"),
        (7, "累计完成量", "5000", "超过设计工程量100米的120%"),
        (8, "编码", "B02", "与第3行是同一改造内容、同一日期"),
    ]
    assert all(e["sheet"] == "进度周报" for e in result["errors"])
    assert not ProgressReport.objects.exists()


def test_a_sheet_without_the_columns_says_so(city, built) -> None:  # type: ignore[no-untyped-def]
    content = weekly_sheet([["B02", 1]], header=["编码", "数量"])
    result = services.progress_upload(
        by=city["shigong"], project_id=built.pk, file_name="周报.xlsx", content=content
    )
    assert [e["reason"] for e in result["errors"]] == [
        "没有找到进度表表头（需包含改造内容、日期、累计完成量列）"
    ]


def test_the_template_filled_in_comes_back(city, built, login) -> None:  # type: ignore[no-untyped-def]
    client = login("shigong")
    template = client.get(f"/projects/{built.pk}/progress/template.xlsx")
    assert template.status_code == 200
    rows = read_tables(name="t.xlsx", content=template.content)[0].rows
    assert rows[1][:2] == ["编码", "改造内容"] and [row[0] for row in rows[2:]] == ["B02", "B06"]
    assert rows[1][3:7] == ["设计工程量", "上次填报", "日期", "累计完成量"]
    filled = [[*row[:5], "2020-09-19", row[3], "完工", ""] for row in rows[2:]]
    sheet = write_xlsx([SheetOut(name="进度周报", header=rows[1], rows=filled)])
    upload = __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
        "周报.xlsx", sheet
    )
    response = client.post(f"/projects/{built.pk}/progress/upload/", {"file": upload})
    assert response.status_code == 302
    assert project_progress(built) == Decimal(1)


def test_the_upload_page_lists_the_errors(city, built, login) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("周报.xlsx", weekly_sheet([["B99", "", "2020-09-15", 1, ""]]))
    response = login("shigong").post(f"/projects/{built.pk}/progress/upload/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "进度表未导入" in page and "不是本项目设计中的改造内容" in page


def test_only_the_projects_own_contractors_upload(city, built) -> None:  # type: ignore[no-untyped-def]
    content = weekly_sheet([["B02", "", "2020-09-15", 40, ""]])
    for outsider in ("cili", "guanliping", "yeweihui"):
        with pytest.raises((Forbidden, NotFound)):
            services.progress_upload(
                by=city[outsider], project_id=built.pk, file_name="周报.xlsx", content=content
            )
    assert not ProgressReport.objects.exists()


def test_progress_cannot_be_uploaded_before_construction(city, project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused):
        services.progress_upload(
            by=city["yongding"], project_id=project.pk, file_name="周报.xlsx", content=weekly_sheet([])
        )


def test_the_progress_form_reports_several_items_at_once(city, built, login) -> None:  # type: ignore[no-untyped-def]
    drains, roads = built.items.order_by("item__code")
    client = login("shigong")
    assert 'id="progress-form"' in client.get(f"/projects/{built.pk}/?tab=progress").content.decode()
    client.post(
        f"/projects/{built.pk}/progress/",
        {"on": "2020-09-19", f"done_{drains.pk}": "100", f"done_{roads.pk}": "500", "note": "周报"},
    )
    assert project_progress(built) == Decimal("0.8750")
    page = client.post(
        f"/projects/{built.pk}/progress/",
        {"on": "2020-09-19", f"done_{drains.pk}": "100", f"done_{roads.pk}": "99999"},
        follow=True,
    ).content.decode()
    assert "累计完成量应在0到设计工程量的120%之间" in page
    assert ProgressReport.objects.count() == 2  # the form's reports are all or none


def test_every_tab_renders_for_every_role_that_sees_the_project(city, built, login) -> None:  # type: ignore[no-untyped-def]
    for username in ("city", "yongding", "guanliping", "shequ", "shigong", "jianli", "audit"):
        client = login(username)
        for tab in ("overview", "items", "progress", "acceptance", "history"):
            assert client.get(f"/projects/{built.pk}/?tab={tab}").status_code == 200, (username, tab)


def test_the_list_filters_by_contractor(city, built, login) -> None:  # type: ignore[no-untyped-def]
    from huanxin.accounts.models import Organization

    builder = Organization.objects.get(name="张家界市建工集团有限公司")
    client = login("yongding")
    assert "市委二号院改造项目" in client.get(f"/projects/?contractor={builder.pk}").content.decode()
    other = Organization.objects.exclude(pk=builder.pk).filter(kind="construction").first()
    if other is None:
        other = Organization.objects.create(name="另一施工企业", kind="construction", region=builder.region)
    assert "市委二号院改造项目" not in client.get(f"/projects/?contractor={other.pk}").content.decode()
    with clock.pinned(dt.date(2020, 9, 20)):
        assert client.get("/projects/?contractor=abc&late=1&region=43").status_code == 200


def test_the_list_exports_as_filtered(city, built, login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    response = client.get("/projects/export.xlsx?state=construction")
    assert response.status_code == 200
    rows = read_tables(name="p.xlsx", content=response.content)[0].rows
    assert rows[0][0] == "改造项目（状态：施工；截至2020-09-20）"  # the filters and the day, above the header
    assert rows[1][:2] == ["项目名称", "区县"] and rows[2][0] == "市委二号院改造项目（2021年）"
    assert rows[2][6] == "施工" and rows[2][15] == "张家界市建工集团有限公司"
    assert rows[1][8] == "批准估算（元）"  # yuan to add up in Excel, the unit in the header
    none = read_tables(name="p.xlsx", content=client.get("/projects/export.xlsx?state=accepted").content)[0]
    assert len(none.rows) == 2  # the title and the header only
    from huanxin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="project.export").count() == 2


def test_the_export_title_names_every_filter_in_words(city, built, login) -> None:  # type: ignore[no-untyped-def]
    from huanxin.accounts.models import Organization

    builder = Organization.objects.get(name="张家界市建工集团有限公司")
    query = f"region=430802&state=construction&year=2021&contractor={builder.pk}&late=1&as_of=2020-09-15"
    rows = read_tables(name="p.xlsx", content=login("yongding").get(f"/projects/export.xlsx?{query}").content)
    assert rows[0].rows[0][0] == (
        "改造项目（区划：永定区；状态：施工；计划年度：2021；参建单位：张家界市建工集团有限公司；"
        "滞后或节点逾期：是；截至2020-09-15）"
    )
    everything = login("yongding").get("/projects/export.xlsx?region=43&contractor=x").content
    assert read_tables(name="p.xlsx", content=everything)[0].rows[0][0] == "改造项目（全部；截至2020-09-20）"


def test_the_list_shows_every_estimate_in_wan_yuan(city, built, login) -> None:  # type: ignore[no-untyped-def]
    page = login("yongding").get("/projects/").content.decode()
    assert "批准估算（万元）" in page and "万元</td>" not in page
    assert page.count('<span title="1,000,000.00 元">100.00</span>') == 2  # the row and the total


def test_a_bad_filter_says_so_and_filters_nothing(city, built, login) -> None:  # type: ignore[no-untyped-def]
    page = (
        login("yongding")
        .get("/projects/?region=43&year=²&contractor=99999999999999999999999")
        .content.decode()
    )
    assert "区划代码应为6、9或12位数字" in page and "市委二号院改造项目" in page
