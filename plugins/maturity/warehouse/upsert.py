"""Writes keyed on natural keys, in the dialect's own ``INSERT ... ON CONFLICT``.

An upsert only touches a row whose values differ (``IS DISTINCT FROM``), so rewriting the same
data changes nothing, not even a row version. ``replace_scope`` makes a table hold exactly the
given rows within a scope (for example one organisation and window): upsert them, then delete
the rows of that scope that are no longer there.

``bulk_upsert`` is the same write at database speed, for the record tables a collection fills
(thousands of rows per organisation and window): on PostgreSQL the rows are copied (``COPY``,
psycopg 3's ``cursor.copy()``) into a temporary staging table that lives until the transaction
ends, then merged with one ``INSERT ... SELECT ... ON CONFLICT``; on SQLite one prepared
``INSERT ... ON CONFLICT`` runs over all rows (``executemany``). Values pass through the same
SQLAlchemy type processing as ``upsert`` (UTC timestamps, JSON, booleans), the same
``IS DISTINCT FROM`` condition decides what is rewritten, and everything runs in the caller's
transaction, so the contents and the idempotence are those of ``upsert``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    MetaData,
    Table,
    and_,
    bindparam,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from maturity.warehouse.timestamps import UtcDateTime

Row = Mapping[str, Any]


def _insert(connection: Connection, table: Table) -> Any:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    if connection.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for dialect '{connection.dialect.name}'")


def key_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.primary_key.columns)


def dedupe(table: Table, rows: Iterable[Row]) -> list[Row]:
    """Rows with unique keys, the last one of a key winning (one statement cannot touch a row
    twice)."""
    keys = key_columns(table)
    key = itemgetter(*keys)  # a tuple for two keys or more, the value for one: unique either way
    return list({key(row): row for row in rows}.values())


def insert_if_absent(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    if not rows:
        return
    statement = _insert(connection, table).on_conflict_do_nothing(
        index_elements=list(key_columns(table))
    )
    connection.execute(statement, list(rows))


def _merge(
    insert: Any,
    table: Table,
    where: ColumnElement[bool] | None = None,
    *,
    absent_only: bool = False,
) -> Any:
    """``insert`` with ``ON CONFLICT`` on the key: update the values that differ (and
    ``where`` holds); do nothing when every column is part of the key or ``absent_only``."""
    keys = key_columns(table)
    values = [c.name for c in table.columns if c.name not in keys]
    if not values or absent_only:
        return insert.on_conflict_do_nothing(index_elements=list(keys))
    excluded = insert.excluded
    differs = or_(*(table.c[name].is_distinct_from(excluded[name]) for name in values))
    return insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: excluded[name] for name in values},
        where=differs if where is None else and_(differs, where),
    )


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[Row],
    *,
    only_if: ColumnElement[bool] | None = None,
) -> None:
    """Insert ``rows``; on a key conflict update the row if any value differs (and ``only_if``
    holds, an extra condition that may refer to ``table`` and ``table.excluded``)."""
    if not rows:
        return
    connection.execute(_merge(_insert(connection, table), table, only_if), list(rows))


def excluded_of(connection: Connection, table: Table) -> Any:
    """``table.excluded`` for building an ``only_if`` condition."""
    return _insert(connection, table).excluded


def replace_scope(
    connection: Connection, table: Table, scope: Mapping[str, Any], rows: Sequence[Row]
) -> None:
    """Make ``table`` hold exactly ``rows`` among the rows matching ``scope`` (column = value)."""
    if not scope:
        raise ValueError("replace_scope needs a scope; it would otherwise empty the table")
    for row in rows:
        for column, value in scope.items():
            if row[column] != value:
                raise ValueError(f"row {row!r} is outside the scope {column}={value!r}")
    upsert(connection, table, rows)
    rest = [k for k in key_columns(table) if k not in scope]
    in_scope = and_(*(table.c[c] == v for c, v in scope.items()))
    existing = {
        tuple(r) for r in connection.execute(select(*(table.c[k] for k in rest)).where(in_scope))
    }
    keep = {tuple(row[k] for k in rest) for row in rows}
    stale = sorted(existing - keep, key=repr)
    if not stale:
        return
    statement = table.delete().where(in_scope, *(table.c[k] == bindparam(f"key_{k}") for k in rest))
    connection.execute(
        statement, [{f"key_{k}": v for k, v in zip(rest, key, strict=True)} for key in stale]
    )


# -- bulk ---------------------------------------------------------------------------------------

BULK_MIN_ROWS = 200
"""From this many rows ``bulk_upsert`` copies and merges on PostgreSQL; below it, a staging
table costs more than it saves and the rows go through ``upsert``."""


def _columns(table: Table, rows: Sequence[Row]) -> list[Column[Any]]:
    """The columns the rows give, as ``upsert`` takes them from the first row: a column no
    row names gets its default (NULL)."""
    return [c for c in table.columns if c.name in rows[0]]


def _processor(connection: Connection, column: Column[Any]) -> Callable[[Any], Any] | None:
    """The column's bind processing on this dialect (what SQLAlchemy applies to a parameter),
    with JSON as text: ``COPY`` and ``executemany`` take the serialised document."""
    impl = column.type.dialect_impl(connection.dialect)
    if isinstance(impl, JSON):
        return _json_text
    if isinstance(impl, UtcDateTime) and connection.dialect.name == "sqlite":
        return _sqlite_utc_text
    return impl.bind_processor(connection.dialect)


def _sqlite_utc_text(value: Any) -> str | None:
    """``UtcDateTime`` on SQLite, as SQLAlchemy stores it (naive UTC wall time, text with six
    fractional digits: ``2026-10-26 00:00:11.000000``), in one C call instead of two
    processors; anything but an aware datetime gets the column type's own error."""
    if value is None:
        return None
    if type(value) is datetime and value.tzinfo is UTC:
        # already UTC (most records): the wall time is the ISO text without its "+00:00"
        return value.isoformat(" ", "microseconds")[:-6]
    if not (isinstance(value, datetime) and value.utcoffset() is not None):
        UtcDateTime().process_bind_param(value, sqlite.dialect())  # raises, naming the value
        raise TypeError(f"expected an aware datetime, got {value!r}")
    utc: datetime = value.astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) in (list, tuple) and not value:
        return "[]"  # most lists of a record are empty: json.dumps([]), without the call
    return json.dumps(value)


