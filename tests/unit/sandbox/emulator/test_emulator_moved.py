"""The world generator's organisations that moved from X to Mastodon."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maturity.sandbox.emulator import generate_world
from maturity.sandbox.emulator.mastodon_world import add_moves, move_to_mastodon
from maturity.sandbox.emulator.world import AccountFunction, Platform
from maturity.sandbox.emulator.worldfile import check_world, parse_world, world_to_data

END = datetime(2026, 11, 2, tzinfo=UTC)
START = END - timedelta(days=196)


def test_no_share_leaves_the_world_as_it_was() -> None:
    assert generate_world(6, 5, START, END, moved=0.0) == generate_world(6, 5, START, END)


def test_moved_organisations_are_silent_on_x_and_answer_on_mastodon() -> None:
    world = generate_world(6, 5, START, END, moved=1.0)
    assert check_world(world) == []
    assert parse_world(world_to_data(world)) == world  # moved_at survives a world file
    moved = [o for o in world.organisations if o.moved_at is not None]
    assert moved
    plain = generate_world(6, 5, START, END)
    for org in moved:
        assert org.moved_at is not None
        assert END - timedelta(days=91 + 7 * 6) <= org.moved_at <= END - timedelta(days=91 + 14)
        before = plain.organisation(org.id)
        x_main = next(
            a for a in before.accounts if a.platform == Platform.X and a.function == "main"
        )
        for acc in org.accounts:
            if acc.platform == Platform.X:
                assert all(p.created_at < org.moved_at for p in acc.posts)
                assert all(m.created_at < org.moved_at for m in acc.inbound)
                assert all(
                    m.created_at + m.response.delay < org.moved_at
                    for m in acc.inbound
                    if m.response is not None
                )
        [mastodon] = [a for a in org.accounts if a.platform == Platform.MASTODON]
        assert mastodon.created_at == org.moved_at
        assert mastodon.function == AccountFunction.MAIN
        later = [m for m in x_main.inbound if m.created_at >= org.moved_at]
        assert len(mastodon.inbound) == len(later)
        assert sum(m.response is not None for m in mastodon.inbound) == sum(
            m.response is not None for m in later
        )


def test_an_organisation_without_x_cannot_move() -> None:
    world = generate_world(2, 5, START, END)
    org = world.organisations[0]
    no_x = org.__class__(id=org.id, name=org.name, accounts=())
    with pytest.raises(ValueError, match="no active main X account"):
        move_to_mastodon(no_x, END)


def test_a_world_too_short_for_a_move_is_refused_with_the_fix() -> None:
    world = generate_world(3, 5, END - timedelta(days=100), END)
    with pytest.raises(ValueError, match="start it at least 147 days before its end"):
        add_moves(world, 1.0, 5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        add_moves(world, 1.5, 5)
