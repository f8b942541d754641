"""The gate-and-load step keeps the collector off the older heap while it runs, and gives it
back afterwards, also when the step fails."""

from __future__ import annotations

import gc

import pytest

from maturity.pipeline import gate_and_load as step


def test_older_objects_are_frozen_during_the_step_and_unfrozen_after() -> None:
    before = gc.get_freeze_count()
    with step._young_objects_only():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == before


def test_a_failing_step_unfreezes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    before = gc.get_freeze_count()

    def fails(*_: object) -> None:
        assert gc.get_freeze_count() > before  # the step body runs inside the freeze
        raise RuntimeError("the warehouse went away")

    monkeypatch.setattr(step, "_gate_and_load_orgs", fails)
    with pytest.raises(RuntimeError, match="went away"):
        step.gate_and_load_orgs(None, [], None)  # type: ignore[arg-type]
    assert gc.get_freeze_count() == before
