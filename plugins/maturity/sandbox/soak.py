"""The soak: many seeded runs of the whole pipeline with random faults from the emulator's
injector, each checked against the fault-free warehouse.

``python -m maturity.sandbox.soak [RUNS] [--seed S] [--orgs N]`` (``make soak``). Every run
gets a home of its own (registry, landing, warehouse) and a fresh emulator over the same small
generated world (:data:`WORLD_SEED`) with one to three faults drawn from ``S`` and the run's
number. A run must end with

* a warehouse identical to the fault-free run's, or
* a clean, reported failure (an account or organisation named with a one-line reason, never
  a traceback), after which a rerun without faults gives the fault-free warehouse.

The report counts the runs, the faults injected (that fired) by kind, clean failures, and the
rows lost and duplicated against the fault-free warehouse, which must both be 0.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maturity.sandbox import faultrun as fr

ROUTES = (
    "*",
    "x:*",
    "reddit:*",
    "GET /2/users/by",
    "GET /2/users/:id/tweets",
    "GET /2/users/:id/mentions",
    "GET /user/:name/about",
    "GET /user/:name/submitted",
    "GET /user/:name/comments",
    "GET /comments/:id",
)
WORLD_SEED = 3
"""The generated world: three organisations, each with X and Reddit accounts."""
SOAK_X = {"timeout": 1, "max_retries": 2}
"""A timeout fault costs the client's timeout: keep it short."""


@dataclass
class Report:
    runs: int = 0
    identical: int = 0
    clean_failures: int = 0
    rerun_identical: int = 0
    mismatched: int = 0
    rows_lost: int = 0
    rows_duplicated: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.mismatched and not self.rows_lost and not self.rows_duplicated

    def render(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.faults.items())) or "none"
        lines = [
            f"runs: {self.runs} ({self.seconds:.0f} s, "
            f"{self.seconds / max(self.runs, 1):.1f} s per run)",
            f"faults injected (fired): {sum(self.faults.values())} — {kinds}",
            f"identical to the fault-free warehouse: {self.identical}",
            f"clean failures: {self.clean_failures} (identical after a rerun without faults: "
            f"{self.rerun_identical})",
            f"mismatched: {self.mismatched}",
            f"rows lost: {self.rows_lost}",
            f"rows duplicated: {self.rows_duplicated}",
        ]
        lines += [f"  problem: {p}" for p in self.problems[:20]]
        return "\n".join(lines)


def draw_faults(rng: random.Random) -> list[dict[str, Any]]:
    """One to three faults: a kind, a route and the calls they hit."""
    from maturity.sandbox.emulator import FaultKind

    out: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(list(FaultKind))
        fault: dict[str, Any] = {
            "kind": kind,
            "route": rng.choice(ROUTES),
            "at": tuple(sorted(rng.sample(range(1, 9), rng.randint(1, 3)))),
        }
        if kind == FaultKind.RATE_LIMIT:
            # mostly a near reset (waited for), sometimes a far one (a usage cap: fails fast)
            fault["reset_in"] = rng.choice([0.2, 0.5, 3600.0])
        elif kind == FaultKind.SERVER_ERROR:
            fault["status"] = rng.choice([500, 502, 503])
        elif kind == FaultKind.TIMEOUT:
            fault["delay"] = 1.5
        out.append(fault)
    return out


def _clean(message: str) -> bool:
    """A reported failure: a reason of its own, with at most a ``Fix:`` line; no traceback."""
    lines = message.splitlines()
    return (
        bool(lines)
        and "Traceback" not in message
        and all(line.startswith("Fix:") for line in lines[1:])
    )


def one_run(
    report: Report,
    world: Any,
    win: Any,
    expected: dict[str, list[tuple[Any, ...]]],
    root: Path,
    rng: random.Random,
    index: int,
) -> None:
    from maturity.sandbox.emulator import GENEROUS, Emulator, FaultKind

    home = fr.Home(root / f"run-{index:04d}", world)
    faults = draw_faults(rng)
    with Emulator(world, limits=GENEROUS) as emu:
        for fault in faults:
            emu.inject(fault["kind"], **{k: v for k, v in fault.items() if k != "kind"})
        failed = fr.run_pipeline(home.settings(emu, x=SOAK_X, reddit=SOAK_X), home.org_ids, win)
        for item in emu.app.faults.snapshot():
            report.faults[str(FaultKind(item["kind"]))] += int(item["fired"])
        report.runs += 1
        messages = [m for step in failed.values() for m in step.values()]
        if messages:
            unclean = [m for m in messages if not _clean(m)]
            if unclean:
                report.problems.append(f"run {index}: unclean failure: {unclean[0][:300]}")
                report.mismatched += 1
                return
            report.clean_failures += 1
            emu.clear_faults()
            again = fr.run_pipeline(home.settings(emu, x=SOAK_X), home.org_ids, win)
            if any(again.values()):
                report.problems.append(f"run {index}: the rerun without faults failed: {again}")
                report.mismatched += 1
                return
    got = fr.dump(home.warehouse_url, provenance=False)
    lost, extra = fr.row_diff(expected, got)
    report.rows_lost += lost
    report.rows_duplicated += extra
    if got == expected:
        if messages:
            report.rerun_identical += 1
        else:
            report.identical += 1
    else:
        report.mismatched += 1
        report.problems.append(f"run {index}: faults {faults}: {lost} rows lost, {extra} extra")


def soak(runs: int, seed: int = 1, orgs: int = 3, root: Path | None = None) -> Report:
    """``runs`` seeded runs over ``orgs`` generated organisations; see the module doc."""
    started = time.monotonic()
    world = fr.small_world(orgs, WORLD_SEED)
    win = fr.window()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="maturity-soak-") as tmp:
        base = root or Path(tmp)
        reference, _ = fr.fault_free(world, base / "reference", win, x=SOAK_X, reddit=SOAK_X)
        expected = fr.dump(reference.warehouse_url, provenance=False)
        for i in range(runs):
            rng = random.Random(f"{seed}:{i}")
            one_run(report, world, win, expected, base, rng, i)
    report.seconds = time.monotonic() - started
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m maturity.sandbox.soak", description=__doc__)
    parser.add_argument("runs", nargs="?", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--orgs", type=int, default=3)
    args = parser.parse_args(argv)
    import logging

    # the runs' expected warnings (failed accounts) would drown the report
    logging.getLogger("maturity").setLevel(logging.ERROR)
    report = soak(args.runs, args.seed, args.orgs)
    print(
        f"soak: fault seed {args.seed}, world seed {WORLD_SEED}, {args.orgs} organisations, "
        "a 7-day window"
    )
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
