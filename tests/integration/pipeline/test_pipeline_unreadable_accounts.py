"""Issue 12 through the real clients: an account the registry lists but the platform does not
know reaches scoring as *not found* (emulator -> collect -> load -> score), and an organisation
none of whose accounts can be read is "insufficient evidence", never "no phase attained"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from maturity.evidence import Window
from maturity.pipeline.settings import PipelineSettings
from maturity.pipeline.steps import assess_org
from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # ~30 s: one collection of 91 days

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=91), END)
GHOST = "GeenAccountHier"


def test_not_found_accounts_reach_the_estimate(tmp_path: Path) -> None:
    world = generate_world(1, 1, WINDOW.start, WINDOW.end)
    registry = dump_registry(world, tmp_path / "registry.yaml")
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    real = data["organisations"][0]
    x = next(a for a in real["accounts"] if a["platform"] == "x")
    real["accounts"].append({**x, "handle": GHOST})
    data["organisations"].append(
        {
            "id": "gemeente-spook",
            "name": "Gemeente Spook",
            "sector": "municipality",
            "accounts": [{**x, "handle": "SpookGemeente"}],
        }
    )
    registry.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with Emulator(world, limits=GENEROUS) as emu:
        env = {
            **emu.connection_env(),
            "MATURITY_HOME": str(tmp_path),
            "MATURITY_PSEUDONYM_KEY": "pipeline-test-key-0123456789abcdef",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{tmp_path / 'warehouse.sqlite'}",
        }
        settings = PipelineSettings.from_environment(env, registry_path=registry)
        summary = assess_org(settings, real["id"], WINDOW)
        ghost_only = assess_org(settings, "gemeente-spook", WINDOW)

    wh = settings.warehouse
    a = wh.latest_assessment(real["id"])
    assert a is not None
    assert a.assessment.verdict == "assessed"
    notes = [(n.account, n.detail) for n in a.assessment.notes if n.code == "unreadable_account"]
    assert notes == [(GHOST, "not_found")]
    assert f"x:{GHOST}: not found: check the registry" in str(summary)

    spook = wh.latest_assessment("gemeente-spook")
    assert spook is not None
    assert spook.assessment.verdict == "insufficient_evidence"
    assert [n.detail for n in spook.assessment.notes] == ["not_found"]
    assert "check the registry" in str(ghost_only)
