"""Shared fixtures: the warehouse, on embedded SQLite and on the real PostgreSQL.

``warehouse`` (migrated) and ``warehouse_url`` (empty database) are parametrized over both
databases, so every warehouse test runs twice. PostgreSQL comes from
``MATURITY_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``); each test
gets its own schema (via ``search_path`` in the URL), dropped afterwards. When the server cannot
be reached the PostgreSQL cases are skipped with the reason, unless
``MATURITY_REQUIRE_POSTGRES=1`` (CI), where they fail.

``redis_url`` is the Redis server the CeleryExecutor test uses as its broker
(``MATURITY_TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/0``): skipped with the reason when
it does not answer, failed instead when ``MATURITY_REQUIRE_REDIS=1`` (CI).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from maturity.warehouse import Warehouse
from maturity.warehouse.url import masked, normalise

PG_URL_ENV = "MATURITY_TEST_POSTGRES_URL"
PG_DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
REQUIRE_PG_ENV = "MATURITY_REQUIRE_POSTGRES"
REDIS_URL_ENV = "MATURITY_TEST_REDIS_URL"
REDIS_DEFAULT_URL = "redis://127.0.0.1:6379/0"
REQUIRE_REDIS_ENV = "MATURITY_REQUIRE_REDIS"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    """An engine on the test server's database; skips (or fails in CI) if unreachable."""
    url = normalise(os.environ.get(PG_URL_ENV) or PG_DEFAULT_URL, where=PG_URL_ENV)
    engine = create_engine(url, connect_args={"connect_timeout": 5}, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        reason = f"PostgreSQL is not reachable at {masked(url)} ({PG_URL_ENV}): {detail}"
        if os.environ.get(REQUIRE_PG_ENV) == "1":
            pytest.fail(f"{reason}; {REQUIRE_PG_ENV}=1 requires it", pytrace=False)
        pytest.skip(reason)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis server's URL, once it answered PING; skips (or fails in CI) if not."""
    import redis

    url = os.environ.get(REDIS_URL_ENV) or REDIS_DEFAULT_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        shown = re.sub(r"//[^@/]*@", "//***@", url)  # no password in a skip reason
        reason = f"Redis is not answering at {shown} ({REDIS_URL_ENV}): {exc}"
        if os.environ.get(REQUIRE_REDIS_ENV) == "1":
            pytest.fail(f"{reason}; {REQUIRE_REDIS_ENV}=1 requires it", pytrace=False)
        pytest.skip(reason)
    finally:
        client.close()
    return url


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[URL]:
    """A URL whose connections live in a fresh schema of their own."""
    schema = f"maturity_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url
    with postgres_admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _sqlite_url(directory: Path) -> URL:
    return URL.create("sqlite", database=str(directory / "warehouse.sqlite"))


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> URL:
    """The URL of an empty warehouse database (not migrated), on each supported database."""
    if request.param == "postgresql":
        url: URL = request.getfixturevalue("postgres_url")
        return url
    return _sqlite_url(tmp_path)


@pytest.fixture
def warehouse(warehouse_url: URL) -> Iterator[Warehouse]:
    """A migrated, empty warehouse."""
    wh = Warehouse(warehouse_url)
    wh.migrate()
    yield wh
    wh.dispose()
