"""How much of the window an account's data covers: history caps must not read as silence.

X serves at most the 3,200 most recent posts of a user's timeline and 800 mentions; Reddit
listings about 1,000 items. An account whose collection reached such a cap has data for the
last part of the window only. It is *capped* when

* a snapshot of it observed in the window says so (``AccountSnapshot.history_capped``, set
  by the assembler from the cursor it marked truncated); it then covers the window from the
  latest ``covered_from`` of those snapshots (the oldest item the capped timeline returned);
* or, for records that do not carry the flag (a warehouse that does not keep it), its posts
  in the window reach the timeline cap, or its inbound messages the mentions cap, and the
  oldest of them is more than :data:`SLACK_US` after the window start: it covers the window
  from its oldest post (for a timeline at the cap).

Activity rates and regularity are computed over the covered span: an account from its
covered start, a platform or organisation from the latest covered start of its readable
accounts (where the data of all of them is complete).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from maturity.metrics.engine.scopes import BoolArray, IntArray, Scopes

#: Platform → (timeline cap, mentions cap): the most items its API serves.
CAPS: dict[str, tuple[int, int]] = {"x": (3200, 800), "reddit": (1000, 1000)}
SLACK_US = 24 * 3600 * 1_000_000


@dataclass(frozen=True, slots=True)
class Coverage:
    start_us: IntArray
    """Per account: the first instant of the window its timeline covers."""
    capped: BoolArray
    """Per account: its timeline or mentions reached the platform's cap."""


def _micros(values: pd.Series) -> np.ndarray:
    out = np.asarray(values.array.asi8, dtype=np.int64)
    return np.where(values.isna().to_numpy(), np.iinfo(np.int64).min, out)


def _from_snapshots(
    snapshots: pd.DataFrame, scopes: Scopes, start_us: int, end_us: int
) -> tuple[BoolArray, IntArray]:
    n = scopes.n_accounts
    capped = np.zeros(n, dtype=bool)
    start = np.full(n, start_us, dtype=np.int64)
    flag = snapshots["history_capped"].to_numpy(dtype=bool, na_value=False)
    if not flag.any():
        return capped, start
    rows = np.flatnonzero(flag)
    part = snapshots.iloc[rows]
    acc = scopes.account_of(part["org_id"], part["platform"], part["handle"])
    observed = _micros(part["observed_at"])
    ok = (acc >= 0) & (observed >= start_us) & (observed <= end_us)
    capped[acc[ok]] = True
    covered = _micros(part["covered_from"])[ok]
    np.maximum.at(start, acc[ok], np.minimum(covered, end_us))
    return capped, start


def _at_cap(
    acc: IntArray, t: IntArray, scopes: Scopes, which: int, start_us: int
) -> tuple[BoolArray, IntArray]:
    """Per account: its rows reach its platform's cap (``which``: 0 timeline, 1 mentions) with
    the oldest well after the window start; and that oldest instant."""
    n = scopes.n_accounts
    counts = np.bincount(acc, minlength=n)
    cap = np.array(
        [CAPS.get(p, (np.iinfo(np.int64).max,) * 2)[which] for p in scopes.accounts["platform"]],
        dtype=np.int64,
    )
    oldest = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    full = counts >= cap
    if full.any():
        rows = np.flatnonzero(full[acc])
        np.minimum.at(oldest, acc[rows], t[rows])
    return full & (oldest > start_us + SLACK_US), oldest


def coverage(
    snapshots: pd.DataFrame,
    scopes: Scopes,
    start_us: int,
    end_us: int,
    posts: tuple[IntArray, IntArray],
    inbound: tuple[IntArray, IntArray],
) -> Coverage:
    """Per account: where its data starts to cover the window, and whether it was capped.
    ``posts`` and ``inbound`` are (account, time) of the window's rows."""
    capped, start = _from_snapshots(snapshots, scopes, start_us, end_us)
    timeline, oldest = _at_cap(*posts, scopes, 0, start_us)
    mentions, _ = _at_cap(*inbound, scopes, 1, start_us)
    start = np.where(timeline & ~capped, np.maximum(start, oldest), start)
    return Coverage(start_us=start, capped=capped | timeline | mentions)
