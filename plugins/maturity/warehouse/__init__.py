"""The SQL warehouse: tables, migrations, writes keyed on natural keys, reads, views.

Embedded SQLite by default, PostgreSQL in production; see ``docs/warehouse.md``.
"""

from __future__ import annotations

from maturity.warehouse.org import AccountRow, OrgRow
from maturity.warehouse.reads import AssessmentSummary, ExplainData, RecordSet
from maturity.warehouse.runs import RunInfo, deterministic_run_id
from maturity.warehouse.store import Warehouse, WarehouseStatus
from maturity.warehouse.url import masked, resolve_url

__all__ = [
    "AccountRow",
    "AssessmentSummary",
    "ExplainData",
    "OrgRow",
    "RecordSet",
    "RunInfo",
    "Warehouse",
    "WarehouseStatus",
    "deterministic_run_id",
    "masked",
    "resolve_url",
]
