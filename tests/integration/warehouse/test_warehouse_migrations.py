"""The migrations create exactly the tables of schema.py, and the views of sql/views/."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from bi_samples import write_quality, write_snapshots
from sqlalchemy import CheckConstraint, insert, inspect, select, text
from sqlalchemy.engine import URL
from warehouse_samples import PAGE, Q2, assessment, batch, batch_of, evidence, org_row, write

from maturity.assessment import Verdict
from maturity.phases import Phase, outcome_labels
from maturity.records import PageRef
from maturity.warehouse import Warehouse
from maturity.warehouse import migrations as mig
from maturity.warehouse import record_rows as rr
from maturity.warehouse import schema as t
from maturity.warehouse.cost_rows import CostRow
from maturity.warehouse.schema import metadata
from maturity.warehouse.views import view_names, view_sql

pytestmark = pytest.mark.integration


@pytest.fixture
def empty(warehouse_url: URL) -> Iterator[Warehouse]:
    wh = Warehouse(warehouse_url)
    yield wh
    wh.dispose()


def test_upgrade_head_matches_schema_py(empty: Warehouse) -> None:
    empty.migrate()
    with empty.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
        inspector = inspect(connection)
        # Autogenerate does not compare primary keys or check constraints; do it here.
        for table in metadata.sorted_tables:
            pk = inspector.get_pk_constraint(table.name)
            assert pk["constrained_columns"] == [c.name for c in table.primary_key.columns]
            checks = {c["name"] for c in inspector.get_check_constraints(table.name)}
            expected = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
            assert checks == expected, table.name
        assert set(inspector.get_view_names()) == set(view_names())


def test_migrate_is_idempotent_and_reports_head(empty: Warehouse) -> None:
    assert empty.check().revision is None
    empty.migrate()
    empty.migrate()
    status = empty.check()
    assert status.revision == mig.head_revision() == "0007"
    assert status.up_to_date
    assert "password" not in status.url


def test_downgrade_base_removes_everything_and_upgrade_again(empty: Warehouse) -> None:
    empty.migrate()
    with empty.engine.begin() as connection:
        mig.downgrade(connection, "base")
    with empty.engine.connect() as connection:
        inspector = inspect(connection)
        assert set(inspector.get_table_names()) <= {"alembic_version"}
        assert inspector.get_view_names() == []
        assert mig.current_revision(connection) is None
    empty.migrate()
    with empty.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= set(metadata.tables)


def _view_rows(wh: Warehouse, sql: str) -> list[tuple[object, ...]]:
    with wh.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM ({sql}) AS v ORDER BY 1, 4, 5"))
        return [tuple(r) for r in rows]


def test_views_from_migrations_equal_their_files(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), assessment(evidence()))
    write(warehouse, evidence(window=Q2), assessment(evidence(window=Q2), phase=Phase.FORMALIZED))
    write_quality(warehouse)
    write_snapshots(warehouse)
    warehouse.write_gated_collection(
        org_row(), Q2, "run-costs", [], costs=[CostRow("x", "post", 12, 0.005, "USD")]
    )
    for name in view_names():
        from_migration = _view_rows(warehouse, f"SELECT * FROM {name}")
        from_file = _view_rows(warehouse, view_sql(name, warehouse.engine.dialect.name))
        assert from_migration == from_file
        assert from_migration, f"{name} returned nothing on sample data"


def test_v_latest_assessment_one_row_per_org_and_rubric_version(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), assessment(evidence(), "2025.1"))
    write(warehouse, evidence(window=Q2), assessment(evidence(window=Q2), "2025.1"))
    write(warehouse, evidence(), assessment(evidence(), "2025.2", phase=Phase.PRESENCE))
    with warehouse.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT rubric_version, window_end, phase, phase_label_en, org_name "
                "FROM v_latest_assessment ORDER BY rubric_version"
            )
        ).all()
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        ("2025.1", 3, "Engagement", "Acme Zorg"),
        ("2025.2", 2, "Presence", "Acme Zorg"),
    ]
    assert str(rows[0][1]).startswith("2025-07-01")
    assert str(rows[1][1]).startswith("2025-04-01")


OUTCOMES: list[tuple[Phase | None, Verdict]] = [
    *((p, "assessed") for p in Phase),
    (None, "assessed"),
    (None, "insufficient_evidence"),
]


@pytest.mark.parametrize(("phase", "verdict"), OUTCOMES)
def test_v_latest_assessment_labels_are_the_phase_models(
    warehouse: Warehouse, phase: Phase | None, verdict: Verdict
) -> None:
    """The view made by the migrations and the view's file both label every outcome exactly as
    ``maturity.phases`` does."""
    ev = evidence()
    write(warehouse, ev, replace(assessment(ev, phase=phase), verdict=verdict))
    labels = "SELECT phase_label_en, phase_label_nl FROM ({}) AS v"
    with warehouse.engine.connect() as connection:
        from_migration = connection.execute(
            text(labels.format("SELECT * FROM v_latest_assessment"))
        )
        from_file = connection.execute(text(labels.format(view_sql("v_latest_assessment"))))
        expected = outcome_labels(phase, verdict)
        assert tuple(from_migration.one()) == (expected["en"], expected["nl"])
        assert tuple(from_file.one()) == (expected["en"], expected["nl"])


# -- migrations with data ---------------------------------------------------------------------
# 0003 keys post, inbound_message and reply_link per organisation and landing_page per path.
# These tests migrate a warehouse that holds rows, up and down, on both databases.

PROVINCE = ("provincie", "ProvincieZH")
COPY = PageRef("landing/x/acme/AcmeZorg/mentions/0002.json", PAGE.sha256, "mentions")
SHARED = ("post", "inbound_message", "reply_link")


def _rows(wh: Warehouse, table: str, *columns: str) -> list[tuple[object, ...]]:
    with wh.engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(columns)}")
        )
        return [tuple(r) for r in rows]


def _id_column(table: str) -> str:
    return {"post": "post_id", "inbound_message": "message_id", "reply_link": "inbound_id"}[table]


def _pk(wh: Warehouse, table: str) -> list[str]:
    with wh.engine.connect() as connection:
        return list(inspect(connection).get_pk_constraint(table)["constrained_columns"])


def _existing(connection: Any, table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (built for today's schema) cut to the columns ``table`` has at this revision."""
    have = {c["name"] for c in inspect(connection).get_columns(table)}
    return [{k: v for k, v in row.items() if k in have} for row in rows]


