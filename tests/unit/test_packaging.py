"""The one-namespace layout: every package directory is installed under ``maturity``."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_directory_is_listed() -> None:
    cfg = _config()
    found: set[str] = set()
    for name, rel in cfg["package-dir"].items():
        base = ROOT / rel
        for init in base.rglob("__init__.py"):
            parts = init.parent.relative_to(base).parts
            found.add(".".join((name, *parts)) if parts else name)
    missing = sorted(found - set(cfg["packages"]))
    assert not missing, f"add these packages to [tool.setuptools] packages: {missing}"


def test_no_generic_top_level_connectors_package() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import importlib.util as u; print(u.find_spec('connectors'))"],
        capture_output=True,
        text=True,
        cwd="/",
        check=True,
    )
    assert out.stdout.strip() == "None"


def test_cli_import_stays_light() -> None:
    """`maturity --help` must not pay for Airflow, pandas, GX, tweepy, praw or SQLAlchemy, nor
    for the product's own collection, pipeline steps or sandbox (commands import them lazily)."""
    code = (
        "import sys, maturity.cli; "
        "heavy = ['airflow', 'pandas', 'great_expectations', 'tweepy', 'praw', 'sqlalchemy', "
        "'numpy', 'alembic', 'maturity.collect', 'maturity.pipeline.steps', 'maturity.sandbox']; "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported at CLI start-up: {out.stdout.strip()}"
