"""write_assessment: one transaction per organisation and window, keyed on natural keys."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from warehouse_samples import (
    Q1,
    Q2,
    assessment,
    criteria,
    dump,
    evidence,
    metrics,
    next_steps,
    org_row,
    row_versions,
    run_for,
    write,
)

from maturity.errors import InputError, WarehouseError
from maturity.evidence import DeclaredFact, MetricValue
from maturity.warehouse import Warehouse
from maturity.warehouse import schema as t

pytestmark = pytest.mark.integration


def _count(wh: Warehouse, table: t.Table) -> int:
    with wh.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_writes_every_table_of_the_window(warehouse: Warehouse) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev))
    counts = {tbl.name: _count(warehouse, tbl) for tbl in t.metadata.sorted_tables}
    assert counts["organisation"] == 1
    assert counts["account"] == 2
    assert counts["run"] == 1
    assert counts["metric_value"] == len(ev.metrics)
    assert counts["declared_fact"] == len(ev.facts)
    assert counts["assessment"] == 1
    assert counts["criterion_result"] == len(criteria(ev))
    assert counts["next_step"] == len(next_steps())


def test_writing_the_same_assessment_twice_changes_nothing(warehouse: Warehouse) -> None:
    ev = evidence()
    a = assessment(ev)
    write(warehouse, ev, a)
    first = dump(warehouse)
    versions = row_versions(warehouse) if warehouse.url.get_backend_name() == "postgresql" else {}
    # A rerun an hour later: same inputs, so same run id; its start time must not leak in.
    write(warehouse, ev, a, started_at=Q1.end + timedelta(days=40))
    assert dump(warehouse) == first
    if versions:
        assert row_versions(warehouse) == versions, "a rerun rewrote rows it did not change"


def test_assessed_at_is_the_window_end_not_the_wall_clock(warehouse: Warehouse) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev))
    with warehouse.engine.connect() as connection:
        assessed_at = connection.execute(select(t.assessment.c.assessed_at)).scalar_one()
    assert assessed_at == Q1.end
    assert assessed_at.utcoffset() == timedelta(0)


def test_rewrite_replaces_the_window_sets(warehouse: Warehouse) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev))
    kept, changed = metrics()[0], replace(metrics()[1], value=5.0, n=14)
    new_metric = MetricValue("activity.reply_share", 0.3, 40, platform="x")
    new_fact = DeclaredFact("team.fte_social", 3.0, "k.kok", Q1.end.date())
    ev2 = evidence(metric_values=(kept, changed, new_metric), declared=(new_fact,))
    a2 = assessment(ev2, with_criteria=criteria(ev2)[:1], with_steps=next_steps()[:1])
    write(warehouse, ev2, a2, digest="d2")

    with warehouse.engine.connect() as connection:
        mv = connection.execute(
            select(t.metric_value.c.metric_id, t.metric_value.c.value).order_by(
                t.metric_value.c.metric_id
            )
        ).all()
        facts = connection.execute(select(t.declared_fact.c.fact_id, t.declared_fact.c.value)).all()
        crit = connection.execute(select(t.criterion_result.c.criterion_id)).scalars().all()
        steps = connection.execute(select(t.next_step.c.rank)).scalars().all()
        runs = connection.execute(select(t.run.c.input_digest).order_by("input_digest")).all()
    assert [tuple(r) for r in mv] == [
        ("activity.posts_per_week", 5.0),
        ("activity.reply_share", 0.3),
        ("responsiveness.response_rate", 0.71),
    ]
    assert [tuple(r) for r in facts] == [("team.fte_social", 3.0)]
    assert crit == ["responsiveness.response_rate"]
    assert steps == [1]
    assert [r[0] for r in runs] == ["d1", "d2"]
    assert _count(warehouse, t.assessment) == 1


def test_other_windows_are_left_alone(warehouse: Warehouse) -> None:
    ev1 = evidence()
    write(warehouse, ev1, assessment(ev1))
    ev2 = evidence(window=Q2, metric_values=metrics()[:1], declared=())
    write(warehouse, ev2, assessment(ev2))
    assert _count(warehouse, t.metric_value) == len(metrics()) + 1
    assert _count(warehouse, t.declared_fact) == len(ev1.facts)
    assert _count(warehouse, t.assessment) == 2


def test_two_rubric_versions_side_by_side(warehouse: Warehouse) -> None:
    ev = evidence()
    v1 = assessment(ev, "2025.1")
    v2 = assessment(ev, "2025.2", maturity_index=2.9, with_steps=next_steps()[1:])
    write(warehouse, ev, v1)
    write(warehouse, ev, v2, kind="rescore")
    with warehouse.engine.connect() as connection:
        rows = connection.execute(
            select(t.assessment.c.rubric_version, t.assessment.c.maturity_index).order_by(
                t.assessment.c.rubric_version
            )
        ).all()
        steps = connection.execute(
            select(t.next_step.c.rubric_version, t.next_step.c.rank).order_by(
                t.next_step.c.rubric_version, t.next_step.c.rank
            )
        ).all()
    assert [tuple(r) for r in rows] == [("2025.1", 2.6), ("2025.2", 2.9)]
    assert [tuple(r) for r in steps] == [("2025.1", 1), ("2025.1", 2), ("2025.2", 2)]
    assert _count(warehouse, t.criterion_result) == 2 * len(criteria(ev))


@contextmanager
def _fail_on(wh: Warehouse, table: str) -> Iterator[list[str]]:
    """Make the first INSERT into ``table`` fail; yield the statements run before it."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            raise RuntimeError(f"injected failure on {table}")
        seen.append(statement.split("(")[0].strip())

    event.listen(wh.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(wh.engine, "before_cursor_execute", before)


def test_a_failure_mid_way_writes_nothing(warehouse: Warehouse) -> None:
    ev = evidence()
    before = dump(warehouse)
    with _fail_on(warehouse, "next_step") as seen, pytest.raises(RuntimeError, match="injected"):
        write(warehouse, ev, assessment(ev))
    inserted = " ".join(seen).lower()
    for table in ("organisation", "run", "metric_value", "assessment", "criterion_result"):
        assert f"insert into {table}" in inserted, f"failure came before {table} was written"
    assert dump(warehouse) == before


def test_a_failed_rewrite_keeps_the_previous_state(warehouse: Warehouse) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev))
    before = dump(warehouse)
    ev2 = evidence(metric_values=metrics()[:1], declared=())
    a2 = assessment(ev2, maturity_index=1.0, with_criteria=(), with_steps=next_steps()[1:])
    with _fail_on(warehouse, "next_step"), pytest.raises(RuntimeError):
        write(warehouse, ev2, a2, digest="d2")
    assert dump(warehouse) == before


