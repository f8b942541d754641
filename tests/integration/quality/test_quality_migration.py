"""Migration 0002 adds the quality tables on top of 0001, and removes only them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from quality_store_samples import QUALITY_TABLES
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from maturity.warehouse import Warehouse
from maturity.warehouse import migrations as mig

pytestmark = pytest.mark.integration


@pytest.fixture
def empty(warehouse_url: URL) -> Iterator[Warehouse]:
    wh = Warehouse(warehouse_url)
    yield wh
    wh.dispose()


def _tables(wh: Warehouse) -> set[str]:
    with wh.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_0002_adds_and_removes_only_the_quality_tables(empty: Warehouse) -> None:
    with empty.engine.begin() as connection:
        mig.upgrade(connection, "0001")
    before = _tables(empty)
    assert not before & set(QUALITY_TABLES)
    with empty.engine.begin() as connection:
        mig.upgrade(connection, "0002")
        assert mig.current_revision(connection) == "0002"
    assert _tables(empty) == before | set(QUALITY_TABLES)
    with empty.engine.begin() as connection:
        mig.downgrade(connection, "0001")
    assert _tables(empty) == before
    empty.migrate()
    assert _tables(empty) >= set(QUALITY_TABLES)
