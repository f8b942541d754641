"""write_collection: records upserted on natural keys, cursors in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from warehouse_samples import PAGE, Q1, T0, batch, dump, later_batch, org_row, row_versions

from maturity.errors import InputError
from maturity.records import Cursor
from maturity.warehouse import Warehouse
from maturity.warehouse import schema as t

pytestmark = pytest.mark.integration


def test_write_collection_twice_changes_nothing(warehouse: Warehouse) -> None:
    warehouse.write_collection(batch())
    first = dump(warehouse)
    versions = row_versions(warehouse) if warehouse.url.get_backend_name() == "postgresql" else {}
    warehouse.write_collection(batch())
    assert dump(warehouse) == first
    if versions:
        assert row_versions(warehouse) == versions
    assert len(first["post"]) == 2
    assert len(first["landing_page"]) == 1
    assert len(first["collection_cursor"]) == 2


def test_records_round_trip(warehouse: Warehouse) -> None:
    b = batch()
    warehouse.write_collection(b)
    records = warehouse.read_records("acme", Q1.start, Q1.end)
    assert records.snapshots == b.snapshots
    assert records.posts == b.posts
    assert records.inbound == b.inbound
    assert records.reply_links == b.reply_links
    outside = warehouse.read_records("acme", Q1.end, Q1.end + timedelta(days=90))
    assert outside.posts == ()
    assert outside.snapshots == b.snapshots  # observed at the window end instant


def test_text_features_and_history_caps_round_trip(warehouse: Warehouse) -> None:
    """What the webcare and history-cap rules read is stored (migration 0006), not lost on the
    way through the warehouse: the metrics step reads records back from it."""
    b = batch()
    b = replace(
        b,
        snapshots=tuple(
            replace(
                s,
                bio_urls=("https://acme.example/help", "https://reddit.com/r/acme"),
                history_capped=True,
                covered_from=Q1.start + timedelta(days=30),
            )
            for s in b.snapshots
        ),
        posts=tuple(replace(p, text_signature="a1b2c3", signed=True) for p in b.posts),
        inbound=tuple(
            replace(m, text_signature="ffee00", text_words=7, text_links=1) for m in b.inbound
        ),
    )
    warehouse.write_collection(b)
    records = warehouse.read_records("acme", Q1.start, Q1.end)
    assert records.snapshots == b.snapshots
    assert records.posts == b.posts
    assert records.inbound == b.inbound
    assert records.snapshots[0].bio_urls == (
        "https://acme.example/help",
        "https://reddit.com/r/acme",
    )
    assert records.inbound[0].text_words == 7


def test_recollection_updates_records_and_moves_the_cursor(warehouse: Warehouse) -> None:
    warehouse.write_collection(batch())
    warehouse.write_collection(later_batch())
    posts = warehouse.read_records("acme", Q1.start, Q1.end).posts
    assert {p.post_id: p.like_count for p in posts} == {"p1": 9, "p2": 0}
    cursors = warehouse.read_cursor("x", "acme", "acmezorg")
    assert cursors["mentions"].newest_at == T0 + timedelta(days=3)


def test_a_backfill_never_moves_the_cursor_back(warehouse: Warehouse) -> None:
    warehouse.write_collection(later_batch())
    warehouse.write_collection(batch())  # an older window, collected again afterwards
    cursors = warehouse.read_cursor("x", "acme", "AcmeZorg")
    assert cursors["mentions"].newest_at == T0 + timedelta(days=3)
    assert cursors["timeline"] == Cursor(
        "x", "acme", "AcmeZorg", "timeline", "p2", T0 + timedelta(days=3), truncated=True
    )


def test_cursor_and_data_commit_together(warehouse: Warehouse) -> None:
    def fail_on_cursor(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO COLLECTION_CURSOR"):
            raise RuntimeError("injected failure on the cursor")

    event.listen(warehouse.engine, "before_cursor_execute", fail_on_cursor)
    try:
        with pytest.raises(RuntimeError, match="injected"):
            warehouse.write_collection(batch())
    finally:
        event.remove(warehouse.engine, "before_cursor_execute", fail_on_cursor)
    assert all(rows == [] for rows in dump(warehouse).values())
    warehouse.write_collection(batch())
    assert set(warehouse.read_cursor("x", "acme", "AcmeZorg")) == {"mentions", "timeline"}
    assert len(warehouse.read_records("acme", Q1.start, Q1.end).posts) == 2


def test_collection_before_the_registry_creates_a_placeholder_then_yields(
    warehouse: Warehouse,
) -> None:
    warehouse.write_collection(batch())
    assert [o.name for o in warehouse.list_organisations()] == ["acme"]
    warehouse.write_organisations([org_row()])
    (org,) = warehouse.list_organisations()
    assert org.name == "Acme Zorg"
    assert {(a.platform, a.handle, a.function) for a in org.accounts} == {
        ("x", "AcmeZorg", "main"),
        ("reddit", "AcmeZorg", "service"),
    }
    warehouse.write_collection(batch())  # does not overwrite the registry's name
    assert warehouse.list_organisations()[0].name == "Acme Zorg"


def test_landing_pages_come_from_records_too(warehouse: Warehouse) -> None:
    warehouse.write_collection(replace(batch(), pages=()))
    with warehouse.engine.connect() as connection:
        pages = connection.execute(select(t.landing_page.c.sha256, t.landing_page.c.path)).all()
    assert [tuple(p) for p in pages] == [(PAGE.sha256, PAGE.path)]


def test_duplicate_records_in_a_batch_keep_the_last(warehouse: Warehouse) -> None:
    b = batch()
    stale = replace(b.posts[0], like_count=1)
    warehouse.write_collection(replace(b, posts=(stale, *b.posts)))
    posts = warehouse.read_records("acme", Q1.start, Q1.end).posts
    assert {p.post_id: p.like_count for p in posts} == {"p1": 3, "p2": 0}


def test_records_of_another_org_are_refused(warehouse: Warehouse) -> None:
    b = batch()
    foreign = replace(b.posts[0], org_id="other")
    with pytest.raises(InputError, match="Post of x/other in a batch of x/acme"):
        warehouse.write_collection(replace(b, posts=(foreign,)))
    assert all(rows == [] for rows in dump(warehouse).values())
