"""VALIDITY.md and the raw results: what ``make validate`` writes."""

from __future__ import annotations

import json
import platform
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from maturity.sandbox.validation.agreement import CLASSES, Agreement, agreement
from maturity.sandbox.validation.behaviour import INSUFFICIENT, Archetype
from maturity.sandbox.validation.builder import WINDOW_DAYS
from maturity.sandbox.validation.model_text import passage
from maturity.sandbox.validation.runner import CURRENT, Result, SeedRun


@dataclass(frozen=True)
class Meta:
    command: str
    seeds: tuple[int, ...]
    jitter: float
    started: datetime
    seconds: float

    @property
    def machine(self) -> str:
        import os

        return (
            f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}"
        )


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def _kappa(a: Agreement) -> str:
    return "n/a" if a.kappa is None else f"{a.kappa:.2f}"


def _scored(runs: Sequence[SeedRun]) -> list[Result]:
    return [r for run in runs for r in run.results]


def _agree(results: Sequence[Result]) -> Agreement:
    return agreement([r.designed for r in results], [r.estimated for r in results])


def summary_lines(runs: Sequence[SeedRun]) -> list[str]:
    """The numbers, as ``make validate`` prints them."""
    results = _scored(runs)
    overall = _agree(results)
    lines = [
        f"{len(results)} assessments ({len({r.archetype for r in results})} archetypes x "
        f"{len(runs)} seeds, lapsed ones in two windows)",
        f"exact {_pct(overall.exact)}, within one phase {_pct(overall.within_one)}, "
        f"Cohen's kappa {_kappa(overall)}",
        "",
        "confusion matrix (rows: designed, columns: estimated; IE = insufficient evidence, "
        "0 = no phase attained)",
    ]
    lines += matrix_lines(overall, markdown=False)
    lines += ["", "per seed:"]
    for run in runs:
        a = _agree(run.results)
        lines.append(
            f"  seed {run.seed}: exact {_pct(a.exact)}, within one {_pct(a.within_one)}, "
            f"kappa {_kappa(a)} ({run.seconds:.0f} s)"
        )
    lines += ["", "per archetype (estimates per seed):"]
    for (arch, window), rs in _by_archetype(results).items():
        a = _agree(rs)
        est = " ".join(r.estimated for r in rs)
        lines.append(
            f"  {arch + ('@' + window if window != CURRENT else ''):<36} designed "
            f"{rs[0].designed:<3} estimated {est:<12} exact {_pct(a.exact):>5}  "
            f"within one {_pct(a.within_one):>5}"
        )
    return lines


def _by_archetype(results: Sequence[Result]) -> dict[tuple[str, str], list[Result]]:
    out: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for r in results:
        out[(r.archetype, r.window)].append(r)
    return out


def matrix_lines(a: Agreement, *, markdown: bool) -> list[str]:
    used = [
        i
        for i, c in enumerate(CLASSES)
        if any(a.matrix[i]) or any(row[i] for row in a.matrix) or c != "0"
    ]
    head = ["designed \\ estimated", *(CLASSES[i] for i in used)]
    rows = [[CLASSES[i], *(str(a.matrix[i][j]) for j in used)] for i in used]
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return out + ["| " + " | ".join(r) + " |" for r in rows]
    width = [max(len(head[k]), *(len(r[k]) for r in rows)) for k in range(len(head))]
    fmt = "  ".join(f"{{:>{w}}}" for w in width)
    return [fmt.format(*head), *(fmt.format(*r) for r in rows)]


def _why(rs: Sequence[Result]) -> str:
    """On the missed runs: the gates that held the estimate back (below the designed phase),
    or the gates that let it through (above it), with how often."""
    counts: dict[str, int] = defaultdict(int)
    for r in rs:
        if INSUFFICIENT in (r.designed, r.estimated) or r.estimated == "failed":
            low, high, want_met = 1, 1, r.designed != INSUFFICIENT
        else:
            d, e = int(r.designed), int(r.estimated)
            low, high, want_met = min(d, e) + 1, max(d, e), e > d
        for cid, c in r.criteria.items():
            if c.role == "gate" and low <= c.phase <= high and (c.status == "met") == want_met:
                counts[f"{cid} {c.status}"] += 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
    return "; ".join(f"{k} ({n}x)" for k, n in top)


