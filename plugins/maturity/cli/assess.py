"""``maturity assess --input FILE``: score organisations and write the results."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang, RubricOption, WarehouseOption

if TYPE_CHECKING:
    from maturity.assessment import Assessment
    from maturity.evidence_file import OrgInput
    from maturity.rubric import Rubric
    from maturity.warehouse import Warehouse
    from maturity.warehouse.runs import RunTrigger


def file_digest(*paths: Path, salt: str = "") -> str:
    """A digest of the inputs of a run; ``salt`` carries what is not a file (the rubric id)."""
    import hashlib

    h = hashlib.sha256(salt.encode())
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def assess_inputs(
    orgs: list[OrgInput],
    rubric: Rubric,
    warehouse: Warehouse,
    *,
    input_digest: str,
    trigger: RunTrigger = "cli",
) -> list[tuple[str, Assessment]]:
    """Score every organisation and write each in its own transaction."""
    from maturity.cli.resolve import code_version
    from maturity.scoring import score
    from maturity.warehouse import OrgRow, RunInfo, deterministic_run_id

    if not orgs:
        return []
    window = orgs[0].evidence.window
    run_id = deterministic_run_id("assess", window, rubric.version, input_digest)
    run = RunInfo(
        run_id=run_id,
        kind="assess",
        trigger=trigger,
        code_version=code_version(),
        rubric_id=rubric.rubric,
        rubric_version=rubric.version,
        window_start=window.start,
        window_end=window.end,
        input_digest=input_digest,
        started_at=window.end,
    )
    results: list[tuple[str, Assessment]] = []
    for org in orgs:
        assessment = score(rubric, org.evidence)
        warehouse.write_assessment(
            org=OrgRow(org_id=org.org_id, name=org.name, sector=org.sector),
            evidence=org.evidence,
            assessment=assessment,
            run=run,
        )
        results.append((org.name, assessment))
    return results


@handle_errors
def assess_command(
    input: Annotated[
        Path,
        typer.Option(
            "--input",
            "-i",
            help="Metrics-and-facts file (YAML or JSON); docs/evidence-file.md describes it.",
        ),
    ],
    rubric: RubricOption = None,
    warehouse: WarehouseOption = None,
    lang: Lang = "en",
) -> None:
    """Score organisations from a metrics-and-facts file and write the results to the warehouse."""
    from rich.console import Console

    from maturity.cli.render import summary_table
    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.evidence_file import load_evidence_file

    the_rubric = resolve_rubric(rubric)
    orgs = load_evidence_file(input)  # validated whole before anything is written
    wh = open_warehouse(warehouse)
    digest = file_digest(
        input, *([rubric] if rubric else []), salt=f"{the_rubric.rubric}@{the_rubric.version}"
    )
    rows = assess_inputs(orgs, the_rubric, wh, input_digest=digest)
    console = Console()
    title = "Maturity assessments" if lang == "en" else "Volwassenheidsbeoordelingen"
    console.print(summary_table(rows, the_rubric, lang, title))
    console.print(f"Written to {wh.url_masked} ({len(rows)} organisations).")
