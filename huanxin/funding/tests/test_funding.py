"""Money (SPEC 4.8): sources as data, a funding plan that must equal the design budget before
construction, a ledger of receipts and payments that only grows, advances flagged until covered,
and rollups with their rates."""

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from huanxin.core import clock
from huanxin.core.errors import Forbidden, Invalid, NotFound, Refused, StaleEdit
from huanxin.core.spreadsheets import read_tables
from huanxin.funding import rules, services
from huanxin.funding.models import FundingSource, LedgerEntry
from huanxin.funding.querysets import advanced_projects, funds_summary, project_money
from huanxin.funding.tests.conftest import source
from huanxin.projects import rules as project_rules
from huanxin.projects.tests.conftest import STARTED_ON, move

pytestmark = pytest.mark.django_db


# --- rules -----------------------------------------------------------------------------------


def test_amounts_are_whole_fen() -> None:
    assert rules.amount_in_fen(Decimal("1234.5")) == Decimal("1234.50")
    for bad in ("0", "-1", "0.001", "1e13", "NaN", "Infinity"):
        with pytest.raises(rules.AmountRefused):
            rules.amount_in_fen(Decimal(bad))


FEN = st.integers(min_value=1, max_value=10**11).map(lambda fen: Decimal(fen) / 100)


@given(
    entries=st.lists(st.tuples(st.sampled_from([rules.RECEIPT, rules.PAYMENT]), FEN), max_size=30),
    reversed_indexes=st.sets(st.integers(min_value=0, max_value=29)),
)
def test_reversals_cancel_exactly_and_sums_add_up(entries, reversed_indexes) -> None:  # type: ignore[no-untyped-def]
    """Reversing some entries gives the same totals as never having made them, to the fen."""
    ledger = [rules.Entry(kind, amount) for kind, amount in entries]
    reversals = [
        rules.Entry(kind, -amount) for i, (kind, amount) in enumerate(entries) if i in reversed_indexes
    ]
    kept = [
        rules.Entry(kind, amount) for i, (kind, amount) in enumerate(entries) if i not in reversed_indexes
    ]
    with_reversals = rules.totals(Decimal(100), ledger + reversals)
    assert (with_reversals.received, with_reversals.paid) == (
        rules.totals(Decimal(100), kept).received,
        rules.totals(Decimal(100), kept).paid,
    )
    assert with_reversals.received == sum((e.amount for e in kept if e.kind == rules.RECEIPT), Decimal(0))
    assert with_reversals.received == with_reversals.received.quantize(Decimal("0.01"))  # whole fen


def test_rates() -> None:
    totals = rules.Totals(planned=Decimal(1000), received=Decimal(800), paid=Decimal(600))
    assert (totals.in_place_rate, totals.execution_rate, totals.advanced) == (
        Fraction(4, 5),
        Fraction(3, 4),
        Decimal(0),
    )
    assert rules.Totals(Decimal(0), Decimal(0), Decimal(10)).advanced == Decimal(10)
    assert rules.Totals(Decimal(0), Decimal(0), Decimal(0)).in_place_rate is None


# --- the plan and its guard ------------------------------------------------------------------


def test_construction_waits_for_a_plan_equal_to_the_design_budget(city, designed) -> None:  # type: ignore[no-untyped-def]
    with clock.pinned(STARTED_ON), pytest.raises(Refused, match="尚未编制资金计划"):
        move(city["yongding"], designed, project_rules.CONSTRUCTION)
    plan = services.funding_plan_set(
        by=city["yongding"],
        project_id=designed.pk,
        version=None,
        lines={source("G01"): Decimal("300000"), source("G04"): Decimal("99999.99")},
    )
    with (
        clock.pinned(STARTED_ON),
        pytest.raises(Refused, match=r"资金计划合计399,999\.99元，与设计预算400,000\.00元不符"),
    ):
        move(city["yongding"], designed, project_rules.CONSTRUCTION)
    with pytest.raises(StaleEdit):
        services.funding_plan_set(
            by=city["city"], project_id=designed.pk, version=None, lines={source("G01"): Decimal(1)}
        )
    services.funding_plan_set(
        by=city["yongding"],
        project_id=designed.pk,
        version=plan.version,
        lines={source("G01"): Decimal("300000"), source("G04"): Decimal("100000.00")},
    )
    with clock.pinned(STARTED_ON):
        assert (
            move(city["yongding"], designed, project_rules.CONSTRUCTION).state == project_rules.CONSTRUCTION
        )


