"""Content that went away on the platform: an account that became protected, a post that was
deleted. The product today keeps what earlier collections of the window landed (replay merges
every landed run), so the next collection does not purge it: these tests name the wanted
behaviour and are expected to fail until purging exists (issue 10, item 10)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import GENEROUS, AccountStatus, Emulator, World

pytestmark = pytest.mark.integration

NOT_PURGED = (
    "not built: replay merges every landed run of the window, so content that was deleted "
    "or became protected after an earlier collection stays in the warehouse"
)
HANDLE = "gemkleinvoorbee"


def _protected(world: World, handle: str) -> World:
    orgs = tuple(
        dataclasses.replace(
            o,
            accounts=tuple(
                dataclasses.replace(a, status=AccountStatus.PROTECTED) if a.handle == handle else a
                for a in o.accounts
            ),
        )
        for o in world.organisations
    )
    return dataclasses.replace(world, organisations=orgs)


def _posts_of(url: str, handle: str) -> list[tuple[object, ...]]:
    return [r for r in fr.dump(url, ("post",))["post"] if r[3] == handle]


@pytest.mark.xfail(strict=True, reason=NOT_PURGED)
def test_an_account_that_became_protected_is_purged_on_the_next_collection(
    world: World, win: Window, tmp_path: Path
) -> None:
    home = fr.Home(tmp_path / "home", world)
    with Emulator(world, limits=GENEROUS) as emu:
        assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
    assert _posts_of(home.warehouse_url, HANDLE), "the account had posts"
    later = _protected(world, HANDLE)
    with Emulator(later, limits=GENEROUS) as emu:
        settings = home.settings(emu)
        collected = fr.collect(settings, home.org_ids, win)
        assert not any(fr.load_and_score(settings, home.org_ids, win).values())
    assert collected["done"][f"x:{HANDLE}"]["status"] == "protected", "the collection saw it"
    # today the window's snapshot also stays as the first run saw it ("active")
    assert _posts_of(home.warehouse_url, HANDLE) == []


@pytest.mark.xfail(strict=True, reason=NOT_PURGED)
def test_a_deleted_post_is_purged_on_the_next_collection(
    world: World, win: Window, tmp_path: Path
) -> None:
    home = fr.Home(tmp_path / "home", world)
    with Emulator(world, limits=GENEROUS) as emu:
        assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
        posts = _posts_of(home.warehouse_url, HANDLE)
        gone = int(str(posts[0][1]))
        # from the collector's side a deleted post is one its timeline no longer serves
        emu.index_late(gone)
        assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
    assert str(gone) not in {r[1] for r in _posts_of(home.warehouse_url, HANDLE)}
