"""Reply links are made once per organisation, across its accounts, at gate and load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maturity.pipeline.gate_and_load import link_org
from maturity.records import CollectionBatch, InboundMessage, Post

pytestmark = pytest.mark.unit
T0 = datetime(2026, 10, 5, tzinfo=UTC)
END = T0 + timedelta(days=7)


def _post(pid: str, handle: str, hours: float, reply_to: str | None = None) -> Post:
    return Post(
        "x",
        pid,
        "org",
        handle,
        T0 + timedelta(hours=hours),
        "reply" if reply_to else "original",
        in_reply_to_post_id=reply_to,
    )


def _msg(mid: str, handle: str, hours: float) -> InboundMessage:
    return InboundMessage(
        "x", mid, "org", handle, "anon:" + "a" * 26, T0 + timedelta(hours=hours), "mention"
    )


def _batch(
    handle: str, posts: tuple[Post, ...], inbound: tuple[InboundMessage, ...]
) -> CollectionBatch:
    return CollectionBatch("x", "org", handle, T0, END, posts=posts, inbound=inbound)


def test_a_mention_of_the_main_account_answered_by_the_care_account_is_linked() -> None:
    main = _batch("Acme", (), (_msg("m1", "Acme", 1),))
    care = _batch("AcmeCare", (_post("p1", "AcmeCare", 3, reply_to="m1"),), ())
    (linked_main, linked_care), earlier = link_org([main, care])
    [link] = linked_main.reply_links
    assert (link.inbound_id, link.reply_post_id, link.handle) == ("m1", "p1", "AcmeCare")
    assert link.delay_seconds == 2 * 3600
    assert linked_care.reply_links == ()
    assert earlier == ()


def test_the_first_reply_of_any_account_wins() -> None:
    main = _batch("Acme", (_post("p2", "Acme", 5, reply_to="m1"),), (_msg("m1", "Acme", 1),))
    care = _batch("AcmeCare", (_post("p1", "AcmeCare", 2, reply_to="m1"),), ())
    (linked_main, _), _ = link_org([main, care])
    assert [r.reply_post_id for r in linked_main.reply_links] == ["p1"]


def test_a_message_of_an_earlier_window_answered_now_is_an_earlier_link() -> None:
    last_week = _msg("m0", "Acme", -48)
    care = _batch("AcmeCare", (_post("p1", "AcmeCare", 2, reply_to="m0"),), ())
    (linked,), earlier = link_org([care], earlier_inbound=[last_week])
    assert linked.reply_links == ()
    assert [(r.inbound_id, r.reply_post_id) for r in earlier] == [("m0", "p1")]


def test_a_batch_item_replaces_its_stored_copy() -> None:
    """The overlap re-fetches items already stored; each counts once."""
    stored = _msg("m1", "Acme", 1)
    main = _batch("Acme", (_post("p1", "Acme", 2, reply_to="m1"),), (stored,))
    (linked,), earlier = link_org([main], earlier_inbound=[stored])
    assert [r.inbound_id for r in linked.reply_links] == ["m1"]
    assert earlier == ()
