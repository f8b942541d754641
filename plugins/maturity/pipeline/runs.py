"""Runs: the one way a :class:`~maturity.warehouse.RunInfo` is built.

A run's id depends only on what it ran on (its kind, window, rubric version and a digest of
its inputs), so the same window run twice writes under the same run id and changes nothing.
The inputs differ by entry point: a registry entry for the pipeline, the files for
``maturity assess --input``, the rubric alone for ``maturity rescore``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.registry import Organisation
    from maturity.rubric import Rubric
    from maturity.warehouse import RunInfo
    from maturity.warehouse.runs import RunKind, RunTrigger


def run_info(
    kind: RunKind, window: Window, rubric: Rubric, input_digest: str, trigger: RunTrigger
) -> RunInfo:
    """The run of ``kind`` over ``window`` under ``rubric`` for inputs with ``input_digest``.
    It starts, as far as the warehouse is told, at the window's end: never the wall clock."""
    from maturity.version import code_version
    from maturity.warehouse import RunInfo, deterministic_run_id

    return RunInfo(
        run_id=deterministic_run_id(kind, window, rubric.version, input_digest),
        kind=kind,
        trigger=trigger,
        code_version=code_version(),
        rubric_id=rubric.rubric,
        rubric_version=rubric.version,
        window_start=window.start,
        window_end=window.end,
        input_digest=input_digest,
        started_at=window.end,
    )


def registry_digest(org: Organisation, rubric: Rubric, lookback_days: int) -> str:
    """The inputs of a pipeline run: the organisation's registry entry, the rubric and the
    lookback."""
    return hashlib.sha256(
        json.dumps(
            {
                "org": org.model_dump(mode="json"),
                "rubric": [rubric.rubric, rubric.version],
                "lookback": lookback_days,
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()


def file_digest(*paths: Path, salt: str = "") -> str:
    """The inputs of a run from files; ``salt`` carries what is not a file (the rubric id)."""
    h = hashlib.sha256(salt.encode())
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def rubric_digest(rubric: Rubric) -> str:
    """The inputs of a re-score: the rubric alone (the evidence is what is stored)."""
    return f"{rubric.rubric}@{rubric.version}"
