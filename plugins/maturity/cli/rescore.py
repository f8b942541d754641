"""``maturity rescore --rubric FILE``: score stored evidence again under another rubric."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang, RubricOption, WarehouseOption

if TYPE_CHECKING:
    from maturity.assessment import Assessment
    from maturity.evidence import Window
    from maturity.rubric import Rubric
    from maturity.warehouse import OrgRow, Warehouse


def rescore_window(wh: Warehouse, rubric: Rubric, org: OrgRow, window: Window) -> Assessment:
    """Score one stored (organisation, window) under ``rubric`` and write it beside the others.

    The evidence is read back as it was stored; nothing is collected again. The platforms the
    organisation was expected on, and the quarantined batches, are those of the earlier
    assessment of the same window.
    """
    from dataclasses import replace

    from maturity.pipeline import quarantined_in
    from maturity.scoring import score
    from maturity.version import code_version
    from maturity.warehouse import RunInfo, deterministic_run_id

    org_id = org.org_id
    evidence = wh.read_evidence(org_id, window)
    earlier = wh.latest_assessment(org_id, as_of=window.end)
    if earlier is not None and earlier.assessment.window == window:
        a = earlier.assessment
        evidence = replace(
            evidence, platforms_expected=(*a.platforms_covered, *a.platforms_missing)
        )
    evidence = replace(evidence, quarantined_batches=quarantined_in(wh, org_id, window))
    assessment = score(rubric, evidence)
    digest = f"{rubric.rubric}@{rubric.version}"
    run = RunInfo(
        run_id=deterministic_run_id("rescore", window, rubric.version, digest),
        kind="rescore",
        trigger="cli",
        code_version=code_version(),
        rubric_id=rubric.rubric,
        rubric_version=rubric.version,
        window_start=window.start,
        window_end=window.end,
        input_digest=digest,
        started_at=window.end,
    )
    wh.write_assessment(org, evidence, assessment, run)
    return assessment


@handle_errors
def rescore_command(
    rubric: RubricOption = None,
    org: Annotated[
        list[str] | None, typer.Option("--org", help="Only this organisation; repeat for more.")
    ] = None,
    warehouse: WarehouseOption = None,
    lang: Lang = "en",
) -> None:
    """Re-score every stored window under another rubric, without collecting again.

    Results are written beside the earlier ones (the rubric version is part of the key), so
    both stay in the warehouse for comparison.
    """
    from rich.console import Console

    from maturity.cli.render import summary_table
    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.errors import InputError

    the_rubric = resolve_rubric(rubric)
    wh = open_warehouse(warehouse)
    windows = [(o, w) for o, w in wh.stored_windows() if not org or o in org]
    if not windows:
        raise InputError(
            "no stored evidence to re-score" + (f" for {org}" if org else ""),
            where=f"warehouse {wh.url_masked}",
            fix="run `maturity assess` first",
        )
    orgs = {o.org_id: o for o in wh.list_organisations()}
    rows = [
        (
            f"{orgs[o].name} {w.start:%Y-%m-%d}–{w.end:%Y-%m-%d}",
            rescore_window(wh, the_rubric, orgs[o], w),
        )
        for o, w in windows
    ]
    title = f"Re-scored under {the_rubric.rubric} {the_rubric.version}"
    Console(width=max(Console().width, 120)).print(summary_table(rows, the_rubric, lang, title))
