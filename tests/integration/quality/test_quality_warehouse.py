"""Quality results in the warehouse, on SQLite and PostgreSQL: validation rows, quarantines,
idempotent rewrites, and a quarantined batch of which nothing is loaded."""

from __future__ import annotations

from dataclasses import replace

import pytest
from quality_store_samples import (
    AW,
    LOOKBACK,
    ORG,
    QUALITY_TABLES,
    RECORD_TABLES,
    RUN,
    W1,
    W2,
    batch,
    corrupted,
    dump,
    metric_validation,
    validated,
)
from sqlalchemy import text

from maturity.errors import InputError
from maturity.quality import validate_batch
from maturity.quality.record_suites import RECORD_SUITES
from maturity.records import CollectionBatch
from maturity.warehouse import OrgRow, Warehouse

pytestmark = pytest.mark.integration

N_RECORD_CHECKS = sum(len(s.checks) for s in RECORD_SUITES)


def _count(wh: Warehouse, sql: str) -> int:
    with wh.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def test_write_validation_stores_rows_and_quarantines_the_failed_batch(
    warehouse: Warehouse,
) -> None:
    good, bad = validated("Acme"), validated("AcmeCare", bad=True)
    assert good.success
    assert not bad.success
    warehouse.write_validation("acme", W1, RUN, batch_results=[good, bad])

    rows = warehouse.validation_results("acme", W1.start, W1.end)
    assert len(rows) == 2 * N_RECORD_CHECKS
    failed = {(r.handle, r.check) for r in rows if not r.success}
    assert failed == {
        ("AcmeCare", "inbound.author_pseudonymised"),
        ("AcmeCare", "posts.like_count_not_negative"),
    }
    likes = next(r for r in rows if r.handle == "AcmeCare" and r.check.startswith("posts.like"))
    assert (likes.subject, likes.platform, likes.suite) == ("records", "x", "records.posts")
    assert likes.expectation_type == "expect_column_values_to_be_between"
    assert (likes.column, likes.kwargs) == ("like_count", {"column": "like_count", "min_value": 0})
    assert (likes.element_count, likes.unexpected_count, likes.run_id) == (1, 1, RUN)
    assert likes.observed["unexpected_ids"] == ["AcmeCare-p1"]
    assert likes.observed["unexpected_values"] == [-1]
    assert likes.window_start == W1.start

    (q,) = warehouse.quarantined("acme", W1.start, W1.end)
    assert (q.org_id, q.platform, q.handle, q.window, q.run_id) == (
        "acme",
        "x",
        "AcmeCare",
        W1,
        RUN,
    )
    assert q.reason == bad.reason
    assert {f["check"] for f in q.failed} == {
        "inbound.author_pseudonymised",
        "posts.like_count_not_negative",
    }
    assert [p.sha256 for p in q.pages] == [p.sha256 for p in corrupted().pages]
    assert q.record_counts == {"snapshots": 1, "posts": 1, "inbound": 1, "reply_links": 1}


def test_the_raw_author_is_stored_nowhere(warehouse: Warehouse) -> None:
    warehouse.write_validation("acme", W1, RUN, batch_results=[validated("AcmeCare", bad=True)])
    assert "1234567890" not in repr(dump(warehouse, QUALITY_TABLES))


def test_rewriting_the_same_results_changes_nothing(warehouse: Warehouse) -> None:
    results = [validated("Acme"), validated("AcmeCare", bad=True)]
    metrics = metric_validation(bad=True, window=W1)
    warehouse.write_validation("acme", W1, RUN, results, metrics)
    first = dump(warehouse)
    warehouse.write_validation("acme", W1, RUN, results, metrics)
    assert dump(warehouse) == first
    assert first["quarantined_metric"]
    assert first["quarantined_batch"]
    if warehouse.engine.dialect.name == "postgresql":
        versions = "SELECT string_agg(xmin::text, ',' ORDER BY check_name, handle) FROM {}"
        before = _count_text(warehouse, versions.format("validation_result"))
        warehouse.write_validation("acme", W1, RUN, results, metrics)
        assert _count_text(warehouse, versions.format("validation_result")) == before


def _count_text(wh: Warehouse, sql: str) -> str:
    with wh.engine.connect() as connection:
        return str(connection.execute(text(sql)).scalar_one())


