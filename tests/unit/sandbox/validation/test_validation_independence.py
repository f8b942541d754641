"""The validation set is not written by the rubric: its package never imports the rubric or
the rubric-based questionnaires of the emulator, and building a world loads neither."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import maturity.sandbox.validation as validation

pytestmark = pytest.mark.unit

FORBIDDEN = ("maturity.rubric", "maturity.sandbox.emulator.questionnaires")
PACKAGE = Path(validation.__file__).parent


def imported_modules(source: str) -> set[str]:
    """Every module an import statement names, at any depth (lazy imports included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{alias.name}" for alias in node.names)
    return out


def offending(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)}


def test_the_check_sees_a_lazy_import_of_the_rubric() -> None:
    probe = "def f():\n    from maturity.rubric import load_default_rubric\n"
    assert offending(imported_modules(probe)) == {
        "maturity.rubric",
        "maturity.rubric.load_default_rubric",
    }
    assert offending(imported_modules("from maturity.sandbox.emulator import questionnaires"))


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_no_module_of_the_validation_package_imports_the_rubric(path: Path) -> None:
    assert offending(imported_modules(path.read_text("utf-8"))) == set(), path


def test_building_a_world_and_its_questionnaires_loads_no_rubric(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from maturity.sandbox.validation.archetypes import ARCHETYPES\n"
        "from maturity.sandbox.validation.builder import build_world\n"
        "from maturity.sandbox.validation.declarations import write_questionnaire\n"
        "b = build_world(ARCHETYPES[:12], 1)\n"
        f"folder = Path({str(tmp_path)!r})\n"
        "[write_questionnaire(a, folder, date(2026, 11, 2)) for a in b.archetypes]\n"
        f"print(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
