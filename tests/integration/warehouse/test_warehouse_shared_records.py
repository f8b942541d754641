"""Records that two organisations share, and pages that share their bytes.

One tweet that mentions a municipality and its province is collected for both; each keeps it,
with its own reply link. Identical pages landed under two paths have a row each, so every page
a record names can be found.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, text
from warehouse_samples import PAGE, Q1, batch, batch_of, dump, row_versions

from maturity.records import PageRef
from maturity.warehouse import Warehouse
from maturity.warehouse import schema as t

pytestmark = pytest.mark.integration

PROVINCE = ("provincie", "ProvincieZH")


def _ids(wh: Warehouse, org_id: str) -> dict[str, list[str]]:
    records = wh.read_records(org_id, Q1.start, Q1.end)
    return {
        "posts": sorted(p.post_id for p in records.posts),
        "inbound": sorted(m.message_id for m in records.inbound),
        "links": sorted(f"{r.inbound_id}->{r.reply_post_id}" for r in records.reply_links),
    }


def test_a_message_of_two_organisations_belongs_to_both(warehouse: Warehouse) -> None:
    acme, province = batch(), batch_of(*PROVINCE)
    warehouse.write_collection(acme)
    warehouse.write_collection(province)
    expected = {"posts": ["p1", "p2"], "inbound": ["m1"], "links": ["m1->p2"]}
    assert _ids(warehouse, "acme") == expected
    assert _ids(warehouse, "provincie") == expected
    on_province = warehouse.read_records("provincie", Q1.start, Q1.end)
    assert {m.handle for m in on_province.inbound} == {"ProvincieZH"}
    with warehouse.engine.connect() as connection:
        for table in (t.post, t.inbound_message, t.reply_link):
            orgs = connection.execute(select(table.c.org_id).distinct()).scalars().all()
            assert sorted(orgs) == ["acme", "provincie"], table.name


def test_writing_both_organisations_again_changes_nothing(warehouse: Warehouse) -> None:
    acme, province = batch(), batch_of(*PROVINCE)
    warehouse.write_collection(acme)
    warehouse.write_collection(province)
    before = dump(warehouse)
    versions = row_versions(warehouse) if warehouse.engine.dialect.name == "postgresql" else {}
    warehouse.write_collection(province)
    warehouse.write_collection(acme)
    assert dump(warehouse) == before
    if versions:
        assert row_versions(warehouse) == versions


def test_an_update_of_one_organisation_leaves_the_other_alone(warehouse: Warehouse) -> None:
    warehouse.write_collection(batch())
    warehouse.write_collection(batch_of(*PROVINCE, batch(likes=9)))
    likes = {
        org: {p.post_id: p.like_count for p in warehouse.read_records(org, Q1.start, Q1.end).posts}
        for org in ("acme", "provincie")
    }
    assert likes == {"acme": {"p1": 3, "p2": 0}, "provincie": {"p1": 9, "p2": 0}}


def _pages_without_row(wh: Warehouse) -> list[str]:
    query = " UNION ".join(
        f"SELECT page_path FROM {table} WHERE page_path IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM landing_page AS l WHERE l.path = {table}.page_path)"
        for table in ("post", "inbound_message", "account_snapshot")
    )
    with wh.engine.connect() as connection:
        return sorted(connection.execute(text(query)).scalars())


def test_identical_pages_under_two_paths_have_a_row_each(warehouse: Warehouse) -> None:
    copy = PageRef("landing/x/acme/AcmeZorg/mentions/0002.json", PAGE.sha256, "mentions")
    b = batch()
    b = replace(b, inbound=tuple(replace(m, source=copy) for m in b.inbound))
    warehouse.write_collection(b)
    with warehouse.engine.connect() as connection:
        rows = connection.execute(
            select(t.landing_page.c.path, t.landing_page.c.sha256).order_by(t.landing_page.c.path)
        ).all()
    assert [tuple(r) for r in rows] == sorted([(PAGE.path, PAGE.sha256), (copy.path, PAGE.sha256)])
    assert _pages_without_row(warehouse) == []
    inbound = warehouse.read_records("acme", Q1.start, Q1.end).inbound
    assert [m.source for m in inbound] == [copy]