def test_a_batch_that_passes_on_a_rerun_leaves_quarantine(warehouse: Warehouse) -> None:
    warehouse.write_validation("acme", W1, RUN, batch_results=[validated("AcmeCare", bad=True)])
    assert len(warehouse.quarantined("acme", W1.start, W1.end)) == 1
    warehouse.write_validation("acme", W1, RUN, batch_results=[validated("AcmeCare")])
    assert warehouse.quarantined("acme", W1.start, W1.end) == []
    rows = warehouse.validation_results("acme", W1.start, W1.end)
    assert len(rows) == N_RECORD_CHECKS
    assert all(r.success for r in rows)


def test_validating_one_account_leaves_the_others_rows(warehouse: Warehouse) -> None:
    warehouse.write_validation(
        "acme", W1, RUN, batch_results=[validated("Acme"), validated("AcmeCare", bad=True)]
    )
    warehouse.write_validation("acme", W1, RUN, batch_results=[validated("Acme")])
    assert [q.handle for q in warehouse.quarantined("acme", W1.start, W1.end)] == ["AcmeCare"]
    assert len(warehouse.validation_results("acme", W1.start, W1.end)) == 2 * N_RECORD_CHECKS


def test_a_quarantined_batch_loads_nothing(warehouse: Warehouse) -> None:
    bad, good = corrupted("AcmeCare"), batch("Acme")
    warehouse.write_gated_collection(ORG, W1, RUN, [(bad, validated("AcmeCare", bad=True))])
    for table in (*RECORD_TABLES, "collection_cursor", "landing_page"):
        assert _count(warehouse, f"SELECT COUNT(*) FROM {table}") == 0, table
    assert [q.handle for q in warehouse.quarantined("acme", W1.start, W1.end)] == ["AcmeCare"]

    warehouse.write_gated_collection(ORG, W1, RUN, [(good, validated("Acme"))])
    records = warehouse.read_records("acme", W1.start, W1.end)
    assert [p.handle for p in records.posts] == ["Acme"]
    assert [m.handle for m in records.inbound] == ["Acme"]
    for table in RECORD_TABLES:
        handles = _count(warehouse, f"SELECT COUNT(*) FROM {table} WHERE handle = 'AcmeCare'")
        assert handles == 0, table
    assert warehouse.read_cursor("x", "acme", "AcmeCare") == {}


def test_gate_and_load_writes_validation_records_and_links_in_one_go(
    warehouse: Warehouse,
) -> None:
    """One organisation's window: every batch's validation, the records of those that passed,
    and the replies to earlier messages, in one transaction; again, nothing changes."""
    from maturity.records import ReplyLink

    earlier = ReplyLink("x", "acme", "m0", "p0", "Acme", W1.start, W1.start)
    gated = [
        (batch("Acme"), validated("Acme")),
        (corrupted("AcmeCare"), validated("AcmeCare", bad=True)),
    ]
    warehouse.write_gated_collection(ORG, W1, RUN, gated, (earlier,))
    first = dump(warehouse, (*RECORD_TABLES, *QUALITY_TABLES, "reply_link"))
    assert _count(warehouse, "SELECT COUNT(*) FROM post WHERE handle = 'AcmeCare'") == 0
    assert _count(warehouse, "SELECT COUNT(*) FROM post WHERE handle = 'Acme'") == 1
    assert _count(warehouse, "SELECT COUNT(*) FROM reply_link WHERE inbound_id = 'm0'") == 1
    assert [q.handle for q in warehouse.quarantined("acme", W1.start, W1.end)] == ["AcmeCare"]
    warehouse.write_gated_collection(ORG, W1, RUN, gated, (earlier,))
    assert dump(warehouse, (*RECORD_TABLES, *QUALITY_TABLES, "reply_link")) == first


def test_a_mismatched_validation_writes_nothing(warehouse: Warehouse) -> None:
    with pytest.raises(InputError, match="window"):
        warehouse.write_validation("acme", W2, RUN, batch_results=[validated("Acme")])
    with pytest.raises(InputError, match="organisation"):
        warehouse.write_validation("other", W1, RUN, batch_results=[validated("Acme")])
    with pytest.raises(InputError, match="more than one"):
        warehouse.write_validation("acme", W1, RUN, [validated("Acme"), validated("Acme")])
    with pytest.raises(InputError, match="not that of the batch"):
        warehouse.write_gated_collection(ORG, W1, RUN, [(batch("Acme"), validated("AcmeCare"))])
    assert all(rows == [] for rows in dump(warehouse, QUALITY_TABLES).values())


