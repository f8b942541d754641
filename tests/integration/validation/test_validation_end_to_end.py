"""End to end: every archetype of the validation set in one emulator world (seed 1), through
the product's own collection and scoring path, within bounds the model sets.

The bounds are the model's, not one seed's exact phases: "declares everything, answers
nobody" stays at phase 2 or lower, "protected or unknown accounts only" gives insufficient
evidence, "a small perfect responder" reaches 3. Every bound holds under rubric 2026.12.0; the hard
cases (unreadable accounts, an autoresponder, a spam flood, a giant beyond the history caps,
uncorroborated declarations, one central account) each needed one of its rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.sandbox.validation.archetypes import ARCHETYPES
from maturity.sandbox.validation.behaviour import INSUFFICIENT
from maturity.sandbox.validation.report import Meta, write_outputs
from maturity.sandbox.validation.runner import CURRENT, EARLIER, Result, SeedRun, run_seed

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEED = 1
IE = INSUFFICIENT


# (archetype, window, allowed estimates): IE, or phases low..high
BOUNDS = [
    ("protected-only", CURRENT, {IE}),
    ("unknown-only", CURRENT, {IE}),
    ("protected-and-suspended", CURRENT, {IE}),
    ("dormant-account", CURRENT, {"0", "1"}),
    ("planning-listener", CURRENT, {"0", "1", "2"}),
    ("irregular-poster", CURRENT, {"0", "1", "2"}),
    ("new-account", CURRENT, {"0", "1", "2"}),
    ("lapsed", CURRENT, {"0", "1"}),
    ("lapsed", EARLIER, {"2", "3", "4"}),
    ("broadcaster", CURRENT, {"1", "2"}),
    ("broadcaster-two-accounts", CURRENT, {"1", "2"}),
    ("declares-all-answers-nobody", CURRENT, {"0", "1", "2"}),
    ("occasional-answers", CURRENT, {"1", "2"}),
    ("slow-answers", CURRENT, {"1", "2"}),
    ("spam-flood-silent", CURRENT, {"1", "2"}),
    ("autoresponder", CURRENT, {"1", "2"}),
    ("engaged-municipality", CURRENT, {"2", "3", "4"}),
    ("engaged-company", CURRENT, {"2", "3", "4"}),
    ("engaged-no-questionnaire", CURRENT, {"2", "3", "4"}),
    ("small-perfect-responder", CURRENT, {"3", "4"}),
    ("big-broadcaster-answers-all", CURRENT, {"3", "4"}),
    ("spam-flood-engaged", CURRENT, {"3", "4"}),
    ("reddit-only-engaged", CURRENT, {"2", "3", "4"}),
    ("x-protected-reddit-engaged", CURRENT, {"2", "3", "4"}),
    ("giant-beyond-caps", CURRENT, {"2", "3", "4"}),
    ("claims-converged-is-engaged", CURRENT, {"2", "3"}),
    ("many-voices", CURRENT, {"2", "3"}),
    ("hub-and-spoke", CURRENT, {"3", "4", "5"}),
    ("central-account", CURRENT, {"4", "5"}),
    ("linked-in-bios-only", CURRENT, {"4", "5"}),
    ("formalized-office-hours", CURRENT, {"3", "4", "5"}),
    ("strategic", CURRENT, {"4", "5", "6"}),
    ("strategic-company", CURRENT, {"4", "5", "6"}),
    ("converged", CURRENT, {"5", "6"}),
    ("converged-company", CURRENT, {"5", "6"}),
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> SeedRun:
    return run_seed(ARCHETYPES, SEED, root=tmp_path_factory.mktemp("validation"))


def result(run: SeedRun, archetype_id: str, window: str) -> Result:
    return next(r for r in run.results if r.archetype == archetype_id and r.window == window)


def test_every_archetype_has_a_bound() -> None:
    bounded = {(p.values[0], p.values[1]) if hasattr(p, "values") else p[:2] for p in BOUNDS}
    wanted = {(a.id, CURRENT) for a in ARCHETYPES} | {
        (a.id, EARLIER) for a in ARCHETYPES if a.designed_earlier is not None
    }
    assert bounded == wanted


@pytest.mark.parametrize(("archetype_id", "window", "allowed"), BOUNDS)
def test_estimate_within_the_models_bounds(
    run: SeedRun, archetype_id: str, window: str, allowed: set[str]
) -> None:
    r = result(run, archetype_id, window)
    assert r.estimated in allowed, (
        f"{archetype_id} ({window}): estimated {r.estimated}, designed {r.designed}, "
        f"allowed {sorted(allowed)}; not met: "
        f"{ {k: c.status for k, c in r.criteria.items() if c.status != 'met'} }"
    )


def test_the_report_names_every_archetype_its_passage_and_the_numbers(
    run: SeedRun, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    meta = Meta("make validate", (SEED,), 0.2, datetime(2026, 12, 2, tzinfo=UTC), run.seconds)
    md, raw = tmp_path / "VALIDITY.md", tmp_path / "results.json"
    write_outputs([run], ARCHETYPES, meta, md, raw)
    text = md.read_text("utf-8")
    assert "Cohen's kappa" in text
    assert "within one phase" in text
    for a in ARCHETYPES:
        assert f"### {a.id}:" in text
    assert "Opvallend in deze stap is dat interactie met de doelgroep uitblijft" in text
    import json

    doc = json.loads(raw.read_text("utf-8"))
    assert len(doc["results"]) == len(run.results)
    assert doc["overall"]["n"] == len(run.results)
