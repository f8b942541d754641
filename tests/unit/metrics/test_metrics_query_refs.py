"""Query refs run against a real warehouse and return exactly the items behind a value.

The records are written with ``Warehouse.write_collection`` (one batch per account, then a
batch of another organisation that holds the same X messages and post ids) to SQLite and to
PostgreSQL (skipped when the test server is not reachable, see tests/conftest.py), the
metrics computed from the same records with the matching SQL dialect, and every value's query
ref executed as it is.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from metrics_records import (
    WINDOW,
    account,
    compute,
    inbound,
    org,
    page,
    pick,
    post,
    reply,
    snapshot,
)

from maturity.evidence import MetricValue, Window
from maturity.metric_dictionary import METRICS
from maturity.metrics.evidence.queries import DIALECTS, literal
from maturity.records import CollectionBatch, InboundMessage, Post, ReplyLink

pytestmark = pytest.mark.unit

H = timedelta(hours=1)
MON = datetime(2026, 9, 7, 10, tzinfo=UTC)  # Monday, 12:00 in Amsterdam
ACME = org(
    account("Acme"),
    account("AcmeCare", function="service"),
    account("JaneDoe", function="leadership"),
    account("AcmeOld", function="careers"),
    account("acme_official", "reddit", subreddit="AcmeSub"),
)
SNAPSHOTS = [
    snapshot("Acme", status="suspended", observed_at=WINDOW.start),
    snapshot(
        "Acme",
        display_name="Acme",
        description="Acme",
        followers=1000,
        verified=True,
        created_at=datetime(2012, 5, 1, tzinfo=UTC),
        source=page("acme", "users_by"),
    ),
    snapshot("AcmeCare", function="service", display_name="Acme Care", followers=50),
    snapshot(
        "AcmeCare",
        function="service",
        status="suspended",
        observed_at=WINDOW.end + timedelta(days=2),
    ),
    snapshot("JaneDoe", function="leadership", description="CEO at Acme", verified=False),
    snapshot("AcmeOld", function="careers", status="protected"),
    snapshot("acme_official", "reddit", display_name="Acme", followers=10),
]
M = {
    "m1": inbound("m1", "AcmeCare", MON + 24 * H, conversation_id="q1", source=page("m")),
    "m2": inbound("m2", "AcmeCare", datetime(2026, 9, 12, 12, tzinfo=UTC)),  # Saturday
    "m3": inbound("m3", "AcmeCare", datetime(2026, 9, 7, 6, 30, tzinfo=UTC)),  # 08:30 CEST
    "m4": inbound("m4", "AcmeCare", WINDOW.end - 2 * H),  # Sunday 23:00 CET
    "m5": inbound("m5", "AcmeCare", datetime(2026, 10, 26, 7, 30, tzinfo=UTC)),  # 08:30 CET
    "m6": inbound("m6", "Acme", MON + 27 * H, author="p:ann", conversation_id="p1"),
    "m7": inbound("m7", "Acme", MON + 28 * H, author="p:bob", conversation_id="p1"),
    "m8": inbound("m8", "AcmeOld", MON),
    "old": inbound("old", "Acme", WINDOW.start - H),
    "r1": inbound(
        "t1_r1",
        "acme_official",
        MON + 48 * H,
        platform="reddit",
        author="p:cas",
        conversation_id="t3_a",
    ),
    "r2": inbound(
        "t1_r2",
        "acme_official",
        MON + 49 * H,
        platform="reddit",
        author="p:dee",
        conversation_id="t3_a",
    ),
}
LINKS = [
    reply(M["m1"], H, reply_post_id="c1", handle="AcmeCare"),
    reply(M["m2"], 30 * H),
    reply(M["m4"], 3 * H),  # after the window end: unanswered
    reply(M["m5"], 2 * H),
    reply(M["m6"], 0.5 * H, reply_post_id="p4", handle="Acme"),
    reply(M["r1"], H, reply_post_id="t1_b", handle="acme_official"),
]
WEEK = timedelta(days=7)
POSTS = [
    post(
        "p1",
        "Acme",
        MON,
        conversation_id="p1",
        hashtags=("Launch",),
        mentions=("acmecare",),
        urls=("https://acme.nl/?utm_source=x",),
        source=page("p", "users_tweets"),
    ),
    post("p2", "Acme", MON + WEEK, conversation_id="p2", hashtags=("launch",)),
    post(
        "p3",
        "Acme",
        MON + 2 * WEEK,
        conversation_id="p3",
        hashtags=("launch",),
        urls=("https://acme.nl/plain",),
    ),
    post(
        "p4",
        "Acme",
        MON + 27.5 * H,
        "reply",
        conversation_id="p1",
        in_reply_to_post_id="m6",
        in_reply_to_author="p:ann",
        like_count=3,
    ),
    post("p5", "Acme", MON + 3 * H, "repost"),
    post("p6", "Acme", MON + 4 * H, "reply", conversation_id="p1", in_reply_to_author="Acme"),
    post("p-end", "Acme", WINDOW.end),
    post("p-before", "Acme", WINDOW.start - H),
    post(
        "c1",
        "AcmeCare",
        MON + 25 * H,
        "reply",
        conversation_id="q1",
        in_reply_to_post_id="m1",
        in_reply_to_author="p:someone",
        like_count=2,
    ),
    post("c2", "AcmeCare", MON + 5 * H, urls=("https://acme.nl/help",)),
    post("o1", "AcmeOld", MON),
    post("s1", "SomeoneElse", MON),
    post(
        "t3_a", "r/AcmeSub", MON + 47 * H, platform="reddit", conversation_id="t3_a", like_count=7
    ),
    post(
        "t1_b",
        "acme_official",
        MON + 49 * H,
        "reply",
        platform="reddit",
        conversation_id="t3_a",
        in_reply_to_post_id="t1_r1",
        in_reply_to_author="p:cas",
    ),
]


def _batch_handle(record: Any) -> str:
    return "acme_official" if record.handle.startswith("r/") else record.handle


def _batches() -> Iterator[CollectionBatch]:
    groups: dict[tuple[str, str], dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    messages: dict[str, InboundMessage] = {m.message_id: m for m in M.values()}
    for s in SNAPSHOTS:
        groups[(s.platform, s.handle)]["snapshots"].append(s)
    for p in POSTS:
        groups[(p.platform, _batch_handle(p))]["posts"].append(p)
    for m in M.values():
        groups[(m.platform, m.handle)]["inbound"].append(m)
    for link in LINKS:
        groups[(link.platform, messages[link.inbound_id].handle)]["reply_links"].append(link)
    for (platform, handle), records in groups.items():
        yield CollectionBatch(
            platform=platform,
            org_id="acme",
            handle=handle,
            window_start=WINDOW.start,
            window_end=WINDOW.end,
            **{k: tuple(v) for k, v in records.items()},
        )


def _province_batch() -> CollectionBatch:
    """Another organisation's account mentioned in the same X messages (a province), which
    answered m3, a message Acme left unanswered, and posted p1 under the same id. Written after
    Acme's records, it must change none of Acme's values or query results."""
    mine = {"org_id": "provincie", "handle": "Provincie"}
    messages = tuple(replace(m, **mine) for m in M.values() if m.platform == "x")
    answered = next(m for m in messages if m.message_id == "m3")
    return CollectionBatch(
        platform="x",
        org_id="provincie",
        handle="Provincie",
        window_start=WINDOW.start,
        window_end=WINDOW.end,
        posts=(replace(POSTS[0], **mine),),
        inbound=messages,
        reply_links=(reply(answered, H, reply_post_id="prov-1", handle="Provincie"),),
    )


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    """A migrated warehouse holding the records, and its SQL dialect."""
    warehouse_module = pytest.importorskip("maturity.warehouse")
    schema = None
    if request.param == "postgresql":
        admin = request.getfixturevalue("postgres_admin")
        schema = f"maturity_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('warehouse') / 'warehouse.sqlite'}"
    wh = warehouse_module.Warehouse(url)
    wh.migrate()
    for batch in _batches():
        wh.write_collection(batch)
    wh.write_collection(_province_batch())
    yield wh, request.param
    wh.dispose()
    if schema is not None:
        with request.getfixturevalue("postgres_admin").connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def warehouse(database: tuple[Any, str]) -> Any:
    return database[0]


def run(warehouse: Any, sql: str) -> list[tuple[Any, ...]]:
    with warehouse.engine.connect() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(sql).fetchall()]


@pytest.fixture(scope="module")
def values(database: tuple[Any, str]) -> tuple[MetricValue, ...]:
    posts: Sequence[Post] = POSTS
    links: Sequence[ReplyLink] = LINKS
    return compute(
        ACME,
        snapshots=SNAPSHOTS,
        posts=posts,
        messages=list(M.values()),
        links=links,
        sql_dialect=database[1],
    )


def _query(v: MetricValue) -> str:
    return next(r.ref for r in v.refs if r.kind == "query")


def _expected_rows(v: MetricValue, values: Sequence[MetricValue]) -> int:
    """How many rows the query of ``v`` returns, from ``v.n`` and the dictionary's units."""
    if v.metric_id == "presence.profile_completeness":
        # rows are the organisational readable accounts, the same units as naming consistency
        # (every test organisation has name stems)
        return pick(values, "presence.naming_consistency", v.platform, v.account).n
    if v.metric_id in ("activity.posts_per_week", "activity.active_weeks_share"):
        return pick(values, "activity.original_share", v.platform, v.account).n
    if v.metric_id == "activity.gap_regularity":
        return v.n + 1
    return v.n


