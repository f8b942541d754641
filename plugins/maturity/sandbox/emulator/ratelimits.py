"""Rate limits per endpoint, fixed windows, and the headers each platform sends.

X keeps one bucket per endpoint (per app) on 15-minute windows and reports the reset as epoch
seconds. Reddit keeps one bucket per OAuth client for the whole API on 10-minute windows and
reports the reset as seconds from now. A :class:`EmulatedLimit` with ``usage_cap=True`` is a budget
whose reset lies far away: the case a connector must fail fast on instead of waiting.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

X_WINDOW = 900.0
REDDIT_WINDOW = 600.0
CAP_WINDOW = 30 * 86_400.0
X_DEFAULT = "x"
REDDIT_DEFAULT = "reddit"


@dataclass(frozen=True)
class EmulatedLimit:
    limit: int
    window: float = X_WINDOW
    """Seconds; the bucket refills when the window that began with its first call ends."""
    usage_cap: bool = False
    """A monthly-style cap: X answers 429 ``UsageCapExceeded``; the reset is ``window`` away."""

    def __post_init__(self) -> None:
        if self.limit < 0 or self.window <= 0:
            raise ValueError("a rate limit needs limit >= 0 and window > 0")

    @classmethod
    def cap(cls, limit: int, window: float = CAP_WINDOW) -> EmulatedLimit:
        return cls(limit, window, usage_cap=True)


def _documented() -> dict[str, EmulatedLimit]:
    """Every bucket of ``maturity.connectors.limits.DOCUMENTED`` (the limits the product plans
    against, with their sources), plus a generic X fallback for routes the connectors do not
    call. X keys are the routes (``GET /2/users/by``); Reddit, Mastodon and Bluesky have one
    bucket each, keyed by the platform."""
    from maturity.connectors.limits import DOCUMENTED

    out = {X_DEFAULT: EmulatedLimit(900, X_WINDOW)}
    for buckets in DOCUMENTED.values():
        for key, limit in buckets.items():
            out[key] = EmulatedLimit(limit.requests, limit.window_seconds)
    return out


#: The documented limits (``maturity.connectors.limits``): the X API v2 per-app table, Reddit's
#: 100 queries per minute averaged over 10 minutes, Mastodon's 300 and the Bluesky AppView's
#: 3,000 per 5 minutes. Endpoints not named use ``x``/``reddit``.
REALISTIC: Mapping[str, EmulatedLimit] = _documented()

#: For tests and benchmarks: nothing runs out, and PRAW's pacing never sleeps.
#: Every endpoint of ``REALISTIC`` is named, because the emulator lays these over it.
GENEROUS: Mapping[str, EmulatedLimit] = {
    key: EmulatedLimit(1_000_000, limit.window) for key, limit in REALISTIC.items()
}


@dataclass(frozen=True)
class Quota:
    """The state of a bucket after (or instead of) a call."""

    limit: int
    used: int
    reset_at: float
    """Epoch seconds."""
    allowed: bool
    usage_cap: bool

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def x_headers(self) -> list[tuple[str, str]]:
        return [
            ("x-rate-limit-limit", str(self.limit)),
            ("x-rate-limit-remaining", str(self.remaining)),
            ("x-rate-limit-reset", str(math.ceil(self.reset_at))),
        ]

    def reddit_headers(self, now: float) -> list[tuple[str, str]]:
        return [
            ("x-ratelimit-used", str(self.used)),
            ("x-ratelimit-remaining", f"{float(self.remaining):.1f}"),
            ("x-ratelimit-reset", str(max(0, int(self.reset_at - now)))),
        ]


@dataclass
class _Bucket:
    rule: EmulatedLimit
    used: int = 0
    started: float | None = None
    blocked_until: float | None = None


class RateLimiter:
    """Thread-safe buckets keyed by (credential, route name or platform default key).

    The platforms count a bucket per credential: X per app (its bearer token), Reddit per OAuth
    client, Mastodon per account token (or IP), Bluesky's AppView per IP. The dispatcher passes
    the request's credential, so two apps of one platform each have their own buckets; the
    rules (limits) are shared by key. Without a credential (``""``) a caller uses one bucket
    per key, as before.
    """

    def __init__(
        self,
        limits: Mapping[str, EmulatedLimit] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._rules: dict[str, EmulatedLimit] = dict(
            REALISTIC if limits is None else {**REALISTIC, **limits}
        )
        self._clock = clock or time.time
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._blocked: dict[str, float] = {}
        """Keys exhausted for every credential (:meth:`exhaust` without one): until when."""
        self._lock = threading.Lock()

    @property
    def rules(self) -> dict[str, EmulatedLimit]:
        with self._lock:
            return dict(self._rules)

    def bucket_key(self, platform: str, route: str) -> str:
        if route in self._rules:
            return route
        if platform in ("mastodon", "bluesky") and platform in self._rules:
            return platform
        return X_DEFAULT if platform == "x" else REDDIT_DEFAULT

    def set_limit(self, key: str, rule: EmulatedLimit) -> None:
        with self._lock:
            self._rules[key] = rule
            for pair in [p for p in self._buckets if p[1] == key]:
                del self._buckets[pair]
            self._blocked.pop(key, None)

    def exhaust(self, key: str, reset_in: float, credential: str | None = None) -> None:
        """Use up ``key``'s bucket until ``reset_in`` seconds from now (a far reset = a cap):
        the bucket of ``credential``, or with None every credential's (also those that call
        for the first time before then)."""
        with self._lock:
            now = self._clock()
            if credential is None:
                self._blocked[key] = now + reset_in
                pairs = [p for p in self._buckets if p[1] == key] or [("", key)]
            else:
                pairs = [(credential, key)]
            for cred, k in pairs:
                bucket = self._bucket(k, now, cred)
                bucket.used = bucket.rule.limit
                bucket.blocked_until = now + reset_in

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._blocked.clear()

    def consume(self, key: str, credential: str = "") -> Quota:
        with self._lock:
            now = self._clock()
            bucket = self._bucket(key, now, credential)
            allowed = bucket.used < bucket.rule.limit and bucket.blocked_until is None
            if allowed:
                bucket.used += 1
            return self._quota(bucket, allowed)

    def peek(self, key: str, credential: str = "") -> Quota:
        with self._lock:
            bucket = self._bucket(key, self._clock(), credential)
            return self._quota(bucket, bucket.used < bucket.rule.limit)

    def _bucket(self, key: str, now: float, credential: str = "") -> _Bucket:
        bucket = self._buckets.get((credential, key))
        if bucket is None:
            rule = self._rules.get(key) or self._rules[X_DEFAULT]
            bucket = self._buckets[(credential, key)] = _Bucket(rule)
            until = self._blocked.get(key)
            if until is not None and now < until:
                bucket.used, bucket.blocked_until = rule.limit, until
        if bucket.blocked_until is not None and now >= bucket.blocked_until:
            bucket.blocked_until = None
            bucket.used, bucket.started = 0, None
        if bucket.started is not None and now >= bucket.started + bucket.rule.window:
            bucket.used, bucket.started = 0, None
        if bucket.started is None:
            bucket.started = now
        return bucket

    @staticmethod
    def _quota(bucket: _Bucket, allowed: bool) -> Quota:
        assert bucket.started is not None
        reset_at = bucket.blocked_until or bucket.started + bucket.rule.window
        return Quota(bucket.rule.limit, bucket.used, reset_at, allowed, bucket.rule.usage_cap)
