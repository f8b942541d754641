"""What `maturity assess` and the summary tables print from an assessment's notes (issue 12)."""

from __future__ import annotations

import pytest
from rich.console import Console

from maturity.cli.render import outcome_text, registry_warnings, summary_table
from maturity.evidence import AccountState, MetricValue, OrgEvidence
from maturity.rubric import load_default_rubric
from maturity.scoring import score

pytestmark = pytest.mark.unit


def _text(renderable: object) -> str:
    console = Console(width=300, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_assess_warns_about_each_account_the_platform_does_not_know() -> None:
    from datetime import UTC, datetime

    from maturity.evidence import Window

    window = Window(datetime(2026, 8, 3, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    ev = OrgEvidence(
        "gemeente-nergens",
        window,
        metrics=(MetricValue("presence.accounts_total", 1, 2),),
        accounts=(
            AccountState("x", "Nergens", "active"),
            AccountState("x", "GeenAccountHier", "not_found"),
            AccountState("x", "Dicht", "protected"),
        ),
    )
    a = score(load_default_rubric(), ev)
    rows = [("Gemeente Nergens", a)]
    en = [w.plain for w in registry_warnings(rows, "en")]
    assert en == ["registry gemeente-nergens x:GeenAccountHier: not found: check the registry"]
    nl = [w.plain for w in registry_warnings(rows, "nl")]
    assert nl == [
        "register gemeente-nergens x:GeenAccountHier: niet gevonden: controleer het register"
    ]


def test_the_summary_says_when_the_next_phase_cannot_be_decided_yet() -> None:
    from dataclasses import replace

    from maturity.input_file import load_evidence_file
    from maturity.sandbox.demo import demo_evidence_path

    org = next(o for o in load_evidence_file(demo_evidence_path()) if o.org_id.startswith("fiets"))
    rubric = load_default_rubric()
    a = score(rubric, org.evidence)
    assert (
        outcome_text(a, "en") == "2 Presence; phase 3 cannot be decided yet (too little evidence)"
    )
    assert "fase 3 is nog niet te beslissen" in outcome_text(a, "nl")
    assert "phase 3 cannot be decided yet" in _text(
        summary_table([(org.name, a)], rubric, "en", "t")
    )
    plain = replace(a, notes=tuple(n for n in a.notes if n.code != "next_phase_undecided"))
    assert outcome_text(plain, "en") == "2 Presence"
