"""``maturity purge --older-than DURATION``: delete raw data past its retention period."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import WarehouseOption

if TYPE_CHECKING:
    from maturity.pipeline.retention import PurgePlan


def _describe(plan: PurgePlan, dry_run: bool) -> list[str]:
    verb = "would delete" if dry_run else "deleted"
    lines = [f"Cutoff: {plan.cutoff.isoformat()} (raw data older than this {verb.split()[-1]})"]
    if plan.landing_root is not None:
        lines.append(
            f"Landing {plan.landing_root}: {verb} {len(plan.window_dirs)} window folder(s), "
            f"{plan.files} file(s), {plan.bytes} bytes"
        )
        lines += [f"  {d}" for d in plan.window_dirs]
    if plan.warehouse is not None:
        rows = ", ".join(f"{n} {table}" for table, n in plan.warehouse.rows.items())
        mark = "would mark" if dry_run else "marked"
        lines.append(f"Warehouse: {verb} {rows} row(s); {mark} {plan.warehouse.pages} page(s)")
        lines.append("  purged (their path and SHA-256 stay as evidence ids)")
    lines.append(
        "Kept: metric values, evidence refs, facts, assessments, criteria, runs, quality results."
    )
    if dry_run:
        lines.append("Dry run: nothing was deleted.")
    return lines


@handle_errors
def purge_command(
    older_than: Annotated[
        str,
        typer.Option(
            "--older-than",
            help="Retention period: 400d, 8w, 18mo, 2y, or ISO 8601 (P400D, P1Y6M).",
        ),
    ],
    landing: Annotated[
        Path | None,
        typer.Option("--landing", help="Landing directory. Default: $MATURITY_HOME/landing."),
    ] = None,
    warehouse: WarehouseOption = None,
    no_warehouse: Annotated[
        bool, typer.Option("--no-warehouse", help="Only purge the landing directory.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be deleted; delete nothing.")
    ] = False,
) -> None:
    """Delete raw API pages and raw records older than the retention period.

    Window folders of the landing area whose window ended before the cutoff, and posts, inbound
    messages, reply links and account snapshots from before it. Aggregates and evidence ids
    stay: a purged page's evidence ref still names its path and SHA-256, marked purged. All or
    nothing, and running it again deletes nothing more.
    """
    from datetime import UTC, datetime

    from rich.console import Console

    from maturity.cli.resolve import open_warehouse
    from maturity.pipeline.retention import parse_age, plan_purge, purge
    from maturity.pipeline.settings import landing_root

    age = parse_age(older_than)
    now = datetime.now(UTC)
    cutoff = age.before(now)
    root = landing or landing_root()
    wh = None if no_warehouse else open_warehouse(warehouse, existing=True)
    try:
        plan = plan_purge(root, wh, cutoff) if dry_run else purge(root, wh, cutoff, now=now)
    finally:
        if wh is not None:
            wh.dispose()
    console = Console(width=max(Console().width, 120), highlight=False)
    for line in _describe(plan, dry_run):
        console.print(line, markup=False)
