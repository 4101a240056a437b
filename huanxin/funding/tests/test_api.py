"""The money through the API: the same rules as the pages, the same scoping."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huanxin.core.errors import HuanxinError
from huanxin.funding import services
from huanxin.funding.models import LedgerEntry
from huanxin.funding.querysets import project_money
from huanxin.funding.tests.conftest import source

pytestmark = pytest.mark.django_db


def test_record_and_read_through_the_api(api_as, funded) -> None:  # type: ignore[no-untyped-def]
    client = api_as("yongding")
    receipt = {"source_id": source("G01"), "kind": "receipt", "amount_yuan": "200000.00", "on": "2020-09-01"}
    created = client.post(
        f"/api/v1/projects/{funded.pk}/funding/entries",
        receipt | {"document_number": "DW-1"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["amount_yuan"] == "200000.00"
    refused = client.post(
        f"/api/v1/projects/{funded.pk}/funding/entries",
        receipt | {"kind": "payment", "amount_yuan": "200000.01", "document_number": "ZF-1"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    money = client.get(f"/api/v1/projects/{funded.pk}/funding?as_of=2020-09-20").json()
    assert money["total"]["received_yuan"] == "200000.00" and money["total"]["in_place_rate"] == 0.5
    rollup = client.get("/api/v1/funding/rollup?group=source&as_of=2020-09-20").json()
    assert {row["group"]: row["received_yuan"] for row in rollup}["中央补助资金"] == "200000.00"
    assert client.get("/api/v1/funding/rollup?group=nonsense").status_code == 400
    assert api_as("cili").get(f"/api/v1/projects/{funded.pk}/funding").status_code == 404
    assert api_as("shigong").get(f"/api/v1/projects/{funded.pk}/funding").status_code == 403


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["receipt", "payment", "advance", "reverse"]),
        st.sampled_from(["G01", "G04"]),
        st.integers(min_value=1, max_value=10**9),  # fen
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_ledger_through_the_services_keeps_its_invariants(city, funded, operations) -> None:  # type: ignore[no-untyped-def]
    """Whatever is recorded, paid and reversed: the database's sums are the entries', no entry
    changes, and a source pays more than it received only by an advance."""
    before = set(LedgerEntry.objects.filter(project=funded).values_list("pk", "amount_yuan"))
    for number, (operation, code, fen) in enumerate(operations):
        amount = Decimal(fen) / 100
        try:
            if operation == "reverse":
                last = LedgerEntry.objects.filter(
                    project=funded, reverses__isnull=True, reversed_by__isnull=True
                ).last()
                if last is not None:
                    services.ledger_reverse(
                        by=city["yongding"], project_id=funded.pk, entry_id=last.pk, note="更正"
                    )
                continue
            services.ledger_record(
                by=city["yongding"],
                project_id=funded.pk,
                source_id=source(code),
                kind="payment" if operation == "advance" else operation,
                amount=amount,
                on=dt.date(2020, 9, 1),
                document_number=f"N-{number}",
                advance=operation == "advance",
            )
        except HuanxinError:
            pass  # a refused payment writes nothing
    entries = list(LedgerEntry.objects.filter(project=funded))
    lines, overall = project_money(funded)
    assert overall.received == sum((e.amount_yuan for e in entries if e.kind == "receipt"), Decimal(0))
    assert overall.paid == sum((e.amount_yuan for e in entries if e.kind == "payment"), Decimal(0))
    for line in lines:  # beyond receipts only where the district advanced
        advanced = any(e.advance for e in entries if e.source_id == line.source.pk)
        assert (
            line.totals.paid <= line.totals.received or advanced or _reversed_receipt(entries, line.source.pk)
        )
    assert before <= set(LedgerEntry.objects.filter(project=funded).values_list("pk", "amount_yuan"))


def _reversed_receipt(entries: list[LedgerEntry], source_id: int) -> bool:
    """A receipt undone after it was spent: the page then flags the source as advanced."""
    return any(e.reverses_id and e.kind == "receipt" and e.source_id == source_id for e in entries)
