"""Resolve the rubric and warehouse a command works with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maturity.rubric import Rubric
    from maturity.warehouse import Warehouse


def resolve_rubric(path: Path | None) -> Rubric:
    from maturity.rubric import load_default_rubric, load_rubric

    return load_rubric(path) if path else load_default_rubric()


def open_warehouse(url: str | None) -> Warehouse:
    """Open, check and migrate the warehouse; errors show the URL with its password masked."""
    from maturity.pipeline.settings import warehouse_url_from
    from maturity.warehouse import Warehouse

    wh = Warehouse(url or warehouse_url_from())
    wh.check()
    wh.migrate()
    return wh
