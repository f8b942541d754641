"""The two writes: an assessment with its evidence, and a collection batch.

Each function works on a connection inside the caller's transaction (``Warehouse`` opens one
per call), so either everything of the organisation and window lands, or nothing does.
Validation runs before the first statement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, or_

from maturity.assessment import Assessment
from maturity.errors import InputError
from maturity.evidence import OrgEvidence
from maturity.records import (
    CollectionBatch,
    ReplyLink,
)
from maturity.warehouse import assessment_rows as ar
from maturity.warehouse import record_rows as rr
from maturity.warehouse import schema as t
from maturity.warehouse.org import AccountRow, OrgRow
from maturity.warehouse.runs import RunInfo
from maturity.warehouse.upsert import (
    bulk_upsert,
    bulk_upsert_values,
    dedupe,
    excluded_of,
    insert_if_absent,
    replace_scope,
    upsert,
)


def _duplicates(keys: Iterable[object]) -> list[object]:
    return sorted((k for k, n in Counter(keys).items() if n > 1), key=repr)


def _check_same(what: str, values: dict[str, object]) -> None:
    if len(set(values.values())) > 1:
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        raise InputError(
            f"{what} differ: {shown}",
            where="write_assessment",
            fix="write one organisation and one window per call",
        )


def validate_assessment(
    org: OrgRow, evidence: OrgEvidence, assessment: Assessment, run: RunInfo
) -> None:
    _check_same(
        "organisation ids",
        {"org": org.org_id, "evidence": evidence.org_id, "assessment": assessment.org_id},
    )
    _check_same(
        "windows",
        {
            "evidence": evidence.window.key,
            "assessment": assessment.window.key,
            "run": run.window.key,
        },
    )
    _check_same("rubric ids", {"assessment": assessment.rubric_id, "run": run.rubric_id})
    _check_same(
        "rubric versions", {"assessment": assessment.rubric_version, "run": run.rubric_version}
    )
    checks: list[tuple[str, Iterable[object]]] = [
        (
            "metric values (metric, platform, account)",
            ((m.metric_id, m.platform, m.account or "") for m in evidence.metrics),
        ),
        ("declared facts", (f.fact_id for f in evidence.facts)),
        ("criterion results", (c.criterion_id for c in assessment.criteria)),
        ("next-step ranks", (s.rank for s in assessment.next_steps)),
    ]
    for what, keys in checks:
        dupes = _duplicates(keys)
        if dupes:
            raise InputError(
                f"duplicate {what}: {dupes}",
                where=f"write_assessment({assessment.org_id})",
                fix="each natural key may appear once per organisation and window",
            )


def _account_rows(org_id: str, accounts: Iterable[AccountRow]) -> list[dict[str, Any]]:
    return [
        {
            "platform": a.platform,
            "handle_lower": a.handle_lower,
            "org_id": org_id,
            "handle": a.handle,
            "function": a.function,
            "subreddit": a.subreddit,
        }
        for a in accounts
    ]


def write_organisations(connection: Connection, orgs: Sequence[OrgRow]) -> None:
    """Upsert organisations and their registered accounts (accounts are never deleted)."""
    upsert(
        connection,
        t.organisation,
        dedupe(
            t.organisation,
            (
                {"org_id": o.org_id, "name": o.name, "sector": o.sector, "timezone": o.timezone}
                for o in orgs
            ),
        ),
    )
    rows = [r for o in orgs for r in _account_rows(o.org_id, o.accounts)]
    upsert(connection, t.account, dedupe(t.account, rows))


def _run_row(run: RunInfo) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "kind": run.kind,
        "trigger": run.trigger,
        "code_version": run.code_version,
        "rubric_id": run.rubric_id,
        "rubric_version": run.rubric_version,
        "window_start": run.window_start,
        "window_end": run.window_end,
        "input_digest": run.input_digest,
        "first_started_at": run.started_at,
    }


def write_assessment(
    connection: Connection,
    org: OrgRow,
    evidence: OrgEvidence,
    assessment: Assessment,
    run: RunInfo,
) -> None:
    validate_assessment(org, evidence, assessment, run)
    window = ar.window_scope(org.org_id, evidence.window)
    key = ar.assessment_scope(assessment)
    metrics = [ar.metric_row(window, m, run.run_id) for m in evidence.metrics]
    facts = [ar.fact_row(window, f, run.run_id) for f in evidence.facts]
    head = ar.assessment_row(assessment, run.code_version, run.run_id)
    criteria = [
        ar.criterion_row(key, i, c, assessment.notes if i == 0 else ())
        for i, c in enumerate(assessment.criteria)
    ]
    steps = [ar.next_step_row(key, s) for s in assessment.next_steps]

    # The organisation upsert comes first: on PostgreSQL it locks the organisation's row, which
    # serialises concurrent writers of the same organisation until this transaction ends.
    write_organisations(connection, [org])
    insert_if_absent(connection, t.run, [_run_row(run)])
    replace_scope(connection, t.metric_value, window, metrics)
    replace_scope(connection, t.declared_fact, window, facts)
    upsert(connection, t.assessment, [head])
    replace_scope(connection, t.criterion_result, key, criteria)
    replace_scope(connection, t.next_step, key, steps)


# -- collection -------------------------------------------------------------------------------


def validate_batch(batch: CollectionBatch) -> None:
    records: list[Any] = [
        *batch.snapshots,
        *batch.posts,
        *batch.inbound,
        *batch.reply_links,
        *batch.cursors,
    ]
    for record in records:
        if record.platform != batch.platform or record.org_id != batch.org_id:
            raise InputError(
                f"{type(record).__name__} of {record.platform}/{record.org_id} in a batch of "
                f"{batch.platform}/{batch.org_id}",
                where=f"write_collection({batch.platform}:{batch.handle})",
                fix="put each account's records in their own batch",
            )


def _ensure_account(connection: Connection, batch: CollectionBatch) -> None:
    """Collection may run before the registry or an assessment is written: make sure the
    organisation and accounts it refers to exist, without overwriting what is there."""
    insert_if_absent(
        connection,
        t.organisation,
        [
            {
                "org_id": batch.org_id,
                "name": batch.org_id,
                "sector": "other",
                "timezone": "Europe/Amsterdam",
            }
        ],
    )
    functions = {s.handle.lower(): s.function for s in batch.snapshots}
    handles = {
        batch.handle.lower(): batch.handle,
        **{s.handle.lower(): s.handle for s in batch.snapshots},
    }
    accounts = [
        AccountRow(batch.platform, h, functions.get(low, "main"))
        for low, h in sorted(handles.items())
    ]
    insert_if_absent(connection, t.account, _account_rows(batch.org_id, accounts))


def _save_cursors(connection: Connection, batch: CollectionBatch) -> None:
    """Upsert cursors, never moving one back to an older position (a backfill of an old window
    leaves the incremental cursor where it was)."""
    table = t.collection_cursor
    excluded = excluded_of(connection, table)
    forward = or_(
        table.c.newest_at.is_(None),
        and_(excluded.newest_at.is_not(None), excluded.newest_at >= table.c.newest_at),
    )
    rows = dedupe(table, (rr.cursor_row(c) for c in batch.cursors))
    upsert(connection, table, rows, only_if=forward)


def write_collection(connection: Connection, batch: CollectionBatch) -> None:
    write_collections(connection, [batch])


def write_collections(connection: Connection, batches: Sequence[CollectionBatch]) -> None:
    """Accounts' records, cursors and reply links. Each record table is written once for all
    the batches, in bulk (``bulk_upsert``); a record in two batches (a message that mentions
    two of the organisation's accounts) is written as the later batch has it, as writing the
    batches one after the other would."""
    for batch in batches:
        validate_batch(batch)
        _ensure_account(connection, batch)
    pages = [rr.page_row(p, b.platform, b.org_id, b.handle) for b in batches for p in b.page_refs()]
    # A page already landed keeps its first row; within these batches, too, the first wins.
    first_pages = list(reversed(dedupe(t.landing_page, reversed(pages))))
    bulk_upsert(connection, t.landing_page, first_pages, absent_only=True)
    snapshots = (rr.snapshot_row(s) for b in batches for s in b.snapshots)
    bulk_upsert(connection, t.account_snapshot, dedupe(t.account_snapshot, snapshots))
    # the record tables, straight from the records to tuples (no dictionary per row)
    posts = (rr.post_values(p) for b in batches for p in b.posts)
    bulk_upsert_values(connection, t.post, rr.POST_COLUMNS, posts)
    inbound = (rr.inbound_values(m) for b in batches for m in b.inbound)
    bulk_upsert_values(connection, t.inbound_message, rr.INBOUND_COLUMNS, inbound)
    write_reply_links(connection, [link for b in batches for link in b.reply_links])
    for batch in batches:
        _save_cursors(connection, batch)


def write_reply_links(connection: Connection, links: Sequence[ReplyLink]) -> None:
    """Upsert reply links on their natural key (platform, organisation, inbound message)."""
    bulk_upsert_values(connection, t.reply_link, rr.REPLY_COLUMNS, map(rr.reply_values, links))
