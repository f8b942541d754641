"""The layer contracts of ``docs/architecture.md`` hold, as ``make lint`` checks them.

import-linter reads the contracts from pyproject.toml. It cannot follow the editable install's
package-dir mapping, so the namespace is laid out as symlinks, as ``make namespace`` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def _namespace(tmp: Path) -> Path:
    ns = tmp / "maturity"
    ns.mkdir()
    for entry in (ROOT / "plugins" / "maturity").iterdir():
        if entry.name != "__pycache__":
            (ns / entry.name).symlink_to(entry)
    (ns / "connectors").symlink_to(ROOT / "connectors")
    (ns / "sql").symlink_to(ROOT / "sql")
    return tmp


def _lint_imports(pythonpath: Path, config: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is a dev dependency: make install"
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [exe, str(config), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=240,
        check=False,
    )


def test_the_layer_contracts_are_kept(tmp_path: Path) -> None:
    out = _lint_imports(_namespace(tmp_path), ROOT / "pyproject.toml")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_an_import_against_the_layers_breaks_a_contract(tmp_path: Path) -> None:
    """The contracts can fail: a connector that imports the warehouse is refused."""
    pythonpath = _namespace(tmp_path)
    connectors = pythonpath / "maturity" / "connectors"
    connectors.unlink()
    shutil.copytree(ROOT / "connectors", connectors, ignore=shutil.ignore_patterns("__pycache__"))
    (connectors / "probe.py").write_text("import maturity.warehouse\n")
    out = _lint_imports(pythonpath, ROOT / "pyproject.toml")
    assert out.returncode != 0
    assert "maturity.connectors.probe -> maturity.warehouse" in out.stdout
