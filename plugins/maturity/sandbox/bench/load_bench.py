"""Benchmark: how fast record writes load rows into the warehouse, on SQLite and PostgreSQL.

One organisation's window, as the gate-and-load step writes it: ``Warehouse.
write_gated_collection`` with one passing batch per account, holding posts, inbound messages,
reply links, snapshots and the landed pages they name. Each repeat loads into an empty,
migrated warehouse (a SQLite file on local disk; a fresh PostgreSQL schema), then loads the
same window again, which must add no row. Rows per second count every row written (records,
pages, validation rows), measured around the one transaction.

    python -m maturity.sandbox.bench.load_bench [ROWS] [--repeat R] [--no-postgres]

Targets (issue 13): PostgreSQL >= 50,000 rows/s and SQLite >= 100,000 rows/s, with the
idempotent upsert included. PostgreSQL is ``MATURITY_TEST_POSTGRES_URL`` (default: the local
server the tests use).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.quality_results import BatchValidation
    from maturity.records import CollectionBatch
    from maturity.warehouse import OrgRow, Warehouse

TARGETS = {"postgresql": 50_000, "sqlite": 100_000}
WINDOW_END = datetime(2026, 11, 2, tzinfo=UTC)
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ACCOUNTS = 4
RECORDS_PER_PAGE = 100


@dataclass(frozen=True)
class Load:
    """One organisation's window of records, ready for ``write_gated_collection``."""

    org: OrgRow
    window: Window
    gated: tuple[tuple[CollectionBatch, BatchValidation], ...]

    @property
    def rows(self) -> int:
        """Every row the load writes into a table that holds records."""
        return sum(
            len(b.snapshots)
            + len(b.posts)
            + len(b.inbound)
            + len(b.reply_links)
            + len(b.cursors)
            + len(b.page_refs())
            for b, _ in self.gated
        )


