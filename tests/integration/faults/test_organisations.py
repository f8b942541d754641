"""Organisations against each other: one failing among many, an empty one, and two writers
on the same organisation and window."""

from __future__ import annotations

import dataclasses
import math
import threading
from pathlib import Path
from typing import Any

import pytest
from fault_reference import Reference

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import GENEROUS, Emulator, FaultKind, World

pytestmark = pytest.mark.integration

TWEETS = "GET /2/users/:id/tweets"


def test_one_organisation_failing_affects_only_it_and_only_its_accounts_are_retried(
    reference: Reference, home: fr.Home, emu: Emulator, win: Window
) -> None:
    # every attempt at the first timeline fails: that account's organisation fails
    emu.inject(FaultKind.SERVER_ERROR, route=TWEETS, at=(1, 2, 3))
    settings = home.settings(emu)
    failed = fr.run_pipeline(settings, home.org_ids, win)
    ((account, _),) = failed["collect"].items()
    platform, handle = account.split(":", 1)
    bad = next(
        o.id for o in home.world.organisations if any(a.handle == handle for a in o.accounts)
    )
    others = [o for o in home.org_ids if o != bad]
    assert fr.dump(home.warehouse_url, org_ids=others) == fr.dump(
        reference.home.warehouse_url, org_ids=others
    )
    assert fr.dump(home.warehouse_url, org_ids=[bad]) != fr.dump(
        reference.home.warehouse_url, org_ids=[bad]
    )
    # the retry collects the failed account alone, then loads its organisation
    emu.clear_faults()
    emu.reset()
    from maturity.pipeline.collect import collect_accounts

    assert not collect_accounts(settings, platform, [(bad, handle)], win).failed
    user_paths = {r.path for r in emu.call_log if r.route == TWEETS}
    assert len(user_paths) == 1, "no other account's timeline was fetched again"
    assert not any(fr.load_and_score(settings, [bad], win).values())
    # the same facts; the users lookup of the retry is a page of its own (provenance)
    assert fr.dump(home.warehouse_url, provenance=False) == fr.dump(
        reference.home.warehouse_url, provenance=False
    )


def _emptied(world: World, org_id: str) -> World:
    orgs = tuple(
        dataclasses.replace(
            o,
            accounts=(),
        )
        if o.id == org_id
        else o
        for o in world.organisations
    )
    return dataclasses.replace(world, organisations=orgs)


def test_an_empty_organisation_has_every_metric_defined_and_insufficient_evidence(
    world: World, win: Window, tmp_path: Path
) -> None:
    empty_id = world.organisations[0].id
    empty = _emptied(world, empty_id)
    home = fr.Home(tmp_path / "home", empty)
    with Emulator(empty, limits=GENEROUS) as emu:
        failed = fr.run_pipeline(home.settings(emu), home.org_ids, win)
    assert not any(failed.values()), failed
    got = fr.dump(home.warehouse_url, org_ids=[empty_id])
    assert not [r for r in got["post"] + got["inbound_message"]]
    (assessment,) = got["assessment"]
    assert assessment[5] == "insufficient_evidence"  # verdict
    assert assessment[6] is None  # no phase
    assert got["metric_value"], "metrics are written for the empty organisation too"
    for row in got["metric_value"]:
        value = row[6]
        assert value is None or math.isfinite(float(value)), row
    settings = home.settings(None)
    latest = settings.warehouse.latest_assessment(empty_id)
    assert latest is not None
    assert latest.assessment.phase is None


def _writer(settings: Any, org_ids: list[str], win: Window, out: list[Any]) -> None:
    try:
        out.append(fr.load_and_score(settings, org_ids, win))
    except Exception as exc:  # pragma: no cover - reported by the test
        out.append(exc)


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_two_writers_on_the_same_organisation_and_window_give_the_result_of_one(
    reference: Reference,
    world: World,
    win: Window,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    database: str,
) -> None:
    url = ""
    if database == "postgres":
        pg = request.getfixturevalue("postgres_url")
        url = pg.render_as_string(hide_password=False)
    home = fr.Home(tmp_path / "home", world, warehouse_url=url)
    with Emulator(world, limits=GENEROUS) as emu:
        assert not fr.collect(home.settings(emu), home.org_ids, win)["failed"]
    one = home.settings(None)
    assert one.warehouse.url  # migrated once, before the writers race
    results: list[Any] = []
    writers = [
        threading.Thread(target=_writer, args=(home.settings(None), home.org_ids, win, results))
        for _ in range(2)
    ]
    for w in writers:
        w.start()
    for w in writers:
        w.join(120)
    assert len(results) == 2
    for result in results:
        assert not isinstance(result, Exception), result
        assert not any(result.values()), result
    got = fr.dump(home.warehouse_url)
    if database == "sqlite":
        assert got == reference.dump
    else:
        # the same as one writer on PostgreSQL: run once more alone, nothing changes
        assert not any(fr.load_and_score(one, home.org_ids, win).values())
        assert fr.dump(home.warehouse_url) == got
        assert len(got["assessment"]) == len(reference.dump["assessment"])
        assert len(got["post"]) == len(reference.dump["post"])
