"""What happens to one request, independent of sockets: count it, maybe fault it, check the
credentials, charge the rate limit, answer it, and add the platform's rate-limit headers.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from maturity.gcpause import paused_gc
from maturity.sandbox.emulator import bluesky_api, mastodon_api, reddit_api, x_api
from maturity.sandbox.emulator.control import Control
from maturity.sandbox.emulator.faults import Fault, FaultKind, FaultPlan
from maturity.sandbox.emulator.http import Request, Response, Route, Router
from maturity.sandbox.emulator.ratelimits import EmulatedLimit, Quota, RateLimiter
from maturity.sandbox.emulator.reddit_store import RedditStore
from maturity.sandbox.emulator.world import World
from maturity.sandbox.emulator.x_store import XStore

CONTROL_PREFIX = "/_emulator/"
UNMATCHED = "(unknown route)"
LOG_SIZE = 10_000
_PUBLIC_ROUTES = frozenset({"POST /api/v1/access_token", "POST /api/v1/revoke_token"})
"""Reddit's www endpoints: HTTP basic client auth, no bearer token, no rate-limit headers."""


@dataclass(frozen=True)
class CallRecord:
    route: str
    method: str
    path: str
    query: Mapping[str, str]
    status: int | None
    fault: str | None
    at: float


@dataclass
class DispatchResult:
    """A response to send, or a fault the socket layer has to act out."""

    response: Response | None
    fault: Fault | None = None


DEFAULT_BEARER_TOKEN = "emulator-bearer-token"
DEFAULT_REDDIT_CLIENT_ID = "emulator-client-id"
DEFAULT_REDDIT_CLIENT_SECRET = "emulator-client-secret"
DEFAULT_REDDIT_PASSWORD = "emulator-password"


@dataclass
class Credentials:
    bearer_token: str = DEFAULT_BEARER_TOKEN
    reddit_client_id: str = DEFAULT_REDDIT_CLIENT_ID
    reddit_client_secret: str = DEFAULT_REDDIT_CLIENT_SECRET
    reddit_password: str = DEFAULT_REDDIT_PASSWORD
    extra_bearer_tokens: tuple[str, ...] = ()
    """More X apps' bearer tokens the emulator accepts; each app has its own rate limits."""

    def x_tokens(self) -> tuple[str, ...]:
        return (self.bearer_token, *self.extra_bearer_tokens)


@dataclass
class _Stats:
    calls: Counter[str] = field(default_factory=Counter)
    log: deque[CallRecord] = field(default_factory=lambda: deque(maxlen=LOG_SIZE))


