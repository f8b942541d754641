"""Output that is not a terminal (``maturity rubric show | less``, ``> file``) keeps every
text whole: no cell is cut to fit 80 columns ("Plann…", "Crite…")."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.cli.render import output_console
from maturity.input_file import load_evidence_file
from maturity.rubric import load_default_rubric
from maturity.sandbox.demo import demo_evidence_path

pytestmark = pytest.mark.integration

# CliRunner's standard output is not a terminal; COLUMNS=80 is what a pipe used to get.
runner = CliRunner(env={"COLUMNS": "80", "NO_COLOR": "1"})


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_rubric_show_through_a_pipe_keeps_every_text(lang: str) -> None:
    result = runner.invoke(app, ["rubric", "show", "--lang", lang])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "…" not in out
    rubric = load_default_rubric()
    for c in rubric.criteria:
        for text in (c.id, c.label.get(lang), c.source, f"{int(c.phase)} {c.phase.label(lang)}"):
            assert text in out, text
    assert rubric.title.get(lang) in out


def test_assess_through_a_pipe_keeps_names_and_next_steps(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    result = runner.invoke(app, ["assess", "-i", str(demo_evidence_path()), "--warehouse", url])
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    rubric = load_default_rubric()
    labels = {c.id: c.label.get("en") for c in rubric.criteria}
    for org in load_evidence_file(demo_evidence_path()):
        assert org.name in result.stdout, org.name
    steps = [line for line in result.stdout.splitlines() if "│" in line]
    assert any(label in line for line in steps for label in labels.values())


def test_output_console_is_wide_off_a_terminal() -> None:
    assert output_console().width >= 1000
    assert not output_console().is_terminal
