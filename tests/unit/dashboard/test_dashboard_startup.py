"""`maturity --help` stays fast: the new commands import the dashboard only when they run."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

HEAVY = (
    "maturity.dashboard",
    "fastapi",
    "uvicorn",
    "altair",
    "vl_convert",
    "jinja2",
    "playwright",
)


def test_the_cli_imports_no_dashboard_web_or_chart_module_at_start_up() -> None:
    code = (
        "import sys, maturity.cli; "
        f"heavy = {list(HEAVY)!r}; "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported at CLI start-up: {out.stdout.strip()}"


def test_serve_and_report_are_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "maturity.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert " serve " in out.stdout
    assert " report " in out.stdout
