"""``maturity serve``: the dashboard on localhost, over the warehouse."""

from __future__ import annotations

from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import RubricOption, WarehouseOption

DEFAULT_PORT = 8787


@handle_errors
def serve_command(
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")
    ] = DEFAULT_PORT,
    rubric: RubricOption = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Serve the dashboard (portfolio, organisations, evidence) on http://127.0.0.1:PORT/.

    Only this machine can reach it: it has no login of its own. In Airflow the same pages
    sit behind Airflow's login (the "Maturity" entry in the navigation).
    """
    import uvicorn

    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.dashboard.app import create_app

    wh = open_warehouse(warehouse, existing=True)
    the_rubric = resolve_rubric(rubric)
    app = create_app(lambda: wh, rubric_factory=lambda: the_rubric)
    url = f"http://127.0.0.1:{port}/"
    typer.echo(f"Dashboard: {url}  (warehouse {wh.url_masked}; Ctrl-C stops it)", err=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
