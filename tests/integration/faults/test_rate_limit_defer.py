"""A rate limit deferred instead of slept, through the real clients (tweepy, PRAW) and the
emulator: the collection stops at once with :class:`RateLimitDeferred`, keeps what it landed,
and the next call with the same resume key asks only for what is left, ending with the same
warehouse as a fault-free run."""

from __future__ import annotations

import logging
import time
from collections import Counter

import pytest
from fault_reference import Reference

from maturity.connectors.ratelimit import RateLimitDeferred
from maturity.evidence import Window
from maturity.pipeline.collect import collect_accounts
from maturity.platforms import REDDIT, X
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import Emulator, FaultKind

pytestmark = pytest.mark.integration

TWEETS = "GET /2/users/:id/tweets"
TREE = "GET /comments/:id"
RESET_IN = 30.0
"""Far beyond the inline threshold below: a run that slept would take this long."""
DEFER = {"max_inline_wait": 0.5, "max_rate_limit_wait": 900}
AUTH = "POST /api/v1/access_token"


def _answered(emu: Emulator, start: int = 0) -> Counter[str]:
    """Calls per route the emulator answered without an injected fault, from ``start``."""
    return Counter(r.route for r in emu.call_log[start:] if r.fault is None)


@pytest.mark.parametrize(
    ("platform", "route", "at"),
    [
        (X, TWEETS, 3),  # the second account's second timeline page (pages of 5)
        (REDDIT, TREE, 2),  # the second account's second comment tree, after its listings
    ],
)
def test_a_deferred_rate_limit_resumes_from_the_last_landed_page(
    reference: Reference,
    home: fr.Home,
    emu: Emulator,
    win: Window,
    platform: str,
    route: str,
    at: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, "maturity.collect")
    emu.inject(FaultKind.RATE_LIMIT, route=route, at=(at,), reset_in=RESET_IN)
    settings = home.settings(emu, x=DEFER, reddit=DEFER)
    pairs = fr.accounts(settings, home.org_ids)
    started = time.monotonic()
    with pytest.raises(RateLimitDeferred) as caught:
        collect_accounts(
            settings, platform, pairs[platform], win, resume="run-1", defer_rate_limits=True
        )
    assert time.monotonic() - started < RESET_IN / 2, "the reset was not slept for"
    deferred = caught.value
    (hit,) = [r for r in emu.call_log if r.fault]
    assert deferred.platform == platform
    assert deferred.endpoint == f"GET {hit.path}"
    assert deferred.reset_at - time.time() > RESET_IN - 10
    interrupted = len(emu.call_log)

    # the rescheduled attempt: the same run key, a fresh connector
    outcome = collect_accounts(
        settings, platform, pairs[platform], win, resume="run-1", defer_rate_limits=True
    )
    assert not outcome.failed, outcome.failed
    other = REDDIT if platform == X else X
    assert not collect_accounts(settings, other, pairs[other], win).failed
    assert not any(fr.load_and_score(settings, home.org_ids, win).values())
    assert fr.dump(home.warehouse_url) == reference.dump

    # every page was asked for once, as in the fault-free run: the first attempt's pages
    # were not fetched again (a new process asks Reddit for a new token, nothing else)
    (kept,) = [r.getMessage() for r in caplog.records if "landed so far are kept" in r.getMessage()]
    assert int(kept.split(": ")[-1].split(" page(s)")[0]) >= 2, kept  # lookup or about, + a page
    total = _answered(emu)
    if platform == REDDIT:
        total[AUTH] -= 1
    assert +total == Counter(reference.calls)
    resumed = [r for r in emu.call_log[interrupted:] if r.route == route]
    # the resumed attempt starts with the request the rate limit stopped
    assert resumed[0].path == hit.path
    assert resumed[0].query == hit.query


def test_the_cli_path_waits_inline_instead_of_deferring(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    emu.inject(FaultKind.RATE_LIMIT, route=TWEETS, at=(2,), reset_in=1.0)
    settings = home.settings(emu, x={"max_inline_wait": 0.1})
    started = time.monotonic()
    collected = fr.collect(settings, home.org_ids, win)
    assert not collected["failed"], collected["failed"]
    assert time.monotonic() - started >= 1.0, "without a run key to resume, it waits inline"
