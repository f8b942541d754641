"""collection_cost: written with the organisation's load, idempotent, read back for the month's
budget and through v_assessment_cost; migration 0007 up and down with rows in it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL
from warehouse_samples import Q1, Q2, assessment, dump, evidence, org_row, write

from maturity.warehouse import Warehouse
from maturity.warehouse import migrations as mig
from maturity.warehouse.cost_rows import CostRow, cost_rows

pytestmark = pytest.mark.integration

COSTS = [CostRow("x", "post", 1200, 0.005, "USD"), CostRow("x", "user", 3, 0.01, "USD")]


@pytest.fixture
def wh(warehouse_url: URL) -> Iterator[Warehouse]:
    w = Warehouse(warehouse_url)
    w.migrate()
    yield w
    w.dispose()


def test_costs_are_written_with_the_load_and_a_rerun_changes_nothing(wh: Warehouse) -> None:
    wh.write_gated_collection(org_row(), Q2, "run-a", [], costs=COSTS)
    before = dump(wh)
    assert [(r.resource, r.reads, r.price) for r in wh.costs_of("acme", Q2)] == [
        ("post", 1200, pytest.approx(6.0)),
        ("user", 3, pytest.approx(0.03)),
    ]
    wh.write_gated_collection(org_row(), Q2, "run-a", [], costs=COSTS)
    assert dump(wh) == before
    # a later load of the window replaces its rows: a kind no longer read goes
    wh.write_gated_collection(org_row(), Q2, "run-a", [], costs=COSTS[:1])
    assert [r.resource for r in wh.costs_of("acme", Q2)] == ["post"]
    # a load without costs (None) leaves them alone
    wh.write_gated_collection(org_row(), Q2, "run-a", [])
    assert [r.resource for r in wh.costs_of("acme", Q2)] == ["post"]


def test_the_months_reads_leave_out_other_months_and_the_window_itself(wh: Warehouse) -> None:
    wh.write_gated_collection(org_row(), Q1, "run-1", [], costs=COSTS)  # ends 1 April
    wh.write_gated_collection(org_row(), Q2, "run-2", [], costs=COSTS)  # ends 1 July
    assert wh.reads_between(Q1.end, Q2.end, "x") == 1203
    assert wh.reads_between(Q1.end, Q2.end, "x", excluding=Q1) == 0
    assert wh.reads_between(Q1.end, Q2.end, "reddit") == 0


def test_the_view_shows_each_windows_cost_next_to_its_assessment(wh: Warehouse) -> None:
    ev = evidence(window=Q2)
    write(wh, ev, assessment(ev))
    wh.write_gated_collection(org_row(), Q2, "run-2", [], costs=COSTS)
    with wh.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT org_id, org_name, resource, reads, price, currency, rubric_id "
                "FROM v_assessment_cost ORDER BY resource"
            )
        ).all()
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        ("acme", "Acme Zorg", "post", 1200, "USD"),
        ("acme", "Acme Zorg", "user", 3, "USD"),
    ]
    assert rows[0][4] == pytest.approx(6.0)
    assert all(r[6] is not None for r in rows), "joined to the window's assessment"


def test_downgrade_0006_drops_the_table_and_upgrade_brings_it_back(wh: Warehouse) -> None:
    wh.write_gated_collection(org_row(), Q2, "run-2", [], costs=COSTS)
    with wh.engine.begin() as connection:
        mig.downgrade(connection, "0006")
    with wh.engine.connect() as connection:
        inspector = inspect(connection)
        assert "collection_cost" not in inspector.get_table_names()
        assert "v_assessment_cost" not in inspector.get_view_names()
        assert "organisation" in inspector.get_table_names(), "the rest stays"
    wh.migrate()
    assert wh.costs_of("acme", Q2) == []
    wh.write_gated_collection(org_row(), Q2, "run-2", [], costs=COSTS)
    assert len(wh.costs_of("acme", Q2)) == 2


def test_cost_rows_price_each_kind_at_its_unit_price() -> None:
    rows = cost_rows({"x": {"post": 10, "user": 2}}, {"x": {"post": 0.5}}, {"x": "EUR"})
    assert [(r.resource, r.reads, r.unit_price, r.price, r.currency) for r in rows] == [
        ("post", 10, 0.5, 5.0, "EUR"),
        ("user", 2, 0.0, 0.0, "EUR"),
    ]
