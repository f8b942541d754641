"""Record loads at database speed (``maturity.warehouse.upsert.bulk_upsert``): COPY into a
staging table and one merge on PostgreSQL, one prepared ``executemany`` on SQLite.

The bulk path must leave exactly the table contents the row-by-row path (``upsert``,
``insert_if_absent``) leaves, for first loads, changed reloads and records shared between
batches; reloading the same window adds no row and rewrites none; a failure in the middle of
a load leaves nothing of it behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, Table, select, text
from sqlalchemy.engine import URL
from warehouse_samples import dump, row_versions

from maturity.errors import WarehouseError
from maturity.records import ReplyLink
from maturity.sandbox.bench.load_bench import Load, make_load
from maturity.warehouse import Warehouse, upsert, writes
from maturity.warehouse.schema import metadata

pytestmark = pytest.mark.integration

RECORDS = 2_400
"""Enough for every record table to take the COPY path on PostgreSQL (BULK_MIN_ROWS)."""


def row_by_row(
    connection: Connection,
    table: Table,
    rows: Sequence[upsert.Row],
    *,
    absent_only: bool = False,
    min_rows: int = 0,
) -> None:
    """The write before the bulk path: SQLAlchemy's executemany of the same statement."""
    if absent_only:
        upsert.insert_if_absent(connection, table, rows)
    else:
        upsert.upsert(connection, table, rows)