def _dump_as_at(wh: Warehouse, columns: dict[str, list[str]]) -> dict[str, list[Any]]:
    """Every row of the tables in ``columns``, with only those columns, in key order."""
    out: dict[str, list[Any]] = {}
    with wh.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name not in columns:
                continue
            cols = [table.c[name] for name in columns[table.name]]
            rows = connection.execute(select(*cols).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(r) for r in rows]
    return out


def _columns_now(wh: Warehouse, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    with wh.engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
        return {
            t.name: [c["name"] for c in inspect(connection).get_columns(t.name)]
            for t in metadata.sorted_tables
            if t.name in names and t.name not in skip
        }


def _at_0002_with_rows(wh: Warehouse) -> dict[str, list[Any]]:
    """A warehouse at 0002 holding the rows of one collected account, one record pointing at
    an identical page under a second path (its row collapsed by the old key); returns every
    row of the collection tables."""
    with wh.engine.begin() as connection:
        mig.upgrade(connection, "0002")
        b = replace(batch(), pages=(PAGE,))
        b = replace(b, inbound=tuple(replace(m, source=COPY) for m in b.inbound))
        connection.execute(
            insert(t.organisation),
            [
                {
                    "org_id": "acme",
                    "name": "Acme Zorg",
                    "sector": "health",
                    "timezone": "Europe/Amsterdam",
                }
            ],
        )
        connection.execute(
            insert(t.account),
            [
                {
                    "platform": "x",
                    "handle_lower": "acmezorg",
                    "org_id": "acme",
                    "handle": "AcmeZorg",
                    "function": "main",
                    "subreddit": None,
                }
            ],
        )
        connection.execute(insert(t.landing_page), [rr.page_row(PAGE, "x", "acme", "AcmeZorg")])
        for table, rows in (
            ("account_snapshot", [rr.snapshot_row(s) for s in b.snapshots]),
            ("post", [rr.post_row(p) for p in b.posts]),
            ("inbound_message", [rr.inbound_row(m) for m in b.inbound]),
            ("reply_link", [rr.reply_row(r) for r in b.reply_links]),
            ("collection_cursor", [rr.cursor_row(c) for c in b.cursors]),
        ):
            connection.execute(insert(t.metadata.tables[table]), _existing(connection, table, rows))
    # landing_page's purged_at comes with 0004, the records' text features with 0006
    return _dump_as_at(wh, _columns_now(wh, skip=("landing_page",)))


def test_upgrade_0003_over_rows_keeps_them_and_gives_every_page_a_row(empty: Warehouse) -> None:
    before = _at_0002_with_rows(empty)
    columns_at_0002 = _columns_now(empty, skip=("landing_page",))
    assert _rows(empty, "landing_page", "path") == [(PAGE.path,)]
    empty.migrate()
    after = _dump_as_at(empty, columns_at_0002)
    for table in (*SHARED, "account_snapshot", "collection_cursor", "organisation", "account"):
        assert sorted(after[table], key=repr) == sorted(before[table], key=repr), table
    # the page the inbound message names, collapsed by the old key, has its row again
    assert _rows(empty, "landing_page", "path", "sha256", "endpoint", "org_id") == sorted(
        [(PAGE.path, PAGE.sha256, "mentions", "acme"), (COPY.path, PAGE.sha256, "mentions", "acme")]
    )
    # and the new keys take the province's copy of the same message next to acme's
    empty.write_collection(batch_of(*PROVINCE))
    assert _shared_ids(empty) == {
        "post": [("acme", "p1"), ("acme", "p2"), ("provincie", "p1"), ("provincie", "p2")],
        "inbound_message": [("acme", "m1"), ("provincie", "m1")],
        "reply_link": [("acme", "m1"), ("provincie", "m1")],
    }


def _shared_ids(wh: Warehouse) -> dict[str, list[tuple[object, ...]]]:
    return {table: _rows(wh, table, "org_id", _id_column(table)) for table in SHARED}


def test_downgrade_0002_keeps_the_first_organisation_of_a_shared_message(
    empty: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    empty.migrate()
    acme = replace(batch(), pages=(PAGE, COPY))
    empty.write_collection(acme)
    empty.write_collection(batch_of(*PROVINCE, acme))
    own = replace(batch_of("gemeente", "GemeenteZH"), posts=(), reply_links=())
    own = replace(own, inbound=tuple(replace(m, message_id="m9") for m in own.inbound))
    empty.write_collection(own)
    with caplog.at_level(logging.WARNING), empty.engine.begin() as connection:
        mig.downgrade(connection, "0002")
    dropped = sorted(r.getMessage() for r in caplog.records if "dropped" in r.getMessage())
    assert [m.split(" rows")[0].split(": ")[1] for m in dropped] == [
        "dropped 1 inbound_message",
        "dropped 1 landing_page",
        "dropped 1 reply_link",
        "dropped 2 post",
    ]
    assert _pk(empty, "inbound_message") == ["platform", "message_id"]
    assert _pk(empty, "landing_page") == ["sha256"]
    # one row per old key: acme's (its id sorts first); the message only gemeente has stays
    assert _shared_ids(empty) == {
        "post": [("acme", "p1"), ("acme", "p2")],
        "inbound_message": [("acme", "m1"), ("gemeente", "m9")],
        "reply_link": [("acme", "m1")],
    }
    assert _rows(empty, "landing_page", "path") == [(COPY.path,)]
    # the rest of the warehouse is untouched
    assert len(_rows(empty, "account_snapshot", "org_id")) == 3
    assert len(_rows(empty, "collection_cursor", "org_id")) == 6
    # and upgrading again keeps what the downgrade left
    empty.migrate()
    assert _pk(empty, "inbound_message") == ["platform", "org_id", "message_id"]
    assert _shared_ids(empty)["inbound_message"] == [("acme", "m1"), ("gemeente", "m9")]
    assert _rows(empty, "landing_page", "path") == [(COPY.path,), (PAGE.path,)]
