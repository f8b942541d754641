"""``maturity questionnaire template ORG``: an empty questionnaire to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang, RubricOption

questionnaire_app = typer.Typer(help="Questionnaires of declared facts.", no_args_is_help=True)


@questionnaire_app.command("template")
@handle_errors
def template_command(
    org: Annotated[str, typer.Argument(help="Organisation id the questionnaire is for.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of to stdout.")
    ] = None,
    rubric: RubricOption = None,
    lang: Lang = "en",
) -> None:
    """Write an empty questionnaire for ORG, every question explained, in English or Dutch."""
    import re

    from maturity.cli.resolve import resolve_rubric
    from maturity.errors import InputError
    from maturity.questionnaire import render_template
    from maturity.registry import ORG_ID_MAX_LENGTH, ORG_ID_PATTERN

    if not re.match(ORG_ID_PATTERN, org) or len(org) > ORG_ID_MAX_LENGTH:
        raise InputError(
            f"'{org}' is not an organisation id",
            fix="use lower-case letters, digits and dashes, as in the registry",
        )
    text = render_template(org, resolve_rubric(rubric), lang)
    if out is None:
        typer.echo(text, nl=False)
        return
    if out.exists():
        raise InputError(
            "the file exists already",
            where=str(out),
            fix="choose another --out path; answers are never overwritten",
        )
    out.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {out}")


@questionnaire_app.command("check")
@handle_errors
def check_command(
    file: Annotated[Path, typer.Argument(help="A filled-in questionnaire.")],
    rubric: RubricOption = None,
) -> None:
    """Check a filled-in questionnaire and list what it declares."""
    from maturity.cli.resolve import resolve_rubric
    from maturity.questionnaire import load_questionnaire

    q = load_questionnaire(file, resolve_rubric(rubric))
    for f in q.facts:
        typer.echo(
            f"{f.fact_id} = {f.value}  (declared by {f.declared_by}, {f.declared_at.isoformat()})"
        )
    typer.echo(f"{len(q.facts)} answered, {len(q.unanswered)} left unknown")
