"""``maturity purge``: retention of the raw data, landing files and raw warehouse rows.

What goes, when older than the cutoff (now minus ``--older-than``):

- in the landing area, every window directory (``<platform>/<org>/<handle>/<start>_<end>/``:
  its pages, their envelopes and its manifest) whose window *ended* at or before the cutoff, so
  a window is either complete or gone, never half replayable;
- in the warehouse, the raw items (see :mod:`maturity.warehouse.retention`).

What stays: every aggregate and evidence id an audit needs (metric values with their refs,
assessments, criteria, facts, runs, quality results) and every ``landing_page`` row, marked
``purged_at`` when its file went.

One purge is all or nothing: the window directories are first renamed into a trash directory
beside them (``.purging-<id>``, same file system, so each rename is atomic), then the warehouse
deletes and marks in one transaction; if that fails the directories are renamed back, and only
after the commit is the trash deleted. A trash left by a crash is deleted by the next purge.
Running it twice deletes nothing the second time.

Content the platform stopped serving is not kept until the cutoff (:func:`purge_gone`, run by
the collect step): when a later collection shows a post or message deleted, or an account
protected, suspended or deleted, those records go from the warehouse and those items from the
landed pages at once (X developer policy; see docs/security.md).
"""

from __future__ import annotations

import re
import shutil
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.connectors.landing import window_of_dir
from maturity.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from maturity.connectors.base import Target
    from maturity.connectors.merge import Gone
    from maturity.evidence import Window
    from maturity.warehouse import Warehouse
    from maturity.warehouse.retention import GoneCounts, RawCounts

TRASH_PREFIX = ".purging-"

_SHORT = re.compile(r"^\s*(\d{1,6})\s*(d|w|mo|y)\s*$", re.IGNORECASE)
_ISO = re.compile(r"^P(?:(\d{1,6})Y)?(?:(\d{1,6})M)?(?:(\d{1,6})W)?(?:(\d{1,6})D)?$")


@dataclass(frozen=True, slots=True)
class Age:
    """A retention period in calendar terms: years and months are calendar ones."""

    years: int = 0
    months: int = 0
    days: int = 0

    def before(self, now: datetime) -> datetime:
        """``now`` minus this age (the 31st of a shorter month becomes its last day)."""
        months = now.year * 12 + (now.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(months, 12)
        if year < 1:
            raise InputError("the retention period reaches before year 1", where="--older-than")
        day = min(now.day, monthrange(year, month + 1)[1])
        return now.replace(year=year, month=month + 1, day=day) - timedelta(days=self.days)

    def __str__(self) -> str:
        parts = [(self.years, "y"), (self.months, "mo"), (self.days, "d")]
        return " ".join(f"{n}{unit}" for n, unit in parts if n) or "0d"


def parse_age(text: str) -> Age:
    """``400d``, ``8w``, ``18mo``, ``2y`` or ISO 8601 ``P400D`` / ``P1Y6M`` (no time part)."""
    short = _SHORT.match(text)
    if short:
        n, unit = int(short[1]), short[2].lower()
        age = {
            "d": Age(days=n),
            "w": Age(days=7 * n),
            "mo": Age(months=n),
            "y": Age(years=n),
        }[unit]
    else:
        iso = _ISO.match(text.strip().upper())
        if iso is None or not any(iso.groups()):
            raise InputError(
                f"'{text}' is not a duration",
                where="--older-than",
                fix="write e.g. 400d, 8w, 18mo, 2y, or ISO 8601 P400D / P1Y6M",
            )
        y, m, w, d = (int(g or 0) for g in iso.groups())
        age = Age(years=y, months=m, days=7 * w + d)
    if age == Age():
        raise InputError("a retention period of zero would purge everything", where="--older-than")
    return age


@dataclass(frozen=True, slots=True)
class PurgePlan:
    """What a purge with this cutoff deletes (``--dry-run`` prints it)."""

    cutoff: datetime
    landing_root: Path | None
    window_dirs: tuple[str, ...]
    """Window directories, relative to the landing root, in path order."""
    files: int
    bytes: int
    warehouse: RawCounts | None


def _window_dirs(root: Path, cutoff: datetime) -> list[Path]:
    found: list[Path] = []
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*")):
        if TRASH_PREFIX in path.as_posix() or path.is_symlink() or not path.is_dir():
            continue
        window = window_of_dir(path.name)
        if window is not None and window.end <= cutoff:
            found.append(path)
    return found


def plan_purge(
    landing_root: Path | None, warehouse: Warehouse | None, cutoff: datetime
) -> PurgePlan:
    if cutoff.tzinfo is None:
        raise ValueError("the cutoff must be timezone-aware")
    dirs = _window_dirs(landing_root, cutoff) if landing_root is not None else []
    files = [f for d in dirs for f in d.rglob("*") if f.is_file()]
    rel = tuple(d.relative_to(landing_root).as_posix() for d in dirs) if landing_root else ()
    return PurgePlan(
        cutoff=cutoff,
        landing_root=landing_root,
        window_dirs=rel,
        files=len(files),
        bytes=sum(f.stat().st_size for f in files),
        warehouse=warehouse.count_older(cutoff, rel) if warehouse is not None else None,
    )


def _clear_old_trash(root: Path) -> None:
    for old in root.glob(f"{TRASH_PREFIX}*"):
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)


