"""Rows of ``collection_cost``: what collecting an organisation's window read, and its price.

Written in the organisation's load transaction (``Warehouse.write_gated_collection``), keyed on
(organisation, window, platform, resource kind), and replacing that organisation's and window's
rows: loading the same window again changes nothing. The month's reads
(:func:`reads_between`) are what the run's plan subtracts from the month's budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from maturity.evidence import Window
from maturity.warehouse import schema as t
from maturity.warehouse.upsert import replace_scope


@dataclass(frozen=True, slots=True)
class CostRow:
    platform: str
    resource: str
    reads: int
    unit_price: float
    currency: str

    @property
    def price(self) -> float:
        return self.reads * self.unit_price


def cost_rows(
    reads: Mapping[str, Mapping[str, int]],
    prices: Mapping[str, Mapping[str, float]],
    currency: Mapping[str, str],
) -> list[CostRow]:
    """``reads[platform][resource]`` priced by ``prices[platform][resource]`` (0 when absent)."""
    return [
        CostRow(
            platform,
            resource,
            int(n),
            float(prices.get(platform, {}).get(resource, 0.0)),
            currency.get(platform, "USD"),
        )
        for platform, kinds in sorted(reads.items())
        for resource, n in sorted(kinds.items())
    ]


def _row(org_id: str, window: Window, run_id: str, row: CostRow) -> dict[str, Any]:
    if row.reads < 0:
        raise ValueError(f"{org_id}: {row.platform} {row.resource} reads {row.reads} < 0")
    return {
        "org_id": org_id,
        "window_start": window.start,
        "window_end": window.end,
        "platform": row.platform,
        "resource": row.resource,
        "reads": row.reads,
        "unit_price": row.unit_price,
        "price": row.price,
        "currency": row.currency,
        "run_id": run_id,
    }


def write_costs(
    connection: Connection, org_id: str, window: Window, run_id: str, rows: Sequence[CostRow]
) -> None:
    """Make the organisation's window hold exactly ``rows`` (idempotent)."""
    scope = {"org_id": org_id, "window_start": window.start, "window_end": window.end}
    replace_scope(
        connection, t.collection_cost, scope, [_row(org_id, window, run_id, r) for r in rows]
    )


def reads_between(
    connection: Connection,
    start: datetime,
    end: datetime,
    platform: str,
    excluding: Window | None = None,
) -> int:
    """Reads recorded for windows ending in ``[start, end)`` on ``platform``, without the
    window ``excluding`` (a rerun of a window does not count against itself)."""
    c = t.collection_cost.c
    query = select(func.coalesce(func.sum(c.reads), 0)).where(
        c.platform == platform, c.window_end >= start, c.window_end < end
    )
    if excluding is not None:
        query = query.where(
            ~((c.window_start == excluding.start) & (c.window_end == excluding.end))
        )
    return int(connection.execute(query).scalar_one())


def costs_of(connection: Connection, org_id: str, window: Window) -> list[CostRow]:
    c = t.collection_cost.c
    rows = connection.execute(
        select(c.platform, c.resource, c.reads, c.unit_price, c.currency)
        .where(c.org_id == org_id, c.window_start == window.start, c.window_end == window.end)
        .order_by(c.platform, c.resource)
    )
    return [CostRow(*r) for r in rows]
