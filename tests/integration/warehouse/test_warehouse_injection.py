"""SQL gets values only through bound parameters: injection strings in every free-text field
that reaches the warehouse come back byte-identical, and every table is still there.

The fields: the organisation's name and sector; a snapshot's display name, description and
urls; a post's and a message's ids, urls, hashtags, mentions and conversation; a fact's
author and source; an evidence ref's text; a criterion's reason, a check's note, a next step's
gap. They go through the real write paths (``write_collection``, ``write_assessment``) and come
back through the real reads, on SQLite and on PostgreSQL. The evidence queries that ``explain
--sql`` shows are built as text for humans to run; their literals and comments are checked on
both databases too.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import inspect, text
from warehouse_samples import PAGE, Q1, assessment, batch, evidence, org_row, run_for

from maturity.evidence import DeclaredFact, EvidenceRef
from maturity.metrics.evidence.queries import literal, query
from maturity.warehouse import Warehouse
from maturity.warehouse.schema import metadata

pytestmark = pytest.mark.integration

INJECTIONS = (
    "'; DROP TABLE post; --",
    '" OR 1=1 --',
    "x' OR '1'='1",
    "%s %(name)s {0} :name ?",
    "\\'; DROP TABLE organisation; --",
    "*/ DROP TABLE inbound_message; /*",
    "$$; DROP TABLE run; $$",
    "Robert'); DELETE FROM assessment WHERE ('a'='a",
    "ümlaut ‘quotes’ \u202e \\x27 \t\n\r end",
)


def _tables(wh: Warehouse) -> set[str]:
    with wh.engine.connect() as c:
        return set(inspect(c).get_table_names())


@pytest.mark.parametrize("evil", INJECTIONS)
def test_free_text_round_trips_byte_identical(warehouse: Warehouse, evil: str) -> None:
    tables = _tables(warehouse)
    assert {t.name for t in metadata.sorted_tables} <= tables

    b = batch()
    snapshot = replace(
        b.snapshots[0], display_name=evil, description=evil, url=evil, profile_image_url=evil
    )
    posts = tuple(
        replace(p, urls=(evil, "https://ok.example"), hashtags=(evil,), mentions=(evil,))
        for p in b.posts
    )
    inbound = tuple(replace(m, conversation_id=evil) for m in b.inbound)
    b = replace(b, snapshots=(snapshot,), posts=posts, inbound=inbound)
    warehouse.write_collection(b)
    back = warehouse.read_records("acme", Q1.start, Q1.end)
    assert back.snapshots == (snapshot,)
    assert back.posts == posts
    assert back.inbound == inbound

    ev = evidence()
    ev = replace(
        ev,
        facts=(*ev.facts, DeclaredFact("team.named_owner", True, evil, Q1.start.date(), evil)),
        metrics=tuple(
            replace(m, refs=(*m.refs, EvidenceRef("query", evil, platform=m.platform)))
            for m in ev.metrics
        ),
    )
    a = assessment(ev)
    a = replace(
        a,
        criteria=tuple(
            replace(c, reason=evil, checks=tuple(replace(k, reason=evil) for k in c.checks))
            for c in a.criteria
        ),
        next_steps=tuple(replace(s, gap=evil) for s in a.next_steps),
    )
    org = replace(org_row(), name=evil, sector=evil)
    warehouse.write_assessment(org, ev, a, run_for(a))
    data = warehouse.latest_assessment("acme")
    assert data is not None
    assert data.organisation.name == evil
    assert data.organisation.sector == evil
    assert {c.reason for c in data.assessment.criteria} == {evil}
    assert {k.reason for c in data.assessment.criteria for k in c.checks} == {evil}
    assert {s.gap for s in data.assessment.next_steps} == {evil}
    fact = next(f for f in data.facts if f.fact_id == "team.named_owner")
    assert (fact.declared_by, fact.source) == (evil, evil)
    assert all(any(r.ref == evil for r in m.refs) for m in data.metrics if m.platform is not None)

    assert _tables(warehouse) == tables
    with warehouse.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM post")).scalar_one() == 2
        assert c.execute(text("SELECT count(*) FROM organisation")).scalar_one() == 1


def _run_as_a_human_would(wh: Warehouse, sql: str) -> list[tuple[object, ...]]:
    """The text as it is, on the driver's own cursor: no parameters, nothing interpolated."""
    raw = wh.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql)
        rows = [tuple(r) for r in cursor.fetchall()]
        raw.commit()
        return rows
    finally:
        raw.close()


@pytest.mark.parametrize("evil", INJECTIONS)
def test_sql_literals_of_reproducing_queries_are_inert(warehouse: Warehouse, evil: str) -> None:
    """``explain --sql`` prints queries with their values inlined for a human to run: the
    literal of any text is that text, on both databases."""
    tables = _tables(warehouse)
    assert _run_as_a_human_would(warehouse, f"SELECT {literal(evil)} AS v") == [(evil,)]
    assert _tables(warehouse) == tables


def test_the_header_comment_of_a_reproducing_query_cannot_be_closed(
    warehouse: Warehouse,
) -> None:
    """A label with ``*/`` in it stays inside the comment: the query runs as the query it is."""
    from maturity.metrics.engine import samples as s
    from maturity.metrics.evidence.queries import DIALECTS, AccountMatch, QueryContext

    warehouse.write_collection(batch())
    tables = _tables(warehouse)
    context = QueryContext(
        DIALECTS[warehouse.url.get_backend_name()],
        Q1,
        "acme",
        "Europe/Amsterdam",
        (AccountMatch("x", "acmezorg"),),
        (AccountMatch("x", "acmezorg"),),
        Q1.start,
    )
    evil = "all */ DELETE FROM post; /* platforms"
    sql = query(s.POSTS, context, evil, note=evil)
    assert len(_run_as_a_human_would(warehouse, sql)) == 2
    assert _tables(warehouse) == tables
    with warehouse.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM post")).scalar_one() == 2
    assert PAGE.path
