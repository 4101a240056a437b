"""The upload page, its preview and confirm, the background worker, atomicity, the round trip."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import override_settings

from huanxin.estates import services
from huanxin.estates.models import Estate, LedgerImport
from huanxin.estates.tests.ledger_files import HEADER, ROWS, xlsx

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str = "台账.xlsx"):  # type: ignore[no-untyped-def]
    file = io.BytesIO(content)
    file.name = name
    return client.post("/estates/import/", {"file": file})


def test_upload_preview_confirm(login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    response = upload(client, xlsx([HEADER, *ROWS]))
    job = LedgerImport.objects.get()
    assert response["Location"] == f"/estates/import/{job.pk}/"
    preview = client.get(response["Location"]).content.decode()
    assert "检查通过：将新增 2 个小区" in preview and "财政局宿舍" in preview
    assert not Estate.objects.exists()  # nothing before the confirm
    client.post(f"/estates/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.DONE
    assert Estate.objects.count() == 2
    assert "导入完成：新增 2 个小区" in client.get(f"/estates/import/{job.pk}/").content.decode()


def test_a_file_with_errors_shows_them_all_and_cannot_be_confirmed(login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    bad = [
        HEADER,
        ["甲", "永定区", "永定街道", "回龙居委会", "很久以前", 5, 5],
        ["乙", "慈利县", "零阳街道", "南街居委会", 1990, 5, 5],
    ]
    response = upload(client, xlsx(bad))
    page = client.get(response["Location"]).content.decode()
    assert "发现 2 处错误，整个文件未导入" in page
    assert "很久以前" in page and "区县不存在或不在您的辖区内" in page
    job = LedgerImport.objects.get()
    confirm = client.post(f"/estates/import/{job.pk}/confirm/")
    assert confirm.status_code == 302
    assert not Estate.objects.exists()


def test_another_user_cannot_see_or_confirm_my_import(login) -> None:  # type: ignore[no-untyped-def]
    upload(login("yongding"), xlsx([HEADER, *ROWS]))
    job = LedgerImport.objects.get()
    other = login("city")
    assert other.get(f"/estates/import/{job.pk}/").status_code == 404
    assert other.post(f"/estates/import/{job.pk}/confirm/").status_code == 404
    assert not Estate.objects.exists()


def test_roles_without_import_cannot_upload(login) -> None:  # type: ignore[no-untyped-def]
    assert login("shequ").get("/estates/import/").status_code == 403
    assert login("dianli").post("/estates/import/").status_code == 403


def test_a_non_spreadsheet_upload_is_refused_on_the_form(login) -> None:  # type: ignore[no-untyped-def]
    page = upload(login("yongding"), b"%PDF-1.4 hello", "台账.pdf").content.decode()
    assert "只能上传 xlsx、xls、ods 或 csv 文件" in page
    assert not LedgerImport.objects.exists()


def test_a_bad_row_after_ten_thousand_good_ones_writes_nothing(city) -> None:  # type: ignore[no-untyped-def]
    good = [[f"小区{n}", "永定区", "永定街道", "回龙居委会", 1990, 10, 500] for n in range(10_000)]
    content = xlsx([HEADER, *good, ["坏小区", "永定区", "永定街道", "回龙居委会", 1990, "十", 500]])
    job = services.ledger_import_start(by=city["yongding"], file_name="大台账.xlsx", content=content)
    job = services.ledger_import_check(job_id=job.pk)
    assert job.status == LedgerImport.Status.INVALID
    assert job.errors == [
        {"sheet": "台账", "row": 10_002, "column": "户数", "value": "十", "reason": "应为整数"}
    ]
    assert not Estate.objects.exists()


def test_a_run_that_dies_half_way_writes_nothing_and_can_run_again(city, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    services.ledger_apply(
        by=city["yongding"],
        plan=services.ledger_plan(
            by=city["yongding"],
            parsed=services.ledger_read(file_name="a.xlsx", content=xlsx([HEADER, ROWS[0]])),
        ),
    )
    content = xlsx([HEADER, [*ROWS[0][:5], 90, 8950], ROWS[1]])  # one update, one creation
    job = services.ledger_import_start(by=city["yongding"], file_name="b.xlsx", content=content)
    services.ledger_import_check(job_id=job.pk)
    services.ledger_import_confirm(by=city["yongding"], job_id=job.pk)

    from huanxin.estates.services import ledger_import

    real_history_copy = ledger_import.history_copy_rows

    def worker_killed(model, ids, *, kind, by, reason):  # type: ignore[no-untyped-def]
        if kind == "~":
            raise SystemExit("worker killed")  # the creations are written, the updates half-way
        real_history_copy(model, ids, kind=kind, by=by, reason=reason)

    monkeypatch.setattr(ledger_import, "history_copy_rows", worker_killed)
    with pytest.raises(SystemExit):
        services.ledger_import_run(job_id=job.pk)
    assert Estate.objects.count() == 1 and Estate.objects.get().households == 84
    assert LedgerImport.objects.get(pk=job.pk).status == LedgerImport.Status.APPLYING
    monkeypatch.undo()
    done = services.ledger_import_run(job_id=job.pk)
    assert done.status == LedgerImport.Status.DONE
    assert Estate.objects.count() == 2 and Estate.objects.get(name="电力公司宿舍").households == 90


def test_a_change_since_the_preview_refuses_the_confirm(city, login) -> None:  # type: ignore[no-untyped-def]
    services.ledger_apply(
        by=city["yongding"],
        plan=services.ledger_plan(
            by=city["yongding"],
            parsed=services.ledger_read(file_name="a.xlsx", content=xlsx([HEADER, ROWS[0]])),
        ),
    )
    job = services.ledger_import_start(
        by=city["yongding"], file_name="b.xlsx", content=xlsx([HEADER, [*ROWS[0][:5], 90, 8950]])
    )
    services.ledger_import_check(job_id=job.pk)
    estate = Estate.objects.get()
    services.estate_update(
        by=city["city"], estate_id=estate.pk, version=estate.version, changes={"notes": "更正"}
    )
    services.ledger_import_confirm(by=city["yongding"], job_id=job.pk)
    failed = services.ledger_import_run(job_id=job.pk)
    assert failed.status == LedgerImport.Status.FAILED
    assert "请重新上传预览" in failed.failure
    assert Estate.objects.get().households == 84


# The worker closes its database connection between tasks, as a worker must: the test runs
# outside a wrapping transaction so that the next query simply opens a new one.
@pytest.mark.django_db(transaction=True)
@override_settings(
    HUANXIN_IMPORT_INLINE_BYTES=0,
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_large_files_go_through_the_background_worker(login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    response = upload(client, xlsx([HEADER, *ROWS]))
    job = LedgerImport.objects.get()
    assert job.status == LedgerImport.Status.PENDING
    assert 'hx-trigger="every 1s"' in client.get(response["Location"]).content.decode()
    call_command("db_worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.READY
    client.post(f"/estates/import/{job.pk}/confirm/")
    assert LedgerImport.objects.get().status == LedgerImport.Status.APPLYING
    call_command("db_worker", batch=True, verbosity=0)
    assert LedgerImport.objects.get().status == LedgerImport.Status.DONE
    assert Estate.objects.count() == 2


def _left_running(job: LedgerImport, *, attempts: int, minutes_ago: int) -> None:
    """What a worker killed mid-check leaves behind: its task RUNNING, the job checking."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.get(args_kwargs__args=[str(job.pk)])
    for attempt in range(attempts):
        result.claim(f"worker-{attempt}")
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    LedgerImport.objects.filter(pk=job.pk).update(status=LedgerImport.Status.CHECKING)


