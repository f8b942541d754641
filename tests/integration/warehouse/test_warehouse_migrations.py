"""The migrations create exactly the tables of schema.py, and the views of sql/views/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.engine import URL
from warehouse_samples import Q2, assessment, evidence, write

from maturity.assessment import Verdict
from maturity.phases import Phase, outcome_labels
from maturity.warehouse import Warehouse
from maturity.warehouse import migrations as mig
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
    assert status.revision == mig.head_revision() == "0003"
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
    for name in view_names():
        from_migration = _view_rows(warehouse, f"SELECT * FROM {name}")
        from_file = _view_rows(warehouse, view_sql(name))
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