def test_a_plan_line_is_whole_fen_from_a_source_in_use(city, designed) -> None:  # type: ignore[no-untyped-def]
    retired = FundingSource.objects.create(code="X99", name="已停用来源", kind="government", retired=True)
    with pytest.raises(Invalid) as invalid:
        services.funding_plan_set(
            by=city["yongding"],
            project_id=designed.pk,
            version=None,
            lines={source("G01"): Decimal("1.005"), retired.pk: Decimal(1)},
        )
    assert {d["field"] for d in invalid.value.details} == {f"lines.{source('G01')}", f"lines.{retired.pk}"}
    for outsider in ("cili", "shigong", "guanliping"):
        with pytest.raises((Forbidden, NotFound)):
            services.funding_plan_set(
                by=city[outsider], project_id=designed.pk, version=None, lines={source("G01"): Decimal(1)}
            )


# --- the ledger -------------------------------------------------------------------------------


def record(city, project, kind, amount, code="G01", **more):  # type: ignore[no-untyped-def]
    return services.ledger_record(
        by=city["yongding"],
        project_id=project.pk,
        source_id=source(code),
        kind=kind,
        amount=Decimal(amount),
        on=dt.date(2020, 9, 1),
        document_number=more.pop("document_number", "DW-1"),
        **more,
    )


def test_payments_beyond_receipts_need_the_districts_advance(city, funded) -> None:  # type: ignore[no-untyped-def]
    record(city, funded, "receipt", "100000")
    record(city, funded, "payment", "60000")
    with pytest.raises(Refused, match=r"超过其已到位100,000\.00元"):
        record(city, funded, "payment", "50000")
    record(city, funded, "payment", "50000", advance=True)
    assert list(advanced_projects(city["yongding"])) == [funded.pk]
    _lines, overall = project_money(funded)
    assert (overall.received, overall.paid, overall.advanced) == (
        Decimal(100000),
        Decimal(110000),
        Decimal(10000),
    )
    record(city, funded, "receipt", "10000", code="G04")
    assert list(advanced_projects(city["yongding"])) == [funded.pk]  # another source covers nothing
    record(city, funded, "receipt", "10000", code="G01", document_number="DW-3")
    assert list(advanced_projects(city["yongding"])) == []  # covered


def test_a_rate_above_100_percent_says_why(city, funded, login) -> None:  # type: ignore[no-untyped-def]
    """688 % bare reads as an error: the page says the district advanced the difference."""
    record(city, funded, "receipt", "10000")
    record(city, funded, "payment", "68800", advance=True)
    page = login("yongding").get(f"/funding/projects/{funded.pk}/").content.decode()
    execution = page.split('id="execution-rate">')[1].split("</td>")[0]
    assert execution.startswith("688.0%") and "含垫付" in execution and "先行垫付" in execution
    within = page.split('id="in-place-rate">')[1].split("</td>")[0]
    assert within == "2.5%"  # 10,000 of 400,000: no note below 100 %
    rollup = login("city").get("/funding/?group=source&as_of=2020-09-20").content.decode()
    assert "含垫付" in rollup.split('id="total-execution">')[1].split("</td>")[0]


def test_a_correction_is_a_reversal_never_an_edit(city, funded) -> None:  # type: ignore[no-untyped-def]
    wrong = record(city, funded, "receipt", "100000")
    with pytest.raises(Invalid):
        services.ledger_reverse(by=city["yongding"], project_id=wrong.project_id, entry_id=wrong.pk, note=" ")
    reversal = services.ledger_reverse(
        by=city["yongding"], project_id=wrong.project_id, entry_id=wrong.pk, note="金额录错"
    )
    assert (reversal.amount_yuan, reversal.reverses) == (Decimal("-100000.00"), wrong)
    with pytest.raises(Refused, match="已经冲销过了"):
        services.ledger_reverse(
            by=city["yongding"], project_id=wrong.project_id, entry_id=wrong.pk, note="再来一次"
        )
    with pytest.raises(Refused, match="冲销记录不能再冲销"):
        services.ledger_reverse(
            by=city["yongding"], project_id=wrong.project_id, entry_id=reversal.pk, note="撤销冲销"
        )
    record(city, funded, "receipt", "10000", document_number="DW-2")
    assert LedgerEntry.objects.filter(project=funded).count() == 3  # the ledger only grew
    assert project_money(funded)[1].received == Decimal(10000)
    wrong.refresh_from_db()
    assert wrong.amount_yuan == Decimal("100000.00")  # the original stands, as it was written


