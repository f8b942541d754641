"""The rate-limit and retry policy every connector shares.

* A 429, or a page that leaves ``remaining`` at 0, blocks its rate-limit scope until the reset.
  Three regimes, by how far away the reset is:

  - within ``max_inline_wait`` (a few seconds): waited for inline (with the injected ``sleep``);
  - within ``max_rate_limit_wait``: waited for inline too, unless the policy *defers* (inside
    a scheduler task, ``defer=True``): then :class:`RateLimitDeferred` is raised, so the task
    can give its worker slot back and be rescheduled at the reset (the pages landed so far
    stay, and the rescheduled attempt resumes after them);
  - later: a usage cap, and the run fails fast for that account with the reset time in the
    error.
* 5xx answers, timeouts and connection errors are retried ``max_retries`` times with exponential
  backoff and jitter (tenacity); after that the account fails with the last reason.
* Every other 4xx is not retried: the caller decides (an account status, or a fatal error).

X sends ``x-rate-limit-limit/remaining/reset`` with the reset in epoch seconds; Reddit sends
``x-ratelimit-used/remaining/reset`` with the reset in seconds from now; Mastodon sends
``X-RateLimit-Limit/Remaining/Reset`` with the reset as an ISO 8601 time; Bluesky sends
``ratelimit-limit/remaining/reset`` (and ``ratelimit-policy``) with the reset in epoch seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

if TYPE_CHECKING:
    from maturity.connectors.settings import Policy

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimit:
    limit: float | None = None
    remaining: float | None = None
    reset_at: float | None = None
    """Epoch seconds."""


def _number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def x_rate_limit(headers: Mapping[str, str], now: float) -> RateLimit:
    return RateLimit(
        _number(headers, "x-rate-limit-limit"),
        _number(headers, "x-rate-limit-remaining"),
        _number(headers, "x-rate-limit-reset"),
    )


def reddit_rate_limit(headers: Mapping[str, str], now: float) -> RateLimit:
    used = _number(headers, "x-ratelimit-used")
    remaining = _number(headers, "x-ratelimit-remaining")
    reset = _number(headers, "x-ratelimit-reset")
    limit = used + remaining if used is not None and remaining is not None else None
    return RateLimit(limit, remaining, now + reset if reset is not None else None)


def mastodon_rate_limit(headers: Mapping[str, str], now: float) -> RateLimit:
    """Mastodon's ``X-RateLimit-Reset`` is an ISO 8601 time (``2025-03-10T12:05:00.000Z``);
    an epoch number is read too. A reset that does not parse is unknown."""
    raw = headers.get("x-ratelimit-reset") or ""
    reset = _number(headers, "x-ratelimit-reset")
    if reset is None and raw:
        try:
            reset = datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
        except ValueError:
            reset = None
    return RateLimit(
        _number(headers, "x-ratelimit-limit"), _number(headers, "x-ratelimit-remaining"), reset
    )


def bluesky_rate_limit(headers: Mapping[str, str], now: float) -> RateLimit:
    return RateLimit(
        _number(headers, "ratelimit-limit"),
        _number(headers, "ratelimit-remaining"),
        _number(headers, "ratelimit-reset"),
    )


class RateLimitDeferred(Exception):
    """A rate limit whose reset is further away than the policy waits inline, raised instead
    of sleeping when the policy defers (inside a scheduler task). Not a failure: the caller
    keeps what was landed and tries again at ``reset_at``.

    Carries the platform, the account, the endpoint and the rate-limit scope, never a
    credential."""

    def __init__(
        self, *, platform: str, account: str, endpoint: str, scope: str, reset_at: float
    ) -> None:
        self.platform = platform
        self.account = account
        self.endpoint = endpoint
        self.scope = scope
        self.reset_at = reset_at
        super().__init__(
            f"{platform} account {account}, {endpoint}: the rate limit is used up until "
            f"{self.reset_time.isoformat(timespec='seconds')}"
        )

    @property
    def reset_time(self) -> datetime:
        """The reset as an aware UTC datetime."""
        return datetime.fromtimestamp(self.reset_at, UTC)


class Transient(Exception):
    """A failure worth another attempt: after ``wait`` seconds, or after backoff when None."""

    def __init__(self, reason: str, *, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 4
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    max_rate_limit_wait: float = 900.0
    max_inline_wait: float = 5.0
    """A rate-limit wait this short is always slept inline, deferring or not."""
    defer: bool = False
    """Raise :class:`RateLimitDeferred` for a longer wait (within ``max_rate_limit_wait``)
    instead of sleeping: set inside a scheduler task, never by the CLI."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.time, repr=False)
    """Wall-clock seconds, only to time waits; never for any record."""

    @classmethod
    def from_settings(
        cls,
        settings: Policy,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> RetryPolicy:
        return cls(
            settings.max_retries,
            settings.backoff_seconds,
            settings.backoff_max_seconds,
            settings.max_rate_limit_wait,
            settings.max_inline_wait,
            settings.defer_rate_limits,
            sleep or time.sleep,
            clock or time.time,
        )

    @property
    def attempts(self) -> int:
        return self.max_retries + 1

    def wait_for_reset(self, reset_at: float) -> float | None:
        """Seconds to wait for ``reset_at`` (plus one for clock skew), or None when too far."""
        wait = max(0.0, reset_at - self.clock()) + 1.0
        return wait if wait <= self.max_rate_limit_wait else None

    def rate_limit_wait(
        self, reset_at: float, *, platform: str, account: str, endpoint: str, scope: str
    ) -> float | None:
        """How to meet a rate limit that resets at ``reset_at``: the seconds to wait inline, or
        None for a usage cap (the caller fails fast); raises :class:`RateLimitDeferred` when
        the policy defers and the wait is longer than ``max_inline_wait``."""
        wait = self.wait_for_reset(reset_at)
        if wait is None:
            return None
        if self.defer and wait > self.max_inline_wait:
            raise RateLimitDeferred(
                platform=platform,
                account=account,
                endpoint=endpoint,
                scope=scope,
                reset_at=reset_at,
            )
        return wait

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.wait is not None:
            return exc.wait
        backoff = wait_exponential_jitter(
            multiplier=self.backoff_seconds,
            max=self.backoff_max_seconds,
            jitter=self.backoff_seconds,
        )
        return float(backoff(state))

    def run(self, attempt: Callable[[], T], *, what: str = "a request") -> T:
        """Call ``attempt`` until it returns; :class:`Transient` is retried, others propagate.

        Each wait is logged with ``what`` (the account and endpoint), so a task log shows why
        it is quiet. Raises the last :class:`Transient` when every attempt failed.
        """

        def tell(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            reason = exc.reason if isinstance(exc, Transient) else repr(exc)
            wait = state.next_action.sleep if state.next_action else 0.0
            log.warning(
                "%s: %s; waiting %.1f s before attempt %d of %d",
                what,
                reason,
                wait,
                state.attempt_number + 1,
                self.attempts,
            )

        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            retry=retry_if_exception_type(Transient),
            wait=self._wait,
            sleep=self.sleep,
            before_sleep=tell,
            reraise=True,
        )
        return retrying(attempt)
