"""The evidence of one organisation and window, on its own: written by the metrics step and
read back by the scoring step (and by ``maturity rescore``)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Table, select

from maturity.evidence import OrgEvidence, Window
from maturity.warehouse import assessment_rows as ar
from maturity.warehouse import schema as t
from maturity.warehouse.org import OrgRow
from maturity.warehouse.reads import require_organisation
from maturity.warehouse.runs import RunInfo
from maturity.warehouse.upsert import insert_if_absent, replace_scope
from maturity.warehouse.writes import _run_row, write_organisations


def write_evidence(
    connection: Connection, org: OrgRow, evidence: OrgEvidence, run: RunInfo
) -> None:
    """Replace the window's metric values and declared facts of ``org`` with ``evidence``."""
    window = ar.window_scope(org.org_id, evidence.window)
    write_organisations(connection, [org])
    insert_if_absent(connection, t.run, [_run_row(run)])
    replace_scope(
        connection,
        t.metric_value,
        window,
        [ar.metric_row(window, m, run.run_id) for m in evidence.metrics],
    )
    replace_scope(
        connection,
        t.declared_fact,
        window,
        [ar.fact_row(window, f, run.run_id) for f in evidence.facts],
    )


def read_evidence(connection: Connection, org_id: str, window: Window) -> OrgEvidence:
    """The stored metric values and declared facts of ``org_id`` for exactly ``window``."""
    require_organisation(connection, org_id)
    m, f = t.metric_value, t.declared_fact

    def scoped(table: Table) -> list[ColumnElement[bool]]:
        return [
            table.c.org_id == org_id,
            table.c.window_start == window.start,
            table.c.window_end == window.end,
        ]

    metrics = connection.execute(
        select(m).where(*scoped(m)).order_by(m.c.metric_id, m.c.platform, m.c.account)
    ).mappings()
    facts = connection.execute(select(f).where(*scoped(f)).order_by(f.c.fact_id)).mappings()
    return OrgEvidence(
        org_id=org_id,
        window=window,
        metrics=tuple(ar.metric_from_row(r) for r in metrics),
        facts=tuple(ar.fact_from_row(r) for r in facts),
    )


def stored_windows(connection: Connection, org_id: str | None = None) -> list[tuple[str, Window]]:
    """Every (organisation, window) with stored evidence or an assessment, oldest first."""
    m, f, a = t.metric_value, t.declared_fact, t.assessment
    query = select(m.c.org_id, m.c.window_start, m.c.window_end).union(
        select(f.c.org_id, f.c.window_start, f.c.window_end),
        select(a.c.org_id, a.c.window_start, a.c.window_end),
    )
    rows = connection.execute(query).all()
    out = sorted(
        {(r[0], Window(r[1], r[2])) for r in rows if org_id in (None, r[0])},
        key=lambda x: (x[1].start, x[1].end, x[0]),
    )
    return out
