"""Alembic, run from code: no ``alembic.ini`` needed, scripts found in the installed package."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_PACKAGE = "maturity.sql.migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config whose scripts are ``maturity.sql.migrations``.

    With ``connection``, ``env.py`` migrates on it, inside the caller's transaction.
    """
    config = Config()
    config.set_main_option("script_location", str(files(MIGRATIONS_PACKAGE)))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str = "base") -> None:
    command.downgrade(alembic_config(connection), revision)
