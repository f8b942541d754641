"""``maturity collect``: collect (or replay) X and Reddit accounts for one window."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import DATE_FORMATS, WarehouseOption, window_option

if TYPE_CHECKING:
    from rich.table import Table

    from maturity.collect import CollectionRun


def _summary(run: CollectionRun) -> Table:
    from rich.table import Table

    table = Table(title="Collection")
    for column in (
        "platform",
        "org",
        "account",
        "status",
        "posts",
        "inbound",
        "reply links",
        "pages",
        "truncated",
    ):
        table.add_column(
            column,
            justify="right" if column in {"posts", "inbound", "pages", "reply links"} else "left",
        )
    for b in run:
        status = b.snapshots[0].status if b.snapshots else "?"
        truncated = ", ".join(c.endpoint for c in b.cursors if c.truncated) or "-"
        table.add_row(
            b.platform,
            b.org_id,
            b.handle,
            status,
            str(len(b.posts)),
            str(len(b.inbound)),
            str(len(b.reply_links)),
            str(len(b.pages)),
            truncated,
        )
    for f in run.failures:
        table.add_row(f.platform, f.org_id, f.handle, "[red]failed[/]", "", "", "", "", "")
    return table


@handle_errors
def collect_command(
    registry: Annotated[Path, typer.Argument(help="The organisation registry (YAML or JSON).")],
    start: Annotated[
        datetime,
        typer.Option(
            "--start", formats=DATE_FORMATS, help="Window start, inclusive (UTC unless given)."
        ),
    ],
    end: Annotated[
        datetime,
        typer.Option(
            "--end", formats=DATE_FORMATS, help="Window end, exclusive (UTC unless given)."
        ),
    ],
    landing: Annotated[
        Path | None,
        typer.Option("--landing", help="Landing directory. Default: $MATURITY_HOME/landing."),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option(
            "--replay", help="Rebuild the records from this landing directory; no API calls."
        ),
    ] = None,
    warehouse: WarehouseOption = None,
    no_warehouse: Annotated[
        bool,
        typer.Option("--no-warehouse", help="Do not write the batches; only land pages and print."),
    ] = False,
    platform: Annotated[
        list[str] | None,
        typer.Option("--platform", help="Only these platforms (x, reddit); repeat for more."),
    ] = None,
    demo_pseudonym_key: Annotated[
        bool,
        typer.Option(
            "--demo-pseudonym-key",
            help="Use the public demo pseudonym key. Only for generated data: it lets anyone "
            "re-identify authors.",
        ),
    ] = False,
) -> None:
    """Collect the registry's X and Reddit accounts for the window [START, END)."""
    from rich.console import Console

    from maturity.collect import collect_registry
    from maturity.collect import replay as replay_landing
    from maturity.connectors.landing import default_landing_root
    from maturity.connectors.settings import load_reddit_settings, load_x_settings
    from maturity.errors import ConnectorError, InputError
    from maturity.platforms import REDDIT, X
    from maturity.pseudonym import pseudonymiser_from_environment
    from maturity.registry import load_registry

    window = window_option(start, end)
    chosen = tuple(platform or (X, REDDIT))
    unknown = sorted(set(chosen) - {X, REDDIT})
    if unknown:
        raise InputError(
            f"no connector for platform(s) {unknown}", where="--platform", fix="use x and/or reddit"
        )
    reg = load_registry(registry)
    reg = reg.model_copy(
        update={
            "organisations": tuple(
                o.model_copy(
                    update={"accounts": tuple(a for a in o.accounts if a.platform in chosen)}
                )
                for o in reg.organisations
            )
        }
    )
    pseudonymiser = pseudonymiser_from_environment(allow_demo_key=demo_pseudonym_key)

    wh = None
    if not no_warehouse:
        from maturity.cli.resolve import open_warehouse

        wh = open_warehouse(warehouse)
    on_batch = wh.write_collection if wh is not None else None

    if replay is not None:
        run = replay_landing(replay, reg, window, pseudonymiser, on_batch=on_batch)
    else:
        used = {a.platform for o in reg.organisations for a in o.accounts}
        run = collect_registry(
            reg,
            window,
            landing_dir=landing or default_landing_root(),
            x_settings=load_x_settings() if X in used else None,
            reddit_settings=load_reddit_settings() if REDDIT in used else None,
            pseudonymiser=pseudonymiser,
            cursors_lookup=wh.read_cursor if wh is not None else None,
            on_batch=on_batch,
        )
    console = Console()
    console.print(_summary(run))
    for note in run.notes:
        console.print(f"[yellow]note[/] {note.platform}:{note.handle}: {note.message}")
    if wh is not None:
        console.print(f"Warehouse: {wh.url_masked}")
    if run.failures:
        for f in run.failures:
            console.print(f"[red]failed[/] {f.platform}:{f.handle}: {f.message}")
        raise ConnectorError(
            f"{len(run.failures)} of {len(run) + len(run.failures)} accounts "
            "failed; the others were collected",
            where="maturity collect",
            fix="see the messages above",
        )
