"""``maturity report``: one self-contained HTML file, to mail and open offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang, RubricOption, WarehouseOption


@handle_errors
def report_command(
    org: Annotated[
        str | None, typer.Argument(help="Organisation id, as in the warehouse.", show_default=False)
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="The HTML file to write.", show_default=False)
    ] = Path("maturity-report.html"),
    every: Annotated[
        bool, typer.Option("--all", help="A portfolio report of every organisation instead.")
    ] = False,
    rubric: RubricOption = None,
    warehouse: WarehouseOption = None,
    lang: Lang = "en",
) -> None:
    """Write one organisation's report, or the portfolio's (--all), as one HTML file.

    The file holds its charts (inline SVG) and a print stylesheet, and makes no request when
    opened, so it can be mailed. It shows the phase, how sure the estimate is, what it rests
    on, and the next steps.
    """
    from rich.console import Console
    from rich.text import Text

    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.dashboard.report import organisation_report, portfolio_report, write_report
    from maturity.errors import InputError

    if (org is None) == (not every):
        raise InputError(
            "give either an organisation id or --all",
            where="maturity report",
            fix="e.g. `maturity report gemeente-duinwijk --out duinwijk.html` or "
            "`maturity report --all --out portfolio.html`",
        )
    wh = open_warehouse(warehouse, existing=True)
    the_rubric = resolve_rubric(rubric)
    html = (
        portfolio_report(wh, lang, the_rubric)
        if every
        else organisation_report(wh, str(org), lang, the_rubric)
    )
    path = write_report(html, out)
    Console().print(Text(f"Wrote {path} ({len(html.encode()) // 1024} KiB)"))