def values_row_by_row(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    values: Iterable[tuple[Any, ...]],
    *,
    min_rows: int = 0,
) -> None:
    """``bulk_upsert_values`` before the bulk path: each tuple as a dictionary, deduplicated
    (the last of a key wins), through ``upsert``."""
    rows = [dict(zip(names, v, strict=True)) for v in values]
    upsert.upsert(connection, table, upsert.dedupe(table, rows))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_warehouses(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Warehouse, Warehouse]]:
    """Two migrated, empty warehouses on the same database kind."""
    urls: list[URL | str]
    schemas: list[str] = []
    admin: Engine | None = None
    if request.param == "postgresql":
        admin = request.getfixturevalue("postgres_admin")
        schemas = [f"maturity_load_{uuid.uuid4().hex[:10]}" for _ in range(2)]
        with admin.connect() as c:
            for schema in schemas:
                c.execute(text(f'CREATE SCHEMA "{schema}"'))
        urls = [admin.url.update_query_dict({"options": f"-csearch_path={s}"}) for s in schemas]
    else:
        urls = [f"sqlite:///{tmp_path / f'{name}.sqlite'}" for name in ("bulk", "rows")]
    pair = (Warehouse(urls[0]), Warehouse(urls[1]))
    for wh in pair:
        wh.migrate()
    yield pair
    for wh in pair:
        wh.dispose()
    if admin is not None:
        with admin.connect() as c:
            for schema in schemas:
                c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def stored(wh: Warehouse) -> dict[str, list[tuple[Any, ...]]]:
    """Every row as the database holds it, without SQLAlchemy's type processing (SQLite's
    timestamp and JSON text as stored), ordered by primary key."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with wh.engine.connect() as connection:
        for table in metadata.sorted_tables:
            keys = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            rows = connection.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {keys}')
            out[table.name] = [tuple(r) for r in rows]
    return out


def write(wh: Warehouse, load: Load, run_id: str = "load-test") -> None:
    wh.write_gated_collection(load.org, load.window, run_id, load.gated)


def changed(load: Load) -> Load:
    """The same window collected again later: more likes, one post gone from the first
    account, and the second account's batch repeating a message of the first with another
    kind (a message that mentions both accounts)."""
    (b1, v1), (b2, v2), *rest = load.gated
    shared = replace(b1.inbound[0], handle=b2.handle, kind="mention")
    b1 = replace(b1, posts=tuple(replace(p, like_count=p.like_count + 1) for p in b1.posts[1:]))
    b2 = replace(b2, inbound=(*b2.inbound, shared))
    return replace(load, gated=((b1, v1), (b2, v2), *rest))


def test_the_load_is_large_enough_for_the_bulk_path() -> None:
    load = make_load(RECORDS)
    assert sum(len(b.posts) for b, _ in load.gated) >= upsert.BULK_MIN_ROWS
    assert sum(len(b.reply_links) for b, _ in load.gated) >= upsert.BULK_MIN_ROWS


def test_bulk_and_row_by_row_leave_the_same_tables(
    two_warehouses: tuple[Warehouse, Warehouse], monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk, rows = two_warehouses
    first = make_load(RECORDS)
    steps = [first, changed(first), first]
    for step in steps:
        write(bulk, step)
        with monkeypatch.context() as m:
            m.setattr(writes, "bulk_upsert", row_by_row)
            m.setattr(writes, "bulk_upsert_values", values_row_by_row)
            write(rows, step)
        assert stored(bulk) == stored(rows)
    contents = dump(bulk)
    assert len(contents["post"]) == sum(len(b.posts) for b, _ in first.gated)
    assert len(contents["reply_link"]) == sum(len(b.reply_links) for b, _ in first.gated)
    assert contents["landing_page"], "no landing pages written"


def test_reloading_the_window_adds_nothing_and_rewrites_nothing(
    warehouse: Warehouse,
) -> None:
    load = make_load(RECORDS)
    write(warehouse, load)
    before = dump(warehouse)
    versions = row_versions(warehouse) if warehouse.url.get_backend_name() == "postgresql" else {}
    write(warehouse, load, run_id="load-test-again")
    after = dump(warehouse)
    # Only the validation rows carry the run id; every record table is as it was.
    changed_tables = {name for name in before if before[name] != after[name]}
    assert changed_tables <= {"validation_result"}, changed_tables
    assert {n: len(r) for n, r in after.items()} == {n: len(r) for n, r in before.items()}
    if versions:
        now = row_versions(warehouse)
        records = ("post", "inbound_message", "reply_link", "landing_page", "account_snapshot")
        assert {n: now[n] for n in records} == {n: versions[n] for n in records}


def test_a_failure_in_the_middle_of_a_load_leaves_nothing(warehouse: Warehouse) -> None:
    load = make_load(RECORDS)
    (b1, v1), *rest = load.gated
    broken: Any = replace(b1.reply_links[-1], replied_at=None)  # NOT NULL in the warehouse
    links: tuple[ReplyLink, ...] = (*b1.reply_links[:-1], broken)
    gated = ((replace(b1, reply_links=links), v1), *rest)
    with pytest.raises(WarehouseError, match="writing the gated collection of bench-org"):
        write(warehouse, replace(load, gated=gated))
    assert all(not rows for rows in dump(warehouse).values())

    write(warehouse, load)  # and the same load, mended, goes in whole
    assert len(dump(warehouse)["reply_link"]) == sum(len(b.reply_links) for b, _ in load.gated)


def test_a_stale_window_keeps_the_newer_timestamps_apart(warehouse: Warehouse) -> None:
    """Timestamps go through the same UTC processing as the row-by-row path: a record moved
    by one second lands as a change, not as a duplicate."""
    load = make_load(RECORDS)
    write(warehouse, load)
    (b1, v1), *rest = load.gated
    moved = tuple(replace(p, created_at=p.created_at + timedelta(seconds=1)) for p in b1.posts)
    write(warehouse, replace(load, gated=((replace(b1, posts=moved), v1), *rest)))
    stored = {r[2]: r[4] for r in dump(warehouse)["post"]}
    assert all(stored[p.post_id] == p.created_at for p in moved)


def test_tuples_with_a_repeated_key_keep_the_last_and_an_unknown_column_is_refused(
    two_warehouses: tuple[Warehouse, Warehouse],
) -> None:
    """``bulk_upsert_values`` (records straight to tuples): duplicates within one write are
    resolved as ``dedupe`` resolves them, on the bulk path (SQLite, PostgreSQL from
    BULK_MIN_ROWS) and on PostgreSQL's small-batch path alike."""
    from maturity.warehouse import record_rows as rr
    from maturity.warehouse.schema import reply_link

    wh, _ = two_warehouses
    load = make_load(400)
    write(wh, load)  # the organisation and its accounts
    links = [link for b, _ in load.gated for link in b.reply_links]
    later = [replace(link, replied_at=link.replied_at + timedelta(hours=1)) for link in links]
    for min_rows in (upsert.BULK_MIN_ROWS, len(links) * 2 + 1):  # bulk, then small batches
        with wh.engine.begin() as connection:
            upsert.bulk_upsert_values(
                connection,
                reply_link,
                rr.REPLY_COLUMNS,
                map(rr.reply_values, [*links, *later]),
                min_rows=min_rows,
            )
        with wh.engine.connect() as connection:
            rows = connection.execute(select(reply_link)).mappings().all()
        assert len(rows) == len(links)
        by_id = {r["inbound_id"]: r for r in rows}
        for link in later:
            assert by_id[link.inbound_id]["replied_at"] == link.replied_at
        links, later = later, links  # write the older times back as the later ones
    with pytest.raises(ValueError, match="reply_link has no column nope"), wh.engine.begin() as c:
        upsert.bulk_upsert_values(c, reply_link, ("nope",), [("x",)])