@pytest.mark.django_db(transaction=True)
@override_settings(
    HUANXIN_IMPORT_INLINE_BYTES=0,
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_a_check_left_running_by_a_dead_worker_is_taken_up_by_the_next_one(login) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    upload(login("yongding"), xlsx([HEADER, *ROWS]))
    job = LedgerImport.objects.get()
    _left_running(job, attempts=1, minutes_ago=5)
    call_command("db_worker", batch=True, verbosity=0)
    assert LedgerImport.objects.get().status == LedgerImport.Status.CHECKING  # 5 minutes: maybe alive
    _left_running(job, attempts=0, minutes_ago=90)  # the same dead worker's task, now long gone
    call_command("db_worker", batch=True, verbosity=0)
    assert LedgerImport.objects.get().status == LedgerImport.Status.READY  # checked again, to the end
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(
    HUANXIN_IMPORT_INLINE_BYTES=0,
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
)
def test_a_check_that_killed_its_worker_twice_ends_failed_with_its_reason(login) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    response = upload(login("yongding"), xlsx([HEADER, *ROWS]))
    job = LedgerImport.objects.get()
    _left_running(job, attempts=2, minutes_ago=90)
    call_command("tasks_recover", verbosity=0)
    job.refresh_from_db()
    assert job.status == LedgerImport.Status.FAILED and "后台任务中断" in job.failure
    assert DBTaskResult.objects.get().status == "FAILED"
    assert "后台任务中断" in login("yongding").get(response["Location"]).content.decode()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(login, make_estate, fmt: str) -> None:  # type: ignore[no-untyped-def]
    make_estate(
        "老街小区",
        aliases="老街、老街宿舍",
        address="解放路12号",
        notes="第一行\n第二行，含全角标点（一期）",
        latitude=Decimal("29.131520"),
        longitude=Decimal("110.476210"),
        management_mode="self_managed",
        building_count=3,
        property_right_unit="张家界市交通局",
    )
    make_estate("新城花园", year_built=2008)
    make_estate("零阳小区", community="430821001001")
    client = login("yongding")
    exported = client.get(f"/estates/export.{fmt}")
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"]
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    parsed = services.ledger_read(file_name=f"export.{fmt}", content=content)
    plan = services.ledger_plan(by=login("yongding").get("/").wsgi_request.user, parsed=parsed)
    assert plan.errors == []
    assert len(parsed.rows) == 2  # 零阳小区 is 慈利县's, not in yongding's export
    assert plan.summary() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "errors": 0,
        "warnings": 0,
        "duplicates": 0,
    }