def validity_markdown(
    runs: Sequence[SeedRun], archetypes: Sequence[Archetype], meta: Meta, json_path: str
) -> str:
    results = _scored(runs)
    overall = _agree(results)
    versions = sorted({r.rubric_version for r in results if r.rubric_version})
    lines = [
        "# Validity: designed against estimated phases",
        "",
        "A validation set the rubric did not write (issue 12, item 8): organisations described "
        "in the maturity model's own words (`maturity.sandbox.validation.archetypes`), each "
        "with a designed phase justified by a passage of the model, built into an emulator "
        "world per seed with every behaviour parameter jittered, and assessed by the "
        "product's own collection and scoring path. See docs/validity.md.",
        "",
        f"- machine: {meta.machine}",
        f"- date: {meta.started:%Y-%m-%d %H:%M} UTC ({meta.seconds:.0f} s)",
        f"- command: `{meta.command}`",
        f"- seeds: {', '.join(map(str, meta.seeds))}; jitter ±{meta.jitter:.0%} on every "
        "behaviour parameter (shares capped at 1)",
        f"- windows: {WINDOW_DAYS} days (the current one; lapsed archetypes also the one before)",
        f"- rubric: {', '.join(versions) or 'unknown'}",
        f"- raw results: `{json_path}`",
        "",
        "## The numbers",
        "",
        f"{overall.n} assessments: **exact {_pct(overall.exact)}**, **within one phase "
        f"{_pct(overall.within_one)}**, **Cohen's kappa {_kappa(overall)}** (unweighted, "
        "over the classes IE, 0, 1..6).",
        "",
        "Confusion matrix (rows: designed; columns: estimated; IE = insufficient evidence; "
        "0 = assessed, no phase attained):",
        "",
        *matrix_lines(overall, markdown=True),
        "",
        "| seed | exact | within one | kappa | seconds |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        a = _agree(run.results)
        lines.append(
            f"| {run.seed} | {_pct(a.exact)} | {_pct(a.within_one)} | {_kappa(a)} | "
            f"{run.seconds:.0f} |"
        )
    lines += [
        "",
        "Per archetype (kappa needs more than one designed class, so it is given overall and "
        "per seed only):",
        "",
        "| archetype | designed | estimated per seed | exact | within one "
        "| gates behind the misses |",
        "|---|---|---|---|---|---|",
    ]
    for (arch_id, window), rs in _by_archetype(results).items():
        a = _agree(rs)
        missed = [r for r in rs if r.designed != r.estimated]
        name = arch_id if window == CURRENT else f"{arch_id} ({window} window)"
        lines.append(
            f"| {name} | {rs[0].designed} | {' '.join(r.estimated for r in rs)} | "
            f"{_pct(a.exact)} | {_pct(a.within_one)} | {_why(missed) if missed else ''} |"
        )
    lines += ["", "## The archetypes", ""]
    for arch in archetypes:
        designed = (
            INSUFFICIENT + " (insufficient evidence)"
            if arch.designed is None
            else str(arch.designed)
        )
        lines += [
            f"### {arch.id}: {arch.title}",
            "",
            arch.description,
            "",
            f"- designed phase: **{designed}**"
            + (f"; earlier window: {arch.designed_earlier}" if arch.designed_earlier else ""),
            f"- why: {arch.justification}",
        ]
        if arch.hard:
            lines.append(f"- hard case: {arch.hard}")
        if arch.declarations.up_to:
            lines.append(
                f"- questionnaire: the model's goals up to phase {arch.declarations.up_to}, "
                + (
                    "backed by behaviour"
                    if arch.declarations.truthful
                    else "**not** backed by behaviour"
                )
            )
        else:
            lines.append("- questionnaire: none returned")
        for pid in arch.passages:
            p = passage(pid)
            lines.append(f"- source ({p.source}, {p.where}): “{p.quote}”")
        lines.append("")
    return "\n".join(lines)


def results_json(runs: Sequence[SeedRun], meta: Meta) -> str:
    results = _scored(runs)
    overall = _agree(results)
    doc = {
        "command": meta.command,
        "machine": meta.machine,
        "date": meta.started.isoformat(),
        "seeds": list(meta.seeds),
        "jitter": meta.jitter,
        "classes": list(CLASSES),
        "overall": {
            "n": overall.n,
            "exact": overall.exact,
            "within_one": overall.within_one,
            "kappa": overall.kappa,
            "matrix": [list(r) for r in overall.matrix],
        },
        "runs": [
            {"seed": run.seed, "seconds": run.seconds, "organisations": run.organisations}
            for run in runs
        ],
        "results": [r.as_json() for r in results],
    }
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def write_outputs(
    runs: Sequence[SeedRun],
    archetypes: Sequence[Archetype],
    meta: Meta,
    markdown_path: Path,
    json_path: Path,
) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(results_json(runs, meta), "utf-8")
    markdown_path.write_text(
        validity_markdown(runs, archetypes, meta, str(json_path)) + "\n", "utf-8"
    )
