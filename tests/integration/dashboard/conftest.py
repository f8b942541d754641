"""A demo-like SQLite warehouse (the demo organisations over two windows), once per session;
and a headless Chromium (Debian's, driven by Playwright), skipped with the reason when absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maturity.sandbox.bench.dashboard_bench import fill_demo_like
from maturity.warehouse import Warehouse


@pytest.fixture(scope="session")
def demo_warehouse_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "warehouse.sqlite"
    wh = Warehouse(f"sqlite:///{path}")
    wh.migrate()
    fill_demo_like(wh)
    wh.dispose()
    return path


@pytest.fixture(scope="session")
def demo_warehouse(demo_warehouse_path: Path) -> Iterator[Warehouse]:
    wh = Warehouse(f"sqlite:///{demo_warehouse_path}")
    yield wh
    wh.dispose()


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _why_no_browser() -> str | None:
    if not Path(CHROMIUM).is_file():
        return f"no browser at {CHROMIUM} (apt-get install -y chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    why = _why_no_browser()
    if why:
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
