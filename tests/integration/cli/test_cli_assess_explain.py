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
    assert "social-business-maturity 2026.12.1" in text_out
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


# -- issue 12: what explain must show --------------------------------------------------------


#: Wide enough that no evidence cell wraps, so sentences can be asserted whole.
wide = CliRunner(env={"COLUMNS": "1000", "NO_COLOR": "1"})


def _write(url: URL, org_id: str, evidence: object) -> None:
    from maturity.pipeline.runs import run_info
    from maturity.pipeline.score import score_and_write
    from maturity.rubric import load_default_rubric
    from maturity.warehouse import OrgRow, Warehouse

    rubric = load_default_rubric()
    with Warehouse(url) as wh:
        wh.migrate()
        run = run_info("assess", evidence.window, rubric, f"test-{org_id}", "cli")  # type: ignore[attr-defined]
        score_and_write(wh, rubric, OrgRow(org_id, org_id.title(), "municipality"), evidence, run)  # type: ignore[arg-type]


def test_explain_says_which_accounts_could_not_be_read(warehouse_url: URL) -> None:
    from dataclasses import replace

    from maturity.evidence import AccountState
    from maturity.input_file import load_evidence_file

    base = load_evidence_file(DEMO)[0].evidence
    evidence = replace(
        base,
        org_id="gemeente-nergens",
        metrics=(),
        facts=(),
        accounts=(
            AccountState("x", "GemeenteNergens", "not_found"),
            AccountState("x", "NergensHelpt", "protected"),
            AccountState("reddit", "nergens", "suspended"),
        ),
    )
    _write(warehouse_url, "gemeente-nergens", evidence)
    en = wide.invoke(app, ["explain", "gemeente-nergens", "--warehouse", _url(warehouse_url)])
    assert en.exit_code == 0, en.output
    assert "Phase: Insufficient evidence" in en.output
    assert "Registry warning: x:GemeenteNergens: not found: check the registry" in en.output
    assert "x:NergensHelpt: protected" in en.output
    assert "reddit:nergens: suspended" in en.output
    nl = wide.invoke(
        app, ["explain", "gemeente-nergens", "--warehouse", _url(warehouse_url), "--lang", "nl"]
    )
    assert "Fase: Onvoldoende bewijs" in nl.output
    assert "Registerwaarschuwing: x:GemeenteNergens: niet gevonden: controleer het register" in (
        nl.output
    )
    assert "x:NergensHelpt: afgeschermd" in nl.output


def test_explain_shows_contradicted_stale_inbound_automated_and_undecided(
    warehouse_url: URL,
) -> None:
    from dataclasses import replace
    from datetime import UTC, date, datetime

    from maturity.evidence import MetricValue, PriorAssessment
    from maturity.input_file import load_evidence_file

    orgs = {o.org_id: o.evidence for o in load_evidence_file(DEMO)}
    base = orgs["woonstichting-klaverhof"]
    extra = (
        MetricValue("organisation.hub_spoke_links", 0.0, 3),
        MetricValue("responsiveness.inbound_total", 120, 120),
        MetricValue("responsiveness.inbound_actionable", 95, 95),
        MetricValue("responsiveness.inbound_excluded_spam", 20, 120),
        MetricValue("responsiveness.response_rate_raw", 0.4, 120),
        MetricValue("responsiveness.automated_reply_share", 0.5, 48),
        MetricValue("activity.posts_per_week", 0.0, 13),
    )
    kept = tuple(m for m in base.metrics if m.metric_id not in {e.metric_id for e in extra})
    stale = tuple(
        replace(f, declared_at=date(2024, 1, 15)) if f.fact_id == "declared.roles_assigned" else f
        for f in base.facts
    )
    _write(
        warehouse_url,
        "woon-test",
        replace(
            base,
            org_id="woon-test",
            metrics=kept + extra,
            facts=stale,
            prior=PriorAssessment(4, datetime(2026, 5, 4, tzinfo=UTC)),
        ),
    )
    out = wide.invoke(app, ["explain", "woon-test", "--warehouse", _url(warehouse_url)])
    assert out.exit_code == 0, out.output
    assert "≠ contradicted" in out.output
    assert "contradicted: organisation.hub_spoke_links is 0 (n=3)" in out.output
    assert "stale: declared more than 18 months before the window's end" in out.output
    assert "inbound (raw) 120 · actionable 95 · spam excluded 20" in out.output
    assert "response rate (raw) 0.4 (n=120)" in out.output
    assert "automated replies: 50% of the organisation's replies (n=48)" in out.output
    assert "lapsed: the assessment of 2026-05-04 reached phase 4" in out.output
    nl = wide.invoke(
        app, ["explain", "woon-test", "--warehouse", _url(warehouse_url), "--lang", "nl"]
    )
    assert "tegengesproken: organisation.hub_spoke_links is 0 (n=3)" in nl.output
    assert "verouderd: meer dan 18 maanden" in nl.output
    assert "binnenkomend (ruw) 120 · te beantwoorden 95" in nl.output


def test_explain_says_the_next_phase_cannot_be_decided_yet(warehouse_url: URL) -> None:
    url = _url(warehouse_url)
    assert wide.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", url]).exit_code == 0
    en = wide.invoke(app, ["explain", "fietsenmakerij-de-spaak", "--warehouse", url])
    assert "Phase: 2 Presence; phase 3 cannot be decided yet (too little evidence)" in en.output
    assert "below the minimum sample of 20: cannot be decided yet (too little" in en.output
    nl = wide.invoke(
        app, ["explain", "fietsenmakerij-de-spaak", "--warehouse", url, "--lang", "nl"]
    )
    assert "Fase: 2 Aanwezigheid; fase 3 is nog niet te beslissen (te weinig bewijs)" in nl.output
