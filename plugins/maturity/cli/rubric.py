"""``maturity rubric validate FILE`` and ``maturity rubric show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang, RubricOption

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
def show_command(rubric: RubricOption = None, lang: Lang = "en") -> None:
    """Print the rubric as a table: phase, criterion, evidence kind, threshold, weight, role."""
    from rich.console import Console

    from maturity.cli.render import rubric_table
    from maturity.cli.resolve import resolve_rubric

    Console().print(rubric_table(resolve_rubric(rubric), lang))