def test_bad_entries_are_refused_with_reasons(city, funded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as invalid:
        services.ledger_record(
            by=city["yongding"],
            project_id=funded.pk,
            source_id=source("G01"),
            kind="receipt",
            amount=Decimal(10),
            on=dt.date(2030, 1, 1),
            document_number="",
        )
    assert {d["field"] for d in invalid.value.details} == {"on", "document_number"}
    with pytest.raises(Invalid, match="到分"):
        record(city, funded, "receipt", "10.001")
    with pytest.raises(Invalid):
        record(city, funded, "gift", "10")
    assert not LedgerEntry.objects.exists()


# --- rollups, pages, summary -----------------------------------------------------------------


def test_the_rollup_page_shows_rates_and_exports(city, funded, login) -> None:  # type: ignore[no-untyped-def]
    record(city, funded, "receipt", "200000")
    record(city, funded, "payment", "50000")
    client = login("city")
    page = client.get("/funding/?group=source&as_of=2020-09-20").content.decode()
    assert "中央补助资金" in page and "市级财政资金" in page
    assert 'id="total-in-place">50.0%' in page and 'id="total-execution">25.0%' in page
    rows = read_tables(
        name="x.xlsx", content=client.get("/funding/export.xlsx?group=kind&as_of=2020-09-20").content
    )[0].rows
    assert rows[0][0] == "改造资金统计（分组：来源类别；截至2020-09-20）"  # what, how grouped, which day
    assert (
        rows[1][0] == "来源类别" and rows[2][0] == "政府" and rows[-1][0] == "合计" and rows[-1][1] == 400000
    )
    assert rows[1][1:4] == ["计划（元）", "到位（元）", "支出（元）"]  # yuan, summed in Excel: the unit said
    assert login("cili").get("/funding/").content.decode().count("中央补助资金") == 0


def test_the_rollup_export_names_the_region_in_words(city, funded, login) -> None:  # type: ignore[no-untyped-def]
    export = login("city").get("/funding/export.xlsx?region=430802&group=district&as_of=2020-09-20")
    title = read_tables(name="x.xlsx", content=export.content)[0].rows[0][0]
    assert title == "改造资金统计（区划：永定区；分组：区县；截至2020-09-20）"
    export = login("city").get("/funding/export.xlsx?region=43x&group=nonsense")  # ignored, as on the page
    title = read_tables(name="x.xlsx", content=export.content)[0].rows[0][0]
    assert title == "改造资金统计（分组：来源类别；截至2020-09-01）"


def test_a_money_column_reads_in_wan_yuan_on_every_row(city, funded, login) -> None:  # type: ignore[no-untyped-def]
    """8,800 yuan and 100,000 yuan in one column: both in 万元 with two decimals, never 元 beside 万元."""
    record(city, funded, "receipt", "8800", code="G01")
    record(city, funded, "receipt", "100000", code="G04")
    page = login("city").get("/funding/?group=source&as_of=2020-09-20").content.decode()
    table = re.search(r'<table[^>]*id="money-rollup".*?</table>', page, re.S)
    assert table, "no rollup table"
    header = re.findall(r"<th[^>]*>(.*?)</th>", table.group(0))
    assert header[1:4] == ["计划（万元）", "到位（万元）", "支出（万元）"]
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0).split("<tbody>")[1], re.S)
    cells = {
        re.sub(r"<[^>]+>", "", row.split("</td>")[0]): [
            re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="num"[^>]*>(.*?)</td>', row)[:3]
        ]
        for row in rows
    }
    assert cells["中央补助资金"] == ["30.00", "0.88", "0.00"]
    assert cells["合计"] == ["40.00", "10.88", "0.00"]  # the footer in its column's form
    for figures in cells.values():
        assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", figure) for figure in figures), figures
    assert 'title="8,800.00 元"' in page  # the exact amount on hover


def test_the_summary_counts_the_money(city, funded, api_as) -> None:  # type: ignore[no-untyped-def]
    record(city, funded, "receipt", "200000")
    record(city, funded, "payment", "50000")
    summary = api_as("city").get("/api/v1/stats/summary?as_of=2020-09-20").json()
    assert (summary["funds_planned_yuan"], summary["funds_received_yuan"], summary["funds_paid_yuan"]) == (
        400000.0,
        200000.0,
        50000.0,
    )
    before = funds_summary(city["city"], region_prefix="4308", as_of=dt.date(2020, 8, 31))
    assert (before.planned, before.received) == (Decimal(0), Decimal(0))  # not yet approved, nothing in


