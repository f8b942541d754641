"""The `maturity` command end to end, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from maturity.cli import app
from maturity.sandbox.demo import demo_evidence_path

pytestmark = pytest.mark.integration

DEMO = demo_evidence_path()
TABLES = (
    "organisation",
    "run",
    "metric_value",
    "declared_fact",
    "assessment",
    "criterion_result",
    "next_step",
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})


def _url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _dump(url: URL) -> dict[str, list[tuple]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {
                t: sorted(map(tuple, c.execute(text(f"SELECT * FROM {t}"))), key=repr)
                for t in TABLES
            }
    finally:
        engine.dispose()


def _count(url: URL, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_assess_writes_every_org_and_a_rerun_changes_nothing(
    runner: CliRunner, warehouse_url: URL
) -> None:
    first = runner.invoke(app, ["assess", "--input", str(DEMO), "--warehouse", _url(warehouse_url)])
    assert first.exit_code == 0, first.output
    assert "Gemeente Duinwijk" in first.output
    before = _dump(warehouse_url)
    n_orgs = DEMO.read_text().count("\n  - id: ")
    assert len(before["assessment"]) == n_orgs >= 10
    again = runner.invoke(app, ["assess", "--input", str(DEMO), "--warehouse", _url(warehouse_url)])
    assert again.exit_code == 0, again.output
    assert _dump(warehouse_url) == before


def test_explain_shows_phase_criteria_evidence_and_next_steps(
    runner: CliRunner, warehouse_url: URL
) -> None:
    assert (
        runner.invoke(
            app, ["assess", "-i", str(DEMO), "--warehouse", _url(warehouse_url)]
        ).exit_code
        == 0
    )
    out = runner.invoke(app, ["explain", "gemeente-heidedorp", "--warehouse", _url(warehouse_url)])
    assert out.exit_code == 0, out.output
    text_out = out.output
    assert "Phase: 1 Planning" in text_out
    assert "planning.accounts_exist" in text_out  # a criterion id
    assert "Next steps" in text_out
    assert "social-business-maturity 2026.11.0" in text_out
    nl = runner.invoke(
        app, ["explain", "gemeente-heidedorp", "--lang", "nl", "--warehouse", _url(warehouse_url)]
    )
    assert "Volgende stappen" in nl.output
    assert "Fase: 1 Planning" in nl.output
    assert "over alle platforms" in nl.output  # reasons are rebuilt in Dutch too
    assert "needs" not in nl.output


def test_explain_as_of_before_any_window(runner: CliRunner, warehouse_url: URL) -> None:
    runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", _url(warehouse_url)])
    out = runner.invoke(
        app,
        [
            "explain",
            "gemeente-heidedorp",
            "--as-of",
            "2020-01-01",
            "--warehouse",
            _url(warehouse_url),
        ],
    )
    assert out.exit_code == 2
    assert "2020-01-01" in out.output


def test_explain_unknown_org_is_bad_input(runner: CliRunner, warehouse_url: URL) -> None:
    runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", _url(warehouse_url)])
    out = runner.invoke(app, ["explain", "no-such-org", "--warehouse", _url(warehouse_url)])
    assert out.exit_code == 2
    assert "unknown organisation" in out.output
    assert "no-such-org" in out.output


def test_bad_evidence_file_writes_nothing(
    runner: CliRunner, warehouse_url: URL, tmp_path: Path
) -> None:
    from maturity.warehouse import Warehouse

    Warehouse(warehouse_url).migrate()
    text_in = DEMO.read_text()
    # corrupt the LAST organisation only: nothing of the valid ones may be written either
    last = list(re.finditer(r"metric: ([a-z_.]+)", text_in))[-1]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text_in[: last.start(1)] + "activity.no_such_metric_xyz" + text_in[last.end(1) :]
    )
    out = runner.invoke(app, ["assess", "-i", str(bad), "--warehouse", _url(warehouse_url)])
    assert out.exit_code == 2, out.output
    assert "unknown metric 'activity.no_such_metric_xyz'" in out.output
    assert f"{bad}:" in out.output  # file and line
    assert _count(warehouse_url, "assessment") == 0


def test_malformed_evidence_yaml(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: maturity-evidence/1\nwindow: {start: 2026-01-01\n")
    out = runner.invoke(
        app, ["assess", "-i", str(bad), "--warehouse", f"sqlite:///{tmp_path / 'w.sqlite'}"]
    )
    assert out.exit_code == 2
    assert "malformed YAML" in out.output


def test_unreachable_warehouse_masks_the_password(runner: CliRunner) -> None:
    url = "postgresql://analyst:Sup3rS3cret@127.0.0.1:1/warehouse"
    out = runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", url])
    assert out.exit_code == 1, out.output
    assert "Sup3rS3cret" not in out.output
    assert "127.0.0.1:1" in out.output
    assert "***" in out.output


def test_warehouse_from_airflow_connection_env(tmp_path: Path) -> None:
    db = tmp_path / "Conn Warehouse.sqlite"
    runner = CliRunner(
        env={
            "COLUMNS": "240",
            "AIRFLOW_CONN_MATURITY_WAREHOUSE": f'{{"conn_type": "sqlite", "host": "{db}"}}',
            "MATURITY_WAREHOUSE_URL": None,
        }
    )
    out = runner.invoke(app, ["assess", "-i", str(DEMO)])
    assert out.exit_code == 0, out.output
    assert db.exists()
    assert _count(URL.create("sqlite", database=str(db)), "assessment") >= 10
