"""From a GX validation result to an ``ExpectationOutcome`` with JSON-able observations.

What is kept of a failure: how many rows were checked and unexpected, the ids of the first
unexpected rows (from the suite's id columns) and, unless the check is private, a sample of
the unexpected values. A private check (the pseudonym gate) never keeps the values, because
they may be the raw third-party ids the gate exists to stop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from maturity.quality.checks import Check, Suite
from maturity.quality_results import ExpectationOutcome

if TYPE_CHECKING:
    import pandas as pd

#: Unexpected ids and values kept per outcome.
SAMPLE = 10
ROW = "row"


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, timestamps and non-finite floats made JSON-safe."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item):  # numpy scalar
        return jsonable(item())
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)


def _exception(result: Any) -> str | None:
    info = getattr(result, "exception_info", None) or {}
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("raised_exception"):
            message = str(entry.get("exception_message") or "unknown error")
            return message.strip().splitlines()[0] if message.strip() else "unknown error"
    return None


def _rows(details: Mapping[str, Any]) -> tuple[int, ...]:
    rows = {
        int(entry[ROW])
        for entry in details.get("unexpected_index_list") or ()
        if isinstance(entry, Mapping) and ROW in entry
    }
    return tuple(sorted(rows))


def _ids(frame: pd.DataFrame, columns: Sequence[str], rows: Sequence[int]) -> list[str]:
    if not rows or not columns:
        return []
    picked = frame.iloc[list(rows[:SAMPLE])]
    return [
        "/".join(str(jsonable(v)) for v in values)
        for values in zip(*(picked[c].tolist() for c in columns), strict=True)
    ]


def resolved(kwargs: Mapping[str, Any], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """``kwargs`` with every ``{"$PARAMETER": name}`` replaced by its value, JSON-able."""
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, Mapping) and set(value) == {"$PARAMETER"}:
            value = parameters[value["$PARAMETER"]]
        out[key] = jsonable(value)
    return out


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _outcome(
    suite: Suite,
    check: Check,
    *,
    success: bool,
    details: Mapping[str, Any],
    rows: tuple[int, ...],
    ids: list[str],
    exception: str | None,
    parameters: Mapping[str, Any],
) -> ExpectationOutcome:
    observed: dict[str, Any] = {
        "unexpected_percent": jsonable(details.get("unexpected_percent")),
        "unexpected_ids": ids,
    }
    if "observed_value" in details:
        observed["observed_value"] = jsonable(details["observed_value"])
    if not check.private:
        observed["unexpected_values"] = jsonable(
            list(details.get("partial_unexpected_list") or ())[:SAMPLE]
        )
    return ExpectationOutcome(
        suite=suite.name,
        check=check.name,
        expectation_type=check.expectation_type,
        column=check.column,
        kwargs=resolved(check.kwargs, parameters),
        kwargs_digest=check.digest,
        success=success,
        element_count=_int(details.get("element_count")),
        unexpected_count=_int(details.get("unexpected_count")),
        observed=observed,
        exception=exception,
        why=check.why,
        unexpected_rows=rows,
    )


def outcome_of(
    suite: Suite,
    check: Check,
    result: Any | None,
    frame: pd.DataFrame,
    parameters: Mapping[str, Any],
) -> ExpectationOutcome:
    """The outcome of ``check`` from its detailed (``COMPLETE``) GX result."""
    details: Mapping[str, Any] = (getattr(result, "result", None) or {}) if result else {}
    exception = _exception(result) if result is not None else "GX returned no result"
    rows = _rows(details)
    return _outcome(
        suite,
        check,
        success=bool(getattr(result, "success", False)) and exception is None,
        details=details,
        rows=rows,
        ids=_ids(frame, suite.id_columns, rows),
        exception=exception,
        parameters=parameters,
    )


def passed(
    suite: Suite, check: Check, element_count: int, parameters: Mapping[str, Any]
) -> ExpectationOutcome:
    """The outcome of a row-level check that passed on ``element_count`` rows: what the
    detailed result would say, without asking GX for it."""
    details: dict[str, Any] = {
        "element_count": element_count,
        "unexpected_count": 0,
        "unexpected_percent": 0.0 if element_count else None,
        "partial_unexpected_list": [],
    }
    return _outcome(
        suite,
        check,
        success=True,
        details=details,
        rows=(),
        ids=[],
        exception=None,
        parameters=parameters,
    )