def test_the_project_money_page_records_and_reverses(city, funded, login) -> None:  # type: ignore[no-untyped-def]
    client = login("yongding")
    client.post(
        f"/funding/projects/{funded.pk}/entries/",
        {
            "kind": "receipt",
            "source": source("G01"),
            "amount": "300,000",
            "on": "2020-09-01",
            "document_number": "DW-9",
        },
    )
    entry = LedgerEntry.objects.get()
    page = client.get(f"/funding/projects/{funded.pk}/").content.decode()
    assert 'id="in-place-rate">75.0%' in page
    client.post(f"/funding/projects/{funded.pk}/entries/{entry.pk}/reverse/", {"note": "重复记账"})
    assert project_money(funded)[1].received == Decimal(0)
    bad = client.post(
        f"/funding/projects/{funded.pk}/entries/",
        {
            "kind": "payment",
            "source": source("G01"),
            "amount": "abc",
            "on": "2020-09-01",
            "document_number": "x",
        },
        follow=True,
    ).content.decode()
    assert "金额应为数字" in bad
    assert login("shigong").get(f"/funding/projects/{funded.pk}/").status_code == 403


def test_the_notice_board_shows_the_money_by_source(city, funded) -> None:  # type: ignore[no-untyped-def]
    record(city, funded, "receipt", "300000")
    page = Client().get(f"/projects/public/{funded.pk}/").content.decode()
    assert "钱从哪里来" in page and "中央补助资金" in page
    assert "计划（万元）" in page and ">30.00</span>" in page  # 300,000 planned, in the column's unit
    assert 'data-label="到位（万元）"' in page  # stacked at 360 px, each line still says its unit


def test_willingness_is_a_range_from_the_brackets() -> None:
    assert rules.willingness_range({"500_1000": 2, "1000_3000": 1}) == (Decimal(2000), Decimal(5000))
    assert rules.willingness_range({"under_500": 1, "over_3000": 1}) == (Decimal(3000), None)
    assert rules.willingness_range({}) == (Decimal(0), Decimal(0))


def test_residents_money_is_set_against_what_they_said(city, funded, open_round, login, make_estate) -> None:  # type: ignore[no-untyped-def]
    from huanxin.estates.models import Household
    from huanxin.funding.querysets import resident_money
    from huanxin.surveys.services import answer_submit

    households = list(Household.objects.filter(estate=funded.estate).order_by("pk"))
    for household in households[:3]:
        answer_submit(
            round_id=open_round.pk,
            household=household,
            by=city["shequ"],
            consent_given=True,
            data={
                "agrees": True,
                "cofund_willing": True,
                "cofund_modes": ["direct"],
                "cofund_bracket": "500_1000",
            },
        )
    first = record(city, funded, "receipt", "800", code="R01", household_id=households[0].pk)
    record(city, funded, "receipt", "600", code="R01", household_id=households[1].pk, document_number="DW-2")
    services.ledger_reverse(by=city["yongding"], project_id=funded.pk, entry_id=first.pk, note="退回")
    money = resident_money(funded)
    assert money is not None
    assert (money.willing, money.willing_by_mode, money.said_low, money.said_high) == (
        3,
        {"direct": 3},
        Decimal(1500),
        Decimal(3000),
    )
    assert (money.contributing_households, money.by_source["R01"], money.by_source["R02"]) == (
        1,
        Decimal(600),
        Decimal(0),
    )
    page = login("yongding").get(f"/funding/projects/{funded.pk}/").content.decode()
    assert "调查中愿意出资的住户" in page and "1,500.00" in page
    from huanxin.estates.services import buildings_add, household_roster_add

    elsewhere = make_estate("别的小区")
    buildings_add(by=city["admin"], estate_id=elsewhere.pk, buildings=[{"name": "1栋"}])
    household_roster_add(
        by=city["admin"], estate_id=elsewhere.pk, rows=[{"building": "1栋", "unit": "1", "room": "101"}]
    )  # type: ignore[list-item]
    stranger = Household.objects.get(estate=elsewhere)
    with pytest.raises(Invalid, match="出资住户不在本小区"):
        record(city, funded, "receipt", "10", code="R01", household_id=stranger.pk, document_number="DW-3")


