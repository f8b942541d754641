"""Writes keyed on natural keys, in the dialect's own ``INSERT ... ON CONFLICT``.

An upsert only touches a row whose values differ (``IS DISTINCT FROM``), so rewriting the same
data changes nothing, not even a row version. ``replace_scope`` makes a table hold exactly the
given rows within a scope (for example one organisation and window): upsert them, then delete
the rows of that scope that are no longer there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, or_, select
from sqlalchemy.dialects import postgresql, sqlite

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
    unique: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        unique[tuple(row[k] for k in keys)] = row
    return list(unique.values())


def insert_if_absent(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    if not rows:
        return
    statement = _insert(connection, table).on_conflict_do_nothing(
        index_elements=list(key_columns(table))
    )
    connection.execute(statement, list(rows))


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
    keys = key_columns(table)
    values = [c.name for c in table.columns if c.name not in keys]
    insert = _insert(connection, table)
    if not values:
        insert_if_absent(connection, table, rows)
        return
    excluded = insert.excluded
    differs = or_(*(table.c[name].is_distinct_from(excluded[name]) for name in values))
    condition = differs if only_if is None else and_(differs, only_if)
    statement = insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: excluded[name] for name in values},
        where=condition,
    )
    connection.execute(statement, list(rows))


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
