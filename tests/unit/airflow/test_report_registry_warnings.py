"""The DAG's report names every account the platform does not know (issue 12): the score step
puts a registry warning in its summary, and the report task logs it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from maturity.airflow import assessment_tasks as t
from maturity.assessment import Assessment, Note
from maturity.evidence import Window
from maturity.pipeline.score import registry_warnings

pytestmark = pytest.mark.unit

WINDOW = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))


def _assessment(*notes: Note) -> Assessment:
    return Assessment(
        org_id="gemeente-nergens",
        window=WINDOW,
        rubric_id="r",
        rubric_version="1",
        verdict="insufficient_evidence",
        phase=None,
        phases_attained=(),
        maturity_index=0.0,
        confidence=0.0,
        coverage=0.0,
        platforms_covered=(),
        platforms_missing=("x",),
        criteria=(),
        next_steps=(),
        notes=notes,
    )


def test_the_score_summary_warns_about_not_found_accounts_only() -> None:
    a = _assessment(
        Note("unreadable_account", "x", "GemeenteNergens", None, "not_found"),
        Note("unreadable_account", "x", "NergensHelpt", None, "protected"),
    )
    assert registry_warnings(a) == [
        "gemeente-nergens: x:GemeenteNergens: not found: check the registry"
    ]


def test_the_report_logs_each_registry_warning(caplog: pytest.LogCaptureFixture) -> None:
    shards = [{"orgs": [{"org_id": "gemeente-nergens"}]}]
    warning = "gemeente-nergens: x:GemeenteNergens: not found: check the registry"
    steps = [{"step": "score", "done": {"gemeente-nergens": {"warnings": [warning]}}}]
    with caplog.at_level("WARNING"):
        out = t.outcome(shards, steps)
    assert out["registry_warnings"] == [warning]
    assert caplog.text == ""  # publish reads the outcome too: only the report logs
    with caplog.at_level("WARNING"):
        t.log_registry_warnings(out)
    assert caplog.text.count(f"registry: {warning}") == 1
