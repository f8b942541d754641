"""Messages, posts and reply links keyed per organisation; a landing page row per path.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Upgrade, over a warehouse that holds rows:

- ``post``, ``inbound_message`` and ``reply_link`` get ``org_id`` in their primary key
  (``(platform, org_id, post_id)``, ``(platform, org_id, message_id)``,
  ``(platform, org_id, inbound_id)``). Every existing row keeps its key: the old key was
  unique, so the wider one is. Messages an earlier load took from another organisation are not
  in the warehouse any more; the next collection of that window brings them back.
- ``landing_page`` is keyed on ``path`` (``sha256`` stays a column, indexed). Should two rows
  name one path (only a 48-bit hash prefix collision could do that), the one with the smaller
  hash is kept. Then every page path a post, inbound message or account snapshot names and that
  has no row gets one, built from the record's page columns: the rows the old key collapsed.

Downgrade, to the keys of 0002, must drop what those keys cannot hold:

- of the rows of ``post``, ``inbound_message`` and ``reply_link`` that share their old key
  (one message stored for two organisations), only the row of the organisation whose id sorts
  first is kept; the others are deleted. That is deterministic (the old code kept whichever
  organisation wrote last) and loses only rows the old schema could never have held. Each
  table's count of deleted rows is logged.
- of the ``landing_page`` rows sharing a hash (identical pages under different paths), the row
  with the smallest path is kept.

SQLite alters the tables in batch mode (copy and rename), PostgreSQL in place; both run in the
caller's transaction, so a failure leaves the warehouse at 0002.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

# table -> (old key, new key)
KEYS: dict[str, tuple[list[str], list[str]]] = {
    "post": (["platform", "post_id"], ["platform", "org_id", "post_id"]),
    "inbound_message": (["platform", "message_id"], ["platform", "org_id", "message_id"]),
    "reply_link": (["platform", "inbound_id"], ["platform", "org_id", "inbound_id"]),
}

RECORDS_WITH_PAGES = ("post", "inbound_message", "account_snapshot")


def _set_key(table: str, columns: list[str]) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(f"pk_{table}", type_="primary")
        batch.create_primary_key(f"pk_{table}", columns)


def _delete_shadowed(table: str, key: list[str], keep_smallest: str) -> int:
    """Delete the rows of ``table`` that share ``key`` with a row whose ``keep_smallest`` is
    smaller; return how many were deleted."""
    same = " AND ".join(f"o.{c} = {table}.{c}" for c in key)
    statement = sa.text(
        f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {table} AS o WHERE {same}"
        f" AND o.{keep_smallest} < {table}.{keep_smallest})"
    )
    if op.get_context().as_sql:  # offline (--sql): print the statement, nothing to count
        op.execute(statement)
        return 0
    return int(op.get_bind().execute(statement).rowcount or 0)


def _backfill_landing_pages() -> None:
    """A row for every page path a record names that has none (one per path)."""
    named = " UNION ALL ".join(
        f"SELECT page_path, page_sha256, page_endpoint, platform, org_id, handle FROM {table}"
        " WHERE page_path IS NOT NULL AND page_sha256 IS NOT NULL"
        for table in RECORDS_WITH_PAGES
    )
    op.execute(
        "INSERT INTO landing_page (path, sha256, endpoint, platform, org_id, handle) "
        "SELECT r.page_path, MIN(r.page_sha256), COALESCE(MIN(r.page_endpoint), ''), "
        "MIN(r.platform), MIN(r.org_id), MIN(r.handle) "
        f"FROM ({named}) AS r "
        "WHERE NOT EXISTS (SELECT 1 FROM landing_page AS l WHERE l.path = r.page_path) "
        "GROUP BY r.page_path"
    )


def upgrade() -> None:
    for table, (_, new) in KEYS.items():
        _set_key(table, new)
    _delete_shadowed("landing_page", ["path"], "sha256")
    _set_key("landing_page", ["path"])
    op.create_index(op.f("ix_landing_page_sha256"), "landing_page", ["sha256"])
    _backfill_landing_pages()


def downgrade() -> None:
    for table, (old, _) in KEYS.items():
        dropped = _delete_shadowed(table, old, "org_id")
        if dropped:
            log.warning(
                "downgrade to 0002: dropped %d %s rows shared with another organisation "
                "(kept the organisation whose id sorts first)",
                dropped,
                table,
            )
        _set_key(table, old)
    op.drop_index(op.f("ix_landing_page_sha256"), table_name="landing_page")
    dropped = _delete_shadowed("landing_page", ["sha256"], "path")
    if dropped:
        log.warning(
            "downgrade to 0002: dropped %d landing_page rows of pages identical to another "
            "(kept the smallest path)",
            dropped,
        )
    _set_key("landing_page", ["sha256"])