def test_the_city_adds_and_stops_its_own_sources(city, login) -> None:  # type: ignore[no-untyped-def]
    client = login("city")
    client.post(
        "/funding/sources/", {"action": "add", "code": "c01", "name": "市城投公司出资", "kind": "enterprise"}
    )
    own = FundingSource.objects.get(code="C01")
    assert own.owner is not None and own.owner.code == "430800000000"
    page = client.post(
        "/funding/sources/",
        {"action": "add", "code": "G01", "name": "重复", "kind": "government"},
        follow=True,
    )
    assert "编号G01已在使用" in page.content.decode()
    client.post("/funding/sources/", {"action": "retire", "source": own.pk})
    own.refresh_from_db()
    assert own.retired
    national = FundingSource.objects.get(code="G01", owner__isnull=True)
    client.post("/funding/sources/", {"action": "retire", "source": national.pk})
    national.refresh_from_db()
    assert not national.retired  # the national list is not the city's to stop
    with pytest.raises(Forbidden, match="只能维护本辖区"):  # a district does not edit the city's list
        services.funding_source_add(
            by=city["yongding"], owner=own.owner, code="Y01", name="区里的", kind="government"
        )


def test_the_sources_page_opens_for_every_role_reading_money_and_districts_add_their_own(  # type: ignore[no-untyped-def]
    city, login
) -> None:
    assert "全国通用" in login("admin").get("/funding/sources/").content.decode()
    district = login("yongding")
    district.post(
        "/funding/sources/", {"action": "add", "code": "Y01", "name": "区级配套", "kind": "government"}
    )
    own = FundingSource.objects.get(code="Y01")
    assert own.owner is not None and own.owner.code == "430802000000"
    clash = login("city").post(
        "/funding/sources/",
        {"action": "add", "code": "Y01", "name": "市里也叫Y01", "kind": "government"},
        follow=True,
    )
    assert "编号Y01已在使用" in clash.content.decode()  # a code in force below the city cannot be taken
    street = login("guanliping")
    page = street.get("/funding/sources/").content.decode()
    assert "区级配套" in page and 'name="action" value="add"' not in page  # read, not edit
    assert street.post("/funding/sources/", {"action": "retire", "source": own.pk}).status_code == 403
    assert "区级配套" not in login("cili").get("/funding/sources/").content.decode()  # another district's


def test_an_entry_is_written_once(city, funded) -> None:  # type: ignore[no-untyped-def]
    entry = record(city, funded, "receipt", "100")
    entry.amount_yuan = Decimal(1)
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
    assert LedgerEntry.objects.get().amount_yuan == Decimal(100)


def test_each_source_pays_only_what_it_received(city, funded) -> None:  # type: ignore[no-untyped-def]
    record(city, funded, "receipt", "100000", code="G04")
    with pytest.raises(Refused, match="中央补助资金支出后"):
        record(city, funded, "payment", "10", code="G01")  # nothing arrived from G01
    with pytest.raises(Forbidden, match="区县住建局"):
        services.ledger_record(
            by=city["city"],
            project_id=funded.pk,
            source_id=source("G01"),
            kind="payment",
            amount=Decimal(10),
            on=dt.date(2020, 9, 1),
            document_number="ZF-1",
            advance=True,
        )
    on_time = record(city, funded, "payment", "100", code="G04", advance=True, document_number="ZF-2")
    assert not on_time.advance  # covered by receipts: not an advance, whatever was ticked


def test_a_cancelled_projects_money_stays_and_its_plan_leaves_from_that_day(city, funded) -> None:  # type: ignore[no-untyped-def]
    from huanxin.funding.querysets import rollup

    record(city, funded, "receipt", "100000")
    with clock.pinned(dt.date(2020, 9, 20)):
        move(city["yongding"], funded, project_rules.CANCELLED, note="拆除重建")
    before = funds_summary(city["city"], region_prefix="4308", as_of=dt.date(2020, 9, 19))
    after = funds_summary(city["city"], region_prefix="4308", as_of=dt.date(2020, 9, 20))
    assert (before.planned, before.received) == (Decimal(400000), Decimal(100000))
    assert (after.planned, after.received) == (Decimal(0), Decimal(100000))
    by_month = rollup(city["city"], region_prefix="4308", as_of=dt.date(2020, 9, 30), group="month")
    assert [(label, totals.received) for label, totals in by_month] == [("2020年09月", Decimal(100000))]
    by_district = rollup(city["city"], region_prefix="4308", as_of=dt.date(2020, 9, 19), group="district")
    assert [label for label, _totals in by_district] == ["永定区"]


def test_an_attachment_is_checked_by_its_content_not_its_name(city, funded, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    page = SimpleUploadedFile("拨款凭证.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(Invalid, match="内容不是PDF文件"):
        record(city, funded, "receipt", "100000", attachment=page)
    assert not LedgerEntry.objects.exists()
    real = SimpleUploadedFile("拨款凭证.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf")
    entry = record(city, funded, "receipt", "100000", attachment=real)
    assert entry.attachment.name.endswith(".pdf")
