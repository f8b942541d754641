"""The warehouse side of ``maturity pseudonym rotate``: every stored pseudonym, in text and
JSON columns, goes through the mapping; unlinkable ones outside the raw tables get a pseudonym
of their own; a raw row the mapping misses refuses the whole rotation. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from warehouse_samples import batch, dump

from maturity.errors import InputError
from maturity.pseudonym import Pseudonymiser
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.integration

OLD = Pseudonymiser("old-key-0123456789abcdef")
NEW = Pseudonymiser("new-key-0123456789abcdef")


def _stored(wh: Warehouse) -> None:
    b = batch()
    posts = tuple(
        replace(p, mentions=(OLD("x", "7"),), in_reply_to_author=OLD("x", "8") if i else None)
        for i, p in enumerate(b.posts)
    )
    inbound = tuple(replace(m, author=OLD("x", "8")) for m in b.inbound)
    wh.write_collection(replace(b, posts=posts, inbound=inbound))


def _all_text(wh: Warehouse) -> str:
    return repr(dump(wh))


def test_every_pseudonym_is_rewritten_in_one_pass(warehouse: Warehouse) -> None:
    _stored(warehouse)
    mapping = {OLD("x", r): NEW("x", r) for r in ("7", "8")}
    dry = warehouse.rekey_pseudonyms(mapping, lambda p: NEW("rekeyed", p), write=False)
    assert dry.rows == {"post": 2, "inbound_message": 1}
    assert OLD("x", "8") in _all_text(warehouse)  # a dry run writes nothing

    done = warehouse.rekey_pseudonyms(mapping, lambda p: NEW("rekeyed", p), write=True)
    assert done.rows == dry.rows
    assert done.pseudonyms == 2
    text = _all_text(warehouse)
    assert OLD("x", "7") not in text
    assert OLD("x", "8") not in text
    assert text.count(NEW("x", "8")) == 2  # the author and the reply's addressee
    records = warehouse.read_records("acme", *_window())
    assert {m.author for m in records.inbound} == {NEW("x", "8")}
    assert {p.mentions for p in records.posts} == {(NEW("x", "7"),)}


def test_a_raw_row_the_landing_does_not_cover_refuses_everything(warehouse: Warehouse) -> None:
    _stored(warehouse)
    before = dump(warehouse)
    only_one = {OLD("x", "7"): NEW("x", "7")}
    with pytest.raises(InputError, match="cannot be re-keyed") as refused:
        warehouse.rekey_pseudonyms(only_one, lambda p: NEW("rekeyed", p), write=True)
    assert "inbound_message" in str(refused.value)
    assert dump(warehouse) == before


def _window() -> tuple[object, object]:
    from warehouse_samples import Q1

    return Q1.start, Q1.end
