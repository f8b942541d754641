"""``maturity warehouse grant-readonly ROLE``: let a BI tool read the views, and nothing else."""

from __future__ import annotations

from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import WarehouseOption

warehouse_app = typer.Typer(help="Manage the warehouse for BI tools.", no_args_is_help=True)


@warehouse_app.command("grant-readonly")
@handle_errors
def grant_readonly_command(
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL role, e.g. bi_reader.")],
    schema: Annotated[
        str | None,
        typer.Option("--schema", help="Schema of the views. Default: the connection's current."),
    ] = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Grant ROLE usage of the schema and SELECT on every BI view (PostgreSQL; docs/bi.md).

    The role gets no right on any table, so it cannot read raw records or write anything.
    Run it again after a migration that adds views."""
    from rich.console import Console

    from maturity.cli.resolve import open_warehouse
    from maturity.warehouse.views import grant_readonly

    wh = open_warehouse(warehouse, existing=True)
    try:
        with wh.engine.begin() as connection:
            statements = grant_readonly(connection, role, schema)
    finally:
        wh.dispose()
    console = Console(stderr=True, soft_wrap=True)
    for statement in statements:
        console.print(statement, markup=False, highlight=False)
