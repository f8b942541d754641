"""A small world, the pipeline's steps in order, and a dump of the warehouse: what the fault
catalogue (``tests/integration/faults``) and the soak (:mod:`maturity.sandbox.soak`) compare.

A *fault-free run* and a *faulted run* each get their own home (registry, landing, warehouse)
and their own emulator over the same world; the faulted run's warehouse must equal the
fault-free one's, table by table, or the run must have failed cleanly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings
    from maturity.sandbox.emulator import Emulator, World

END = datetime(2026, 11, 2, tzinfo=UTC)
PSEUDONYM_KEY = "fault-catalogue-key-0123456789abcdef"
TABLES = (
    "assessment",
    "criterion_result",
    "metric_value",
    "post",
    "inbound_message",
    "reply_link",
    "account_snapshot",
    "collection_cursor",
    "validation_result",
)
"""The warehouse tables a run writes (as ``tests/integration/pipeline`` dumps them)."""
PROVENANCE = frozenset({"page_path", "page_sha256", "refs", "evidence_refs"})
"""Columns that name the landed page a row came from. When a window was collected more than
once the first run that saw an item is its source, so these may differ from a single run's
while every fact is the same."""

FAST_X = {
    "max_retries": 2,
    "backoff_seconds": 0.01,
    "backoff_max_seconds": 0.05,
    "max_rate_limit_wait": 5,
    "timeout": 5,
    "page_size": 5,
}
"""Small pages (so an account has several), quick backoff, a short rate-limit wait."""
FAST_REDDIT = {k: v for k, v in FAST_X.items() if k != "page_size"}


def window(days: int = 7, end: datetime = END) -> Window:
    from maturity.evidence import Window

    return Window(end - timedelta(days=days), end)


def small_world(n_orgs: int = 3, seed: int = 1, days: int = 14, end: datetime = END) -> World:
    """``n_orgs`` generated organisations active over the ``days`` before ``end``."""
    from maturity.sandbox.emulator import generate_world

    return generate_world(n_orgs, seed, end - timedelta(days=days), end)


def connection_env(
    emu: Emulator,
    x_extra: Mapping[str, Any] | None = None,
    reddit_extra: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The emulator's connections, with ``extra`` settings merged in."""
    env = emu.connection_env()
    x = json.loads(env["AIRFLOW_CONN_X_DEFAULT"])
    x["extra"] = {**x.get("extra", {}), **FAST_X, **(x_extra or {})}
    reddit = json.loads(env["AIRFLOW_CONN_REDDIT_DEFAULT"])
    reddit["extra"] = {**reddit.get("extra", {}), **FAST_REDDIT, **(reddit_extra or {})}
    return {
        "AIRFLOW_CONN_X_DEFAULT": json.dumps(x),
        "AIRFLOW_CONN_REDDIT_DEFAULT": json.dumps(reddit),
    }


@dataclass
class Home:
    """One run's registry, landing and warehouse."""

    root: Path
    world: World
    warehouse_url: str = ""
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from maturity.sandbox.emulator.registry import dump_registry

        self.root.mkdir(parents=True, exist_ok=True)
        dump_registry(self.world, self.registry_path)
        if not self.warehouse_url:
            self.warehouse_url = f"sqlite:///{self.root / 'warehouse.sqlite'}"

    @property
    def registry_path(self) -> Path:
        return self.root / "registry.yaml"

    @property
    def org_ids(self) -> list[str]:
        return [o.id for o in self.world.organisations]

    def settings(self, emu: Emulator | None, **extras: Mapping[str, Any]) -> PipelineSettings:
        from maturity.pipeline import settings as names
        from maturity.pipeline.settings import PipelineSettings

        env = {
            names.HOME: str(self.root),
            names.PSEUDONYM_KEY: PSEUDONYM_KEY,
            names.WAREHOUSE_URL: self.warehouse_url,
            **self.env,
            **(connection_env(emu, extras.get("x"), extras.get("reddit")) if emu else {}),
        }
        return PipelineSettings.from_environment(env, registry_path=self.registry_path)


