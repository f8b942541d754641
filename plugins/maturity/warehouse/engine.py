"""Engines for the two supported databases, set up the same way every time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

from maturity.errors import WarehouseError


def _is_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL journal, and transactions that really begin where SQLAlchemy says.

    pysqlite opens transactions lazily (only before DML) and so runs DDL outside them; the
    documented SQLAlchemy recipe takes transaction control back so that a migration or a
    write is one atomic unit.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"cannot create the directory {path.parent} for the SQLite warehouse: "
            f"{exc.strerror or exc}",
            where=str(path),
            fix="set MATURITY_HOME to a writable directory, or point MATURITY_WAREHOUSE_URL "
            "elsewhere",
        ) from None


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` (already normalised); creates a SQLite file's directory."""
    if url.get_backend_name() == "sqlite":
        if _is_sqlite_file(url):
            _make_parent(Path(str(url.database)).expanduser())
        engine = create_engine(url)
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = 10
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
