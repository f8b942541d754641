"""Fixtures for the emulator tests: the small hand-built world of ``emulator_small_world``.

The generated world (``emulator_world``, ``emulator``) comes from the package's pytest plugin,
``maturity.sandbox.pytest_plugin``, which its entry point registers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_small_world import build_small_world

from maturity.sandbox.emulator import GENEROUS, Emulator, World


@pytest.fixture(scope="session")
def small_world() -> World:
    return build_small_world()


@pytest.fixture
def small(small_world: World) -> Iterator[Emulator]:
    """The small world served with limits that never run out."""
    with Emulator(small_world, limits=GENEROUS) as emu:
        yield emu
