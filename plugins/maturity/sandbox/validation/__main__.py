"""``python -m maturity.sandbox.validation [--seeds 1 2 3] [--jitter 0.2]`` (``make validate``):
assess every archetype in one emulator world per seed and compare estimated with designed
phases; prints the confusion matrix, exact and within-one rates and Cohen's kappa, and writes
VALIDITY.md and the raw results as JSON."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    from maturity.sandbox.validation.archetypes import ARCHETYPES
    from maturity.sandbox.validation.report import Meta, summary_lines, write_outputs
    from maturity.sandbox.validation.runner import run_seed

    parser = argparse.ArgumentParser(
        prog="python -m maturity.sandbox.validation", description=__doc__
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--jitter", type=float, default=0.2, help="±share on every parameter")
    parser.add_argument("--only", nargs="*", default=None, help="archetype ids (default: all)")
    parser.add_argument("--out", type=Path, default=Path("VALIDITY.md"))
    parser.add_argument("--json", type=Path, default=Path("var/validation/results.json"))
    args = parser.parse_args(argv)
    if not 0 <= args.jitter < 1:
        parser.error(f"--jitter {args.jitter}: give a share from 0 to below 1, e.g. 0.2")
    archetypes = ARCHETYPES
    if args.only:
        known = {a.id for a in ARCHETYPES}
        unknown = sorted(set(args.only) - known)
        if unknown:
            parser.error(
                f"--only: unknown archetype(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        archetypes = tuple(a for a in ARCHETYPES if a.id in args.only)
    started, t0 = datetime.now(UTC), time.perf_counter()
    runs = []
    for seed in args.seeds:
        print(f"seed {seed}: {len(archetypes)} organisations ...", flush=True)
        runs.append(run_seed(archetypes, seed, amount=args.jitter))
    meta = Meta(
        command=" ".join(
            [
                "python -m maturity.sandbox.validation",
                *map(shlex.quote, argv if argv is not None else sys.argv[1:]),
            ]
        ),
        seeds=tuple(args.seeds),
        jitter=args.jitter,
        started=started,
        seconds=time.perf_counter() - t0,
    )
    print("\n".join(summary_lines(runs)))
    write_outputs(runs, archetypes, meta, args.out, args.json)
    print(f"\nwrote {args.out} and {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
