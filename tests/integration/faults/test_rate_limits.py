"""Rate limits through the real clients: X 429s with a near and a far reset, Reddit's
``TooManyRequests``, and a Reddit listing that stops at its cap."""

from __future__ import annotations

import time

import pytest
from fault_reference import Reference

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import Emulator, FaultKind

pytestmark = pytest.mark.integration

TWEETS = "GET /2/users/:id/tweets"


def _ok_calls(emu: Emulator) -> dict[str, int]:
    """Calls per route that were answered without an injected fault."""
    out: dict[str, int] = {}
    for record in emu.call_log:
        if record.fault is None:
            out[record.route] = out.get(record.route, 0) + 1
    return out


def test_x_429_with_a_near_reset_waits_and_requests_nothing_twice(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    emu.inject(FaultKind.RATE_LIMIT, route=TWEETS, at=(2,), reset_in=0.5)
    started = time.monotonic()
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert time.monotonic() - started >= 0.5, "the run waited for the reset"
    assert not any(failed.values()), failed
    assert fr.dump(home.warehouse_url) == reference.dump
    faulted = [r for r in emu.call_log if r.fault]
    assert [(r.route, r.status) for r in faulted] == [(TWEETS, 429)]
    # the same pages were asked for as without the fault: the 429 was retried, not re-paged
    assert _ok_calls(emu) == reference.calls


def test_x_429_with_a_far_reset_fails_fast_naming_account_and_endpoint(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    emu.inject(FaultKind.RATE_LIMIT, route=TWEETS, at=(1,), reset_in=3600)
    settings = home.settings(emu)
    started = time.monotonic()
    collected = fr.collect(settings, home.org_ids, win)
    assert time.monotonic() - started < 30, "no waiting for a reset an hour away"
    assert len(collected["failed"]) == 1, collected["failed"]
    ((account, message),) = collected["failed"].items()
    handle = account.split(":", 1)[1]
    first, *rest = message.splitlines()
    assert [line.split(":")[0] for line in rest] == ["Fix"]  # the product's error form
    assert f"@{handle}" in first
    assert "/2/users/" in first
    assert "/tweets" in first
    assert "rate limit is used up until" in first
    assert "usage cap" in rest[0]
    (hit,) = [r for r in emu.call_log if r.fault]
    same = [r for r in emu.call_log if r.path == hit.path]
    assert same == [hit], "the account failed at once: no retry, no further page"
    # the other organisations are unaffected; a rerun without the fault completes the window
    failed_org = next(
        o.id for o in home.world.organisations if any(a.handle == handle for a in o.accounts)
    )
    others = [o for o in home.org_ids if o != failed_org]
    fr.load_and_score(settings, others, win)
    assert fr.dump(home.warehouse_url, org_ids=others) == fr.dump(
        reference.home.warehouse_url, org_ids=others
    )
    emu.clear_faults()
    assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
    assert fr.dump(home.warehouse_url) == reference.dump


@pytest.mark.parametrize("route", ["GET /user/:name/submitted", "reddit:*"])
def test_reddit_too_many_requests_waits_and_loses_nothing(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window, route: str
) -> None:
    emu.inject(FaultKind.RATE_LIMIT, route=route, at=(1,), reset_in=0.5)
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(failed.values()), failed
    assert [r.status for r in emu.call_log if r.fault] == [429]
    assert fr.dump(home.warehouse_url) == reference.dump


def test_reddit_too_many_requests_with_a_far_reset_fails_the_account_cleanly(
    home: fr.Home, emu: Emulator, win: Window
) -> None:
    emu.inject(FaultKind.RATE_LIMIT, route="GET /user/:name/submitted", at=(1,), reset_in=3600)
    collected = fr.collect(home.settings(emu), home.org_ids, win)
    assert len(collected["failed"]) == 1, collected["failed"]
    ((account, message),) = collected["failed"].items()
    assert account.startswith("reddit:")
    first, *rest = message.splitlines()
    assert "/submitted" in first
    assert "rate limit is used up until" in first
    assert len(rest) == 1
    assert rest[0].startswith("Fix:")
    assert "usage cap" in rest[0]


def test_a_reddit_listing_that_stops_at_its_cap_is_flagged_truncated(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    from sqlalchemy import create_engine, text

    failed = fr.run_pipeline(home.settings(emu, reddit={"listing_cap": 1}), home.org_ids, win)
    assert not any(failed.values()), failed

    def truncated(url: str) -> set[tuple[str, str, bool]]:
        engine = create_engine(url)
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT handle, endpoint, truncated FROM collection_cursor "
                    "WHERE platform = 'reddit'"
                )
            )
            out = {(r[0], r[1], bool(r[2])) for r in rows}
        engine.dispose()
        return out

    capped = truncated(home.warehouse_url)
    full = truncated(reference.home.warehouse_url)
    assert not any(t for _, _, t in full), "the fault-free run reads every listing to its end"
    assert any(t for _, _, t in capped), capped
