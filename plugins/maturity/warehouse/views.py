"""Dashboard views: one file per view under ``sql/views/`` (``maturity.sql``), one CTE chain each.

A file ``sql/views/<name>.sql`` holds the ``SELECT`` (usually ``WITH ... SELECT``) of the view
``<name>``; this module turns it into ``CREATE VIEW``. The files are the current definitions.
Migrations freeze the text they create (so that replaying an old migration creates the view as
it was then); a test checks that, after ``upgrade head``, every view returns what its file
returns.

Rules with a source in code are not copied into the SQL, and SQL that differs between SQLite and
PostgreSQL is not written twice: a view writes placeholders such as
``{{ phase_label(<phase column>, <verdict column>, '<lang>') }}`` or
``{{ json_number(<expr>, '<key>') }}``, and :func:`render_view` turns them into SQL for the
warehouse's dialect (a ``CASE`` over the labels of :mod:`maturity.phases`, a ``VALUES`` list of the
metric dictionary, ``json_extract`` or ``->>``), for the files and the migrations alike.

On PostgreSQL, :func:`grant_readonly` lets a BI tool's role read the views and nothing else.
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


def view_sql(name: str, dialect: str = "sqlite") -> str:
    """The ``SELECT`` of view ``name``, rendered for ``dialect`` (:func:`render_view`), without
    a trailing semicolon."""
    entry = _views_dir().joinpath(f"{name}.sql")
    if not entry.is_file():
        raise KeyError(f"no view '{name}'; known: {', '.join(view_names())}")
    return render_view(entry.read_text(encoding="utf-8").strip().rstrip(";").strip(), dialect)


_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_CALL = re.compile(r"\s*(\w+)\(\s*(.*?)\s*\)\s*", re.S)
_COLUMN = re.compile(r"[A-Za-z_][\w.]*")
_WORD = re.compile(r"'(\w+)'")

#: The databases the views are written for; a placeholder may render differently on each.
DIALECTS: tuple[str, ...] = ("sqlite", "postgresql")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ValueError(
            f"the views are written for {', '.join(DIALECTS)}, not '{dialect}'; "
            "point the warehouse URL at SQLite or PostgreSQL"
        )
    return dialect


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"no phase labels in '{lang}'; known: {', '.join(LANGUAGES)}")
    return lang


def phase_label_case(phase: str, verdict: str, lang: str) -> str:
    """A portable SQL ``CASE`` giving an assessment's outcome label in ``lang``, from the columns
    ``phase`` and ``verdict``: the same labels as :func:`maturity.phases.outcome_labels`."""
    _check_lang(lang)
    whens = [
        (f"{verdict} = 'insufficient_evidence'", INSUFFICIENT_EVIDENCE[lang]),
        (f"{phase} IS NULL", BELOW_PLANNING[lang]),
        *((f"{phase} = {int(p)}", PHASE_LABELS[p][lang]) for p in Phase),
    ]
    lines = "".join(f"\n    WHEN {cond} THEN {_literal(label)}" for cond, label in whens)
    return f"CASE{lines}\nEND"


def phase_name_case(phase: str, lang: str) -> str:
    """A ``CASE`` naming the phase number in column ``phase`` (a criterion's, a step's)."""
    _check_lang(lang)
    lines = "".join(
        f"\n    WHEN {phase} = {int(p)} THEN {_literal(PHASE_LABELS[p][lang])}" for p in Phase
    )
    return f"CASE{lines}\nEND"


def _values(columns: tuple[str, ...], rows: list[tuple[str | None, ...]]) -> str:
    """A ``VALUES`` list (the body of a CTE named with ``columns``): every value a string."""
    lines = ",\n    ".join(
        "(" + ", ".join("NULL" if v is None else _literal(v) for v in row) + ")" for row in rows
    )
    return f"VALUES\n    {lines}"


METRIC_DICTIONARY_COLUMNS = (
    "metric_id",
    "family",
    "kind",
    "unit",
    "definition_en",
    "denominator",
    "sample",
    "window_rule",
)


def metric_dictionary_values() -> str:
    """The metric dictionary (:mod:`maturity.metric_dictionary`) as a ``VALUES`` list, in the
    order of :data:`METRIC_DICTIONARY_COLUMNS`; a denominator of ``-`` (none) becomes NULL."""
    from maturity.metric_dictionary import METRICS

    rows: list[tuple[str | None, ...]] = [
        (
            m.id,
            m.family,
            m.kind,
            m.unit,
            m.definition,
            None if m.denominator == "-" else m.denominator,
            m.sample,
            m.window,
        )
        for m in METRICS
    ]
    return _values(METRIC_DICTIONARY_COLUMNS, rows)


CRITERION_LABEL_COLUMNS = (
    "rubric_id",
    "criterion_id",
    "label_en",
    "label_nl",
    "advice_en",
    "advice_nl",
)


def criterion_label_values() -> str:
    """The default rubric's criterion labels and advice, in English and Dutch, as a ``VALUES``
    list in the order of :data:`CRITERION_LABEL_COLUMNS`."""
    from maturity.rubric import load_default_rubric

    rubric = load_default_rubric()
    rows: list[tuple[str | None, ...]] = [
        (
            rubric.rubric,
            c.id,
            c.label.get("en"),
            c.label.get("nl"),
            c.advice.get("en"),
            c.advice.get("nl"),
        )
        for c in rubric.criteria
    ]
    return _values(CRITERION_LABEL_COLUMNS, rows)


def json_value(expr: str, key: str, cast: str, dialect: str) -> str:
    """Field ``key`` of the JSON object ``expr``: text (``cast`` ``text``), or a number."""
    raw = f"json_extract({expr}, '$.{key}')" if dialect == "sqlite" else f"({expr} ->> '{key}')"
    types = {
        "text": None,
        "number": "REAL" if dialect == "sqlite" else "DOUBLE PRECISION",
        "integer": "INTEGER",
    }
    sql_type = types[cast]
    return raw if sql_type is None else f"CAST({raw} AS {sql_type})"


def json_rows(column: str, alias: str, kind: str, dialect: str) -> str:
    """A join item giving one row per element of the JSON array in ``column``, as
    ``<alias>.value``: objects (a LEFT JOIN: a row without elements stays, with NULLs) or
    strings (an inner join)."""
    if kind == "objects":
        if dialect == "sqlite":
            return f"LEFT JOIN json_each({column}) AS {alias} ON 1 = 1"
        return f"LEFT JOIN LATERAL jsonb_array_elements({column}) AS {alias}(value) ON TRUE"
    if dialect == "sqlite":
        return f"CROSS JOIN json_each({column}) AS {alias}"
    return f"CROSS JOIN LATERAL jsonb_array_elements_text({column}) AS {alias}(value)"


def _args(raw: str, where: str) -> list[str]:
    args = [a.strip() for a in raw.split(",")] if raw.strip() else []
    for a in args:
        if not (_COLUMN.fullmatch(a) or _WORD.fullmatch(a)):
            raise ValueError(f"view placeholder {where}: argument {a!r} is not a column or word")
    return [a[1:-1] if a.startswith("'") else a for a in args]


def _render_call(name: str, args: list[str], dialect: str) -> str | None:
    match (name, len(args)):
        case ("phase_label", 3):
            return phase_label_case(*args)
        case ("phase_name", 2):
            return phase_name_case(*args)
        case ("metric_dictionary", 0):
            return metric_dictionary_values()
        case ("criterion_labels", 0):
            return criterion_label_values()
        case ("json_text" | "json_number" | "json_integer", 2):
            return json_value(args[0], args[1], name.removeprefix("json_"), dialect)
        case ("json_objects" | "json_strings", 2):
            return json_rows(args[0], args[1], name.removeprefix("json_"), dialect)
    return None


def _expand(match: re.Match[str], dialect: str) -> str:
    call = _CALL.fullmatch(match.group(1))
    rendered = (
        None
        if call is None
        else _render_call(call.group(1), _args(call.group(2), match.group(0)), dialect)
    )
    if rendered is None:
        raise ValueError(f"unknown view placeholder {match.group(0)!r}")
    line_start = match.string.rfind("\n", 0, match.start()) + 1
    prefix = match.string[line_start : match.start()]
    indent = prefix[: len(prefix) - len(prefix.lstrip())]
    return rendered.replace("\n", "\n" + indent)


def render_view(select_sql: str, dialect: str = "sqlite") -> str:
    """``select_sql`` with each ``{{ ... }}`` placeholder replaced by its SQL for ``dialect``:

    - ``phase_label(<phase>, <verdict>, '<lang>')``: the outcome label (a ``CASE``);
    - ``phase_name(<phase>, '<lang>')``: a phase number's label (a ``CASE``);
    - ``metric_dictionary()``, ``criterion_labels()``: ``VALUES`` lists from the metric
      dictionary and the default rubric (columns :data:`METRIC_DICTIONARY_COLUMNS`,
      :data:`CRITERION_LABEL_COLUMNS`);
    - ``json_text|json_number|json_integer(<expr>, '<key>')``: a field of a JSON object;
    - ``json_objects|json_strings(<column>, <alias>)``: a join over a JSON array's elements.
    """
    _check_dialect(dialect)
    return _PLACEHOLDER.sub(lambda m: _expand(m, dialect), select_sql)


def create_view_ddl(name: str, select_sql: str) -> str:
    return f"CREATE VIEW {name} AS\n{select_sql}"


def replace_views(connection: Connection) -> None:
    """Drop and create every shipped view from its file, in one go; on PostgreSQL the SELECT
    rights others held on the views (a BI role's) are granted again."""
    grants = _view_grants(connection)
    drop_views(connection)
    dialect = connection.dialect.name
    for name in view_names():
        connection.execute(text(create_view_ddl(name, view_sql(name, dialect))))
    quote = connection.dialect.identifier_preparer.quote
    for name, grantee in grants:
        connection.execute(text(f"GRANT SELECT ON {name} TO {quote(grantee)}"))


def drop_views(connection: Connection) -> None:
    for name in reversed(view_names()):
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))