def test_quarantines_of_collection_windows_count_in_the_assessment_window(
    warehouse: Warehouse,
) -> None:
    warehouse.write_validation("acme", W1, RUN, [validated("AcmeCare", bad=True, window=W1)])
    warehouse.write_validation("acme", W2, RUN, [validated("AcmeCare", bad=True, window=W2)])
    assert len(warehouse.quarantined("acme", AW.start, AW.end)) == 2
    assert [q.window for q in warehouse.quarantined("acme", W2.start, W2.end)] == [W2]
    assert warehouse.quarantined("acme", W1.start, W2.start.replace(hour=1)) != []
    assert warehouse.quarantined("other", AW.start, AW.end) == []


def test_rejected_metric_values_are_recorded_and_replaced(warehouse: Warehouse) -> None:
    bad = metric_validation(bad=True)
    assert {v.metric_id for v in bad.rejected} == {
        "responsiveness.response_rate",
        "responsiveness.first_response_median_hours",
    }
    warehouse.write_validation("acme", AW, RUN, metric_result=bad)
    stored = warehouse.quarantined_metrics("acme", AW.start, AW.end)
    assert [(m.metric_id, m.platform, m.account, m.value, m.n) for m in stored] == [
        ("responsiveness.first_response_median_hours", "x", "", -1.0, 8),
        ("responsiveness.response_rate", "x", "", 1.3, 10),
    ]
    assert stored[1].failed == ("values.proportion_in_unit_interval",)
    rows = warehouse.validation_results("acme", AW.start, AW.end)
    assert {(r.subject, r.platform, r.handle) for r in rows} == {("metrics", "", "")}
    assert {r.check for r in rows if not r.success} == {
        "values.proportion_in_unit_interval",
        "values.duration_not_negative",
    }
    warehouse.write_validation("acme", AW, RUN, metric_result=metric_validation())
    assert warehouse.quarantined_metrics("acme", AW.start, AW.end) == []
    assert all(r.success for r in warehouse.validation_results("acme", AW.start, AW.end))
    assert warehouse.quarantined("acme", AW.start, AW.end) == []


def _for_org(b: CollectionBatch, org_id: str, handle: str) -> CollectionBatch:
    """``b`` as collected for another organisation's account: the same message, post and page
    ids, as when one tweet mentions both organisations."""
    mine = {"org_id": org_id, "handle": handle}
    return replace(
        b,
        org_id=org_id,
        handle=handle,
        snapshots=tuple(replace(s, **mine) for s in b.snapshots),
        posts=tuple(replace(p, **mine) for p in b.posts),
        inbound=tuple(replace(m, **mine) for m in b.inbound),
        reply_links=tuple(replace(r, **mine) for r in b.reply_links),
        cursors=tuple(replace(c, **mine) for c in b.cursors),
    )


def test_gate_and_load_of_two_organisations_sharing_a_message_keeps_it_for_both(
    warehouse: Warehouse,
) -> None:
    """Each organisation's window in its own transaction, as gate_and_load writes them: the
    second does not take the shared message, post or reply link from the first; loading both
    again changes nothing."""
    province = OrgRow("provincie", "Provincie")
    acme_batch = batch("Acme")
    province_batch = _for_org(acme_batch, "provincie", "Provincie")
    loads = [
        (ORG, [(acme_batch, validated("Acme"))]),
        (province, [(province_batch, validate_batch(province_batch, lookback=LOOKBACK))]),
    ]
    for org, gated in loads:
        warehouse.write_gated_collection(org, W1, RUN, gated)
    first = dump(warehouse, (*RECORD_TABLES, *QUALITY_TABLES, "landing_page"))
    for org_id in ("acme", "provincie"):
        records = warehouse.read_records(org_id, W1.start, W1.end)
        assert [m.message_id for m in records.inbound] == ["Acme-m1"], org_id
        assert [p.post_id for p in records.posts] == ["Acme-p1"], org_id
        assert [r.inbound_id for r in records.reply_links] == ["Acme-m1"], org_id
        assert warehouse.quarantined(org_id, W1.start, W1.end) == []
    for org, gated in reversed(loads):
        warehouse.write_gated_collection(org, W1, RUN, gated)
    assert dump(warehouse, (*RECORD_TABLES, *QUALITY_TABLES, "landing_page")) == first
