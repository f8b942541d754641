"""`maturity report`: one self-contained HTML file per organisation, or for the portfolio."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from maturity.cli import app
from maturity.sandbox.bench.dashboard_bench import EXAMPLE_ORG

pytestmark = pytest.mark.integration


def _report(warehouse: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["report", *args, "--out", str(out), "--warehouse", f"sqlite:///{warehouse}"]
    )
    return result.exit_code, result.output


def test_organisation_report_is_one_self_contained_file(
    demo_warehouse_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "duinwijk.html"
    code, output = _report(demo_warehouse_path, out, EXAMPLE_ORG, "--lang", "nl")
    assert code == 0, output
    html = out.read_text("utf-8")
    assert '<html lang="nl">' in html
    for heading in ("Hoe zeker de schatting is", "Waar de schatting op rust", "Volgende stappen"):
        assert heading in html
    assert "5 Strategisch" in html
    assert html.count("<svg") == 2  # timeline and heat map, inline
    assert "@media print" in html
    # Nothing to fetch: no links to files or servers, no scripts, and a CSP that forbids any.
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "default-src 'none'" in html


def test_portfolio_report_lists_every_organisation(
    demo_warehouse_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "portfolio.html"
    code, output = _report(demo_warehouse_path, out, "--all")
    assert code == 0, output
    html = out.read_text("utf-8")
    table = html[html.index('<table id="portfolio">') :]
    assert table.count("<tr><td>") == 13
    assert "Portfolio report" in html


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give either an organisation id or --all"),
        ((EXAMPLE_ORG, "--all"), "give either an organisation id or --all"),
        (("nobody",), "unknown organisation nobody"),
    ],
)
def test_bad_report_requests_exit_2_and_say_why(
    demo_warehouse_path: Path, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    code, output = _report(demo_warehouse_path, tmp_path / "r.html", *args)
    assert code == 2
    assert says in " ".join(output.split())
    assert not (tmp_path / "r.html").exists()


def test_report_needs_an_html_file_in_an_existing_folder(
    demo_warehouse_path: Path, tmp_path: Path
) -> None:
    code, output = _report(demo_warehouse_path, tmp_path / "r.pdf", EXAMPLE_ORG)
    assert code == 2
    assert "does not end in .html" in output
    code, output = _report(demo_warehouse_path, tmp_path / "no" / "r.html", EXAMPLE_ORG)
    assert code == 2
    assert "does not exist" in output
