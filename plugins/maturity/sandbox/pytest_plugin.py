"""The emulator's pytest fixtures, a pytest plugin registered by the package's entry point.

``[project.entry-points.pytest11]`` in pyproject.toml loads this module in every pytest run of
an environment where the project is installed, so nothing needs ``pytest_plugins`` or an
import in a ``conftest.py``. It imports only pytest at the top; the emulator loads when a test
first asks for a fixture.

``emulator_world`` is a small generated world (12 organisations over 91 days, every phase
present), built once per session. ``emulator`` serves it on a fresh port for each test, with
rate limits that never run out; a test that wants real limits or faults sets them on it. The
clients that talk to it are in :mod:`maturity.sandbox.emulator.clients`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from maturity.sandbox.emulator import Emulator, World

WORLD_START = datetime(2026, 8, 3, tzinfo=UTC)
WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_ORGS = 12
WORLD_SEED = 7


@pytest.fixture(scope="session")
def emulator_world() -> World:
    from maturity.sandbox.emulator import generate_world

    return generate_world(WORLD_ORGS, WORLD_SEED, WORLD_START, WORLD_END)


@pytest.fixture
def emulator(emulator_world: World) -> Iterator[Emulator]:
    from maturity.sandbox.emulator import GENEROUS, Emulator

    with Emulator(emulator_world, limits=GENEROUS) as emu:
        yield emu
