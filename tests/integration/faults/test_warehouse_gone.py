"""The warehouse disappears during a load: a PostgreSQL scratch schema reached through a TCP
proxy that cuts every connection in the middle of the organisations' write transactions and
refuses new ones. Retries fail the same way, each organisation fails with a reason, and no
organisation's write is committed in part; with the warehouse back, a rerun completes it."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from maturity.errors import WarehouseError
from maturity.evidence import Window
from maturity.pipeline.gate_and_load import gate_and_load_orgs
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import GENEROUS, Emulator, World

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

WRITES = (
    "post",
    "inbound_message",
    "reply_link",
    "account_snapshot",
    "collection_cursor",
    "validation_result",
)


class CuttingProxy:
    """Forwards to ``target``; once armed, the ``nth`` ``INSERT INTO`` a client sends cuts
    every connection, and new ones are refused until :meth:`restore`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        self.conns: list[socket.socket] = []
        self.down = False
        self.armed_at: int | None = None
        self.inserts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, nth: int) -> None:
        with self.lock:
            self.inserts, self.armed_at = 0, nth

    def restore(self) -> None:
        with self.lock:
            self.down, self.armed_at = False, None

    def close(self) -> None:
        self.server.close()
        self._cut()

    def _cut(self) -> None:
        with self.lock:
            self.down = True
            conns, self.conns = self.conns, []
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            c.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, watch: bool) -> None:
        try:
            while data := src.recv(65536):
                if watch and self._trips(data):
                    self._cut()
                    return
                dst.sendall(data)
        except OSError:
            return

    def _trips(self, data: bytes) -> bool:
        with self.lock:
            if self.armed_at is None:
                return False
            self.inserts += data.count(b"INSERT INTO")
            return self.inserts >= self.armed_at


@pytest.fixture
def proxy(postgres_url: URL) -> Iterator[CuttingProxy]:
    p = CuttingProxy((postgres_url.host or "127.0.0.1", postgres_url.port or 5432))
    yield p
    p.close()


def _by_org(url: Any, org_ids: list[str]) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    return {o: fr.dump(url, WRITES, org_ids=[o]) for o in org_ids}


@pytest.mark.parametrize("nth", [1, 4])
def test_the_warehouse_gone_during_a_load_fails_with_no_partial_commit(
    world: World,
    win: Window,
    tmp_path: Path,
    postgres_url: URL,
    proxy: CuttingProxy,
    nth: int,
) -> None:
    direct = postgres_url.render_as_string(hide_password=False)
    through = postgres_url.set(host="127.0.0.1", port=proxy.port).update_query_dict(
        {"sslmode": "disable"}
    )
    home = fr.Home(tmp_path / "home", world, warehouse_url=through.render_as_string(False))
    with Emulator(world, limits=GENEROUS) as emu:
        assert not fr.collect(home.settings(emu), home.org_ids, win)["failed"]
    settings = home.settings(None)
    assert settings.warehouse.url  # migrated through the proxy before it is armed
    proxy.arm(nth)
    outcome = gate_and_load_orgs(settings, home.org_ids, win)
    assert proxy.down, "the proxy cut the warehouse in the middle of the load"
    assert outcome.failed, "the load failed"
    # a retry while the warehouse is gone fails again, for every organisation it tries
    for error in outcome.failed.values():
        assert isinstance(error, WarehouseError), error
    # a retry (a new task attempt) while the warehouse is gone fails before it writes anything
    for _ in range(2):
        with pytest.raises(WarehouseError, match="cannot connect to the warehouse"):
            gate_and_load_orgs(home.settings(None), list(outcome.failed), win)
    at_failure = _by_org(direct, home.org_ids)
    # the warehouse comes back: the rerun completes every organisation
    proxy.restore()
    rerun = gate_and_load_orgs(home.settings(None), home.org_ids, win)
    assert not rerun.failed, rerun.failed
    complete = _by_org(direct, home.org_ids)
    assert all(complete[o]["post"] for o in home.org_ids)
    for org in home.org_ids:
        if org in outcome.failed:
            assert all(rows == [] for rows in at_failure[org].values()), (
                f"{org}: nothing of a failed organisation's write was committed"
            )
        else:
            assert at_failure[org] == complete[org], f"{org}: committed whole"