def test_database_errors_become_warehouse_errors_and_roll_back(warehouse: Warehouse) -> None:
    ev = evidence()
    with warehouse.engine.begin() as connection:  # a broken warehouse: next_step is gone
        connection.exec_driver_sql("DROP VIEW v_next_steps")  # PostgreSQL: it depends on it
        connection.exec_driver_sql("DROP TABLE next_step")
    with pytest.raises(WarehouseError) as info:
        write(warehouse, ev, assessment(ev))
    assert "acme" in str(info.value)
    assert "nothing of this write was kept" in str(info.value)
    assert _count(warehouse, t.assessment) == 0
    assert _count(warehouse, t.organisation) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda ev, a, r: (replace(ev, org_id="other"), a, r), "organisation ids differ"),
        (lambda ev, a, r: (ev, replace(a, rubric_version="9"), r), "rubric versions differ"),
        (
            lambda ev, a, r: (replace(ev, metrics=(*ev.metrics, ev.metrics[0])), a, r),
            "duplicate metric values",
        ),
        (
            lambda ev, a, r: (ev, replace(a, next_steps=(*a.next_steps, a.next_steps[0])), r),
            "duplicate next-step ranks",
        ),
        (
            lambda ev, a, r: (replace(ev, metrics=(MetricValue("m.x", float("nan"), 1),)), a, r),
            "not a finite number",
        ),
    ],
)
def test_inconsistent_input_is_refused_before_writing(
    warehouse: Warehouse, change: Any, message: str
) -> None:
    ev = evidence()
    a = assessment(ev)
    ev, a, run = change(ev, a, run_for(a))
    with pytest.raises(InputError, match=message):
        warehouse.write_assessment(org_row(), ev, a, run)
    assert _count(warehouse, t.organisation) == 0
