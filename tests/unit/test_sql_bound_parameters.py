"""Values reach SQL only as bound parameters: no statement the product runs is an f-string,
a ``.format`` or a ``%``/``+`` of strings, except where the interpolated part is a name from the
product's own schema (listed below with its reason).

The evidence queries of ``explain --sql`` are text for humans and never executed by the
product; their literals and comments are tested in
``tests/integration/warehouse/test_warehouse_injection.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [ROOT / "plugins" / "maturity", ROOT / "connectors", ROOT / "sql"]
EXECUTORS = {"text", "execute", "exec_driver_sql", "executescript", "executemany"}

#: (file, line text) -> why the interpolation is not a value.
ALLOWED = {
    (
        "plugins/maturity/warehouse/views.py",
        'text(f"DROP VIEW IF EXISTS {name}")',
    ): "a view name from the product's fixed list of views",
    (
        "sql/migrations/versions/0003_keys_per_organisation.py",
        "DELETE FROM {table}",
    ): "table and column names of the migration itself",
    (
        "sql/migrations/versions/0003_keys_per_organisation.py",
        "FROM ({named}) AS r",
    ): "a UNION of the migration's own tables",
    (
        "sql/migrations/versions/0001_initial.py",
        "CREATE VIEW v_latest_assessment AS",
    ): "the view's SQL file shipped with the product",
    (
        "plugins/maturity/warehouse/views.py",
        'text(f"GRANT SELECT ON {name} TO {quote(grantee)}")',
    ): "a shipped view's name, and a role name from the catalogue, quoted as an identifier",
    (
        "sql/migrations/versions/0005_bi_views.py",
        'op.execute(f"CREATE VIEW {name} AS',
    ): "the view names and SQL frozen in the migration itself",
    (
        "sql/migrations/versions/0005_bi_views.py",
        'op.execute(f"DROP VIEW IF EXISTS {name}")',
    ): "the view names frozen in the migration itself",
    (
        "sql/migrations/versions/0007_collection_cost.py",
        'op.execute(f"CREATE VIEW {name} AS',
    ): "the view names and SQL frozen in the migration itself",
    (
        "sql/migrations/versions/0007_collection_cost.py",
        'op.execute(f"DROP VIEW IF EXISTS {name}")',
    ): "the view names frozen in the migration itself",
    (
        "plugins/maturity/warehouse/upsert.py",
        "f'CREATE TEMPORARY TABLE IF NOT EXISTS \"{stage.name}\" '",
    ): "the staging table named after one of the product's own tables (schema metadata)",
    (
        "plugins/maturity/warehouse/upsert.py",
        "text(f'TRUNCATE \"{stage.name}\"')",
    ): "the staging table named after one of the product's own tables (schema metadata)",
    (
        "sql/migrations/versions/0006_record_text_features.py",
        'f\'ALTER TABLE "{table}" DROP COLUMN "{column.name}"\'',
    ): "table and column names of the migration itself",
}


def _built(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _statements_built_from_strings() -> list[tuple[str, int, str]]:
    found = []
    for base in PRODUCT:
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/sandbox/" in rel:
                continue
            source = path.read_text(encoding="utf-8")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Call) and _name(node.func) in EXECUTORS and node.args:
                    first = node.args[0]
                    if isinstance(first, ast.Call) and _name(first.func) == "text" and first.args:
                        first = first.args[0]
                    if _built(first):
                        found.append((rel, node.lineno, ast.get_source_segment(source, node) or ""))
    return found


def test_no_statement_is_built_by_interpolating_values() -> None:
    unexplained = [
        (rel, line, code)
        for rel, line, code in _statements_built_from_strings()
        if not any(rel == f and snippet in code for f, snippet in ALLOWED)
    ]
    assert unexplained == []


def test_the_scan_finds_an_interpolated_statement() -> None:
    """The scan itself works: the allowed cases are found."""
    found = {rel for rel, _, _ in _statements_built_from_strings()}
    assert "plugins/maturity/warehouse/views.py" in found
