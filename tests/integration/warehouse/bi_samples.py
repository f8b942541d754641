"""Sample rows for the BI views that the assessment samples do not write: quality gate results,
quarantines and account snapshots, inserted as the gates and the collection write them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert
from warehouse_samples import Q1

from maturity.warehouse import Warehouse
from maturity.warehouse import schema as t

SCOPE = {"org_id": "acme", "window_start": Q1.start, "window_end": Q1.end}


def _check(
    platform: str, handle: str, check: str, success: bool, **extra: object
) -> dict[str, object]:
    return {
        **SCOPE,
        "subject": "records" if handle else "metrics",
        "platform": platform,
        "handle": handle,
        "suite": "posts" if handle else "metrics",
        "expectation_type": "expect_column_values_to_not_be_null",
        "kwargs_digest": check,
        "check_name": check,
        "column_name": "created_at" if handle else None,
        "kwargs": {"column": "created_at"},
        "success": success,
        "element_count": 10,
        "unexpected_count": 0 if success else 2,
        "observed": {},
        "exception": None,
        "run_id": "run-q",
        **extra,
    }


def write_quality(wh: Warehouse) -> None:
    """acme, Q1: X passed its check; Reddit failed one and was quarantined; the metric suite
    passed; one metric value was left out by the metric gate for two checks."""
    with wh.engine.begin() as connection:
        connection.execute(
            insert(t.validation_result),
            [
                _check("x", "AcmeZorg", "created_at_present", True),
                _check("reddit", "AcmeZorg", "created_at_present", False),
                _check("", "", "proportions_in_range", True),
            ],
        )
        connection.execute(
            insert(t.quarantined_batch),
            [
                {
                    **SCOPE,
                    "platform": "reddit",
                    "handle": "AcmeZorg",
                    "reason": "2 posts without created_at",
                    "failed": [{"check": "created_at_present"}],
                    "pages": [],
                    "record_counts": {"posts": 10},
                    "run_id": "run-q",
                }
            ],
        )
        connection.execute(
            insert(t.quarantined_metric),
            [
                {
                    **SCOPE,
                    "metric_id": "responsiveness.reply_share",
                    "platform": "x",
                    "account": "",
                    "value": 1.7,
                    "n": 40,
                    "failed": ["proportions_in_range", "n_matches_sample"],
                    "run_id": "run-q",
                }
            ],
        )


def write_snapshots(wh: Warehouse) -> None:
    """acme, Q1: X was protected early in the window and active at its end (the last one
    counts); the Reddit account was not found."""
    base = {"org_id": "acme", "handle": "AcmeZorg", "function": "main"}
    with wh.engine.begin() as connection:
        connection.execute(
            insert(t.account_snapshot),
            [
                {
                    **base,
                    "platform": "x",
                    "handle_lower": "acmezorg",
                    "status": "protected",
                    "observed_at": Q1.start + timedelta(days=1),
                },
                {
                    **base,
                    "platform": "x",
                    "handle_lower": "acmezorg",
                    "status": "active",
                    "observed_at": Q1.end,
                },
                {
                    **base,
                    "platform": "reddit",
                    "handle_lower": "acmezorg",
                    "status": "not_found",
                    "observed_at": Q1.end,
                },
            ],
        )