def test_every_query_runs_and_returns_the_sample(warehouse, values) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for v in values:
        rows = run(warehouse, _query(v))
        if v.n == 0:
            continue
        assert len(rows) == _expected_rows(v, values), (v.metric_id, v.platform, v.account)
        checked += 1
    assert checked > 100


def test_item_refs_are_rows_of_the_query(warehouse, values) -> None:  # type: ignore[no-untyped-def]
    for v in values:
        items = {r.ref for r in v.refs if r.kind == "item"}
        if not items or v.metric_id == "interaction.conversation_depth":
            continue
        rows = run(warehouse, _query(v))
        ids = {str(r[1]) for r in rows}
        assert items <= ids, (v.metric_id, v.platform, v.account)


def _ids(
    warehouse: Any, values: Sequence[MetricValue], metric: str, platform: str = "all"
) -> set[str]:
    return {str(r[1]) for r in run(warehouse, _query(pick(values, metric, platform)))}


@pytest.mark.parametrize(
    ("metric", "platform", "expected"),
    [
        (
            "responsiveness.inbound_messages",
            "all",
            {"m1", "m2", "m3", "m4", "m5", "m6", "m7", "t1_r1", "t1_r2"},
        ),
        ("responsiveness.first_response_median_hours", "all", {"m1", "m2", "m5", "m6", "t1_r1"}),
        ("responsiveness.after_hours_response_share", "x", {"m2", "m3", "m4", "m5"}),
        ("responsiveness.weekend_response_share", "all", {"m2", "m4"}),
        (
            "activity.original_share",
            "all",
            {"p1", "p2", "p3", "p4", "p5", "p6", "c1", "c2", "t3_a", "t1_b"},
        ),
        ("activity.utm_link_share", "all", {"p1", "p3", "c2"}),
        ("interaction.community_reply_share", "all", {"p1", "p2", "p3", "c2", "t3_a"}),
        ("presence.accounts_total", "x", {"Acme", "AcmeCare", "JaneDoe", "AcmeOld"}),
        ("presence.verified_share", "all", {"Acme", "JaneDoe"}),
        ("organisation.hub_spoke_links", "x", {"AcmeCare", "JaneDoe"}),
    ],
)
def test_queries_return_exactly_the_items(
    warehouse,
    values,
    metric,
    platform,  # type: ignore[no-untyped-def]
    expected,
) -> None:
    assert _ids(warehouse, values, metric, platform) == expected