def accounts(
    settings: PipelineSettings, org_ids: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """``platform -> [(org_id, handle)]`` of the organisations' X and Reddit accounts."""
    from maturity.platforms import REDDIT, X

    out: dict[str, list[tuple[str, str]]] = {X: [], REDDIT: []}
    for org_id in org_ids:
        for account in settings.organisation(org_id).accounts:
            if account.platform in out:
                out[account.platform].append((org_id, account.handle))
    return out


def collect(settings: PipelineSettings, org_ids: Sequence[str], win: Window) -> dict[str, Any]:
    """Step 1 for the organisations, platform by platform; ``{"done", "failed"}`` by account."""
    from maturity.pipeline.collect import collect_accounts

    done: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for platform, pairs in accounts(settings, org_ids).items():
        if not pairs:
            continue
        outcome = collect_accounts(settings, platform, pairs, win)
        done.update(outcome.done)
        failed.update({k: str(e) for k, e in outcome.failed.items()})
    return {"done": done, "failed": failed}


def load_and_score(
    settings: PipelineSettings, org_ids: Sequence[str], win: Window
) -> dict[str, dict[str, str]]:
    """Steps 2-4 (gate and load, metrics, score); the organisations that failed, per step."""
    from maturity.pipeline.steps import ORG_STEPS

    failed: dict[str, dict[str, str]] = {}
    todo = list(org_ids)
    for name, step in ORG_STEPS.items():
        outcome = step(settings, todo, win)
        failed[name] = {k: str(e) for k, e in outcome.failed.items()}
        todo = [o for o in todo if o not in outcome.failed]
    return failed


def run_pipeline(settings: PipelineSettings, org_ids: Sequence[str], win: Window) -> dict[str, Any]:
    """Every step for the organisations; what failed where."""
    collected = collect(settings, org_ids, win)
    return {"collect": collected["failed"], **load_and_score(settings, org_ids, win)}


def dump(
    url: Any,
    tables: Sequence[str] = TABLES,
    org_ids: Sequence[str] | None = None,
    *,
    provenance: bool = True,
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables (of ``org_ids`` only, when given), sorted: two warehouses are
    the same when their dumps are. ``provenance=False`` leaves out the :data:`PROVENANCE`
    columns."""
    from sqlalchemy import bindparam, create_engine, inspect, text

    where = " WHERE org_id IN :orgs" if org_ids is not None else ""
    params = {"orgs": list(org_ids)} if org_ids is not None else {}
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            out = {}
            for t in tables:
                columns = "*"
                if not provenance:
                    names = [col["name"] for col in inspect(c).get_columns(t)]
                    columns = ", ".join(n for n in names if n not in PROVENANCE)
                query = text(f"SELECT {columns} FROM {t}{where}")
                if org_ids is not None:
                    query = query.bindparams(bindparam("orgs", expanding=True))
                out[t] = sorted(map(tuple, c.execute(query, params)), key=repr)
            return out
    finally:
        engine.dispose()


def row_diff(
    expected: Mapping[str, list[tuple[Any, ...]]], got: Mapping[str, list[tuple[Any, ...]]]
) -> tuple[int, int]:
    """``(rows lost, rows duplicated or extra)`` of ``got`` against ``expected``."""
    from collections import Counter

    lost = extra = 0
    for table in expected:
        want, have = Counter(expected[table]), Counter(got.get(table, []))
        lost += sum((want - have).values())
        extra += sum((have - want).values())
    return lost, extra


def fault_free(
    world: World, root: Path, win: Window, **extras: Mapping[str, Any]
) -> tuple[Home, dict[str, int]]:
    """A run of every organisation with no fault: the reference warehouse, and the emulator's
    calls per route."""
    from maturity.sandbox.emulator import GENEROUS, Emulator

    home = Home(root, world)
    with Emulator(world, limits=GENEROUS) as emu:
        failed = run_pipeline(home.settings(emu, **extras), home.org_ids, win)
        calls = emu.calls
    if any(failed.values()):
        raise RuntimeError(f"the fault-free run failed: {failed}")
    return home, calls


def _collect_main(argv: Sequence[str]) -> int:
    """``python -m maturity.sandbox.faultrun REGISTRY DAYS [--hold]``: step 1 (collect) for
    every organisation of the registry, the settings from the environment; prints ``landed``
    when done and, with ``--hold``, waits to be killed (a task process between collect and
    load)."""
    import sys
    import time

    from maturity.pipeline.settings import PipelineSettings

    registry, days = Path(argv[0]), int(argv[1])
    settings = PipelineSettings.from_environment(registry_path=registry)
    org_ids = [o.id for o in settings.registry.organisations]
    result = collect(settings, org_ids, window(days))
    print("landed", json.dumps(sorted(result["failed"])), flush=True)
    if "--hold" in argv:
        while True:
            time.sleep(1)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(_collect_main(sys.argv[1:]))
