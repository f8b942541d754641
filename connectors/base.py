"""What every platform connector provides, so Mastodon and Bluesky can be added the same way.

A connector fetches pages for one account over one window and lands each page verbatim. It
does not build records from API objects: its platform's *assembler* does, as a pure function of
the landed pages and the manifest context. A live collection and a replay of its landing
therefore give the same records by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from maturity.connectors.landing import LandedPage, Landing
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor
    from maturity.registry import Account

Pseudonymise = Callable[[str, str], str]
"""``(platform, raw_id) -> pseudonym``; :class:`maturity.pseudonym.Pseudonymiser` is one."""


@dataclass(frozen=True)
class Target:
    """One account to collect, with the organisation it belongs to."""

    org_id: str
    account: Account
    own_handles: frozenset[str]
    """Handles of all the organisation's accounts on this platform, as the registry has them.

    They keep their handle in records; everyone else becomes a pseudonym."""


@runtime_checkable
class Connector(Protocol):
    platform: str

    def prepare(self, targets: Sequence[Target], window: Window, landing: Landing) -> None:
        """Batch work shared by many accounts (X resolves 100 handles per request)."""

    def collect(
        self, target: Target, window: Window, cursors: Mapping[str, Cursor], landing: Landing
    ) -> CollectionBatch:
        """Fetch and land the account's pages for ``window``; return the assembled batch."""

    def close(self) -> None: ...


class Assembler(Protocol):
    """Pure: landed pages + manifest context → records. Used live and on replay."""

    def __call__(
        self,
        pages: Sequence[LandedPage],
        context: Mapping[str, Any],
        target: Target,
        window: Window,
        pseudonymise: Pseudonymise,
    ) -> CollectionBatch: ...


def parse_time(value: str) -> datetime:
    """An ISO-8601 timestamp from an API (``Z`` or offset) as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)
