"""``maturity warehouse grant-readonly ROLE`` on PostgreSQL: the role can SELECT every BI view
and cannot read a table or write anything; re-creating the views keeps its rights."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner
from warehouse_samples import assessment, evidence, write

from maturity.cli import app
from maturity.errors import InputError
from maturity.warehouse import Warehouse
from maturity.warehouse.views import grant_readonly, replace_views, view_names

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def role(postgres_admin: Engine) -> Iterator[str]:
    name = f"bi_test_{uuid.uuid4().hex[:10]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{name}" NOLOGIN'))
    yield name
    with postgres_admin.connect() as connection:
        connection.execute(text(f'DROP OWNED BY "{name}"'))
        connection.execute(text(f'DROP ROLE "{name}"'))


@pytest.fixture
def pg_warehouse(postgres_url: URL) -> Iterator[Warehouse]:
    wh = Warehouse(postgres_url)
    wh.migrate()
    write(wh, evidence(), assessment(evidence()))
    yield wh
    wh.dispose()


def _as(connection: Connection, role: str, sql: str) -> object:
    """Run ``sql`` as ``role`` in a savepoint, so a refusal leaves the connection usable."""
    with connection.begin_nested() as nested:
        connection.execute(text(f'SET LOCAL ROLE "{role}"'))
        try:
            return connection.execute(text(sql)).all()
        finally:
            nested.rollback()


def _assert_read_only(wh: Warehouse, role: str) -> None:
    with wh.engine.connect() as connection:
        for name in view_names():
            _as(connection, role, f"SELECT * FROM {name}")
        assert _as(connection, role, "SELECT org_name FROM v_latest_assessment") == [("Acme Zorg",)]
        for refused in (
            "SELECT * FROM organisation",
            "INSERT INTO organisation VALUES ('x', 'X', 'health', 'UTC')",
            "DELETE FROM assessment",
            "DROP VIEW v_latest_assessment",
            "CREATE TABLE stolen (x integer)",
        ):
            with pytest.raises(ProgrammingError, match=r"permission denied|must be owner"):
                _as(connection, role, refused)


def test_grant_readonly_lets_the_role_read_views_only(pg_warehouse: Warehouse, role: str) -> None:
    # before the grant the schema is not even visible to the role
    refused = pytest.raises(ProgrammingError, match=r"permission denied|does not exist")
    with pg_warehouse.engine.connect() as connection, refused:
        _as(connection, role, "SELECT * FROM v_latest_assessment")
    result = CliRunner().invoke(
        app,
        [
            "warehouse",
            "grant-readonly",
            role,
            "--warehouse",
            pg_warehouse.url.render_as_string(hide_password=False),
        ],
    )
    assert result.exit_code == 0, result.output
    _assert_read_only(pg_warehouse, role)
    # the views DAG re-creates every view: the role keeps its rights
    with pg_warehouse.engine.begin() as connection:
        replace_views(connection)
    _assert_read_only(pg_warehouse, role)


def test_grant_readonly_refuses_an_unknown_role_and_a_bad_name(pg_warehouse: Warehouse) -> None:
    with pg_warehouse.engine.begin() as connection:
        with pytest.raises(InputError, match="no role 'nobody_here_x' exists"):
            grant_readonly(connection, "nobody_here_x")
        with pytest.raises(InputError, match="not a plain PostgreSQL name"):
            grant_readonly(connection, 'bi"; DROP TABLE run; --')