def make_load(records: int, org_id: str = "bench-org", accounts: int = ACCOUNTS) -> Load:
    """About ``records`` records over ``accounts`` X accounts of one organisation: two fifths
    posts, two fifths inbound messages, one fifth reply links; a page per 100 records."""
    from maturity.evidence import Window
    from maturity.quality_results import BatchValidation
    from maturity.records import (
        AccountSnapshot,
        CollectionBatch,
        Cursor,
        InboundMessage,
        PageRef,
        Post,
        ReplyLink,
    )
    from maturity.warehouse import AccountRow, OrgRow

    window = Window(WINDOW_END - timedelta(days=7), WINDOW_END)
    per_account = max(1, records // accounts)
    n_posts = n_inbound = max(1, per_account * 2 // 5)
    n_links = max(0, per_account - n_posts - n_inbound)
    gated = []
    handles = [f"BenchAcct{a}" for a in range(accounts)]
    for a, handle in enumerate(handles):
        pages = [
            PageRef(f"landing/x/{org_id}/{handle}/{p:05d}.json", f"{a:02d}{p:062x}", "timeline")
            for p in range(max(1, (n_posts + n_inbound) // RECORDS_PER_PAGE))
        ]

        def page(i: int, pages: list[PageRef] = pages) -> PageRef:
            return pages[(i // RECORDS_PER_PAGE) % len(pages)]

        def at(i: int) -> datetime:
            return window.start + timedelta(seconds=37 * i + 11)

        posts = tuple(
            Post(
                "x",
                f"{a}-p{i}",
                org_id,
                handle,
                at(i),
                "reply" if i % 3 == 0 else "original",
                conversation_id=f"{a}-p{i - i % 3}",
                in_reply_to_post_id=f"{a}-m{i}" if i % 3 == 0 else None,
                in_reply_to_author="ps_0a1b2c3d" if i % 3 == 0 else None,
                urls=(f"https://bench.example/{i}?utm_source=x",) if i % 4 == 0 else (),
                hashtags=("zorg", "gemeente") if i % 5 == 0 else (),
                mentions=(),
                like_count=i % 17,
                repost_count=i % 5,
                reply_count=i % 3,
                source=page(i),
            )
            for i in range(n_posts)
        )
        inbound = tuple(
            InboundMessage(
                "x",
                f"{a}-m{i}",
                org_id,
                handle,
                f"ps_{i % 997:08x}",
                at(i) - timedelta(seconds=5),
                "mention" if i % 2 else "reply",
                conversation_id=f"{a}-p{i - i % 3}",
                in_reply_to_post_id=f"{a}-p{i}" if i % 2 == 0 else None,
                source=page(n_posts + i),
            )
            for i in range(n_inbound)
        )
        links = tuple(
            ReplyLink(
                "x",
                org_id,
                f"{a}-m{i}",
                f"{a}-p{i}",
                handle,
                at(i) - timedelta(seconds=5),
                at(i) + timedelta(minutes=30),
            )
            for i in range(n_links)
        )
        snapshot = AccountSnapshot(
            "x",
            org_id,
            handle,
            "main",
            window.end,
            "active",
            platform_user_id=str(1000 + a),
            display_name=handle,
            followers=1000 + a,
            source=pages[0],
        )
        cursor = Cursor("x", org_id, handle, "timeline", f"{a}-p{n_posts - 1}", window.end)
        batch = CollectionBatch(
            "x",
            org_id,
            handle,
            window.start,
            window.end,
            snapshots=(snapshot,),
            posts=posts,
            inbound=inbound,
            reply_links=links,
            cursors=(cursor,),
            pages=tuple(pages),
        )
        validation = BatchValidation(org_id, "x", handle, window.start, window.end, ())
        gated.append((batch, validation))
    org = OrgRow(
        org_id, "Bench", "other", accounts=tuple(AccountRow("x", h, "main") for h in handles)
    )
    return Load(org, window, tuple(gated))


def write(wh: Warehouse, load: Load, run_id: str = "bench-run") -> tuple[float, float]:
    """Seconds ``write_gated_collection`` takes for ``load``: wall time, and this process's
    CPU time (the Python side; on PostgreSQL the server works besides)."""
    started, cpu = time.perf_counter(), time.process_time()
    wh.write_gated_collection(load.org, load.window, run_id, load.gated)
    return time.perf_counter() - started, time.process_time() - cpu


def count_rows(wh: Warehouse) -> int:
    from sqlalchemy import func, select

    from maturity.warehouse import schema as t

    with wh.engine.connect() as c:
        return sum(
            int(c.execute(select(func.count()).select_from(table)).scalar_one())
            for table in t.metadata.sorted_tables
        )


@contextmanager
def warehouse(dialect: str, postgres: str) -> Iterator[Warehouse]:
    """A migrated, empty warehouse on ``dialect``, removed afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from maturity.warehouse import Warehouse

    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="maturity-load-bench-") as tmp:
            wh = Warehouse(f"sqlite:///{Path(tmp) / 'warehouse.sqlite'}")
            try:
                wh.migrate()
                yield wh
            finally:
                wh.dispose()
        return
    schema = f"maturity_load_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(postgres).update_query_dict({"options": f"-csearch_path={schema}"})
        wh = Warehouse(url)
        try:
            wh.migrate()
            yield wh
        finally:
            wh.dispose()
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run(dialect: str, records: int, repeat: int, postgres: str) -> dict[str, Any]:
    """Rows per second of the first load (min, median, max over ``repeat`` fresh warehouses)
    and of the reload, and the rows the reload added (must be 0)."""
    load = make_load(records)
    first: list[float] = []
    cpu: list[float] = []
    again: list[float] = []
    added = 0
    for _ in range(repeat):
        with warehouse(dialect, postgres) as wh:
            wall, python = write(wh, load)
            first.append(load.rows / wall)
            cpu.append(load.rows / max(python, 1e-9))
            before = count_rows(wh)
            again.append(load.rows / write(wh, load)[0])
            added += count_rows(wh) - before
    return {
        "cpu_median": statistics.median(cpu),
        "rows": load.rows,
        "min": min(first),
        "median": statistics.median(first),
        "max": max(first),
        "samples": first,
        "cpu_samples": cpu,
        "reload_median": statistics.median(again),
        "reload_added": added,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="?", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    from maturity.pipeline import settings

    postgres = settings.read_text(None, settings.TEST_POSTGRES_URL) or DEFAULT_POSTGRES
    dialects = ["sqlite"] if args.no_postgres else ["sqlite", "postgresql"]
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    print(
        f"write_gated_collection: one organisation, {ACCOUNTS} accounts, about "
        f"{args.records:,} records, best/median/worst of {args.repeat} fresh warehouses"
    )
    ok = True
    for dialect in dialects:
        r = run(dialect, args.records, args.repeat, postgres)
        target = TARGETS[dialect]
        met = r["median"] >= target
        ok = ok and r["reload_added"] == 0
        print(
            f"  {dialect:<10} {int(r['rows']):>8,} rows: {r['min']:>9,.0f} / "
            f"{r['median']:>9,.0f} / {r['max']:>9,.0f} rows/s (target >= {target:,}: "
            f"{'met' if met else 'NOT met'}); Python CPU {r['cpu_median']:,.0f} rows/s; "
            f"reload {r['reload_median']:,.0f} rows/s, "
            f"{int(r['reload_added'])} rows added"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