def test_the_reproduced_sets_give_the_values(warehouse, values) -> None:  # type: ignore[no-untyped-def]
    rate = pick(values, "responsiveness.response_rate")
    rows = run(warehouse, _query(rate))
    assert rate.value == sum(r[-1] is not None for r in rows) / len(rows) == 5 / 9
    community = pick(values, "interaction.community_reply_share")
    repliers = [r[-1] for r in run(warehouse, _query(community))]
    assert community.value == sum(n >= 2 for n in repliers) / len(repliers) == 2 / 5
    depth = pick(values, "interaction.conversation_depth")
    turns = [r[-1] for r in run(warehouse, _query(depth))]
    assert depth.value == sum(turns) / len(turns)
    dormant = pick(values, "presence.dormant_share")
    recent = [r[-1] for r in run(warehouse, _query(dormant))]
    assert dormant.value == sum(n == 0 for n in recent) / len(recent) == 1 / 4


def test_threads_query_lists_threads_with_a_third_party_reply(warehouse, values) -> None:  # type: ignore[no-untyped-def]
    rows = run(warehouse, _query(pick(values, "interaction.conversation_depth")))
    assert sorted((r[0], r[1], r[2]) for r in rows) == [
        ("reddit", "t3_a", 2),
        ("x", "p1", 3),
        ("x", "q1", 1),
    ]


def test_every_metric_has_a_value_checked_here(values) -> None:  # type: ignore[no-untyped-def]
    """Only employee_accounts has no unit here (no employee account is registered)."""
    with_data = {v.metric_id for v in values if v.n > 0}
    assert {m.id for m in METRICS} - with_data == {"organisation.employee_accounts"}


# -- literals and dialects --------------------------------------------------------------------


def test_literals_quote_safely(warehouse) -> None:  # type: ignore[no-untyped-def]
    tricky = "O'Brien'); DROP TABLE post; --"
    assert run(warehouse, f"SELECT {literal(tricky)}") == [(tricky,)]
    assert run(warehouse, "SELECT COUNT(*) FROM post")[0][0] > 0


def test_postgresql_queries_use_timestamptz_and_time_zones() -> None:
    values = compute(
        ACME,
        snapshots=SNAPSHOTS,
        posts=POSTS,
        messages=list(M.values()),
        links=LINKS,
        sql_dialect="postgresql",
    )
    after = _query(pick(values, "responsiveness.after_hours_response_share"))
    assert "CAST('2026-08-03 00:00:00+00:00' AS TIMESTAMP WITH TIME ZONE)" in after
    assert "AT TIME ZONE 'Europe/Amsterdam'" in after
    assert "jsonb_array_length(p.urls) > 0" in _query(pick(values, "activity.utm_link_share"))


def test_sqlite_local_time_carries_the_dst_step() -> None:
    sql = DIALECTS["sqlite"].weekend("m.created_at", "Europe/Amsterdam", WINDOW)
    assert "WHEN m.created_at < '2026-10-25 01:00:00.000000' THEN '+7200 seconds'" in sql
    assert "ELSE '+3600 seconds'" in sql
    no_dst = DIALECTS["sqlite"].weekend("m.created_at", "UTC", Window(WINDOW.start, WINDOW.end))
    assert no_dst == "strftime('%w', datetime(m.created_at, '+0 seconds')) IN ('0', '6')"
