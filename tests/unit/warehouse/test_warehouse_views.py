"""The view files carry no copy of the phase labels: ``render_view`` fills them in from
``maturity.phases``, and the CASE it writes labels every outcome as ``outcome_labels`` does."""

from __future__ import annotations

import importlib
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


def _migration_views() -> dict[str, str]:
    """The view text the newest migration that creates each view froze (its ``VIEWS``)."""
    versions = files("maturity.sql").joinpath("migrations", "versions")
    frozen: dict[str, str] = {}
    for entry in sorted(versions.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py") and entry.name[:4].isdigit():
            module = importlib.import_module(f"maturity.sql.migrations.versions.{entry.name[:-3]}")
            frozen.update(getattr(module, "VIEWS", {}))
    return frozen


def test_every_bi_view_file_is_frozen_unchanged_in_its_migration() -> None:
    """A view file changed without a migration would leave warehouses with the old view."""
    frozen = _migration_views()
    assert set(frozen) == set(view_names()) - {"v_latest_assessment"}
    sql = files("maturity.sql")
    for name, text_ in frozen.items():
        assert text_.strip() == sql.joinpath("views", f"{name}.sql").read_text().strip(), name


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_every_view_renders_with_no_placeholder_left(dialect: str) -> None:
    for name in view_names():
        assert "{{" not in view_sql(name, dialect), name


def test_json_placeholders_render_per_dialect() -> None:
    select = (
        "SELECT {{ json_number(c.value, 'threshold') }} FROM t "
        "{{ json_objects(t.checks, c) }} {{ json_strings(t.platforms, p) }}"
    )
    assert render_view(select, "sqlite") == (
        "SELECT CAST(json_extract(c.value, '$.threshold') AS REAL) FROM t "
        "LEFT JOIN json_each(t.checks) AS c ON 1 = 1 CROSS JOIN json_each(t.platforms) AS p"
    )
    assert render_view(select, "postgresql") == (
        "SELECT CAST((c.value ->> 'threshold') AS DOUBLE PRECISION) FROM t "
        "LEFT JOIN LATERAL jsonb_array_elements(t.checks) AS c(value) ON TRUE "
        "CROSS JOIN LATERAL jsonb_array_elements_text(t.platforms) AS p(value)"
    )


def test_dictionary_values_escape_quotes_and_cover_every_metric() -> None:
    from maturity.metric_dictionary import METRICS

    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                render_view(
                    "WITH d (metric_id, family, kind, unit, definition_en, denominator, "
                    "sample, window_rule) AS ({{ metric_dictionary() }}) SELECT * FROM d"
                )
            )
        ).all()
    engine.dispose()
    assert [r[0] for r in rows] == [m.id for m in METRICS]
    assert [r[4] for r in rows] == [m.definition for m in METRICS]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: render_view("SELECT 1", "mysql"), "written for sqlite, postgresql, not 'mysql'"),
        (lambda: render_view("SELECT {{ json_text(a; DROP, 'k') }}"), "is not a column or word"),
        (lambda: render_view("SELECT {{ json_text(a, 'k', 'x') }}"), "unknown view placeholder"),
    ],
)
def test_bad_dialects_and_arguments_are_refused(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


@pytest.mark.parametrize("role", ["Bi", "bi-reader", "1bi", 'x"; drop', ""])
def test_readonly_grants_refuse_names_that_would_need_quoting(role: str) -> None:
    from maturity.errors import InputError
    from maturity.warehouse.views import readonly_grants

    with pytest.raises(InputError, match="not a plain PostgreSQL name"):
        readonly_grants(role, "public")


def test_readonly_grants_name_every_view_and_no_table() -> None:
    from maturity.warehouse.views import readonly_grants

    usage, select = readonly_grants("bi_reader", "public")
    assert usage == 'GRANT USAGE ON SCHEMA "public" TO "bi_reader"'
    assert select == (
        "GRANT SELECT ON " + ", ".join(f'"public".{n}' for n in view_names()) + ' TO "bi_reader"'
    )


def test_grant_readonly_refuses_sqlite_naming_the_fix() -> None:
    from maturity.errors import InputError
    from maturity.warehouse.views import grant_readonly

    engine = create_engine("sqlite://")
    with engine.connect() as connection, pytest.raises(InputError) as info:
        grant_readonly(connection, "bi_reader")
    engine.dispose()
    assert "needs PostgreSQL, not sqlite" in str(info.value)
    assert "give BI tools a copy of the file" in str(info.value)
