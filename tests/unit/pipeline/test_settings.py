"""``maturity.pipeline.settings`` is the one reader of ``MATURITY_*`` variables."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from maturity.errors import ConfigError
from maturity.pipeline import settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
NAME = re.compile(r"^MATURITY_[A-Z_]+$")


def _product_files() -> list[Path]:
    files = [*(ROOT / "plugins" / "maturity").rglob("*.py"), *(ROOT / "connectors").rglob("*.py")]
    files += [*(ROOT / "dags").glob("*.py"), *(ROOT / "sql").rglob("*.py")]
    return [f for f in files if f.name != "settings.py" or f.parent.name != "pipeline"]


def test_no_other_module_names_a_maturity_variable() -> None:
    """A variable's name is written once, as a constant of the settings module."""
    found = []
    for path in _product_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and NAME.match(text):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {text}")
    assert found == [], "use the constants of maturity.pipeline.settings"


def test_every_variable_is_named_once() -> None:
    names = [v for k, v in vars(settings).items() if k.isupper() and isinstance(v, str)]
    variables = [n for n in names if NAME.match(n)]
    assert len(variables) == len(set(variables)) >= 15


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda env: settings.read_int(env, settings.RETRIES, 3, 2), "x", "not a whole number"),
        (lambda env: settings.read_int(env, settings.RETRIES, 3, 2), "1", "less than 2"),
        (lambda env: settings.read_flag(env, settings.RETRIES, False), "maybe", "true or false"),
    ],
)
def test_a_malformed_value_names_its_variable(reader: object, raw: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        reader({settings.RETRIES: raw})  # type: ignore[operator]
    assert caught.value.where == settings.RETRIES


def test_unset_or_blank_means_the_default(tmp_path: Path) -> None:
    assert settings.read_int({settings.RETRIES: "  "}, settings.RETRIES, 3, 2) == 3
    assert settings.landing_root({settings.HOME: str(tmp_path)}) == tmp_path / "landing"
    assert settings.landing_root({}) == Path("var") / "landing"
    explicit = {settings.HOME: str(tmp_path), settings.LANDING_DIR: str(tmp_path / "l")}
    assert settings.landing_root(explicit) == tmp_path / "l"


def test_every_variable_is_documented_for_operators() -> None:
    doc = (ROOT / "docs" / "deployment.md").read_text()
    names = [v for k, v in vars(settings).items() if isinstance(v, str) and NAME.match(v)]
    assert [n for n in names if f"`{n}`" not in doc] == []
