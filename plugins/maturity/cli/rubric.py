"""``maturity rubric validate FILE`` and ``maturity rubric show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import JsonOption, Lang, RubricOption

rubric_app = typer.Typer(help="Check and show rubric files.", no_args_is_help=True)


@rubric_app.command("validate")
@handle_errors
def validate_command(
    file: Annotated[Path, typer.Argument(help="Rubric file (YAML or JSON) to check.")],
) -> None:
    """Check a rubric file; exit 2 with the file, line, criterion and field of the first error."""
    from rich.console import Console
    from rich.markup import escape

    from maturity.rubric import load_rubric

    rubric = load_rubric(file)
    gates = sum(1 for c in rubric.criteria if c.role == "gate")
    Console().print(
        f"[green]OK[/] {escape(str(file))}: rubric '{escape(rubric.rubric)}' "
        f"version {escape(rubric.version)}, "
        f"{len(rubric.criteria)} criteria ({gates} gates), {len(rubric.goals)} goals"
    )


@rubric_app.command("show")
@handle_errors
def show_command(
    rubric: RubricOption = None, lang: Lang = "en", as_json: JsonOption = False
) -> None:
    """Print the rubric as a table: phase, criterion, evidence kind, threshold, weight, role.

    With --json, the whole rubric (every field, both languages) as the rubric file defines it."""
    from maturity.cli.render import output_console, print_json, rubric_table
    from maturity.cli.resolve import resolve_rubric

    the_rubric = resolve_rubric(rubric)
    if as_json:
        print_json(the_rubric.model_dump(mode="json"))
        return
    output_console().print(rubric_table(the_rubric, lang))
