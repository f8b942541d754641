"""Resolve the rubric and warehouse a command works with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from maturity.rubric import Rubric
    from maturity.warehouse import Warehouse


def resolve_rubric(path: Path | None) -> Rubric:
    from maturity.rubric import load_default_rubric, load_rubric

    return load_rubric(path) if path else load_default_rubric()


def open_warehouse(url: str | None, *, existing: bool = False) -> Warehouse:
    """Open, check and migrate the warehouse; errors show the URL with its password masked.

    ``existing``: for commands that read what earlier runs stored (``explain``, ``rescore``),
    an embedded SQLite file that does not exist is refused instead of created empty."""
    from maturity.pipeline.settings import warehouse_url_from
    from maturity.warehouse import Warehouse
    from maturity.warehouse.url import normalise

    resolved = normalise(url, where="--warehouse") if url else warehouse_url_from()
    if existing:
        _refuse_missing_sqlite(resolved)
    wh = Warehouse(resolved)
    wh.check()
    wh.migrate()
    return wh


def _refuse_missing_sqlite(url: URL) -> None:
    """Checked before the engine exists: making one creates the file's folder."""
    from maturity.errors import InputError
    from maturity.warehouse.url import masked

    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    if database.startswith("file:") or Path(database).is_file():
        return
    raise InputError(
        "no warehouse exists there (nothing was created)",
        where=f"warehouse {masked(url)}",
        fix="check the --warehouse path, or run `maturity assess` first to create one",
    )