def _tuples(
    connection: Connection, columns: Sequence[Column[Any]], rows: Sequence[Row]
) -> list[tuple[Any, ...]]:
    """The rows as tuples in column order, processed; a row without a column fails."""
    names = [c.name for c in columns]
    if len(names) == 1:
        return _processed(connection, columns, names, [(row[names[0]],) for row in rows])
    return _processed(connection, columns, names, list(map(itemgetter(*names), rows)))


def _processed(
    connection: Connection,
    columns: Sequence[Column[Any]],
    names: Sequence[str],
    values: Sequence[tuple[Any, ...]],
) -> list[tuple[Any, ...]]:
    """``values`` (tuples of ``names``) as tuples in ``columns`` order, each value through its
    column's bind processing.

    Column by column: the rows are transposed once, each processed column is mapped through
    its processor (``map`` runs the loop in C), and the columns are zipped back into rows:
    less Python per value than processing row by row, and no dictionary per row."""
    if not values:
        return []
    index = {name: i for i, name in enumerate(names)}
    by_column: list[Iterable[Any]] = list(zip(*values, strict=True))
    ordered = [by_column[index[c.name]] for c in columns]
    for i, column in enumerate(columns):
        process = _processor(connection, column)
        if process is not None:
            ordered[i] = map(process, ordered[i])
    return list(zip(*ordered, strict=True))


