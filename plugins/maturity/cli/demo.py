"""``maturity demo``: the main job on the embedded default, with demo data."""

from __future__ import annotations

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang, WarehouseOption


@handle_errors
def demo_command(warehouse: WarehouseOption = None, lang: Lang = "en") -> None:
    """Assess the demo organisations into the embedded warehouse and print the phase table."""
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    from maturity.cli.render import summary_table
    from maturity.cli.resolve import open_warehouse, resolve_rubric
    from maturity.input_file import load_evidence_file
    from maturity.pipeline.runs import file_digest, rubric_digest
    from maturity.pipeline.score import score_inputs
    from maturity.sandbox.demo import demo_evidence_path

    evidence_path = demo_evidence_path()
    rubric = resolve_rubric(None)
    orgs = load_evidence_file(evidence_path)
    wh = open_warehouse(warehouse)
    rows = score_inputs(
        orgs, rubric, wh, input_digest=file_digest(evidence_path, salt=rubric_digest(rubric))
    )
    console = Console(width=max(Console().width, 120))
    title = (
        "Demo: Social Business maturity of fictional organisations"
        if lang == "en"
        else "Demo: Social Business-volwassenheid van fictieve organisaties"
    )
    console.print(summary_table(rows, rubric, lang, title))
    console.print(Text(f"\nWarehouse: {wh.url_masked}"))
    example = orgs[0].org_id
    exe = _command_name()
    console.print(
        "Next: see how an estimate was reached with "
        f"[bold]{escape(exe)} explain {escape(example)}[/] (add --lang nl for Dutch), "
        f"or the rubric with [bold]{escape(exe)} rubric show[/]."
    )


def _command_name() -> str:
    """How the user can call this command again from the current directory."""
    import os
    import shutil
    import sys

    exe = os.path.abspath(sys.argv[0])
    on_path = shutil.which("maturity")
    if on_path and os.path.abspath(on_path) == exe:
        return "maturity"
    rel = os.path.relpath(exe)
    return rel if not rel.startswith("..") else exe
