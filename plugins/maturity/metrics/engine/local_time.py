"""Local wall-clock time in an organisation's timezone, and its business hours.

Business hours are Monday to Friday, 09:00 (inclusive) to 17:00 (exclusive) local time, in the
organisation's IANA timezone (``Organisation.timezone``, zoneinfo), public holidays not
excluded. A timezone's UTC offset over a window is a step function: :func:`offsets` finds its
steps (DST transitions) once, and both the vectorised computation and the SQL query refs use
the same steps, so the two always classify a message the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

US_PER_SECOND = 1_000_000
US_PER_HOUR = 3600 * US_PER_SECOND
US_PER_DAY = 24 * US_PER_HOUR
BUSINESS_START_HOUR = 9
BUSINESS_END_HOUR = 17
SATURDAY = 5

#: Offsets are sampled this far apart; no zone changes its offset twice within six hours.
_STEP = timedelta(hours=6)

IntArray = np.ndarray[Any, np.dtype[np.int64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def _offset_us(zone: ZoneInfo, at: datetime) -> int:
    offset = at.astimezone(zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds()) * US_PER_SECOND


def _transition(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first whole second in ``(low, high]`` whose offset differs from ``low``'s."""
    before = _offset_us(zone, low)
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        mid = mid.replace(microsecond=0)
        if mid <= low:
            mid = low + timedelta(seconds=1)
        if _offset_us(zone, mid) == before:
            low = mid
        else:
            high = mid
    return high


@lru_cache(maxsize=256)
def offsets(
    tz: str, start: datetime, end: datetime
) -> tuple[tuple[datetime, ...], tuple[int, ...]]:
    """UTC instants where ``tz`` changes offset inside ``[start, end)``, and the offsets (µs).

    ``offsets[0]`` holds before the first instant, ``offsets[i]`` from instant ``i - 1`` on.
    """
    zone = ZoneInfo(tz)
    start = start.astimezone(UTC).replace(microsecond=0)
    steps: list[datetime] = []
    values = [_offset_us(zone, start)]
    at = start
    while at < end:
        nxt = min(at + _STEP, end)
        if _offset_us(zone, nxt) != values[-1]:
            change = _transition(zone, at, nxt)
            steps.append(change)
            values.append(_offset_us(zone, change))
        at = nxt
    return tuple(steps), tuple(values)


def local_micros(t_us: IntArray, tz: str, start: datetime, end: datetime) -> IntArray:
    """UTC epoch microseconds ``t_us`` as local wall-clock epoch microseconds in ``tz``."""
    steps, values = offsets(tz, start, end)
    bounds = np.array([int(s.timestamp()) * US_PER_SECOND for s in steps], dtype=np.int64)
    which = np.searchsorted(bounds, t_us, side="right")
    return t_us + np.asarray(values, dtype=np.int64)[which]


def weekday(local_us: IntArray) -> IntArray:
    """Monday 0 … Sunday 6 (1970-01-01 was a Thursday)."""
    return ((local_us // US_PER_DAY) + 3) % 7


def hour(local_us: IntArray) -> IntArray:
    return (local_us % US_PER_DAY) // US_PER_HOUR


def business_hours(local_us: IntArray) -> BoolArray:
    h = hour(local_us)
    return (weekday(local_us) < SATURDAY) & (h >= BUSINESS_START_HOUR) & (h < BUSINESS_END_HOUR)


def weekend(local_us: IntArray) -> BoolArray:
    return weekday(local_us) >= SATURDAY
