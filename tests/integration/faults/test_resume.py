"""A shard's collect task dies after some of its accounts, and Airflow retries it: the retry
(same DAG run id) fetches only the accounts the first attempt did not complete, and the
warehouse ends as the fault-free run's. A new DAG run (another id) fetches every account."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fault_reference import Reference

from maturity.connectors.x import XConnector
from maturity.evidence import Window
from maturity.pipeline.collect import collect_accounts
from maturity.platforms import REDDIT, X
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import Emulator

pytestmark = pytest.mark.integration

USERS = "GET /2/users/by"
KILLED_AFTER = 2


class WorkerKilled(BaseException):
    """Stands for the task process dying (SIGKILL, an evicted pod): nothing after it runs."""


@pytest.fixture
def dies_after(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[str]]:
    """Make the X connector die when it starts its ``k + 1``-th account; the handles it
    finished are returned (in order) as they complete."""

    real = XConnector.collect

    def install(k: int) -> list[str]:
        done: list[str] = []

        def collect(self: XConnector, target: Any, *args: Any, **kwargs: Any) -> Any:
            if len(done) == k:
                raise WorkerKilled
            batch = real(self, target, *args, **kwargs)
            done.append(target.account.handle)
            return batch

        monkeypatch.setattr(XConnector, "collect", collect)
        return done

    return install


def _per_account(emu: Emulator) -> Counter[tuple[str, str, str]]:
    """The emulator's timeline calls: ``(route, path, query)`` (the path names the user)."""
    return Counter(
        (r.route, r.path, repr(sorted(r.query.items()))) for r in emu.call_log if r.route != USERS
    )


def _lookups(emu: Emulator) -> list[set[str]]:
    return [set(r.query["usernames"].lower().split(",")) for r in emu.call_log if r.route == USERS]


def _user_paths(calls: Counter[tuple[str, str, str]]) -> set[str]:
    return {path.split("/")[3] for _, path, _ in calls}


def _x_accounts(home: fr.Home) -> list[tuple[str, str]]:
    return fr.accounts(home.settings(None), home.org_ids)[X]


def test_a_retried_shard_fetches_only_the_accounts_it_had_not_completed(
    reference: Reference,
    home: fr.Home,
    emu: Emulator,
    win: Window,
    dies_after: Callable[[int], list[str]],
) -> None:
    settings = home.settings(emu)
    pairs = _x_accounts(home)
    assert len(pairs) > KILLED_AFTER + 1, "the shard has accounts left after the kill"
    done = dies_after(KILLED_AFTER)
    with pytest.raises(WorkerKilled):
        collect_accounts(settings, X, pairs, win, resume="scheduled__2026-11-02")
    assert len(done) == KILLED_AFTER
    first = _per_account(emu)
    emu.reset()

    # the retry: same DAG run id
    dies_after(10**6)  # dies no more
    retried = collect_accounts(settings, X, pairs, win, resume="scheduled__2026-11-02")
    assert not retried.failed
    assert set(retried.done) == {f"{X}:{h}" for _, h in pairs}, "every account is reported done"
    for handle in done:  # reported from the landing
        assert retried.done[f"{X}:{handle}"]["pages"] > 0
    again = _per_account(emu)
    (lookup,) = _lookups(emu)
    emu.reset()

    # what an uninterrupted run asks, in a home of its own
    clean = fr.Home(home.root.parent / "clean", home.world)
    assert not collect_accounts(clean.settings(emu), X, pairs, win).failed
    every = _per_account(emu)
    assert _user_paths(every) == _user_paths(first) | _user_paths(again)

    # the retry cost nothing for the completed accounts, and for the others exactly what
    # they cost uninterrupted, request for request
    assert not _user_paths(again) & _user_paths(first)
    assert again + first == every
    assert sum(again.values()) < sum(every.values())
    rest = {o for o, h in pairs if h not in done}
    assert lookup == {h.lower() for o, h in pairs if o in rest}, (
        "the lookup resolves only the remaining accounts (and their organisations' handles)"
    )

    # Reddit as usual, then the rest of the pipeline: the fault-free warehouse
    reddit = fr.accounts(settings, home.org_ids)[REDDIT]
    assert not collect_accounts(settings, REDDIT, reddit, win).failed
    assert not any(fr.load_and_score(settings, home.org_ids, win).values())
    # every fact as the fault-free run has it; posts and messages name the very same pages
    # (an account snapshot names the retry's own handle lookup page, which asked for fewer
    # handles, and the evidence refs of the metrics follow it)
    assert fr.dump(home.warehouse_url, provenance=False) == fr.dump(
        reference.home.warehouse_url, provenance=False
    )
    records = ("post", "inbound_message", "reply_link")
    assert fr.dump(home.warehouse_url, records) == fr.dump(reference.home.warehouse_url, records)

    # the next DAG run (another id) collects every account again, incrementally
    emu.reset()
    assert not collect_accounts(settings, X, pairs, win, resume="manual__2026-11-03").failed
    assert _user_paths(_per_account(emu)) == _user_paths(every)
