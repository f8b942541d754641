"""The views DAG's tasks: re-create the views; find phase changes between the latest two
windows, on a real SQLite warehouse and as a table of cases."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from maturity.airflow import views_tasks
from maturity.evidence import Window
from maturity.input_file import load_evidence_file
from maturity.phases import Phase
from maturity.pipeline.score import score_inputs
from maturity.rubric import load_default_rubric
from maturity.sandbox.demo import demo_evidence_path
from maturity.warehouse import AssessmentSummary, Warehouse
from maturity.warehouse.views import view_names

pytestmark = pytest.mark.unit

EVIDENCE = demo_evidence_path()
W1 = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))


def _summary(
    end_day: int, phase: int | None, verdict: str = "assessed", rubric: str = "r"
) -> AssessmentSummary:
    end = datetime(2026, 11, end_day, tzinfo=UTC)
    return AssessmentSummary(
        org_id="acme",
        window=Window(end - timedelta(days=91), end),
        rubric_id=rubric,
        rubric_version="1",
        verdict=verdict,  # type: ignore[arg-type]
        phase=Phase(phase) if phase is not None else None,
        maturity_index=0.5,
        confidence=0.8,
        coverage=0.9,
        code_version="0",
        run_id=f"run-{end_day}",
        assessed_at=end,
    )


@pytest.mark.parametrize(
    ("history", "direction", "before", "after"),
    [
        ([], None, None, None),
        ([_summary(2, 3)], None, None, None),
        ([_summary(2, 3), _summary(9, 3)], None, None, None),
        ([_summary(2, 3), _summary(9, 4)], "up", "3 Engagement", "4 Formalized"),
        ([_summary(2, 4), _summary(9, 2)], "down", "4 Formalized", "2 Presence"),
        (
            [_summary(2, 2), _summary(9, None, "insufficient_evidence")],
            "down",
            "2 Presence",
            "Insufficient evidence",
        ),
        (
            [_summary(2, None), _summary(9, None, "insufficient_evidence")],
            "changed",
            "No phase attained",
            "Insufficient evidence",
        ),
        # only the latest two windows count
        ([_summary(2, 1), _summary(9, 5), _summary(16, 5)], None, None, None),
        # another rubric's windows are not compared with this one's
        ([_summary(2, 1, rubric="other"), _summary(9, 5)], None, None, None),
    ],
)
def test_phase_change(
    history: list[AssessmentSummary], direction: str | None, before: str | None, after: str | None
) -> None:
    change = views_tasks.phase_change(history)
    if direction is None:
        assert change is None
        return
    assert change is not None
    assert change["direction"] == direction
    assert change["from"]["phase"] == before
    assert change["to"]["phase"] == after
    assert change["to"]["window"] == history[-1].window.key


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """The demo evidence over W1, then a week later with duinwijk's evidence gone."""
    wh = Warehouse(f"sqlite:///{tmp_path / 'warehouse.sqlite'}")
    wh.migrate()
    rubric = load_default_rubric()
    orgs = load_evidence_file(EVIDENCE)
    score_inputs(orgs, rubric, wh, input_digest="week-1")
    w2 = Window(W1.start + timedelta(days=7), W1.end + timedelta(days=7))
    later = [
        replace(
            o,
            evidence=replace(
                o.evidence,
                window=w2,
                **({"metrics": (), "facts": ()} if o.org_id == "gemeente-duinwijk" else {}),
            ),
        )
        for o in orgs
    ]
    score_inputs(later, rubric, wh, input_digest="week-2")
    yield wh
    wh.dispose()


def test_phase_changes_warns_once_per_changed_organisation(
    warehouse: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="maturity.airflow.views_tasks"):
        report = views_tasks.phase_changes(warehouse)
    assert report["organisations"] == 13
    [change] = report["changes"]
    assert change["org_id"] == "gemeente-duinwijk"
    assert change["direction"] == "down"
    assert change["from"]["phase"] == "5 Strategic"
    assert change["to"]["phase"] == "Insufficient evidence"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "gemeente-duinwijk" in warnings[0]


def test_refresh_views_recreates_them_in_place(warehouse: Warehouse) -> None:
    with warehouse.engine.begin() as c:
        c.execute(text("DROP VIEW v_latest_assessment"))
    report = views_tasks.refresh_views(warehouse)
    assert report == {"views": list(view_names())}
    assert "v_latest_assessment" in report["views"]
    with warehouse.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT org_id, window_end, phase_label_en FROM v_latest_assessment "
                "WHERE org_id = 'polderstroom-energie'"
            )
        ).all()
    assert len(rows) == 1
    assert rows[0].phase_label_en == "Converged"
    assert views_tasks.refresh_views(warehouse) == report


def test_refresh_views_refuses_an_unmigrated_warehouse(tmp_path: Path) -> None:
    from maturity.errors import WarehouseError

    wh = Warehouse(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        with pytest.raises(WarehouseError, match="schema is at None"):
            views_tasks.refresh_views(wh)
    finally:
        wh.dispose()
