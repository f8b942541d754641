"""The pipeline's shard steps: several accounts or organisations per call, one connector per
platform, and one failing key recorded while the others go on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from maturity.errors import ConnectorError, InputError
from maturity.evidence import Window
from maturity.pipeline.collect import collect_accounts
from maturity.pipeline.settings import PipelineSettings
from maturity.sandbox.emulator import GENEROUS, Emulator, generate_world
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = [pytest.mark.integration]

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=28), END)


def test_collect_accounts_uses_one_client_and_isolates_bad_keys(tmp_path: Path) -> None:
    world = generate_world(4, 1, WINDOW.start, WINDOW.end)
    registry = dump_registry(world, tmp_path / "registry.yaml")
    x_accounts = [
        (org.id, a.handle) for org in world.organisations for a in org.accounts if a.platform == "x"
    ]
    assert len(x_accounts) >= 4
    with Emulator(world, limits=GENEROUS) as emu:
        env = {
            **emu.connection_env(),
            "MATURITY_HOME": str(tmp_path),
            "MATURITY_DEMO_PSEUDONYM_KEY": "1",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{tmp_path / 'warehouse.sqlite'}",
        }
        settings = PipelineSettings.from_environment(env, registry_path=registry)
        stranger = (world.organisations[0].id, "NotTheirs")
        got = collect_accounts(settings, "x", [*x_accounts, stranger], WINDOW)
        lookups = emu.calls.get("GET /2/users/by", 0)

    assert sorted(got.done) == sorted(f"x:{h}" for _, h in x_accounts)
    assert {s["org_id"] for s in got.done.values()} == {o for o, _ in x_accounts}
    assert all(s["pages"] > 0 for s in got.done.values())
    assert isinstance(got.failed["x:NotTheirs"], InputError)
    assert lookups == 1, "one users lookup for every handle of the shard"


def test_a_failing_account_is_recorded_and_the_others_land(tmp_path: Path) -> None:
    import json

    from maturity.sandbox.emulator import FaultKind

    world = generate_world(4, 1, WINDOW.start, WINDOW.end)
    registry = dump_registry(world, tmp_path / "registry.yaml")
    x_accounts = [
        (org.id, a.handle) for org in world.organisations for a in org.accounts if a.platform == "x"
    ]
    with Emulator(world, limits=GENEROUS) as emu:
        conn = emu.connection_env()
        x_conn = json.loads(conn["AIRFLOW_CONN_X_DEFAULT"])
        x_conn.setdefault("extra", {})["max_retries"] = 0
        env = {
            **conn,
            "AIRFLOW_CONN_X_DEFAULT": json.dumps(x_conn),
            "MATURITY_HOME": str(tmp_path),
            "MATURITY_DEMO_PSEUDONYM_KEY": "1",
            "MATURITY_WAREHOUSE_URL": f"sqlite:///{tmp_path / 'warehouse.sqlite'}",
        }
        settings = PipelineSettings.from_environment(env, registry_path=registry)
        # the first timeline request answers 503: its account fails, the rest are collected
        emu.inject(FaultKind.SERVER_ERROR, route="GET /2/users/:id/tweets", status=503)
        got = collect_accounts(settings, "x", x_accounts, WINDOW)

    assert len(got.failed) == 1
    [(key, error)] = got.failed.items()
    assert isinstance(error, ConnectorError)
    assert key in {f"x:{h}" for _, h in x_accounts}
    assert len(got.done) == len(x_accounts) - 1
    with pytest.raises(ConnectorError):
        got.raise_for(key)
