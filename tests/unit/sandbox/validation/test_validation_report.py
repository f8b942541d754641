"""VALIDITY.md: the numbers, and for each miss the gates that explain it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from maturity.sandbox.validation.archetypes import archetype
from maturity.sandbox.validation.report import Meta, summary_lines, validity_markdown
from maturity.sandbox.validation.runner import CURRENT, Criterion, Result, SeedRun

pytestmark = pytest.mark.unit


def result(arch: str, designed: str, estimated: str, **criteria: Criterion) -> Result:
    return Result(
        seed=1,
        archetype=arch,
        window=CURRENT,
        designed=designed,
        estimated=estimated,
        verdict="assessed",
        phase=None if estimated in ("0", "IE") else int(estimated),
        confidence=0.5,
        coverage=0.5,
        platforms_covered=("x",),
        rubric_version="social-business-maturity 1",
        failed_accounts={},
        criteria=dict(criteria),
    )


RUN = SeedRun(
    seed=1,
    results=(
        result(
            "autoresponder",
            "2",
            "3",
            **{
                "engagement.response_rate": Criterion(3, "gate", "met"),
                "engagement.per_post": Criterion(3, "support", "met"),
                "presence.posting_regularity": Criterion(2, "gate", "met"),
            },
        ),
        result(
            "central-account",
            "4",
            "3",
            **{
                "formalized.functions_with_accounts": Criterion(4, "gate", "not_met"),
                "engagement.conversation_depth": Criterion(3, "support", "not_met"),
            },
        ),
        result("broadcaster", "2", "2"),
        result("protected-only", "IE", "0"),
    ),
    seconds=1.0,
    organisations=4,
    accounts=5,
)
META = Meta("make validate", (1,), 0.2, datetime(2026, 12, 2, tzinfo=UTC), 1.0)


def test_a_miss_names_the_gates_between_designed_and_estimated() -> None:
    text = validity_markdown([RUN], [archetype("autoresponder")], META, "r.json")
    row = next(line for line in text.splitlines() if line.startswith("| autoresponder |"))
    assert "engagement.response_rate met (1x)" in row
    assert "per_post" not in row, "support criteria do not decide the phase"
    assert "posting_regularity" not in row, "phase 2 is the designed phase: not a reason"
    row = next(line for line in text.splitlines() if line.startswith("| central-account |"))
    assert "formalized.functions_with_accounts not_met (1x)" in row
    assert "conversation_depth" not in row


def test_numbers_and_archetype_sections() -> None:
    text = validity_markdown([RUN], [archetype("autoresponder")], META, "r.json")
    assert "**exact 25 %**" in text
    assert "**within one phase 75 %**" in text
    assert "| IE | 0 | 1 |" in text  # protected-only: designed IE, estimated 0
    assert "### autoresponder: An autoresponder" in text
    assert "Bieden van ondersteuning" in text or "interactie" in text
    lines = summary_lines([RUN])
    assert lines[1].startswith("exact 25 %, within one phase 75 %, Cohen's kappa")