class EmulatorApp:
    """The emulator minus the HTTP server. Thread-safe."""

    def __init__(
        self,
        world: World,
        *,
        credentials: Credentials,
        limits: Mapping[str, EmulatedLimit] | None = None,
        faults: Iterable[Fault] = (),
        clock: Callable[[], float] | None = None,
        token_ttl: int = 86_400,
    ) -> None:
        self.world = world
        self.credentials = credentials
        self.clock = clock or time.time
        with paused_gc():
            self.x = XStore(world)
            self.reddit = RedditStore(world)
        self.limiter = RateLimiter(limits, self.clock)
        self.faults = FaultPlan()
        for fault in faults:
            self.faults.add(fault)
        self.tokens = reddit_api.TokenBook(self.clock, token_ttl)
        self.router = Router()
        x_api.XApi(self.x).register(self.router)
        now = world.end or datetime.now(UTC)
        self.reddit_api = reddit_api.RedditApi(
            self.reddit,
            client_id=credentials.reddit_client_id,
            client_secret=credentials.reddit_client_secret,
            password=credentials.reddit_password,
            tokens=self.tokens,
            now=now,
        )
        self.reddit_api.register(self.router)
        self.mastodon_api = mastodon_api.MastodonApi(world, now=now)
        self.mastodon_api.register(self.router)
        self.bluesky_api = bluesky_api.BlueskyApi(world, now=now)
        self.bluesky_api.register(self.router)
        self._stats = _Stats()
        self._lock = threading.Lock()
        self.control = Control(self)

    # --- counters -----------------------------------------------------------------------------

    @property
    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._stats.calls)

    def call_log(self) -> list[CallRecord]:
        with self._lock:
            return list(self._stats.log)

    def reset(self) -> None:
        """Forget calls, faults and rate-limit usage (issued Reddit tokens stay valid)."""
        with self._lock:
            self._stats = _Stats()
        self.faults.clear()
        self.limiter.reset()

    def _record(self, route: str, req: Request, status: int | None, fault: Fault | None) -> None:
        record = CallRecord(
            route,
            req.method,
            req.path,
            dict(req.query),
            status,
            fault.kind.value if fault else None,
            self.clock(),
        )
        with self._lock:
            self._stats.calls[route] += 1
            self._stats.log.append(record)

    # --- the request path ---------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> DispatchResult:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        req = Request(method, parts.path, query, headers, body, raw_query=parts.query)
        if parts.path.startswith(CONTROL_PREFIX):
            return DispatchResult(self.control.handle(req))
        found = self.router.match(method, parts.path)
        if found is None:
            is_x = parts.path.startswith("/2/")
            if parts.path.startswith("/xrpc/"):
                resp = bluesky_api.not_found()
            else:
                resp = x_api.not_found_route() if is_x else reddit_api.not_found()
            self._record(f"{method} {UNMATCHED}", req, resp.status, None)
            return DispatchResult(resp)
        route, params = found
        req = Request(method, parts.path, query, headers, body, params, parts.query)
        fault = self.faults.next_for(route.platform, route.name)
        if fault is not None:
            outcome = self._fault(route, req, fault)
            status = outcome.response.status if outcome.response else None
            self._record(route.name, req, status, fault)
            return outcome
        resp = self._serve(route, req, charge=True)
        self._record(route.name, req, resp.status, None)
        return DispatchResult(resp)

    def _bucket(self, route: Route) -> str | None:
        if route.name in _PUBLIC_ROUTES:
            return None
        return self.limiter.bucket_key(route.platform, route.name)

    def _serve(self, route: Route, req: Request, *, charge: bool) -> Response:
        bucket = self._bucket(route)
        denied = self._authenticate(route, req)
        if denied is not None:
            return self._with_headers(route, denied, self._peek(bucket))
        quota = None
        if bucket is not None:
            cred = self._credential(route, req)
            quota = (
                self.limiter.consume(bucket, cred) if charge else self.limiter.peek(bucket, cred)
            )
            if charge and not quota.allowed:
                return self._with_headers(route, self._too_many(route, quota.usage_cap), quota)
        return self._with_headers(route, route.handler(req), quota)

    def _peek(self, bucket: str | None) -> Quota | None:
        return self.limiter.peek(bucket) if bucket is not None else None

    def _credential(self, route: Route, req: Request) -> str:
        """Whom the platform counts the request's rate limits for: X per app (the bearer token),
        Reddit per OAuth client (the emulator has one), Mastodon per account token or else per
        IP, Bluesky's AppView per IP (every client here is on loopback: one bucket)."""
        if route.platform == "x":
            return (req.header("authorization") or "").removeprefix("Bearer ")
        if route.platform == mastodon_api.PLATFORM:
            return (req.header("authorization") or "").removeprefix("Bearer ").strip()
        if route.platform == bluesky_api.PLATFORM:
            return ""
        return self.credentials.reddit_client_id

    def _authenticate(self, route: Route, req: Request) -> Response | None:
        if route.platform == "x":
            given = req.header("authorization") or ""
            ok = any(given == f"Bearer {token}" for token in self.credentials.x_tokens())
            return None if ok else x_api.unauthorized()
        if route.platform == mastodon_api.PLATFORM:
            return self.mastodon_api.authorize(req)
        if route.platform == bluesky_api.PLATFORM:
            return None  # the public AppView
        if route.name in _PUBLIC_ROUTES:
            return None
        return None if self.reddit_api.authorize(req) else reddit_api.unauthorized()

    @staticmethod
    def _too_many(route: Route, usage_cap: bool) -> Response:
        if route.platform == "x":
            return x_api.too_many_requests(usage_cap)
        if route.platform == mastodon_api.PLATFORM:
            return mastodon_api.too_many_requests()
        if route.platform == bluesky_api.PLATFORM:
            return bluesky_api.too_many_requests()
        return reddit_api.too_many_requests()

    def _with_headers(self, route: Route, resp: Response, quota: Quota | None) -> Response:
        if quota is not None:
            if route.platform == "x":
                resp.headers.extend(quota.x_headers())
            elif route.platform == mastodon_api.PLATFORM:
                resp.headers.extend(mastodon_api.rate_headers(quota))
            elif route.platform == bluesky_api.PLATFORM:
                resp.headers.extend(bluesky_api.rate_headers(quota))
            else:
                resp.headers.extend(quota.reddit_headers(self.clock()))
        return resp

    def _fault(self, route: Route, req: Request, fault: Fault) -> DispatchResult:
        kind = fault.kind
        if kind == FaultKind.RATE_LIMIT:
            rule = self.limiter.rules.get(self._bucket(route) or "")
            limit = rule.limit if rule else 0
            quota = Quota(limit, limit, self.clock() + fault.reset_in, False, False)
            return DispatchResult(self._with_headers(route, self._too_many(route, False), quota))
        if kind == FaultKind.SERVER_ERROR:
            resp = {
                "x": x_api.server_error,
                mastodon_api.PLATFORM: mastodon_api.server_error,
                bluesky_api.PLATFORM: bluesky_api.server_error,
            }.get(route.platform, reddit_api.server_error)(fault.status)
            return DispatchResult(
                self._with_headers(route, resp, self._peek(self._bucket(route))), fault
            )
        if kind in (FaultKind.MALFORMED_JSON, FaultKind.TRUNCATED):
            resp = self._serve(route, req, charge=False)
            if kind == FaultKind.MALFORMED_JSON:
                resp.body = malformed(resp.body)
            return DispatchResult(resp, fault)
        return DispatchResult(None, fault)

    def describe(self) -> dict[str, Any]:
        return {
            "organisations": len(self.world.organisations),
            "x_users": len(self.x.users_by_id),
            "x_posts": len(self.x.tweets),
            "reddit_things": len(self.reddit.things),
            "routes": self.router.names(),
        }


def malformed(body: bytes) -> bytes:
    """A body that starts like the real one and is not JSON."""
    return body[: max(1, len(body) * 3 // 5)] + b"<!-- upstream connect error -->"
