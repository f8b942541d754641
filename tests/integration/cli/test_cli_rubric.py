"""`maturity rubric validate` and `show`: clear errors, exit code 2 for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.rubric import DEFAULT_RUBRIC_PATH

pytestmark = pytest.mark.integration

runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})


def test_validate_default() -> None:
    out = runner.invoke(app, ["rubric", "validate", str(DEFAULT_RUBRIC_PATH)])
    assert out.exit_code == 0, out.output
    assert "OK" in out.output


def _custom(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "sector.yaml"
    p.write_text("extends: default\nrubric: sector\nversion: '1'\n" + body)
    return p


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        ("criteria: [\n", ["malformed YAML", "sector.yaml:"]),
        (
            "criteria:\n  - id: engagement.response_rate\n    metric: responsiveness.nope\n",
            [
                "unknown metric 'responsiveness.nope'",
                "engagement.response_rate",
                "sector.yaml:6",
                "field 'metric'",
            ],
        ),
        (
            "criteria:\n  - id: engagement.response_rate\n    threshold: 1.5\n",
            ["out of range", "engagement.response_rate", "sector.yaml:6", "field 'threshold'"],
        ),
        (
            "criteria:\n  - {id: presence.x1, phase: 2}\n  - {id: presence.x1, phase: 2}\n",
            ["duplicate id 'presence.x1'", "sector.yaml:6", "first at line 5"],
        ),
    ],
)
def test_validate_bad_files(tmp_path: Path, body: str, needles: list[str]) -> None:
    out = runner.invoke(app, ["rubric", "validate", str(_custom(tmp_path, body))])
    assert out.exit_code == 2, out.output
    flat = " ".join(out.output.split())
    for needle in needles:
        assert needle in flat


def test_phase_without_criteria(tmp_path: Path) -> None:
    from maturity.rubric import load_default_rubric

    ids = [c.id for c in load_default_rubric().criteria if c.phase == 6]
    p = _custom(tmp_path, "remove: [" + ", ".join(ids) + "]\n")
    out = runner.invoke(app, ["rubric", "validate", str(p)])
    assert out.exit_code == 2
    assert "phase 6 (Converged) has no criteria" in " ".join(out.output.split())


def test_show_prints_every_phase_in_dutch() -> None:
    out = runner.invoke(app, ["rubric", "show", "--lang", "nl"])
    assert out.exit_code == 0, out.output
    for label in ("Aanwezigheid", "Geformaliseerd", "Geconvergeerd"):
        assert label in out.output


def test_missing_file_is_bad_input(tmp_path: Path) -> None:
    out = runner.invoke(app, ["rubric", "validate", str(tmp_path / "nope.yaml")])
    assert out.exit_code == 2
    assert "file not found" in out.output
