"""Serve a validation world with the emulator and run the product's own path on it, in-process:
collect (tweepy and PRAW against the loopback emulator) -> gate and load -> metrics -> score,
into a SQLite warehouse in a temporary directory, as ``maturity.sandbox.bench.pipeline_bench``
does. One world and one emulator per seed, all organisations in it.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from maturity.sandbox.validation.agreement import label
from maturity.sandbox.validation.behaviour import INSUFFICIENT
from maturity.sandbox.validation.builder import BuiltWorld, build_world
from maturity.sandbox.validation.declarations import write_questionnaire

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings
    from maturity.sandbox.validation.behaviour import Archetype

PSEUDONYM_KEY = "validation-set-key-0123456789abcdef"
CURRENT = "current"
EARLIER = "earlier"


@dataclass(frozen=True)
class Criterion:
    phase: int
    role: str
    status: str


@dataclass(frozen=True)
class Result:
    seed: int
    archetype: str
    window: str
    """``current``, or ``earlier`` for the lapsed archetypes' first window."""
    designed: str
    estimated: str
    verdict: str
    phase: int | None
    confidence: float
    coverage: float
    platforms_covered: tuple[str, ...]
    rubric_version: str
    failed_accounts: dict[str, str]
    criteria: dict[str, Criterion]
    """criterion id -> phase, role and status, for the phases up to one after the designed
    one and the estimated one."""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SeedRun:
    seed: int
    results: tuple[Result, ...]
    seconds: float
    organisations: int
    accounts: int


def write_registry(built: BuiltWorld, home: Path) -> Path:
    """The registry of the world, with each archetype's questionnaire and the accounts that
    the platform does not know."""
    from maturity.sandbox.emulator.registry import registry_data

    declared_at = built.windows.end.date()
    paths: dict[str, str] = {}
    for arch in built.archetypes:
        q = write_questionnaire(arch, home / "questionnaires", declared_at)
        if q is not None:
            paths[arch.id] = str(q.relative_to(home))
    data = registry_data(built.world, paths)
    for org in data["organisations"]:
        org["name_stems"] = [built.name_stems[org["id"]]]
        for platform, handle, function in built.unknown_accounts.get(org["id"], []):
            org["accounts"].append({"platform": platform, "handle": handle, "function": function})
    path = home / "registry.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def _collect(settings: PipelineSettings, org_ids: Sequence[str], win: Window) -> dict[str, str]:
    from maturity.pipeline.collect import collect_accounts

    failed: dict[str, str] = {}
    for platform in ("x", "reddit"):
        pairs = [
            (o, a.handle)
            for o in org_ids
            for a in settings.organisation(o).accounts
            if a.platform == platform
        ]
        if pairs:
            out = collect_accounts(settings, platform, pairs, win)
            failed.update({k: str(e).splitlines()[0] for k, e in out.failed.items()})
    return failed


def _steps(settings: PipelineSettings, org_ids: Sequence[str], win: Window) -> dict[str, str]:
    from maturity.pipeline.steps import ORG_STEPS

    failed: dict[str, str] = {}
    todo = list(org_ids)
    for name, step in ORG_STEPS.items():
        out = step(settings, todo, win)
        failed.update({o: f"{name}: {str(e).splitlines()[0]}" for o, e in out.failed.items()})
        todo = [o for o in todo if o not in out.failed]
    return failed


def _result(
    settings: PipelineSettings,
    seed: int,
    arch: Archetype,
    which: str,
    win: Window,
    failed: dict[str, str],
) -> Result:
    designed_phase = arch.designed if which == CURRENT else arch.designed_earlier
    designed = INSUFFICIENT if designed_phase is None else str(designed_phase)
    own = {
        k: v
        for k, v in failed.items()
        if k == arch.id or k.split(":", 1)[-1] in _handles(settings, arch.id)
    }
    data = settings.warehouse.latest_assessment(arch.id, as_of=win.end)
    if data is None or data.assessment.window.end != win.end:
        return Result(
            seed,
            arch.id,
            which,
            designed,
            "failed",
            "failed",
            None,
            0.0,
            0.0,
            (),
            "",
            own,
            {},
        )
    a = data.assessment
    insufficient = a.verdict == "insufficient_evidence"
    upto = max(designed_phase or 1, 0 if a.phase is None else int(a.phase)) + 1
    return Result(
        seed=seed,
        archetype=arch.id,
        window=which,
        designed=designed,
        estimated=label(None if a.phase is None else int(a.phase), insufficient=insufficient),
        verdict=a.verdict,
        phase=None if a.phase is None else int(a.phase),
        confidence=a.confidence,
        coverage=a.coverage,
        platforms_covered=tuple(a.platforms_covered),
        rubric_version=f"{a.rubric_id} {a.rubric_version}",
        failed_accounts=own,
        criteria={
            c.criterion_id: Criterion(int(c.phase), c.role, str(c.status))
            for c in a.criteria
            if int(c.phase) <= upto
        },
    )


def _handles(settings: PipelineSettings, org_id: str) -> set[str]:
    return {a.handle for a in settings.organisation(org_id).accounts}


def run_seed(
    archetypes: tuple[Archetype, ...],
    seed: int,
    *,
    amount: float = 0.2,
    root: Path | None = None,
) -> SeedRun:
    """Build the seed's world, serve it, assess every organisation in the current window (and
    the lapsed ones in the earlier window too) and compare with the designed phases."""
    import logging

    from maturity.evidence import Window
    from maturity.pipeline import settings as s
    from maturity.sandbox.emulator import GENEROUS, Emulator

    started = time.perf_counter()
    built = build_world(archetypes, seed, amount=amount)
    w = built.windows
    current = Window(w.current_start, w.end)
    earlier = Window(w.earlier_start, w.current_start)
    days = (w.end - w.current_start).days
    quiet = logging.getLogger("maturity")  # restored after: other code logs to it
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory(prefix=f"maturity-validation-{seed}-", dir=root) as tmp:
            home = Path(tmp)
            registry = write_registry(built, home)
            with Emulator(built.world, limits=GENEROUS) as emu:
                env = {
                    **emu.connection_env(),
                    s.HOME: str(home),
                    s.PSEUDONYM_KEY: PSEUDONYM_KEY,
                    s.WAREHOUSE_URL: f"sqlite:///{home / 'warehouse.sqlite'}",
                    s.LOOKBACK_DAYS: str(days),
                }
                settings = s.PipelineSettings.from_environment(env, registry_path=registry)
                results: list[Result] = []
                lapsed = [a for a in built.archetypes if a.designed_earlier is not None]
                if lapsed:
                    ids = [a.id for a in lapsed]
                    failed = {**_collect(settings, ids, earlier), **_steps(settings, ids, earlier)}
                    results += [
                        _result(settings, seed, a, EARLIER, earlier, failed) for a in lapsed
                    ]
                ids = [a.id for a in built.archetypes]
                failed = {**_collect(settings, ids, current), **_steps(settings, ids, current)}
                results += [
                    _result(settings, seed, a, CURRENT, current, failed) for a in built.archetypes
                ]
                settings.warehouse.dispose()
    finally:
        quiet.setLevel(level)
    return SeedRun(
        seed=seed,
        results=tuple(results),
        seconds=time.perf_counter() - started,
        organisations=len(built.world.organisations),
        accounts=sum(len(a.accounts) for a in built.archetypes),
    )
