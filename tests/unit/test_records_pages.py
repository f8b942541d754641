"""A batch's page references: landed pages first, then pages only records name, each once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from maturity.records import CollectionBatch, PageRef, Post

pytestmark = pytest.mark.unit

T = datetime(2026, 9, 1, tzinfo=UTC)
LANDED = PageRef("landing/x/acme/Acme/tweets-1.json", "a" * 64, "users_tweets")
NAMED = PageRef("landing/x/acme/Acme/tweets-2.json", "b" * 64, "users_tweets")


def _post(post_id: str, source: PageRef | None) -> Post:
    return Post("x", post_id, "acme", "Acme", T, "original", source=source)


def test_page_refs_are_each_page_once_in_first_seen_order() -> None:
    batch = CollectionBatch(
        "x",
        "acme",
        "Acme",
        T,
        datetime(2026, 10, 1, tzinfo=UTC),
        posts=(_post("1", NAMED), _post("2", LANDED), _post("3", NAMED), _post("4", None)),
        pages=(LANDED,),
    )
    assert batch.page_refs() == (LANDED, NAMED)


def test_identical_pages_under_two_paths_are_two_pages() -> None:
    """The same bytes landed twice (say an empty page of two accounts) are two pages: a record
    that names the second path must find it among the batch's pages."""
    copy = PageRef("landing/x/acme/Acme/mentions-1.json", LANDED.sha256, "mentions")
    batch = CollectionBatch(
        "x",
        "acme",
        "Acme",
        T,
        datetime(2026, 10, 1, tzinfo=UTC),
        posts=(_post("1", copy),),
        pages=(LANDED,),
    )
    assert batch.page_refs() == (LANDED, copy)
