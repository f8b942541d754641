"""`maturity rescore`: past windows under another rubric, side by side, without collecting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from maturity.cli import app
from maturity.sandbox.demo import demo_evidence_path, demo_strict_rubric_path
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.integration

DEMO = demo_evidence_path()
STRICT = demo_strict_rubric_path()
runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})


def _rows(url: URL, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return sorted(map(tuple, c.execute(text(sql))), key=repr)
    finally:
        engine.dispose()


def test_rescore_keeps_both_versions_and_is_idempotent(warehouse_url: URL) -> None:
    url = warehouse_url.render_as_string(hide_password=False)
    assert runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", url]).exit_code == 0
    before = _rows(warehouse_url, "SELECT org_id, rubric_id, phase FROM assessment")
    out = runner.invoke(app, ["rescore", "--rubric", str(STRICT), "--warehouse", url])
    assert out.exit_code == 0, out.output
    after = _rows(warehouse_url, "SELECT org_id, rubric_id, phase FROM assessment")
    rubrics = {r[1] for r in after}
    assert rubrics == {"social-business-maturity", "social-business-maturity-municipality-strict"}
    assert len(after) == 2 * len(before)
    assert set(before) <= set(after)  # the earlier results are untouched
    # the stricter rubric never places an organisation higher
    default = {r[0]: r[2] or 0 for r in after if r[1] == "social-business-maturity"}
    strict = {r[0]: r[2] or 0 for r in after if r[1] != "social-business-maturity"}
    assert all(strict[o] <= default[o] for o in default)
    assert any(strict[o] < default[o] for o in default)
    dump = _rows(warehouse_url, "SELECT * FROM criterion_result")
    again = runner.invoke(app, ["rescore", "--rubric", str(STRICT), "--warehouse", url])
    assert again.exit_code == 0
    assert _rows(warehouse_url, "SELECT * FROM criterion_result") == dump

    explained = runner.invoke(
        app, ["explain", "gemeente-grachtenburg", "--rubric", str(STRICT), "--warehouse", url]
    )
    assert "municipality-strict" in explained.output


def test_rescore_with_nothing_stored_is_bad_input(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    with Warehouse(url) as wh:  # an empty warehouse: a missing one is refused as such
        wh.migrate()
    out = runner.invoke(app, ["rescore", "--warehouse", url])
    assert out.exit_code == 2
    assert "no stored evidence" in out.output


def test_rescore_under_the_earlier_version_shows_both_side_by_side(warehouse_url: URL) -> None:
    url = warehouse_url.render_as_string(hide_password=False)
    assert runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", url]).exit_code == 0
    out = runner.invoke(app, ["rescore", "--rubric", "2026.11.0", "--warehouse", url])
    assert out.exit_code == 0, out.output
    side = out.output.split("Side by side", 1)[1]
    header = next(line for line in side.splitlines() if "Organisation" in line)
    assert header.index("2026.12.1") < header.index("2026.11.0")  # the re-scored version last
    row = next(line for line in side.splitlines() if "Gemeente Grachtenburg" in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells[1:] == ["3 Engagement", "4 Formalized"]
    rows = _rows(warehouse_url, "SELECT DISTINCT rubric_version FROM assessment")
    assert rows == [("2026.11.0",), ("2026.12.1",)]


def test_rescore_under_2026_12_0_keeps_the_phases_of_the_demo(warehouse_url: URL) -> None:
    """2026.12.0 is selectable after 2026.12.1 replaced it; on the demo evidence (no slow
    answers on Reddit or Mastodon) the per-platform bars change no phase."""
    url = warehouse_url.render_as_string(hide_password=False)
    assert runner.invoke(app, ["assess", "-i", str(DEMO), "--warehouse", url]).exit_code == 0
    out = runner.invoke(app, ["rescore", "--rubric", "2026.12.0", "--warehouse", url])
    assert out.exit_code == 0, out.output
    side = out.output.split("Side by side", 1)[1]
    header = next(line for line in side.splitlines() if "Organisation" in line)
    assert header.index("2026.12.1") < header.index("2026.12.0")
    rows = [
        [c.strip() for c in line.strip("│ ").split("│")]
        for line in side.splitlines()
        if "Gemeente" in line
    ]
    assert sum(1 for cells in rows if cells[1][:1].isdigit()) >= 3, rows
    for cells in rows:
        assert cells[1] == cells[2], cells