def bulk_upsert_values(
    connection: Connection,
    table: Table,
    names: Sequence[str],
    values: Iterable[tuple[Any, ...]],
    *,
    min_rows: int = BULK_MIN_ROWS,
) -> None:
    """``bulk_upsert`` for rows given as tuples of the columns ``names`` (no dictionary per
    row: the record write path builds them straight from the records). Rows with the same
    key are deduplicated, the last one winning, as ``dedupe`` does."""
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {', '.join(unknown)}")
    position = {name: i for i, name in enumerate(names)}
    key = itemgetter(*(position[k] for k in key_columns(table)))
    rows = list({key(v): v for v in values}.values())
    if not rows:
        return
    name = connection.dialect.name
    columns = [c for c in table.columns if c.name in position]
    if name == "sqlite":
        _sqlite_bulk(
            connection,
            table,
            columns,
            _processed(connection, columns, names, rows),
            absent_only=False,
        )
    elif name == "postgresql" and len(rows) >= min_rows:
        _postgres_bulk(
            connection,
            table,
            columns,
            _processed(connection, columns, names, rows),
            absent_only=False,
        )
    else:
        upsert(connection, table, [dict(zip(names, v, strict=True)) for v in rows])


def bulk_upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[Row],
    *,
    absent_only: bool = False,
    min_rows: int = BULK_MIN_ROWS,
) -> None:
    """``upsert(connection, table, rows)`` (``insert_if_absent`` with ``absent_only``) for
    rows with unique keys and every column given, at database speed: ``COPY`` into a staging
    table and one merge on PostgreSQL (from ``min_rows`` rows), one prepared statement over
    all rows on SQLite."""
    if not rows:
        return
    name = connection.dialect.name
    if name == "sqlite":
        columns = _columns(table, rows)
        _sqlite_bulk(connection, table, columns, _tuples(connection, columns, rows), absent_only)
    elif name == "postgresql" and len(rows) >= min_rows:
        columns = _columns(table, rows)
        data = _tuples(connection, columns, rows)
        _postgres_bulk(connection, table, columns, data, absent_only)
    elif absent_only:
        insert_if_absent(connection, table, rows)
    else:
        upsert(connection, table, rows)


def _sqlite_bulk(
    connection: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    data: list[tuple[Any, ...]],
    absent_only: bool,
) -> None:
    names = [c.name for c in columns]
    merge = _merge(sqlite.insert(table), table, absent_only=absent_only)
    statement = merge.compile(dialect=connection.dialect, column_keys=names)
    order = list(statement.positiontup or ())
    if order != names:  # the statement's placeholders, in column order
        raise RuntimeError(f"unexpected parameters {order} in the bulk upsert of {table.name}")
    connection.exec_driver_sql(statement.string, data)


def _stage(table: Table) -> Table:
    """The staging table of ``table``: its columns, no constraints, dropped at commit."""
    return Table(
        f"maturity_stage_{table.name}",
        MetaData(),
        *(Column(c.name, c.type) for c in table.columns),
    )


def _postgres_bulk(
    connection: Connection,
    table: Table,
    columns: Sequence[Column[Any]],
    data: list[tuple[Any, ...]],
    absent_only: bool,
) -> None:
    stage = _stage(table)
    names = [c.name for c in columns]
    # Created at the first bulk write of the transaction, emptied at every later one.
    connection.execute(
        text(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS "{stage.name}" '
            f'(LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP'
        )
    )
    connection.execute(text(f'TRUNCATE "{stage.name}"'))
    listed = ", ".join(f'"{n}"' for n in names)
    copy_sql = f'COPY "{stage.name}" ({listed}) FROM STDIN'
    raw = connection.connection.driver_connection
    if raw is None:
        raise RuntimeError("the connection has no driver connection to COPY on")
    try:
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for values in data:
                copy.write_row(values)
    except Exception as exc:
        # As SQLAlchemy reports any statement's failure, so the warehouse's error says it.
        raise DBAPIError(copy_sql, None, exc) from exc  # type: ignore[arg-type]
    insert = postgresql.insert(table).from_select(names, select(*(stage.c[n] for n in names)))
    merged = _merge(insert, table, absent_only=absent_only)
    connection.execute(merged)
