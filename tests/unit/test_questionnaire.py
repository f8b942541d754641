"""Questionnaires of declared facts: the template, filling it in, and its errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.errors import InputError
from maturity.questionnaire import (
    SUCCESS_FACTORS,
    load_questionnaire,
    render_template,
    rubric_facts,
)
from maturity.rubric import Rubric, load_default_rubric

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_default_rubric()


def test_template_asks_every_fact_of_the_rubric_once(rubric: Rubric) -> None:
    text = render_template("gemeente-a", rubric, "en")
    for fact_id in rubric_facts(rubric):
        assert text.count(f"  {fact_id}: null") == 1


def test_every_success_factor_fact_exists_in_the_rubric(rubric: Rubric) -> None:
    facts = set(rubric_facts(rubric))
    for factor in SUCCESS_FACTORS.values():
        assert set(factor["facts"]) <= facts


def test_template_in_dutch(rubric: Rubric) -> None:
    text = render_template("gemeente-a", rubric, "nl")
    assert "Vragenlijst" in text
    assert "Steun van de top" in text


def test_filled_template_gives_declared_facts(tmp_path: Path, rubric: Rubric) -> None:
    text = render_template("gemeente-a", rubric, "en")
    text = text.replace("declared_by: null", "declared_by: Head of Communications")
    text = text.replace("declared_at: null", "declared_at: 2026-10-01")
    text = text.replace("  declared.social_policy: null", "  declared.social_policy: true")
    text = text.replace(
        "  declared.departments_involved: null", "  declared.departments_involved: 0.6"
    )
    text = text.replace(
        "  declared.training: null",
        "  declared.training:\n    {value: false, declared_by: HR, declared_at: 2026-09-01}",
    )
    p = tmp_path / "q.yaml"
    p.write_text(text)
    q = load_questionnaire(p, rubric, "gemeente-a")
    got = {f.fact_id: (f.value, f.declared_by, f.declared_at) for f in q.facts}
    assert got == {
        "declared.social_policy": (True, "Head of Communications", date(2026, 10, 1)),
        "declared.departments_involved": (0.6, "Head of Communications", date(2026, 10, 1)),
        "declared.training": (False, "HR", date(2026, 9, 1)),
    }
    assert "declared.ambassador" in q.unanswered


def _q(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "q.yaml"
    p.write_text("format: maturity-questionnaire/1\norganisation: gemeente-a\n" + body)
    return p


@pytest.mark.parametrize(
    ("body", "needles"),
    [
        (
            "declared_by: X\ndeclared_at: 2026-01-01\nanswers:\n  declared.nope: true\n",
            ["unknown question 'declared.nope'", "q.yaml:6"],
        ),
        (
            "answers:\n  declared.training: true\n",
            ["does not say who declared it and when", "q.yaml:4"],
        ),
        (
            "declared_by: X\ndeclared_at: 2026-01-01\nanswers:\n  declared.training: 3\n",
            ["must be true, false or a share", "q.yaml:6"],
        ),
    ],
)
def test_bad_answers_name_file_line_and_question(
    tmp_path: Path, rubric: Rubric, body: str, needles: list[str]
) -> None:
    with pytest.raises(InputError) as exc:
        load_questionnaire(_q(tmp_path, body), rubric)
    for needle in needles:
        assert needle in str(exc.value)


def test_questionnaire_of_another_organisation(tmp_path: Path, rubric: Rubric) -> None:
    with pytest.raises(InputError, match="is for 'gemeente-a', not 'gemeente-b'"):
        load_questionnaire(_q(tmp_path, "answers: {}\n"), rubric, "gemeente-b")


def test_template_command_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "q.yaml"
    first = runner.invoke(
        app, ["questionnaire", "template", "gemeente-a", "--out", str(out), "--lang", "nl"]
    )
    assert first.exit_code == 0, first.output
    assert "organisation: gemeente-a" in out.read_text()
    second = runner.invoke(app, ["questionnaire", "template", "gemeente-a", "--out", str(out)])
    assert second.exit_code == 2
    assert "exists already" in second.output


@pytest.mark.parametrize("org", ["Gemeente A", "_gemeente", "g" * 81])
def test_template_refuses_what_the_registry_would_refuse(org: str) -> None:
    from maturity.cli import app

    out = CliRunner().invoke(app, ["questionnaire", "template", org])
    assert out.exit_code == 2
    assert "is not an organisation id" in out.output
