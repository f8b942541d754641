"""Rewrite every pseudonym stored in the warehouse through a mapping old → new (``maturity
pseudonym rotate``).

Every text and JSON column of every table is searched for pseudonyms (``anon:`` and 26 base32
characters), not only the author columns, because quality results may quote them too. A
pseudonym the mapping lacks (its raw id is not in the landing any more) is *unlinkable*:

- in a raw table (posts, inbound messages, reply links, snapshots) it is refused: future
  collections could not be linked to it, so the caller must purge those rows first;
- anywhere else (quality results of old windows) it is replaced by a pseudonym of the old one
  under the new key (``unlinkable``), consistent across the warehouse but linkable to nobody.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Connection, String, Table, and_, select, update

from maturity.warehouse import schema as t

PSEUDONYM = re.compile(r"anon:[a-z2-7]{26}")
RAW_TABLES = frozenset({"post", "inbound_message", "reply_link", "account_snapshot"})


@dataclass
class RekeyResult:
    rows: dict[str, int] = field(default_factory=dict)
    """Rows rewritten per table."""
    pseudonyms: int = 0
    """Distinct pseudonyms re-keyed from the landing."""
    unlinkable: int = 0
    """Distinct pseudonyms outside the raw tables re-keyed without a raw id."""
    missing: dict[str, int] = field(default_factory=dict)
    """Per raw table: distinct pseudonyms with no raw id in the landing (refused)."""


def _text_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, (String, JSON))]


class _Swap:
    """old → new for one pass: mapped, unlinkable, or (in a raw table) missing."""

    def __init__(self, mapping: Mapping[str, str], unlinkable: Callable[[str], str]) -> None:
        self.mapping, self.unlinkable = mapping, unlinkable
        self.seen: set[str] = set()
        self.unlinked: dict[str, str] = {}
        self.missing: dict[str, set[str]] = {}

    def __call__(self, old: str, table: str) -> str:
        self.seen.add(old)
        new = self.mapping.get(old)
        if new is not None:
            return new
        if table in RAW_TABLES:
            self.missing.setdefault(table, set()).add(old)
            return old
        if old not in self.unlinked:
            self.unlinked[old] = self.unlinkable(old)
        return self.unlinked[old]

    def row(self, row: Mapping[Any, Any], columns: list[str], table: str) -> dict[str, Any]:
        """The changed columns of ``row``."""
        updates: dict[str, Any] = {}
        for name in columns:
            value = row[name]
            if value is None:
                continue
            is_text = isinstance(value, str)
            before = value if is_text else json.dumps(value, sort_keys=True)
            if "anon:" not in before:
                continue
            after = PSEUDONYM.sub(lambda m: self(m.group(0), table), before)
            if after != before:
                updates[name] = after if is_text else json.loads(after)
        return updates


def rekey(
    connection: Connection,
    mapping: Mapping[str, str],
    unlinkable: Callable[[str], str],
    *,
    write: bool = True,
) -> RekeyResult:
    """Rewrite (or, with ``write=False``, only count) every stored pseudonym, in the caller's
    transaction. The caller refuses the result when ``missing`` is not empty."""
    result = RekeyResult()
    swap = _Swap(mapping, unlinkable)
    for table in t.metadata.sorted_tables:
        columns = _text_columns(table)
        keys = [c.name for c in table.primary_key.columns]
        changed = 0
        for row in connection.execute(select(table)).mappings().all():
            updates = swap.row(row, columns, table.name)
            if not updates:
                continue
            changed += 1
            if write:
                where = and_(*(table.c[k] == row[k] for k in keys))
                connection.execute(update(table).where(where).values(**updates))
        if changed:
            result.rows[table.name] = changed
    result.missing = {table: len(olds) for table, olds in sorted(swap.missing.items())}
    result.pseudonyms = len(swap.seen & set(mapping))
    result.unlinkable = len(swap.unlinked)
    return result
