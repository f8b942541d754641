"""Deterministic fault injection: which call of which endpoint fails, and how.

A :class:`Fault` names a route (``GET /2/users/:id/tweets``, ``x:*``, ``reddit:*`` or ``*``)
and the matching calls it hits, counted from when it was installed: ``at=(1, 3)`` hits the
first and third, ``every=2`` every second one, ``times=3`` the next three. The first installed
fault that hits a call decides what the client gets.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter

MAX_DELAY = 60.0


class FaultKind(StrEnum):
    RATE_LIMIT = "rate_limit"
    """429 with rate-limit headers that say the window is used up until ``reset_in``."""
    SERVER_ERROR = "server_error"
    """``status`` (500, 502 or 503) with the platform's error body."""
    TIMEOUT = "timeout"
    """No answer for ``delay`` seconds, then the connection closes without a response."""
    MALFORMED_JSON = "malformed_json"
    """200 with a body that is not JSON (complete as far as HTTP is concerned)."""
    TRUNCATED = "truncated"
    """200 whose body stops mid-JSON: Content-Length promises more, the connection closes."""
    CONNECTION_RESET = "connection_reset"
    """The connection is reset (TCP RST) before any response."""


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    route: str = "*"
    at: tuple[int, ...] = (1,)
    every: int | None = None
    times: int | None = None
    status: int = 503
    delay: float = 5.0
    reset_in: float = 1.0

    def __post_init__(self) -> None:
        if any(n < 1 for n in self.at):
            raise ValueError("'at' counts matching calls from 1")
        if self.every is not None and self.every < 1:
            raise ValueError("'every' must be at least 1")
        if self.times is not None and self.times < 1:
            raise ValueError("'times' must be at least 1")
        if not 500 <= self.status <= 599:
            raise ValueError("'status' of a server error is 5xx")
        if not 0 < self.delay <= MAX_DELAY:
            raise ValueError(f"'delay' must be in (0, {MAX_DELAY}] seconds")
        if self.reset_in < 0:
            raise ValueError("'reset_in' cannot be negative")

    def hits(self, n: int) -> bool:
        """Whether the ``n``-th matching call (from 1) fails."""
        if self.every is not None:
            return n % self.every == 0
        if self.times is not None:
            return n <= self.times
        return n in self.at

    def matches(self, platform: str, route: str) -> bool:
        return self.route in ("*", route, f"{platform}:*")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["at"] = list(self.at)
        return data


_FAULT_ADAPTER: TypeAdapter[Fault] | None = None


def fault_from_dict(data: Any) -> Fault:
    """Validate a fault given as JSON (the control endpoint); raises ``ValueError``."""
    global _FAULT_ADAPTER
    if _FAULT_ADAPTER is None:
        _FAULT_ADAPTER = TypeAdapter(Fault)
    return _FAULT_ADAPTER.validate_python(data)


@dataclass
class _Installed:
    fault: Fault
    seen: int = 0
    fired: int = 0


@dataclass
class FaultPlan:
    """The installed faults; thread-safe."""

    _items: list[_Installed] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._items.append(_Installed(fault))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def next_for(self, platform: str, route: str) -> Fault | None:
        """Count this call against every matching fault; return the first that hits it."""
        chosen: Fault | None = None
        with self._lock:
            for item in self._items:
                if not item.fault.matches(platform, route):
                    continue
                item.seen += 1
                if chosen is None and item.fault.hits(item.seen):
                    item.fired += 1
                    chosen = item.fault
        return chosen

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**i.fault.to_dict(), "seen": i.seen, "fired": i.fired} for i in self._items]
