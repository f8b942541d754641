"""Alembic environment for the warehouse.

``maturity.warehouse.migrations`` runs Alembic programmatically and hands its connection in
through ``config.attributes["connection"]``, so a migration runs inside the caller's
transaction. Run by hand (``alembic -c sql/alembic.ini upgrade head``), it resolves the
warehouse the way the product does: ``sqlalchemy.url`` if set, else the environment.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.engine import URL

from maturity.warehouse.schema import metadata

config = context.config
target_metadata = metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> URL:
    """The configured URL, else the warehouse the product's settings name (alembic's CLI)."""
    from maturity.pipeline.settings import warehouse_url_from
    from maturity.warehouse.url import resolve_url

    given = config.get_main_option("sqlalchemy.url")
    return resolve_url(given) if given else warehouse_url_from()


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from maturity.warehouse.engine import make_engine

    engine = make_engine(_url())
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
