"""A timestamp column that always holds timezone-aware UTC, on SQLite and on PostgreSQL.

PostgreSQL stores ``timestamptz`` and returns it in the session's timezone; SQLite stores text
and forgets the zone. This type converts every value to UTC on the way in (refusing naive
datetimes, whose meaning is a guess) and hands back UTC-aware datetimes on the way out, so
natural keys that contain a timestamp compare equal on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} cannot be stored: give it a timezone "
                "(the warehouse stores UTC)"
            )
        utc = value.astimezone(UTC)
        # SQLite keeps text: store the UTC wall time without an offset so that equal instants
        # are equal strings and string order is time order.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def to_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime; naive values are refused, as in the column type."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: give it a timezone")
    return value.astimezone(UTC)
