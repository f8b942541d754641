"""The loopback server: one threaded HTTP/1.1 server on 127.0.0.1 serving X API v2 (``/2/...``),
Reddit's OAuth API and token endpoint (everything else) and the control API (``/_emulator/``).

::

    with Emulator(world) as emu:
        client = tweepy.Client(bearer_token=emu.bearer_token)   # host rewritten to emu.x_base_url
        reddit = praw.Reddit(client_id=emu.reddit_client_id, ...,
                             oauth_url=emu.reddit_oauth_url, reddit_url=emu.reddit_www_url)
        emu.inject(FaultKind.SERVER_ERROR, route="GET /2/users/:id/tweets", at=(2,))
        emu.calls["GET /2/users/:id/tweets"]
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from maturity.sandbox.emulator.dispatch import (
    DEFAULT_BEARER_TOKEN,
    DEFAULT_REDDIT_CLIENT_ID,
    DEFAULT_REDDIT_CLIENT_SECRET,
    DEFAULT_REDDIT_PASSWORD,
    CallRecord,
    Credentials,
    DispatchResult,
    EmulatorApp,
)
from maturity.sandbox.emulator.faults import Fault, FaultKind
from maturity.sandbox.emulator.ratelimits import EmulatedLimit
from maturity.sandbox.emulator.world import World

log = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: EmulatorApp) -> None:
        self.app = app
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections so that their handler threads finish."""
        with self._open_lock:
            open_now = list(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "maturity-emulator"
    sys_version = ""
    timeout = 60
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - " + format, self.address_string(), *args)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            outcome = self.server.app.handle(self.command, self.path, headers, body)
        except Exception:
            log.exception("emulator failed on %s %s", self.command, self.path)
            self._send(500, b'{"error":"emulator bug"}', "application/json", [])
            return
        self._act(outcome)

    def _act(self, outcome: DispatchResult) -> None:
        kind = outcome.fault.kind if outcome.fault else None
        if kind == FaultKind.TIMEOUT:
            assert outcome.fault is not None
            self.server.stopping.wait(outcome.fault.delay)
            self.close_connection = True
            return
        if kind == FaultKind.CONNECTION_RESET:
            self._reset()
            return
        resp = outcome.response
        assert resp is not None
        if kind == FaultKind.TRUNCATED:
            self._send(
                resp.status,
                resp.body,
                resp.content_type,
                resp.headers,
                cut=max(1, len(resp.body) // 2),
            )
            self.close_connection = True
            return
        self._send(resp.status, resp.body, resp.content_type, resp.headers)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: list[tuple[str, str]],
        cut: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()

    def _reset(self) -> None:
        """Close with SO_LINGER 0: the kernel answers with a TCP RST."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()
        except OSError:
            pass


class Emulator:
    """X API v2 and Reddit's OAuth API for a :class:`World`, on a loopback port.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). All state readers and
    mutators are thread-safe and may be called while clients run.
    """

    def __init__(
        self,
        world: World,
        *,
        bearer_token: str = DEFAULT_BEARER_TOKEN,
        reddit_client_id: str = DEFAULT_REDDIT_CLIENT_ID,
        reddit_client_secret: str = DEFAULT_REDDIT_CLIENT_SECRET,
        reddit_password: str = DEFAULT_REDDIT_PASSWORD,
        limits: Mapping[str, EmulatedLimit] | None = None,
        faults: Iterable[Fault] = (),
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] | None = None,
        reddit_token_ttl: int = 86_400,
        extra_bearer_tokens: tuple[str, ...] = (),
    ) -> None:
        self.credentials = Credentials(
            bearer_token,
            reddit_client_id,
            reddit_client_secret,
            reddit_password,
            tuple(extra_bearer_tokens),
        )
        self.app = EmulatorApp(
            world,
            credentials=self.credentials,
            limits=limits,
            faults=faults,
            clock=clock,
            token_ttl=reddit_token_ttl,
        )
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = _Server(self._address, self.app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the CLI)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- where ------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = self._address[0]
        if host in ("", "0.0.0.0"):  # listening everywhere; loopback reaches it
            host = "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def x_base_url(self) -> str:
        """Replaces ``https://api.twitter.com`` / ``https://api.x.com`` (paths ``/2/...``)."""
        return self.url

    @property
    def reddit_oauth_url(self) -> str:
        """PRAW's ``oauth_url`` (replaces ``https://oauth.reddit.com``)."""
        return self.url

    @property
    def reddit_www_url(self) -> str:
        """PRAW's ``reddit_url`` (replaces ``https://www.reddit.com``; the token endpoint)."""
        return self.url

    @property
    def bearer_token(self) -> str:
        return self.credentials.bearer_token

    @property
    def reddit_client_id(self) -> str:
        return self.credentials.reddit_client_id

    @property
    def reddit_client_secret(self) -> str:
        return self.credentials.reddit_client_secret

    @property
    def reddit_password(self) -> str:
        return self.credentials.reddit_password

    @property
    def world(self) -> World:
        return self.app.world

    # --- state --------------------------------------------------------------------------------

    @property
    def calls(self) -> dict[str, int]:
        """Calls per route name, e.g. ``{"GET /2/users/:id/tweets": 4}``."""
        return self.app.calls

    @property
    def call_log(self) -> list[CallRecord]:
        return self.app.call_log()

    @property
    def routes(self) -> list[str]:
        return self.app.router.names()

    def inject(self, fault: Fault | FaultKind | str, /, **options: Any) -> Fault:
        """Install a fault: ``inject(FaultKind.TIMEOUT, route="GET /2/users/by", delay=2)``."""
        if not isinstance(fault, Fault):
            fault = Fault(FaultKind(fault), **options)
        elif options:
            raise TypeError("give options only with a fault kind")
        self.app.faults.add(fault)
        return fault

    def index_late(self, *post_ids: int) -> None:
        """Leave these X posts out of timelines and mentions until :meth:`index_now`: the
        platform indexed them late (lookups by id still find them)."""
        self.app.x.unindexed = frozenset(post_ids)

    def index_now(self) -> None:
        """Serve every post again."""
        self.app.x.unindexed = frozenset()

    def clear_faults(self) -> None:
        self.app.faults.clear()

    def set_limit(self, route: str, limit: EmulatedLimit) -> None:
        """Replace the rate limit of ``route`` (or of ``"x"`` / ``"reddit"`` defaults)."""
        self.app.limiter.set_limit(route, limit)

    def exhaust(self, route: str, *, reset_in: float) -> None:
        """Use up ``route``'s rate limit until ``reset_in`` seconds from now."""
        self.app.limiter.exhaust(route, reset_in)

    def expire_reddit_tokens(self) -> None:
        self.app.tokens.expire_all()

    def reset(self) -> None:
        """Forget calls, faults and rate-limit usage."""
        self.app.reset()

    @property
    def mastodon_base_url(self) -> str:
        """The emulated Mastodon instance (the ``mastodon_default`` connection's host)."""
        return self.url

    @property
    def bluesky_base_url(self) -> str:
        """Replaces the public AppView ``https://public.api.bsky.app`` (paths ``/xrpc/...``)."""
        return self.url

    def mastodon_token(self, handle: str) -> str:
        """The access token of the Mastodon account ``handle`` (for its notifications)."""
        from maturity.sandbox.emulator.mastodon_api import token_for

        return token_for(handle)

    def connection_env(
        self, *, mastodon_account: str | None = None, bluesky_account: str | None = None
    ) -> dict[str, str]:
        """``AIRFLOW_CONN_X_DEFAULT`` / ``_REDDIT_`` / ``_MASTODON_`` / ``_BLUESKY_DEFAULT``
        pointing here; the Mastodon connection carries the token of ``mastodon_account``, the
        Bluesky one the login and an app password of ``bluesky_account``."""
        import json

        x = {"conn_type": "x", "host": self.x_base_url, "password": self.bearer_token}
        reddit = {
            "conn_type": "reddit",
            "host": self.reddit_oauth_url,
            "login": self.reddit_client_id,
            "password": self.reddit_client_secret,
            "extra": {"reddit_url": self.reddit_www_url},
        }
        from maturity.sandbox.emulator.mastodon_store import MASTODON_DOMAIN

        mastodon: dict[str, Any] = {
            "conn_type": "mastodon",
            "host": self.mastodon_base_url,
            "extra": {"instance_domain": MASTODON_DOMAIN},
        }
        if mastodon_account:
            mastodon["password"] = self.mastodon_token(mastodon_account)
        bluesky: dict[str, Any] = {"conn_type": "bluesky", "host": self.bluesky_base_url}
        if bluesky_account:
            from maturity.sandbox.emulator.bluesky_api import app_password_for

            bluesky["login"] = bluesky_account
            bluesky["password"] = app_password_for(bluesky_account)
            bluesky["extra"] = {"pds_url": self.bluesky_base_url}
        return {
            "AIRFLOW_CONN_X_DEFAULT": json.dumps(x),
            "AIRFLOW_CONN_REDDIT_DEFAULT": json.dumps(reddit),
            "AIRFLOW_CONN_MASTODON_DEFAULT": json.dumps(mastodon),
            "AIRFLOW_CONN_BLUESKY_DEFAULT": json.dumps(bluesky),
        }