# -- a read-only role for BI tools (PostgreSQL) ----------------------------------------------

_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _identifier(value: str, what: str) -> str:
    """``value`` double-quoted, if it is a plain lower-case PostgreSQL name."""
    from maturity.errors import InputError

    if not _ROLE.fullmatch(value):
        raise InputError(
            f"'{value}' is not a plain PostgreSQL name",
            where=what,
            fix="use lower-case letters, digits and underscores, starting with a letter "
            "(at most 63), e.g. bi_reader",
        )
    return f'"{value}"'


def readonly_grants(role: str, schema: str) -> list[str]:
    """The statements that let ``role`` read every shipped view in ``schema``, and nothing else:
    usage of the schema and ``SELECT`` on the views. A view reads its tables with its owner's
    rights, so the role needs (and gets) no right on any table, and cannot write."""
    quoted_role = _identifier(role, "role")
    quoted_schema = _identifier(schema, "schema")
    views = ", ".join(f"{quoted_schema}.{name}" for name in view_names())
    return [
        f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted_role}",
        f"GRANT SELECT ON {views} TO {quoted_role}",
    ]


def grant_readonly(connection: Connection, role: str, schema: str | None = None) -> list[str]:
    """Run :func:`readonly_grants` on a PostgreSQL warehouse (``schema``: the connection's
    current schema when None); returns the statements run. The role must exist."""
    from maturity.errors import InputError

    if connection.dialect.name != "postgresql":
        raise InputError(
            f"a read-only role needs PostgreSQL, not {connection.dialect.name}",
            where="warehouse",
            fix="point --warehouse at the PostgreSQL warehouse; an embedded SQLite file has no "
            "roles (give BI tools a copy of the file instead)",
        )
    schema = schema or str(connection.execute(text("SELECT current_schema()")).scalar_one())
    statements = readonly_grants(role, schema)
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if exists.first() is None:
        raise InputError(
            f"no role '{role}' exists",
            where="role",
            fix=f"create it first, e.g. CREATE ROLE {role} LOGIN PASSWORD '...' (as a superuser "
            "or a role with CREATEROLE), then run this again",
        )
    for statement in statements:
        connection.execute(text(statement))
    return statements


def _view_grants(connection: Connection) -> list[tuple[str, str]]:
    """(view, grantee) of the SELECT rights others hold on the shipped views (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return []
    rows = connection.execute(
        text(
            "SELECT table_name, grantee FROM information_schema.role_table_grants "
            "WHERE privilege_type = 'SELECT' AND table_schema = current_schema() "
            "AND grantee <> current_user AND grantee <> 'PUBLIC'"
        )
    )
    names = set(view_names())
    return sorted((str(r[0]), str(r[1])) for r in rows if r[0] in names)
