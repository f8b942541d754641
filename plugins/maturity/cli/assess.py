"""``maturity assess``: score organisations and write the results, from a metrics-and-facts
file (``--input``) or through the whole pipeline for a registry (``--registry``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import (
    DATE_FORMATS,
    JsonOption,
    Lang,
    RubricOption,
    WarehouseOption,
    window_option,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from maturity.assessment import Assessment
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings


@handle_errors
def assess_command(
    input: Annotated[
        Path | None,
        typer.Option(
            "--input",
            "-i",
            help="Metrics-and-facts file (YAML or JSON) to score; docs/evidence-file.md.",
        ),
    ] = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Organisation registry: collect, validate, load, compute and score every "
            "organisation over --start/--end; docs/registry.md.",
        ),
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--start", formats=DATE_FORMATS, help="With --registry: window start."),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option("--end", formats=DATE_FORMATS, help="With --registry: window end."),
    ] = None,
    rubric: RubricOption = None,
    warehouse: WarehouseOption = None,
    lang: Lang = "en",
    as_json: JsonOption = False,
) -> None:
    """Score organisations and write the results to the warehouse.

    Either from a metrics-and-facts file (--input), or through the whole pipeline for the
    organisations of a registry (--registry with --start and --end).
    """
    from maturity.errors import InputError

    if (input is None) == (registry is None):
        raise InputError(
            "give exactly one of --input and --registry",
            fix="--input FILE scores given evidence; --registry FILE collects it",
        )
    if registry is not None:
        _assess_registry(registry, start, end, rubric, warehouse, lang, as_json)
    else:
        assert input is not None
        _assess_file(input, rubric, warehouse, lang, as_json)


def _json_body(
    warehouse: str, rows: Sequence[tuple[str, Assessment]], **extra: object
) -> dict[str, object]:
    from maturity.warehouse.payloads import scored

    return {
        "warehouse": warehouse,
        "assessments": [scored(name, a) for name, a in rows],
        **extra,
    }


def _assess_file(
    input: Path, rubric: Path | None, warehouse: str | None, lang: str, as_json: bool
) -> None:
    from rich.text import Text

    from maturity.cli.render import output_console, print_json, registry_warnings, summary_table
    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.input_file import load_evidence_file
    from maturity.pipeline.runs import file_digest, rubric_digest
    from maturity.pipeline.score import score_inputs

    the_rubric = resolve_rubric(rubric)
    orgs = load_evidence_file(input)  # validated whole before anything is written
    wh = open_warehouse(warehouse)
    digest = file_digest(input, *([rubric] if rubric else []), salt=rubric_digest(the_rubric))
    rows = score_inputs(orgs, the_rubric, wh, input_digest=digest)
    if as_json:
        print_json(_json_body(wh.url_masked, rows))
        return
    console = output_console(120)
    title = "Maturity assessments" if lang == "en" else "Volwassenheidsbeoordelingen"
    console.print(summary_table(rows, the_rubric, lang, title))
    for warning in registry_warnings(rows, lang):
        console.print(warning)
    console.print(Text(f"Written to {wh.url_masked} ({len(rows)} organisations)."))


def _assess_registry(
    registry: Path,
    start: datetime | None,
    end: datetime | None,
    rubric: Path | None,
    warehouse: str | None,
    lang: str,
    as_json: bool = False,
) -> None:
    from dataclasses import replace

    from rich.markup import escape

    from maturity.cli.render import output_console, print_json, registry_warnings, summary_table
    from maturity.errors import InputError, MaturityError
    from maturity.pipeline.inputs import check_inputs
    from maturity.pipeline.settings import PipelineSettings

    if start is None or end is None:
        raise InputError("--registry needs --start and --end", where="--start/--end")
    window = window_option(start, end)
    settings = PipelineSettings.from_environment(registry_path=registry)
    settings = replace(
        settings,
        warehouse_url=warehouse or settings.warehouse_url,
        rubric_path=rubric or settings.rubric_path,
    )
    check_inputs(settings)  # every input, before anything is collected
    failures, quarantined = _run_registry(settings, window)
    rows = _written(settings, window, skip=failures)
    if as_json:
        body = _json_body(
            settings.warehouse.url_masked, rows, quarantined=quarantined, failed=failures
        )
        print_json(body)
    else:
        console = output_console(120)
        title = "Maturity assessments" if lang == "en" else "Volwassenheidsbeoordelingen"
        console.print(summary_table(rows, settings.rubric, lang, title))
        for warning in registry_warnings(rows, lang):
            console.print(warning)
        console.print(
            f"Written to {escape(settings.warehouse.url_masked)} ({len(rows)} organisations)."
        )
        for q in quarantined:
            console.print(
                f"[yellow]quarantined[/] {escape(q)}: these records failed the quality gate "
                "and were left out of the estimate; `maturity explain` shows the checks"
            )
        for org_id, why in failures.items():
            console.print(f"[red]failed[/] {escape(org_id)}: {escape(why)}")
    if failures:
        raise MaturityError(
            f"{len(failures)} of {len(settings.registry.organisations)} "
            "organisations failed; the others were assessed",
            fix="see the messages above; rerunning the same window is safe",
        )


def _run_registry(settings: PipelineSettings, window: Window) -> tuple[dict[str, str], list[str]]:
    """Every organisation through every step, with a progress bar: the organisations that
    failed, each with its one-line reason, and the accounts the record gate quarantined."""
    from maturity.cli.progress import progress_bar
    from maturity.errors import MaturityError
    from maturity.pipeline.steps import assess_org

    failures: dict[str, str] = {}
    quarantined: list[str] = []
    orgs = settings.registry.organisations
    with progress_bar("organisations") as bar:
        task = bar.add_task("assessing", total=len(orgs))
        for org in orgs:

            def show(step: str, org_id: str = org.id) -> None:
                bar.update(task, description=f"{org_id}: {step}")

            try:
                done = assess_org(settings, org.id, window, on_step=show)
            except MaturityError as exc:
                failures[org.id] = " ".join(exc.render().split())
                continue
            finally:
                bar.advance(task)
            for account, checks in done["gate_and_load"]["failed_checks"].items():
                quarantined.append(f"{account} ({org.id}): {', '.join(checks)}")
    return failures, quarantined


def _written(
    settings: PipelineSettings, window: Window, skip: Mapping[str, str]
) -> list[tuple[str, Assessment]]:
    """The assessments this run wrote, by organisation name (the failed ones left out)."""
    wh = settings.warehouse
    rows = []
    for org in settings.registry.organisations:
        if org.id in skip:
            continue
        data = wh.latest_assessment(
            org.id,
            as_of=window.end,
            rubric_version=settings.rubric.version,
            rubric_id=settings.rubric.rubric,
        )
        if data is not None and data.assessment.window.end == window.end:
            rows.append((org.name, data.assessment))
    return rows
