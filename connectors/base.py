"""What every platform connector provides, so Mastodon and Bluesky can be added the same way.

A connector fetches pages for one account over one window and lands each page verbatim. It
does not build records from API objects: its platform's *assembler* does, as a pure function of
the landed pages and the manifest context. A live collection and a replay of its landing
therefore give the same records by construction.

A new platform ``p`` fills three places:

* ``connectors/p.py``: a class that satisfies :class:`Connector` (fetch, land, commit the
  context, call the assembler);
* ``connectors/p_assembler.py``: an ``assemble`` function that satisfies :class:`Assembler`;
* :mod:`maturity.connectors.context`: its context class, if it needs more than
  :class:`~maturity.connectors.context.AssemblyContext` has, listed in ``CONTEXT_TYPES`` so a
  replay reads its manifests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from maturity.connectors.context import AssemblyContext
from maturity.errors import ConnectorError
from maturity.records import SkippedItem

if TYPE_CHECKING:
    from maturity.connectors.landing import LandedPage, Landing
    from maturity.evidence import Window
    from maturity.records import CollectionBatch, Cursor, PageRef
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
    """Collects one platform's accounts. Made once per run and platform; no Airflow in here.

    The caller calls :meth:`prepare` once with every target of the run, then :meth:`collect`
    once per target (reading :attr:`notes` after each), then :meth:`close`.
    """

    platform: str
    """The platform id (:mod:`maturity.platforms`), which is also the landing's first level."""

    @property
    def notes(self) -> Sequence[str]:
        """What the last :meth:`collect` left out or could not read, one line each.

        Shown to the user with the account; empty when nothing was left out. The same lines
        go into the run's :attr:`AssemblyContext.notes`, so a replay reports them too."""

    def prepare(self, targets: Sequence[Target], window: Window, landing: Landing) -> None:
        """Do the work many accounts share before any :meth:`collect` (X resolves 100 handles
        per request, landing the pages under the shared lookup); may do nothing."""

    def collect(
        self, target: Target, window: Window, cursors: Mapping[str, Cursor], landing: Landing
    ) -> CollectionBatch:
        """Collect one account over ``window`` and return its batch.

        Must: start with empty :attr:`notes`; plan each endpoint from ``cursors`` (see
        :mod:`maturity.connectors.incremental`); land every page it fetches, verbatim, in
        ``landing.account(...)``; commit that account landing with the run's
        :class:`AssemblyContext` (so the run can be replayed); and return the platform's
        assembler applied to the landed pages and that same context, never records built from
        the API responses directly. Raises :class:`maturity.errors.ConnectorError` for a
        failure of this account alone; the run goes on with the next account.
        """

    def close(self) -> None:
        """Release sessions and connections; the connector is not used afterwards."""


C_contra = TypeVar("C_contra", bound=AssemblyContext, contravariant=True)


class Assembler(Protocol[C_contra]):
    """Pure: landed pages + manifest context → records. Used live and on replay.

    ``Assembler[XContext]`` reads X contexts. No network, clock or randomness: the same pages
    and context give the same batch. ``pages`` are one run's pages in the order fetched
    (shared lookup pages included); items outside the plan's bounds or the window are left out,
    each endpoint with a plan gets a cursor, and every record's ``source`` is its page.
    """

    def __call__(
        self,
        pages: Sequence[LandedPage],
        context: C_contra,
        target: Target,
        window: Window,
        pseudonymise: Pseudonymise,
    ) -> CollectionBatch: ...


# -- what an assembler leaves out -------------------------------------------------------------
SKIP_MISSING = "missing"
"""A field the record cannot do without (id, creation time, author) is absent or null."""
SKIP_UNREADABLE = "unreadable"
"""A field has a value of the wrong type or format (a time that does not parse, an object
where an id belongs)."""
SKIP_API_ERROR = "api error"
"""The API answered with an error object for this item (X ``errors``: deleted, withheld from
the app, not authorised); ``field`` is the error's ``parameter``."""
SKIP_NOT_LOADED = "not loaded"
"""A placeholder for items the API did not send (Reddit ``more`` children)."""
SKIP_ELSEWHERE = "addressed to another account"
"""An inbox item addressed to another user than the account collected (Reddit ``dest``)."""
SKIP_REASONS = (SKIP_MISSING, SKIP_UNREADABLE, SKIP_API_ERROR, SKIP_NOT_LOADED, SKIP_ELSEWHERE)


class Skips:
    """Collects the :class:`~maturity.records.SkippedItem` of one assembly, each once, in order."""

    def __init__(self) -> None:
        self._items: dict[SkippedItem, None] = {}

    def add(self, ref: PageRef, item_id: object, field: str | None, reason: str) -> None:
        text = None if item_id is None or isinstance(item_id, (dict, list)) else str(item_id)
        self._items.setdefault(SkippedItem(ref.path, text, field, reason), None)

    def result(self) -> tuple[SkippedItem, ...]:
        return tuple(self._items)


def page_body(page: LandedPage, kind: type[dict[str, Any]] | type[list[Any]] = dict) -> Any:
    """The page's JSON, which must be a ``kind`` (or, for ``list``, either): a page that is not
    JSON, or not the endpoint's shape, is the one documented failure of an assembler
    (:class:`ConnectorError` naming the page); the account fails, the others go on."""
    try:
        body = page.json()
    except ValueError:
        body = _NOT_JSON
    allowed = (dict, list) if kind is list else (dict,)
    if not isinstance(body, allowed):
        what = "not JSON" if body is _NOT_JSON else f"a JSON {type(body).__name__}"
        raise ConnectorError(
            f"landed page is {what}, not a {page.ref.endpoint} page",
            where=f"page {page.ref.path}",
            fix="the page stays in the landing; check what the API answered (a proxy or "
            "captive portal page?) and collect the window again",
        )
    return body


_NOT_JSON = object()


def text_or_none(value: object) -> str | None:
    """A string field as a string; numbers (ids sent as numbers) as text; anything else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        text = str(value)
        return text if text.strip() else None
    return None


def count_or_none(value: object) -> int | None:
    """A count field as an int, or None when it is absent or not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return int(value)
    except (OverflowError, ValueError):
        return None


def time_or_none(value: object) -> datetime | None:
    """An ISO-8601 timestamp (see :func:`parse_time`), or None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        at: datetime = parse_time(value)
    except (ValueError, OverflowError):
        return None
    return at


def epoch_or_none(value: object) -> datetime | None:
    """Seconds since the epoch (see :func:`from_epoch`), or None when absent or unreadable."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        at: datetime = from_epoch(value)
    except (ValueError, OverflowError, OSError):
        return None
    return at


def parse_time(value: str) -> datetime:
    """An ISO-8601 timestamp from an API (``Z`` or offset) as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def from_epoch(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)
