"""The ``maturity`` command line.

Every command imports its heavy modules inside its own body so that ``maturity --help`` stays
fast. Exit codes: 0 success, 2 bad input (the message names the problem), 1 any other failure.
"""

from __future__ import annotations

import typer

from maturity.cli.assess import assess_command
from maturity.cli.demo import demo_command
from maturity.cli.discover import discover_command
from maturity.cli.explain import explain_command
from maturity.cli.pseudonym import pseudonym_app
from maturity.cli.purge import purge_command
from maturity.cli.questionnaire import questionnaire_app
from maturity.cli.rescore import rescore_command
from maturity.cli.rubric import rubric_app
from maturity.cli.warehouse import warehouse_app

app = typer.Typer(
    name="maturity",
    help="Evidence-based Social Business maturity assessments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Docstrings are paragraphs: reflow them to the terminal instead of keeping their line
    # breaks (which wrapped every line twice in a narrow terminal).
    rich_markup_mode="markdown",
)
app.add_typer(rubric_app, name="rubric")
app.add_typer(questionnaire_app, name="questionnaire")
app.add_typer(pseudonym_app, name="pseudonym")
app.add_typer(warehouse_app, name="warehouse")
app.command("assess")(assess_command)
app.command("explain")(explain_command)
app.command("rescore")(rescore_command)
app.command("demo")(demo_command)
app.command("purge")(purge_command)
app.command("discover")(discover_command)


def _register_dashboard() -> None:
    """``maturity serve`` and ``maturity report``: their modules are light (the dashboard,
    FastAPI and the charts load only when a command runs)."""
    from maturity.cli.report import report_command
    from maturity.cli.serve import serve_command

    app.command("serve")(serve_command)
    app.command("report")(report_command)


_register_dashboard()


def _register_optional() -> None:
    """Commands whose modules belong to later stages register when present."""
    try:
        from maturity.cli.collect import collect_command
    except ImportError:
        pass
    else:
        app.command("collect")(collect_command)
    try:
        from maturity.cli.emulator import emulator_command, emulator_world_command
    except ImportError:
        pass
    else:
        app.command("emulator")(emulator_command)
        app.command("emulator-world")(emulator_world_command)


_register_optional()
