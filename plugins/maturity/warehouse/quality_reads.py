"""Reads of quality gate results: validation rows, quarantined batches and metric values.

Each returns the rows of the windows that lie *inside* the given one (stored start >= start and
end <= end): asked with a collection window, that window's rows; asked with a trailing
assessment window, the rows of every collection window it spans, and its own metric rows.
``len(quarantined(...))`` over the assessment window is what scoring lowers confidence by.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Table, select

from maturity.warehouse import quality_rows as qr
from maturity.warehouse import schema as t
from maturity.warehouse.timestamps import to_utc


def _inside(table: Table, org_id: str, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [
        table.c.org_id == org_id,
        table.c.window_start >= to_utc(start),
        table.c.window_end <= to_utc(end),
    ]


def quarantined(
    connection: Connection, org_id: str, window_start: datetime, window_end: datetime
) -> list[qr.QuarantineRow]:
    q = t.quarantined_batch
    rows = connection.execute(
        select(q)
        .where(*_inside(q, org_id, window_start, window_end))
        .order_by(q.c.window_start, q.c.window_end, q.c.platform, q.c.handle)
    ).mappings()
    return [qr.quarantine_from_row(r) for r in rows]


def quarantined_metrics(
    connection: Connection, org_id: str, window_start: datetime, window_end: datetime
) -> list[qr.QuarantinedMetricRow]:
    q = t.quarantined_metric
    rows = connection.execute(
        select(q)
        .where(*_inside(q, org_id, window_start, window_end))
        .order_by(q.c.window_start, q.c.window_end, q.c.metric_id, q.c.platform, q.c.account)
    ).mappings()
    return [qr.quarantined_metric_from_row(r) for r in rows]


def validation_results(
    connection: Connection, org_id: str, window_start: datetime, window_end: datetime
) -> list[qr.ValidationRow]:
    v = t.validation_result
    rows = connection.execute(
        select(v)
        .where(*_inside(v, org_id, window_start, window_end))
        .order_by(
            v.c.window_start,
            v.c.window_end,
            v.c.subject,
            v.c.platform,
            v.c.handle,
            v.c.suite,
            v.c.check_name,
        )
    ).mappings()
    return [qr.validation_from_row(r) for r in rows]