def test_the_export_follows_the_list_filters(login, make_estate) -> None:  # type: ignore[no-untyped-def]
    make_estate("老街小区", year_built=1988)
    make_estate("新城花园", year_built=2008)
    content = login("yongding").get("/estates/export.csv?old=true").content.decode("utf-8-sig")
    assert "老街小区" in content and "新城花园" not in content
    from huanxin.core.spreadsheets import read_tables

    workbook = login("yongding").get("/estates/export.xlsx?old=true&year_min=1980").content
    title = read_tables(name="x.xlsx", content=workbook)[0].rows[0][0]
    assert title == "小区台账（建成年份起：1980；老旧小区：是；截至2020-09-01）"  # the filters and the day
    workbook = login("yongding").get("/estates/export.xlsx?region=430802&sort=-area").content
    title = read_tables(name="x.xlsx", content=workbook)[0].rows[0][0]
    assert title == "小区台账（区划：永定区；截至2020-09-01）"  # a region by its name; the order is no filter


def test_the_blank_template_reads_back_as_a_ledger_with_instructions(login) -> None:  # type: ignore[no-untyped-def]
    content = login("shequ").get("/estates/import/template.xlsx").content
    from huanxin.core.spreadsheets import read_tables

    tables = read_tables(name="模板.xlsx", content=content)
    assert [table.sheet for table in tables] == ["小区台账", "填表说明"]
    assert tables[0].rows[0][1] == "小区名称*"
    assert "必须填写" in tables[1].rows[1][0]


def test_running_a_finished_import_again_writes_nothing_more(city) -> None:  # type: ignore[no-untyped-def]
    job = services.ledger_import_start(by=city["yongding"], file_name="a.xlsx", content=xlsx([HEADER, *ROWS]))
    services.ledger_import_check(job_id=job.pk)
    services.ledger_import_confirm(by=city["yongding"], job_id=job.pk)
    assert services.ledger_import_run(job_id=job.pk).status == LedgerImport.Status.DONE
    assert services.ledger_import_run(job_id=job.pk).status == LedgerImport.Status.DONE  # a second click
    assert Estate.objects.count() == 2


def test_new_estates_take_the_next_serials_of_their_community_with_history(city) -> None:  # type: ignore[no-untyped-def]
    """Serials continue after the community's highest (a gap left by a hand-given code counts),
    and each new estate is written with its creation in history."""
    from huanxin.regions.models import Region

    huilong = Region.objects.get(code="430802001001")
    for code in ("430802001001-001", "430802001001-007"):
        services.estate_create(
            by=city["admin"],
            code=code,
            changes={
                "name": f"旧{code[-3:]}",
                "region": huilong,
                "year_built": 1990,
                "households": 10,
                "floor_area_m2": Decimal("800.00"),
            },
        )
    rows = [[f"新小区{n}", "永定区", "永定街道", "回龙居委会", 1991, 20, 1500] for n in range(3)]
    job = services.ledger_import_start(
        by=city["yongding"], file_name="回龙.xlsx", content=xlsx([HEADER, *rows])
    )
    services.ledger_import_check(job_id=job.pk)
    services.ledger_import_confirm(by=city["yongding"], job_id=job.pk)
    services.ledger_import_run(job_id=job.pk)
    new = Estate.objects.filter(name__startswith="新小区").order_by("code")
    assert [estate.code[-3:] for estate in new] == ["008", "009", "010"]
    assert [e.name for e in new] == ["新小区0", "新小区1", "新小区2"]
    for estate in new:
        assert list(estate.history.values_list("history_type", flat=True)) == ["+"]
