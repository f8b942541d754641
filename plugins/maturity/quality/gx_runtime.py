"""Great Expectations, set up once per process and kept quiet.

Importing GX takes seconds and building a context, data source and suite takes tens of
milliseconds, so all of it happens on first use and is cached: one ephemeral context per
process (nothing is written to disk), one pandas data source, one dataframe asset and batch
definition per suite, one ``ExpectationSuite`` per suite. Windows differ per batch, so they are
expectation parameters filled in at validation time, not part of the cached suites.

GX's anonymous usage statistics are switched off (``GX_ANALYTICS_ENABLED=false``, set before
the import, and in the context's config), its progress bars are disabled, and the context has
no data docs site (the default ephemeral context reserves a temporary directory for one).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from maturity.quality.checks import Suite
from maturity.quality.outcomes import ROW, outcome_of, passed
from maturity.quality_results import ExpectationOutcome

if TYPE_CHECKING:
    import pandas as pd

DATA_SOURCE = "maturity_quality"
BATCH_DEFINITION = "whole_frame"
#: First pass: pass or fail only (a full result also lists the unexpected rows).
FAST: Mapping[str, Any] = {"result_format": "BOOLEAN_ONLY"}
#: Second pass, for a suite that failed: every unexpected row, by the frame's ``row`` column.
DETAILED: Mapping[str, Any] = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": [ROW],
    "return_unexpected_index_query": False,
}


def _quiet() -> None:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"


class _Runtime:
    """The process's GX context and the suites prepared in it."""

    def __init__(self) -> None:
        _quiet()
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        )
        self.context: Any = gx.get_context(mode="ephemeral", project_config=config)
        self.source: Any = self.context.data_sources.add_pandas(DATA_SOURCE)
        self._prepared: dict[str, tuple[Any, Any]] = {}
        self.lock = threading.Lock()

    def prepared(self, suite: Suite) -> tuple[Any, Any]:
        """The batch definition and GX suite of ``suite``, built the first time."""
        found = self._prepared.get(suite.name)
        if found is None:
            found = (self._batch_definition(suite), self._suite(suite))
            self._prepared[suite.name] = found
        return found

    def _batch_definition(self, suite: Suite) -> Any:
        asset = self.source.add_dataframe_asset(suite.name)
        return asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)

    def _suite(self, suite: Suite) -> Any:
        import great_expectations as gx
        import great_expectations.expectations as gxe

        gx_suite = gx.ExpectationSuite(name=suite.name)
        for check in suite.checks:
            expectation_class = getattr(gxe, check.expectation)
            gx_suite.add_expectation(
                expectation_class(
                    **dict(check.kwargs), meta={"check": check.name}, description=check.why
                )
            )
        return self.context.suites.add(gx_suite)


@lru_cache(maxsize=1)
def runtime() -> _Runtime:
    return _Runtime()


def _run(
    suite: Suite, frame: pd.DataFrame, parameters: dict[str, Any], fmt: Mapping[str, Any]
) -> Any:
    rt = runtime()
    with rt.lock:
        batch_definition, gx_suite = rt.prepared(suite)
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(gx_suite, expectation_parameters=parameters, result_format=dict(fmt))


def _values(suite: Suite, parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    missing = sorted(set(suite.parameters) - set(parameters or {}))
    if missing:
        raise ValueError(f"suite {suite.name} needs the parameter(s) {missing}")
    return dict(parameters or {})


_UNIQUE = "ExpectCompoundColumnsToBeUnique"
_NULL_ONLY = "ExpectColumnValuesToNotBeNull"


def _columns(kwargs: Mapping[str, Any]) -> list[str]:
    found = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return [str(c) for c in (*found, *kwargs.get("column_list", ()))]


def _scoped_columns(suite: Suite) -> list[str]:
    """For each uniqueness check of ``suite``, a column of it that no other check reads for
    its values (a not-null check only asks whether it is null). Prefixing that column with a
    frame's number makes the check ask "unique within each frame" of a stack of frames,
    without changing what any other check sees. Empty when some uniqueness check has no
    such column: then a stack cannot be checked in one pass without false repeats."""
    read: dict[str, int] = {}
    for check in suite.checks:
        if check.expectation not in (_UNIQUE, _NULL_ONLY):
            for column in _columns(check.kwargs):
                read[column] = read.get(column, 0) + 1
    chosen = []
    for check in suite.checks:
        if check.expectation == _UNIQUE:
            free = [c for c in _columns(check.kwargs) if c not in read]
            if not free:
                return []
            chosen.append(free[-1])
    return list(dict.fromkeys(chosen))


def validate_frames(
    suite: Suite, frames: Sequence[pd.DataFrame], parameters: Mapping[str, Any] | None = None
) -> list[tuple[ExpectationOutcome, ...]]:
    """Run ``suite`` on each of ``frames``: the same outcomes as :func:`validate_frame` on
    each frame, in order, with one GX validation for all of them when they all pass.

    A GX validation costs tens of milliseconds whatever the frame's size, so the frames are
    stacked and checked in one fast pass. Only when that pass fails is each frame validated
    on its own, which gives every frame its own outcomes and unexpected rows (and keeps a
    uniqueness check from counting the same id in two frames as a repeat).
    """
    import warnings

    import pandas as pd

    values = _values(suite, parameters)
    if len(frames) > 1:
        scoped = _scoped_columns(suite)
        parts = []
        for i, frame in enumerate(frames):
            if scoped:
                frame = frame.assign(
                    **{
                        c: frame[c].where(frame[c].isna(), f"{i}\x1f" + frame[c].astype(str))
                        for c in scoped
                    }
                )
            parts.append(frame)
        with warnings.catch_warnings():
            # empty frames have object columns; their dtype is not what is checked
            warnings.simplefilter("ignore", FutureWarning)
            stacked = pd.concat(parts, ignore_index=True)
        if _run(suite, stacked, values, FAST).success:
            return [
                tuple(passed(suite, check, len(frame), values) for check in suite.checks)
                for frame in frames
            ]
    return [validate_frame(suite, frame, values) for frame in frames]


def validate_frame(
    suite: Suite, frame: pd.DataFrame, parameters: Mapping[str, Any] | None = None
) -> tuple[ExpectationOutcome, ...]:
    """Run ``suite`` on ``frame``; one outcome per check, in the suite's order.

    Every check is row-level, so a suite that passes the fast pass saw 0 unexpected rows of
    ``len(frame)``; only a failing suite is run again for the unexpected rows and values.
    """
    values = _values(suite, parameters)
    if _run(suite, frame, values, FAST).success:
        return tuple(passed(suite, check, len(frame), values) for check in suite.checks)
    result = _run(suite, frame, values, DETAILED)
    by_check = {r.expectation_config.meta["check"]: r for r in result.results}
    return tuple(
        outcome_of(suite, check, by_check.get(check.name), frame, values) for check in suite.checks
    )
