"""``maturity pseudonym rotate``: re-key the warehouse's pseudonyms from the landing.

A pseudonym is an HMAC of a raw platform id, so it cannot be re-keyed from the warehouse alone.
The landing holds the raw pages, so replaying every landed window of every registered account
with a pseudonymiser that computes both the old and the new pseudonym of each raw id it meets
gives the complete mapping old → new for everything the landing still covers. The warehouse
is then rewritten through that mapping in one transaction (:mod:`maturity.warehouse.rekey`):
all or nothing. Replay goes through the same assemblers as a load, so the mapping covers exactly
the ids a load pseudonymises.

Sound only if the landing covers every raw row: a raw row whose pages were purged (or landed
elsewhere) is refused, and nothing changes; purge the raw rows with the same retention first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from maturity.connectors.landing import Landing, window_of_dir
from maturity.evidence import Window

if TYPE_CHECKING:
    from maturity.registry import Registry
    from maturity.warehouse import Warehouse
    from maturity.warehouse.rekey import RekeyResult

_ANY = Window(datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 2, tzinfo=UTC))


class _BothKeys:
    """A pseudonymiser for replay that answers with the old pseudonym and notes the new one."""

    def __init__(self, old: Callable[[str, str], str], new: Callable[[str, str], str]) -> None:
        self.old, self.new = old, new
        self.mapping: dict[str, str] = {}

    def __call__(self, platform: str, raw_id: str) -> str:
        old = self.old(platform, raw_id)
        self.mapping[old] = self.new(platform, raw_id)
        return old


@dataclass(frozen=True)
class Rotation:
    windows: int
    """Landed account windows replayed."""
    result: RekeyResult


def mapping_from_landing(
    landing_root: Path,
    registry: Registry,
    old: Callable[[str, str], str],
    new: Callable[[str, str], str],
) -> tuple[dict[str, str], int]:
    """old pseudonym → new pseudonym for every raw id in the landing; and windows replayed."""
    from maturity.collect import replay_account, targets

    both = _BothKeys(old, new)
    windows = 0
    landing = Landing(landing_root)
    for target in targets(registry):
        account = target.account
        base = landing.account(account.platform, target.org_id, account.handle, _ANY)
        folder = base.directory.parent
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            window = window_of_dir(entry.name)
            if window is not None and replay_account(landing_root, target, window, both):
                windows += 1
    return both.mapping, windows


def rotate(
    landing_root: Path,
    registry: Registry,
    warehouse: Warehouse,
    old: Callable[[str, str], str],
    new: Callable[[str, str], str],
    *,
    dry_run: bool = False,
) -> Rotation:
    """Re-key every stored pseudonym from ``old`` to ``new``; refuses (``InputError``, nothing
    written) when a raw row's pseudonym is not covered by the landing."""
    mapping, windows = mapping_from_landing(landing_root, registry, old, new)

    def unlinkable(pseudonym: str) -> str:
        return new("rekeyed", pseudonym)

    result = warehouse.rekey_pseudonyms(mapping, unlinkable, write=not dry_run)
    return Rotation(windows, result)
