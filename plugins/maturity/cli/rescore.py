"""``maturity rescore --rubric FILE``: score stored evidence again under another rubric."""

from __future__ import annotations

from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import JsonOption, Lang, RubricOption, WarehouseOption


@handle_errors
def rescore_command(
    rubric: RubricOption = None,
    org: Annotated[
        list[str] | None, typer.Option("--org", help="Only this organisation; repeat for more.")
    ] = None,
    warehouse: WarehouseOption = None,
    lang: Lang = "en",
    as_json: JsonOption = False,
) -> None:
    """Re-score every stored window under another rubric, without collecting again.

    Results are written beside the earlier ones (the rubric version is part of the key), so
    both stay in the warehouse for comparison.
    """
    from maturity.cli.render import output_console, print_json, side_by_side_table, summary_table
    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.errors import InputError
    from maturity.pipeline.score import rescore_window

    the_rubric = resolve_rubric(rubric)
    wh = open_warehouse(warehouse, existing=True)
    windows = [(o, w) for o, w in wh.stored_windows() if not org or o in org]
    if not windows:
        raise InputError(
            "no stored evidence to re-score" + (f" for {org}" if org else ""),
            where=f"warehouse {wh.url_masked}",
            fix="run `maturity assess` first",
        )
    orgs = {o.org_id: o for o in wh.list_organisations()}
    scored = [(orgs[o].name, rescore_window(wh, the_rubric, orgs[o], w)) for o, w in windows]
    if as_json:
        from maturity.warehouse.payloads import scored as scored_body

        print_json(
            {
                "rubric": {"id": the_rubric.rubric, "version": the_rubric.version},
                "warehouse": wh.url_masked,
                "assessments": [scored_body(name, a) for name, a in scored],
            }
        )
        return
    rows = [(f"{name} {a.window.start:%Y-%m-%d}–{a.window.end:%Y-%m-%d}", a) for name, a in scored]
    title = f"Re-scored under {the_rubric.rubric} {the_rubric.version}"
    console = output_console(120)
    console.print(summary_table(rows, the_rubric, lang, title))
    history = {o: wh.assessment_history(o) for o in {o for o, _ in windows}}
    console.print(side_by_side_table(windows, history, orgs, the_rubric, lang))
