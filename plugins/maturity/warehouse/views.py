"""Dashboard views: one file per view under ``sql/views/`` (``maturity.sql``), one CTE chain each.

A file ``sql/views/<name>.sql`` holds the ``SELECT`` (usually ``WITH ... SELECT``) of the view
``<name>``; this module turns it into ``CREATE VIEW``. The files are the current definitions.
Migrations freeze the text they create (so that replaying an old migration creates the view as
it was then); a test checks that, after ``upgrade head``, every view returns what its file
returns.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from sqlalchemy import Connection, text

VIEWS_PACKAGE = "maturity.sql"
VIEWS_DIR = "views"


def _views_dir() -> Traversable:
    return files(VIEWS_PACKAGE).joinpath(VIEWS_DIR)


def view_names() -> tuple[str, ...]:
    """The views the product ships, in the order they are created (file name order)."""
    return tuple(
        sorted(
            entry.name.removesuffix(".sql")
            for entry in _views_dir().iterdir()
            if entry.name.endswith(".sql")
        )
    )


def view_sql(name: str) -> str:
    """The ``SELECT`` of view ``name``, without a trailing semicolon."""
    entry = _views_dir().joinpath(f"{name}.sql")
    if not entry.is_file():
        raise KeyError(f"no view '{name}'; known: {', '.join(view_names())}")
    return entry.read_text(encoding="utf-8").strip().rstrip(";").strip()


def create_view_ddl(name: str, select_sql: str) -> str:
    return f"CREATE VIEW {name} AS\n{select_sql}"


def replace_views(connection: Connection) -> None:
    """Drop and create every shipped view from its file, in one go (for development)."""
    drop_views(connection)
    for name in view_names():
        connection.execute(text(create_view_ddl(name, view_sql(name))))


def drop_views(connection: Connection) -> None:
    for name in reversed(view_names()):
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
