"""An unreachable warehouse fails with a WarehouseError that never shows the password."""

from __future__ import annotations

import socket
import traceback

import pytest
from sqlalchemy.engine import URL

from maturity.errors import WarehouseError
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.unit

SECRET = "hunter2-never-shown"


def _unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_postgres_error_is_masked_and_says_what_to_do() -> None:
    url = URL.create("postgresql", "maturity", SECRET, "127.0.0.1", _unused_port(), "warehouse")
    wh = Warehouse(url)
    try:
        with pytest.raises(WarehouseError) as info:
            wh.check()
    finally:
        wh.dispose()
    error = info.value
    shown = "".join(traceback.format_exception(error))
    assert SECRET not in shown
    assert SECRET not in str(error.__context__ or "")
    assert "maturity:***@127.0.0.1" in str(error)
    assert "cannot connect to the warehouse" in str(error)
    assert "MATURITY_WAREHOUSE_URL" in str(error)  # the fix names where the URL comes from
    assert error.exit_code == 1
