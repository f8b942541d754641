"""Identifiers as the platforms mint them: X snowflakes and Reddit base-36 ids.

X post ids are snowflakes: the millisecond since X's epoch shifted left by 22 bits, plus a
sequence. They grow with time, which is what makes ``since_id`` / ``until_id`` work. Reddit ids
are base-36 counters; a *fullname* prefixes the kind (``t1_`` comment, ``t2_`` account,
``t3_`` submission, ``t5_`` subreddit).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

TWEPOCH_MS = 1_288_834_974_657
SEQUENCE_BITS = 22
SEQUENCE_MASK = (1 << SEQUENCE_BITS) - 1
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def epoch_ms(at: datetime) -> int:
    """Milliseconds since the Unix epoch of an aware datetime."""
    return int(at.timestamp() * 1000)


def snowflake(at: datetime, sequence: int) -> int:
    """The X id of something created at ``at`` with a (22-bit) ``sequence``."""
    return ((epoch_ms(at) - TWEPOCH_MS) << SEQUENCE_BITS) | (sequence & SEQUENCE_MASK)


def snowflake_floor(at: datetime) -> int:
    """The smallest snowflake minted at or after ``at``."""
    return max(0, (epoch_ms(at) - TWEPOCH_MS) << SEQUENCE_BITS)


def snowflake_time(sid: int) -> datetime:
    return datetime.fromtimestamp(((sid >> SEQUENCE_BITS) + TWEPOCH_MS) / 1000, tz=UTC)


def base36(n: int) -> str:
    if n < 0:
        raise ValueError("base36 of a negative number")
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if n == 0:
            return out


def from_base36(text: str) -> int:
    return int(text, 36)


def base62(n: int, width: int) -> str:
    out = ""
    for _ in range(width):
        n, r = divmod(n, 62)
        out = _B62[r] + out
    return out


def stable_hash(text: str) -> int:
    """A 64-bit hash that, unlike ``hash()``, is the same in every process."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")
