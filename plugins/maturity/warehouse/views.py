"""Dashboard views: one file per view under ``sql/views/`` (``maturity.sql``), one CTE chain each.

A file ``sql/views/<name>.sql`` holds the ``SELECT`` (usually ``WITH ... SELECT``) of the view
``<name>``; this module turns it into ``CREATE VIEW``. The files are the current definitions.
Migrations freeze the text they create (so that replaying an old migration creates the view as
it was then); a test checks that, after ``upgrade head``, every view returns what its file
returns.

Rules with a source in code are not copied into the SQL: a view writes
``{{ phase_label(<phase column>, <verdict column>, '<lang>') }}`` and :func:`render_view` turns it
into a ``CASE`` over the labels of :mod:`maturity.phases`, for the files and the migrations alike.
"""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable

from sqlalchemy import Connection, text

from maturity.phases import BELOW_PLANNING, INSUFFICIENT_EVIDENCE, LANGUAGES, PHASE_LABELS, Phase

VIEWS_PACKAGE = "maturity.sql"
VIEWS_DIR = "views"


def _views_dir() -> Traversable:
    return files(VIEWS_PACKAGE).joinpath(VIEWS_DIR)


def view_names() -> tuple[str, ...]:
    """The views the product ships, in the order they are created (file name order)."""
    return tuple(
        sorted(
            entry.name.removesuffix(".sql")
            for entry in _views_dir().iterdir()
            if entry.name.endswith(".sql")
        )
    )


def view_sql(name: str) -> str:
    """The ``SELECT`` of view ``name``, rendered (:func:`render_view`), without a trailing
    semicolon."""
    entry = _views_dir().joinpath(f"{name}.sql")
    if not entry.is_file():
        raise KeyError(f"no view '{name}'; known: {', '.join(view_names())}")
    return render_view(entry.read_text(encoding="utf-8").strip().rstrip(";").strip())


_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_PHASE_LABEL = re.compile(r"\s*phase_label\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*'(\w+)'\s*\)\s*")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def phase_label_case(phase: str, verdict: str, lang: str) -> str:
    """A portable SQL ``CASE`` giving an assessment's outcome label in ``lang``, from the columns
    ``phase`` and ``verdict``: the same labels as :func:`maturity.phases.outcome_labels`."""
    if lang not in LANGUAGES:
        raise ValueError(f"no phase labels in '{lang}'; known: {', '.join(LANGUAGES)}")
    whens = [
        (f"{verdict} = 'insufficient_evidence'", INSUFFICIENT_EVIDENCE[lang]),
        (f"{phase} IS NULL", BELOW_PLANNING[lang]),
        *((f"{phase} = {int(p)}", PHASE_LABELS[p][lang]) for p in Phase),
    ]
    lines = "".join(f"\n    WHEN {cond} THEN {_literal(label)}" for cond, label in whens)
    return f"CASE{lines}\nEND"


def _expand(match: re.Match[str]) -> str:
    call = _PHASE_LABEL.fullmatch(match.group(1))
    if call is None:
        raise ValueError(f"unknown view placeholder {match.group(0)!r}")
    line_start = match.string.rfind("\n", 0, match.start()) + 1
    prefix = match.string[line_start : match.start()]
    indent = prefix[: len(prefix) - len(prefix.lstrip())]
    return phase_label_case(*call.groups()).replace("\n", "\n" + indent)


def render_view(select_sql: str) -> str:
    """``select_sql`` with each ``{{ phase_label(...) }}`` placeholder replaced by its ``CASE``."""
    return _PLACEHOLDER.sub(_expand, select_sql)


def create_view_ddl(name: str, select_sql: str) -> str:
    return f"CREATE VIEW {name} AS\n{select_sql}"


def replace_views(connection: Connection) -> None:
    """Drop and create every shipped view from its file, in one go (for development)."""
    drop_views(connection)
    for name in view_names():
        connection.execute(text(create_view_ddl(name, view_sql(name))))


def drop_views(connection: Connection) -> None:
    for name in reversed(view_names()):
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
