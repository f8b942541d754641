"""Paging faults through the real clients: a 5xx or a connection reset between pages, a
malformed page, pages that overlap, and an item the platform indexed after the cursor moved on."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from fault_reference import Reference
from sqlalchemy import create_engine, text

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import GENEROUS, Emulator, FaultKind, Inbound, World

pytestmark = pytest.mark.integration

TWEETS = "GET /2/users/:id/tweets"


def _second_pages(emu: Emulator) -> list[str]:
    """The paths of the timeline calls that asked for a second or later page."""
    return [r.path for r in emu.call_log if r.route == TWEETS and "pagination_token" in r.query]


@pytest.mark.parametrize(
    "kind",
    [FaultKind.SERVER_ERROR, FaultKind.CONNECTION_RESET, FaultKind.TRUNCATED],
    ids=["5xx", "reset", "truncated-body"],
)
def test_a_fault_between_pages_is_retried_and_nothing_is_doubled(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window, kind: FaultKind
) -> None:
    emu.inject(kind, route=TWEETS, at=(2,))
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(failed.values()), failed
    hit = [r for r in emu.call_log if r.fault]
    assert len(hit) == 1
    # the retry asked for the same page again (same token), not the timeline from its start
    again = [r for r in emu.call_log if r.path == hit[0].path and r.query == hit[0].query]
    assert len(again) == 2
    assert fr.dump(home.warehouse_url) == reference.dump


def test_a_fault_that_outlasts_the_retries_fails_the_account_then_a_rerun_resumes(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    # max_retries is 2: three attempts at the second timeline page, all 503
    emu.inject(FaultKind.SERVER_ERROR, route=TWEETS, at=(2, 3, 4))
    settings = home.settings(emu)
    collected = fr.collect(settings, home.org_ids, win)
    assert len(collected["failed"]) == 1, collected["failed"]
    ((_, message),) = collected["failed"].items()
    assert "HTTP 503" in message
    assert "after 3 attempts" in message
    fr.load_and_score(settings, home.org_ids, win)
    emu.clear_faults()
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(failed.values()), failed
    assert fr.dump(home.warehouse_url) == reference.dump


def test_a_malformed_page_is_not_written_and_the_account_fails_cleanly(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    emu.inject(FaultKind.MALFORMED_JSON, route=TWEETS, at=(2,))
    settings = home.settings(emu)
    failed = fr.run_pipeline(settings, home.org_ids, win)
    (hit,) = [r for r in emu.call_log if r.fault]
    records = ("post", "inbound_message", "reply_link")
    lost, extra = fr.row_diff(
        fr.dump(reference.home.warehouse_url, records), fr.dump(home.warehouse_url, records)
    )
    assert extra == 0, "no record that is not in the fault-free warehouse"
    assert lost > 0, "the account of the malformed page has no records from this run"
    # the account fails cleanly, naming the page; the other accounts and organisations go on
    ((account, message),) = failed["collect"].items()
    assert account.startswith("x:")
    assert "landed page is not JSON" in message.splitlines()[0]
    assert "/users_tweets/" in message
    assert not failed["gate_and_load"]
    assert not failed["score"]
    # without the fault, the rerun gives the fault-free warehouse
    emu.clear_faults()
    again = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(again.values()), again
    assert fr.dump(home.warehouse_url, provenance=False) == fr.dump(
        reference.home.warehouse_url, provenance=False
    )
    assert hit.route == TWEETS


def test_a_malformed_reddit_page_fails_the_account_cleanly_then_a_rerun_recovers(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    emu.inject(FaultKind.MALFORMED_JSON, route="GET /user/:name/submitted", at=(1,))
    failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    ((account, message),) = failed["collect"].items()
    assert account.startswith("reddit:")
    first, *rest = message.splitlines()
    assert "could not be used (BadJSON" in first
    assert "/submitted" in first
    assert len(rest) == 1
    assert rest[0].startswith("Fix:")
    records = ("post", "inbound_message", "reply_link")
    _, extra = fr.row_diff(
        fr.dump(reference.home.warehouse_url, records), fr.dump(home.warehouse_url, records)
    )
    assert extra == 0
    emu.clear_faults()
    again = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(again.values()), again
    assert fr.dump(home.warehouse_url) == reference.dump


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return [tuple(r) for r in c.execute(text(sql))]
    finally:
        engine.dispose()


def _overlapping_runs(home: fr.Home, world: World, win: Window) -> None:
    """The window collected and loaded twice: the second run starts a day before the cursor
    (the overlap), so its pages repeat items of the first."""
    with Emulator(world, limits=GENEROUS) as emu:
        for _ in range(2):
            failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
            assert not any(failed.values()), failed
        overlapping = [r for r in emu.call_log if r.route == TWEETS and "start_time" in r.query]
        starts = {r.query["start_time"] for r in overlapping}
        assert len(starts) > 1, "the second run asked from the cursor minus the overlap"


def test_duplicate_keys_across_overlapping_pages_sqlite(
    reference: Reference, home: fr.Home, world: World, win: Window
) -> None:
    _overlapping_runs(home, world, win)
    assert fr.dump(home.warehouse_url) == reference.dump


@pytest.mark.postgres
def test_duplicate_keys_across_overlapping_pages_postgres(
    world: World, win: Window, tmp_path: Path, postgres_url: object
) -> None:
    url = postgres_url.render_as_string(hide_password=False)  # type: ignore[attr-defined]
    home = fr.Home(tmp_path / "home", world, warehouse_url=url)
    with Emulator(world, limits=GENEROUS) as emu:
        assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
    once = fr.dump(url)
    assert once["post"]
    assert once["inbound_message"]
    _overlapping_runs(home, world, win)
    assert fr.dump(url) == once


def _late_mention(world: World, handle: str, before: timedelta) -> World:
    """``world`` plus a mention of ``handle``, ``before`` its newest mention of the window."""
    org = next(o for o in world.organisations if any(a.handle == handle for a in o.accounts))
    account = next(a for a in org.accounts if a.handle == handle)
    newest = max(i.created_at for i in account.inbound)
    late = Inbound(author="lateindexer", created_at=newest - before, text=f"@{handle} hello?")
    changed = dataclasses.replace(account, inbound=(*account.inbound, late))
    org2 = dataclasses.replace(
        org, accounts=tuple(changed if a is account else a for a in org.accounts)
    )
    orgs = tuple(org2 if o is org else o for o in world.organisations)
    return dataclasses.replace(world, organisations=orgs)


@pytest.mark.parametrize("overlap", [86_400, 0], ids=["overlap", "no-overlap"])
def test_an_item_indexed_late_is_recovered_by_the_overlap(
    world: World, win: Window, tmp_path: Path, overlap: int
) -> None:
    full = _late_mention(world, "gemkleinvoorbee", timedelta(hours=6))
    extras = {"x": {"overlap_seconds": overlap}}
    expected_home, _ = fr.fault_free(full, tmp_path / "expected", win, **extras)
    expected = fr.dump(expected_home.warehouse_url, provenance=False)
    home = fr.Home(tmp_path / "home", full)
    with Emulator(full, limits=GENEROUS) as emu:
        (late_id,) = [
            i
            for i, t in emu.app.x.tweets.items()
            if emu.app.x.users_by_id[t.author_id].username == "lateindexer"
        ]
        # first run: the mention is not indexed yet, and the cursor moves past its time
        emu.index_late(late_id)
        assert not any(fr.run_pipeline(home.settings(emu, **extras), home.org_ids, win).values())
        first = fr.dump(home.warehouse_url, provenance=False)
        assert str(late_id) not in {r[1] for r in first["inbound_message"]}
        # the next run of the window: now it is indexed
        emu.index_now()
        assert not any(fr.run_pipeline(home.settings(emu, **extras), home.org_ids, win).values())
    got = fr.dump(home.warehouse_url, provenance=False)
    if overlap:
        assert got == expected
    else:
        # the control: without an overlap the run asks since the cursor's id and misses it
        assert str(late_id) not in {r[1] for r in got["inbound_message"]}
        assert got != expected