def purge(
    landing_root: Path | None,
    warehouse: Warehouse | None,
    cutoff: datetime,
    *,
    now: datetime | None = None,
) -> PurgePlan:
    """Delete what :func:`plan_purge` lists, all or nothing; returns what was deleted."""
    now = now or datetime.now(UTC)
    plan = plan_purge(landing_root, warehouse, cutoff)
    moved: list[tuple[Path, Path]] = []
    trash: Path | None = None
    if landing_root is not None and landing_root.is_dir():
        _clear_old_trash(landing_root)
        trash = landing_root / f"{TRASH_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        if trash is not None and plan.window_dirs:
            trash.mkdir()
            for i, rel in enumerate(plan.window_dirs):
                assert landing_root is not None
                source = landing_root / rel
                target = trash / str(i)
                source.rename(target)
                moved.append((source, target))
        counts = (
            warehouse.purge_older(cutoff, plan.window_dirs, now) if warehouse is not None else None
        )
    except BaseException:
        for source, target in reversed(moved):
            source.parent.mkdir(parents=True, exist_ok=True)
            target.rename(source)
        if trash is not None and trash.is_dir():
            shutil.rmtree(trash)
        raise
    if trash is not None and trash.is_dir():
        shutil.rmtree(trash)
    if landing_root is not None:
        _remove_empty_parents(landing_root, plan.window_dirs)
    return PurgePlan(plan.cutoff, landing_root, plan.window_dirs, plan.files, plan.bytes, counts)


def _remove_empty_parents(root: Path, rels: tuple[str, ...]) -> None:
    """Account and organisation directories left empty by the purge go too."""
    for rel in rels:
        parent = (root / rel).parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


@dataclass(frozen=True, slots=True)
class GonePurge:
    """What :func:`purge_gone` removed for one account."""

    rows: GoneCounts | None
    pages: tuple[str, ...]
    """Landed pages the items were taken out of (relative to the landing root)."""

    def describe(self) -> str:
        rows = self.rows.total if self.rows is not None else 0
        return f"{rows} warehouse row(s) deleted, {len(self.pages)} landed page(s) redacted"


def purge_gone(
    landing_root: Path, warehouse: Warehouse | None, target: Target, window: Window, gone: Gone
) -> GonePurge:
    """Remove what ``gone`` names (:func:`maturity.connectors.merge.gone`) for the account:

    - from the warehouse: the deleted posts and messages, and for a withdrawn account every
      post of it, with their reply links (one transaction);
    - from the landing: those items out of the landed pages (the deleted ones in this window's
      pages, a withdrawn account's posts in every window), each page keeping its path.

    The warehouse goes first: if the landing is not finished, the next collection finds the
    same items gone again and finishes it."""
    from maturity.connectors import reddit_assembler as ra
    from maturity.connectors import x_assembler as xa
    from maturity.connectors.landing import Landing, redact_pages
    from maturity.connectors.reddit import without_things
    from maturity.connectors.x import without_tweets
    from maturity.platforms import REDDIT, X

    account = target.account
    rows = None
    if warehouse is not None:
        rows = warehouse.purge_gone(
            account.platform,
            posts=sorted(gone.posts),
            inbound=sorted(gone.inbound),
            withdrawn=(target.org_id, account.handle) if gone.withdrawn else None,
        )
    pages: list[str] = []
    if account.platform not in (X, REDDIT):
        return GonePurge(rows, ())
    account_dir = (
        Landing(landing_root)
        .account(account.platform, target.org_id, account.handle, window)
        .directory.parent
    )
    if account.platform == X:
        listings: tuple[str, ...] = (xa.TWEETS, xa.MENTIONS)
        own: tuple[str, ...] = (xa.TWEETS,)
        rewrite: Callable[[frozenset[str] | None], Callable[[Any], Any]] = without_tweets
    else:
        listings = (*ra.LISTINGS, ra.TREE)
        own = (ra.SUBMITTED, ra.COMMENTS)
        rewrite = without_things
    deleted = gone.posts | gone.inbound
    if deleted:
        pages += redact_pages(
            landing_root,
            account_dir,
            listings,
            rewrite(frozenset(deleted)),
            "deleted on the platform",
            windows=[window],
        )
    if gone.withdrawn:
        pages += redact_pages(
            landing_root, account_dir, own, rewrite(None), f"the account became {gone.withdrawn}"
        )
    return GonePurge(rows, tuple(pages))
