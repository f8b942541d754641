"""Fixtures for the emulator tests: the generated world (from the package's pytest fixtures)
and the small hand-built world of ``emulator_small_world``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_small_world import build_small_world

from maturity.connectors.emulator import GENEROUS, Emulator, World
from maturity.connectors.emulator.pytest_fixtures import (  # noqa: F401
    emulator,
    emulator_world,
)


@pytest.fixture(scope="session")
def small_world() -> World:
    return build_small_world()


@pytest.fixture
def small(small_world: World) -> Iterator[Emulator]:
    """The small world served with limits that never run out."""
    with Emulator(small_world, limits=GENEROUS) as emu:
        yield emu
