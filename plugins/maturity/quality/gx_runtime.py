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
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from maturity.quality.checks import Suite
from maturity.quality.outcomes import ROW, outcome_of, passed
from maturity.quality.results import ExpectationOutcome

if TYPE_CHECKING:
    import pandas as pd

DATA_SOURCE = "maturity_quality"
BATCH_DEFINITION = "whole_frame"
#: First pass: pass or fail only, about twice as fast as a full result and flat in the row count.
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


def validate_frame(
    suite: Suite, frame: pd.DataFrame, parameters: Mapping[str, Any] | None = None
) -> tuple[ExpectationOutcome, ...]:
    """Run ``suite`` on ``frame``; one outcome per check, in the suite's order.

    Every check is row-level, so a suite that passes the fast pass saw 0 unexpected rows of
    ``len(frame)``; only a failing suite is run again for the unexpected rows and values.
    """
    missing = sorted(set(suite.parameters) - set(parameters or {}))
    if missing:
        raise ValueError(f"suite {suite.name} needs the parameter(s) {missing}")
    values = dict(parameters or {})
    if _run(suite, frame, values, FAST).success:
        return tuple(passed(suite, check, len(frame), values) for check in suite.checks)
    result = _run(suite, frame, values, DETAILED)
    by_check = {r.expectation_config.meta["check"]: r for r in result.results}
    return tuple(
        outcome_of(suite, check, by_check.get(check.name), frame, values) for check in suite.checks
    )
