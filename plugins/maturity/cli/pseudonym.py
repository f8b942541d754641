"""``maturity pseudonym rotate``: re-key the warehouse's pseudonyms from the landing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import WarehouseOption

pseudonym_app = typer.Typer(help="Pseudonyms of third parties.", no_args_is_help=True)


@pseudonym_app.command("rotate")
@handle_errors
def rotate_command(
    registry: Annotated[
        Path | None,
        typer.Option("--registry", help="The organisation registry. Default: MATURITY_REGISTRY."),
    ] = None,
    landing: Annotated[
        Path | None,
        typer.Option("--landing", help="Landing directory. Default: $MATURITY_HOME/landing."),
    ] = None,
    warehouse: WarehouseOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be re-keyed; write nothing.")
    ] = False,
) -> None:
    """Re-key every pseudonym in the warehouse from the current key to MATURITY_NEW_PSEUDONYM_KEY.

    The landing's raw pages are replayed with both keys to map each old pseudonym to its new
    one; the warehouse is rewritten in one transaction. Refused, with nothing changed, when a
    raw row's pages are no longer in the landing. Pause the DAG while rotating, then make the
    new key the pseudonym key (MATURITY_PSEUDONYM_KEY or the maturity_pseudonym connection).
    """
    from rich.console import Console

    from maturity.cli.resolve import open_warehouse
    from maturity.errors import InputError
    from maturity.pipeline import settings
    from maturity.pipeline.rekey import rotate
    from maturity.registry import load_registry

    old = settings.pseudonymiser_from()
    new = settings.new_pseudonymiser_from()
    if old.demo:
        raise InputError(
            "the current key is the public demo key",
            where=settings.PSEUDONYM_KEY,
            fix="set the key the warehouse was written with",
        )
    if new(" ", "probe") == old(" ", "probe"):
        raise InputError(
            "the new key is the current key", where=settings.NEW_PSEUDONYM_KEY, fix="set a new one"
        )
    the_registry = load_registry(registry or settings.registry_path())
    root = landing or settings.landing_root()
    wh = open_warehouse(warehouse, existing=True)
    try:
        done = rotate(root, the_registry, wh, old, new, dry_run=dry_run)
    finally:
        wh.dispose()
    r = done.result
    verb = "would re-key" if dry_run else "re-keyed"
    rows = ", ".join(f"{n} {table}" for table, n in r.rows.items()) or "none"
    console = Console(width=max(Console().width, 120), highlight=False)
    console.print(
        f"Replayed {done.windows} landed account window(s) under {root}.\n"
        f"{verb} {r.pseudonyms} pseudonym(s) from the landing and {r.unlinkable} without a raw "
        f"id (outside the raw tables: linkable to nobody); rows: {rows}.",
        markup=False,
    )
    if r.missing:
        missing = ", ".join(f"{n} in {table}" for table, n in r.missing.items())
        console.print(
            f"Not covered by the landing: {missing}; a rotation would refuse.", markup=False
        )
    if dry_run:
        console.print("Dry run: nothing was written.", markup=False)
    else:
        console.print(
            f"Now make the new key the pseudonym key ({settings.PSEUDONYM_KEY} or the "
            "maturity_pseudonym connection) before the next collection.",
            markup=False,
        )
