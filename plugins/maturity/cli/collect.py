"""``maturity collect``: collect (or replay) X and Reddit accounts for one window."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import DATE_FORMATS, JsonOption, WarehouseOption, window_option

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rich.table import Table

    from maturity.collect import CollectionRun
    from maturity.connectors.base import Target


COLUMNS = (
    "platform",
    "org",
    "account",
    "status",
    "posts",
    "inbound",
    "reply_links",
    "pages",
    "gate",
    "truncated",
)
_COUNTS = {"posts", "inbound", "reply_links", "pages"}


def _accounts(run: CollectionRun, loaded: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per account (the keys of :data:`COLUMNS`); with a warehouse, whether the record
    gate passed it and its reply links (which gate-and-load computes across the organisation's
    accounts). ``None`` where there is no answer: no warehouse, or the account failed."""
    rows: list[dict[str, Any]] = []
    for b in run:
        done = loaded.get(b.org_id)
        key = f"{b.platform}:{b.handle}"
        rows.append(
            {
                "platform": b.platform,
                "org": b.org_id,
                "account": b.handle,
                "status": b.snapshots[0].status if b.snapshots else None,
                "posts": len(b.posts),
                "inbound": len(b.inbound),
                "reply_links": None if done is None else done["links"].get(key, 0),
                "pages": len(b.pages),
                "gate": None
                if done is None
                else "quarantined"
                if key in done["quarantined"]
                else "passed",
                "truncated": [c.endpoint for c in b.cursors if c.truncated],
            }
        )
    for f in run.failures:
        rows.append(
            {
                **dict.fromkeys(COLUMNS),
                "platform": f.platform,
                "org": f.org_id,
                "account": f.handle,
                "status": "failed",
                "truncated": [],
            }
        )
    return rows


def _summary(rows: list[dict[str, Any]]) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Collection")
    for column in COLUMNS:
        table.add_column(
            column.replace("_", " "),
            justify="right" if column in _COUNTS else "left",
            overflow="fold",
        )
    for row in rows:
        cells = {k: "-" if v is None else str(v) for k, v in row.items()}
        cells["truncated"] = ", ".join(row["truncated"]) or "-"
        if row["status"] == "failed":
            cells = {**dict.fromkeys(COLUMNS, ""), **{k: cells[k] for k in COLUMNS[:4]}}
        table.add_row(
            *(Text(cells[c], style="red" if cells[c] == "failed" else "") for c in COLUMNS)
        )
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
        typer.Option(
            "--platform",
            help="Only these platforms (x, reddit, mastodon, bluesky); repeat for more. "
            "Default: x, reddit, and mastodon/bluesky when their connection is set.",
        ),
    ] = None,
    demo_pseudonym_key: Annotated[
        bool,
        typer.Option(
            "--demo-pseudonym-key",
            help="Use the public demo pseudonym key. Only for generated data: it lets anyone "
            "re-identify authors.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Collect the registry's X, Reddit, Mastodon and Bluesky accounts for [START, END).

    With a warehouse, the landed pages then go through the pipeline's gate-and-load step:
    the record quality gate, reply links across each organisation's accounts, and the
    records of the accounts that passed, in one transaction per organisation.
    """
    import os
    from dataclasses import replace as with_changes

    from maturity.collect import COLLECTED, AccountIssue, collect_registry
    from maturity.collect import replay as replay_landing
    from maturity.connections import BLUESKY_CONN_ID, MASTODON_CONN_ID, get_connection
    from maturity.errors import ConnectorError, InputError
    from maturity.pipeline import settings as s
    from maturity.platforms import BLUESKY, MASTODON, REDDIT, X

    window = window_option(start, end)
    configured = tuple(
        p
        for p, conn_id in ((MASTODON, MASTODON_CONN_ID), (BLUESKY, BLUESKY_CONN_ID))
        if get_connection(conn_id) is not None
    )
    chosen = tuple(platform or (X, REDDIT, *configured))
    unknown = sorted(set(chosen) - set(COLLECTED))
    if unknown:
        raise InputError(
            f"no connector for platform(s) {unknown}",
            where="--platform",
            fix=f"use some of {list(COLLECTED)}",
        )
    settings = s.PipelineSettings.from_environment(os.environ, registry_path=registry)
    settings = with_changes(
        settings,
        landing_dir=replay or landing or settings.landing_dir,
        warehouse_url=warehouse or settings.warehouse_url,
        allow_demo_pseudonym_key=demo_pseudonym_key or settings.allow_demo_pseudonym_key,
    )
    reg = settings.registry.model_copy(
        update={
            "organisations": tuple(
                o.model_copy(
                    update={"accounts": tuple(a for a in o.accounts if a.platform in chosen)}
                )
                for o in settings.registry.organisations
            )
        }
    )
    wh = None if no_warehouse else settings.warehouse

    if replay is not None:
        run = replay_landing(replay, reg, window, settings.pseudonymiser)
    else:
        from maturity.cli.progress import progress_bar
        from maturity.collect import targets

        used = {a.platform for o in reg.organisations for a in o.accounts}
        with progress_bar("accounts") as bar:
            task = bar.add_task("collecting", total=len(targets(reg)))

            def show(target: Target) -> None:
                bar.update(
                    task,
                    description=f"{target.org_id}: {target.account.platform}:"
                    f"{target.account.handle}",
                    completed=bar.tasks[0].completed + 1,
                )

            run = collect_registry(
                reg,
                window,
                landing_dir=settings.landing_dir,
                settings={p: settings.connector_settings(p) for p in COLLECTED if p in used},
                pseudonymiser=settings.pseudonymiser,
                cursors_lookup=wh.read_cursor if wh is not None else None,
                on_account=show,
            )
    loaded: dict[str, dict[str, Any]] = {}
    if wh is not None:
        from maturity.pipeline.gate_and_load import gate_and_load_orgs

        orgs = list(dict.fromkeys(b.org_id for b in run))
        outcome = gate_and_load_orgs(settings, orgs, window)
        loaded = outcome.done
        for org_id, error in outcome.errors().items():
            run.failures.append(AccountIssue("-", org_id, "-", f"gate and load: {error}"))
    _report(run, _accounts(run, loaded), wh.url_masked if wh is not None else None, as_json)
    if run.failures:
        raise ConnectorError(
            f"{len(run.failures)} of {len(run) + len(run.failures)} accounts "
            "failed; the others were collected",
            where="maturity collect",
            fix="see the messages above",
        )


def _report(
    run: CollectionRun, rows: list[dict[str, Any]], warehouse: str | None, as_json: bool
) -> None:
    """The accounts, notes and failures: a table and lines, or one JSON document."""
    from rich.markup import escape

    from maturity.cli.render import output_console, print_json

    notes = [{"platform": n.platform, "account": n.handle, "message": n.message} for n in run.notes]
    failures = [
        {"platform": f.platform, "org": f.org_id, "account": f.handle, "message": f.message}
        for f in run.failures
    ]
    if as_json:
        print_json({"warehouse": warehouse, "accounts": rows, "notes": notes, "failures": failures})
        return
    console = output_console()
    console.print(_summary(rows))
    for n in notes:
        console.print(
            f"[yellow]note[/] {escape(n['platform'])}:{escape(n['account'])}: "
            f"{escape(n['message'])}"
        )
    if warehouse is not None:
        console.print(f"Warehouse: {escape(warehouse)}")
    for f in failures:
        console.print(
            f"[red]failed[/] {escape(f['platform'])}:{escape(f['account'])}: {escape(f['message'])}"
        )
