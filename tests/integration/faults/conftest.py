"""The fault catalogue's shared world and its fault-free reference run.

Every test runs the pipeline's real steps (tweepy and PRAW against the loopback emulator,
then gate and load, metrics and score) in a home of its own with a fault injected, and
compares its warehouse with the fault-free run's (:func:`maturity.sandbox.faultrun.dump`), or
asserts the documented failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_reference import Reference

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import GENEROUS, Emulator, World

SEED = 3
"""Seed 3: three organisations, each with X and Reddit accounts, all readable."""


@pytest.fixture(scope="session")
def world() -> World:
    return fr.small_world(3, SEED)


@pytest.fixture(scope="session")
def win() -> Window:
    return fr.window()


@pytest.fixture(scope="session")
def reference(world: World, win: Window, tmp_path_factory: pytest.TempPathFactory) -> Reference:
    home, calls = fr.fault_free(world, tmp_path_factory.mktemp("reference"), win)
    return Reference(home, fr.dump(home.warehouse_url), calls)


@pytest.fixture
def home(world: World, tmp_path: Path) -> fr.Home:
    return fr.Home(tmp_path / "home", world)


@pytest.fixture
def emu(world: World) -> Iterator[Emulator]:
    with Emulator(world, limits=GENEROUS) as emulator:
        yield emulator
