"""Writing quality gate results: validation rows and quarantines of one organisation and window.

Like the other writes, this works on a connection inside the caller's transaction
(``Warehouse.write_validation`` opens one per call) and replaces exactly what it was given:

* for every batch result: the ``records`` validation rows of that account (platform, handle)
  and its ``quarantined_batch`` row (written when the batch failed, deleted when it passed);
* for a metric result: all ``metrics`` validation rows and ``quarantined_metric`` rows of the
  organisation and window.

Accounts not among the batch results keep their rows, so validating one account at a time (an
Airflow task per account) and validating all of them at once give the same tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from maturity.errors import InputError
from maturity.evidence import Window
from maturity.quality_results import METRICS, RECORDS, BatchValidation, MetricValidation
from maturity.records import CollectionBatch
from maturity.warehouse import quality_rows as qr
from maturity.warehouse import schema as t
from maturity.warehouse.upsert import key_columns, replace_scope, upsert


def _mismatch(what: str, given: object, expected: object, where: str) -> InputError:
    return InputError(
        f"{what} {given} differs from the {what} written, {expected}",
        where=where,
        fix="write the results of one organisation and one window per call",
    )


def validate(
    org_id: str,
    window: Window,
    batch_results: Sequence[BatchValidation],
    metric_result: MetricValidation | None,
) -> None:
    where = f"write_validation({org_id}, {window.key})"
    for b in batch_results:
        if b.org_id != org_id:
            raise _mismatch("organisation", f"{b.org_id} ({b.account})", org_id, where)
        if b.window != window:
            raise _mismatch("window", f"{b.window.key} ({b.account})", window.key, where)
    twice = sorted(
        k for k, n in Counter((b.platform, b.handle) for b in batch_results).items() if n > 1
    )
    if twice:
        raise InputError(
            f"more than one batch result for {[f'{p}:{h}' for p, h in twice]}",
            where=where,
            fix="validate each account once per window",
        )
    if metric_result is not None:
        if metric_result.org_id != org_id:
            raise _mismatch("organisation", metric_result.org_id, org_id, where)
        if metric_result.window != window:
            raise _mismatch("window", metric_result.window.key, window.key, where)


def check_batch(batch: CollectionBatch, validation: BatchValidation) -> None:
    """``validation`` must be the result of ``batch`` (same organisation, account, window)."""
    given = (batch.org_id, batch.platform, batch.handle, batch.window_start, batch.window_end)
    validated = (
        validation.org_id,
        validation.platform,
        validation.handle,
        validation.window_start,
        validation.window_end,
    )
    if given != validated:
        raise InputError(
            f"the validation of {validation.account} ({validation.org_id}, "
            f"{validation.window.key}) is not that of the batch {batch.platform}:"
            f"{batch.handle} ({batch.org_id})",
            where="write_gated_collection",
            fix="pass the BatchValidation that validate_batch returned for this batch",
        )


def _merged(rows: list[qr.Row]) -> list[qr.Row]:
    """Rejected values that share a key (duplicates the gate caught) become one row whose
    ``failed`` lists the checks of all of them."""
    keys = key_columns(t.quarantined_metric)
    merged: dict[tuple[Any, ...], qr.Row] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        if key in merged:
            failed = merged[key]["failed"]
            failed.extend(c for c in row["failed"] if c not in failed)
        else:
            merged[key] = row
    return list(merged.values())


def _quarantine(connection: Connection, key: Mapping[str, Any], row: qr.Row | None) -> None:
    """Upsert the account's quarantine row, or delete it when the batch passed. (The scope is
    the whole key here, which ``replace_scope`` cannot select on in SQLite.)"""
    table = t.quarantined_batch
    if row is not None:
        upsert(connection, table, [row])
        return
    connection.execute(table.delete().where(*(table.c[k] == v for k, v in key.items())))


def write_validation(
    connection: Connection,
    org_id: str,
    window: Window,
    run_id: str,
    batch_results: Sequence[BatchValidation],
    metric_result: MetricValidation | None,
) -> None:
    validate(org_id, window, batch_results, metric_result)
    scope = qr.window_scope(org_id, window)
    for result in batch_results:
        account = {**scope, "platform": result.platform, "handle": result.handle}
        replace_scope(
            connection,
            t.validation_result,
            {**account, "subject": RECORDS},
            qr.batch_validation_rows(scope, result, run_id),
        )
        _quarantine(
            connection,
            account,
            None if result.success else qr.quarantine_row(scope, result, run_id),
        )
    if metric_result is not None:
        replace_scope(
            connection,
            t.validation_result,
            {**scope, "subject": METRICS},
            qr.metric_validation_rows(scope, metric_result.outcomes, run_id),
        )
        rejected = [qr.quarantined_metric_row(scope, r, run_id) for r in metric_result.rejections]
        replace_scope(connection, t.quarantined_metric, scope, _merged(rejected))
