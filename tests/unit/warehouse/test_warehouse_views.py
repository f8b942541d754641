"""The view files carry no copy of the phase labels: ``render_view`` fills them in from
``maturity.phases``, and the CASE it writes labels every outcome as ``outcome_labels`` does."""

from __future__ import annotations

from importlib.resources import files

import pytest
from sqlalchemy import create_engine, text

from maturity.phases import (
    BELOW_PLANNING,
    INSUFFICIENT_EVIDENCE,
    PHASE_LABELS,
    Phase,
    outcome_labels,
)
from maturity.warehouse.views import render_view, view_names, view_sql

ALL_LABELS = {
    label
    for labels in (*PHASE_LABELS.values(), INSUFFICIENT_EVIDENCE, BELOW_PLANNING)
    for label in labels.values()
}


def _sources() -> list[tuple[str, str]]:
    sql = files("maturity.sql")
    views = [
        (f"views/{n}.sql", sql.joinpath("views", f"{n}.sql").read_text()) for n in view_names()
    ]
    versions = sql.joinpath("migrations", "versions")
    migrations = [
        (f"migrations/versions/{e.name}", e.read_text())
        for e in versions.iterdir()
        if e.name.endswith(".py")
    ]
    return views + migrations


@pytest.mark.parametrize(("name", "source"), _sources(), ids=lambda v: str(v)[:40])
def test_sql_sources_carry_no_phase_label(name: str, source: str) -> None:
    assert [label for label in ALL_LABELS if f"'{label}'" in source] == [], name


OUTCOMES = [*((p, "assessed") for p in Phase), (None, "assessed"), (None, "insufficient_evidence")]


@pytest.mark.parametrize(("phase", "verdict"), OUTCOMES)
def test_rendered_case_labels_every_outcome_as_the_phase_model(
    phase: Phase | None, verdict: str
) -> None:
    select = render_view(
        "SELECT {{ phase_label(a.phase, a.verdict, 'en') }} AS en, "
        "{{ phase_label(a.phase, a.verdict, 'nl') }} AS nl "
        "FROM (SELECT :phase AS phase, :verdict AS verdict) AS a"
    )
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        row = connection.execute(
            text(select), {"phase": None if phase is None else int(phase), "verdict": verdict}
        ).one()
    engine.dispose()
    expected = outcome_labels(phase, verdict)
    assert (row.en, row.nl) == (expected["en"], expected["nl"])


def test_v_latest_assessment_has_its_labels_filled_in() -> None:
    sql = view_sql("v_latest_assessment")
    assert "{{" not in sql
    for labels in PHASE_LABELS.values():
        assert f"THEN '{labels['en']}'" in sql
        assert f"THEN '{labels['nl']}'" in sql


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ("{{ phase_label(phase, verdict, 'fr') }}", "no phase labels in 'fr'"),
        ("{{ phase_names(phase) }}", "unknown view placeholder"),
        ("{{ }}", "unknown view placeholder"),
    ],
)
def test_unknown_placeholders_are_refused(placeholder: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_view(f"SELECT {placeholder} AS x")
