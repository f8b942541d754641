"""A demo-like SQLite warehouse (the demo organisations over two windows), once per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from maturity.sandbox.bench.dashboard_bench import fill_demo_like
from maturity.warehouse import Warehouse


@pytest.fixture(scope="module")
def demo_warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "warehouse.sqlite"
    wh = Warehouse(f"sqlite:///{path}")
    wh.migrate()
    fill_demo_like(wh)
    wh.dispose()
    return path


@pytest.fixture(scope="module")
def demo_warehouse(demo_warehouse_path: Path) -> Iterator[Warehouse]:
    wh = Warehouse(f"sqlite:///{demo_warehouse_path}")
    yield wh
    wh.dispose()
