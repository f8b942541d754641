"""``--json`` on assess, rescore, explain, collect and rubric show: one JSON document on standard
output, in the shapes of the plugin API (the serialisers of ``maturity.warehouse.payloads``,
the models of ``maturity.airflow.api_models``); progress and messages on standard error."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from maturity.airflow.api_models import ExplanationBody, ScoredBody
from maturity.cli import app
from maturity.input_file import load_evidence_file
from maturity.pipeline import settings as s
from maturity.rubric import load_default_rubric
from maturity.sandbox.demo import demo_evidence_path, demo_strict_rubric_path
from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = pytest.mark.integration

DEMO = demo_evidence_path()
runner = CliRunner(env={"COLUMNS": "80", "NO_COLOR": "1"})
END = datetime(2026, 11, 2, tzinfo=UTC)
START = END - timedelta(days=91)


def _json(args: list[str], **kwargs: Any) -> Any:
    result = runner.invoke(app, [*args, "--json"], **kwargs)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # the whole of standard output is one document


def test_rubric_show_json_is_the_whole_rubric() -> None:
    body = _json(["rubric", "show"])
    assert body == load_default_rubric().model_dump(mode="json")


def test_assess_rescore_and_explain_json_have_the_api_shapes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    orgs = {o.org_id for o in load_evidence_file(DEMO)}
    assessed = _json(["assess", "-i", str(DEMO), "--warehouse", url])
    assert {a["org_id"] for a in assessed["assessments"]} == orgs
    for a in assessed["assessments"]:
        ScoredBody.model_validate(a)
        assert a["criteria"], a["org_id"]
    strict = demo_strict_rubric_path()
    rescored = _json(["rescore", "--rubric", str(strict), "--warehouse", url])
    assert rescored["rubric"]["id"] == "social-business-maturity-municipality-strict"
    assert {a["org_id"] for a in rescored["assessments"]} == orgs
    for a in rescored["assessments"]:
        ScoredBody.model_validate(a)
    explained = _json(["explain", "gemeente-duinwijk", "--warehouse", url])
    ExplanationBody.model_validate(explained)
    scored = next(a for a in assessed["assessments"] if a["org_id"] == "gemeente-duinwijk")
    assert explained["criteria"] == scored["criteria"]
    assert (explained["phase"], explained["next_steps"]) == (scored["phase"], scored["next_steps"])


def _env(emu: Emulator, home: Path) -> dict[str, str]:
    return {
        **emu.connection_env(),
        s.HOME: str(home),
        s.DEMO_PSEUDONYM_KEY: "1",
        s.WAREHOUSE_URL: f"sqlite:///{home / 'warehouse.sqlite'}",
    }


def test_assess_registry_and_collect_json(tmp_path: Path) -> None:
    """Standard output holds the document alone: the pseudonym warning, the progress bar and
    the logs go to standard error (CliRunner keeps the two apart, as a shell pipe does)."""
    world = generate_world(1, 1, START, END)
    registry = dump_registry(world, tmp_path / "registry.yaml", with_questionnaires=True)
    window = ["--start", f"{START:%Y-%m-%d}", "--end", f"{END:%Y-%m-%d}"]
    with Emulator(world, limits=GENEROUS) as emu:
        env = _env(emu, tmp_path)
        collected = runner.invoke(
            app, ["collect", str(registry), *window, "--no-warehouse", "--json"], env=env
        )
        assessed = runner.invoke(
            app, ["assess", "--registry", str(registry), *window, "--json"], env=env
        )
    assert collected.exit_code == 0, collected.output
    body = json.loads(collected.stdout)
    handles = {(a.platform, a.handle) for o in world.organisations for a in o.accounts}
    assert {(r["platform"], r["account"]) for r in body["accounts"]} == handles
    assert {(r["gate"], r["reply_links"]) for r in body["accounts"]} == {(None, None)}
    assert all(r["posts"] + r["inbound"] > 0 for r in body["accounts"])
    assert (body["warehouse"], body["failures"]) == (None, [])
    assert assessed.exit_code == 0, assessed.output
    body = json.loads(assessed.stdout)
    assert {a["org_id"] for a in body["assessments"]} == {o.id for o in world.organisations}
    assert (body["failed"], body["quarantined"]) == ({}, [])
    for a in body["assessments"]:
        ScoredBody.model_validate(a)
