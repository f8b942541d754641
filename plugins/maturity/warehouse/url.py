"""Where the warehouse is: a SQLAlchemy URL, parsed, checked and with its driver pinned.

:func:`resolve_configured` picks, in order: a plain URL the settings give
(``maturity.pipeline.settings`` reads it from ``MATURITY_WAREHOUSE_URL``); the Airflow
connection ``maturity_warehouse`` (``AIRFLOW_CONN_MATURITY_WAREHOUSE``, JSON or URI form); and
otherwise the default the settings give (the embedded SQLite file under ``MATURITY_HOME``).
A plain URL and the connection naming different warehouses is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from maturity.connections import WAREHOUSE_CONN_ID as CONN_ID
from maturity.connections import Connection, env_var_name, get_connection
from maturity.errors import ConfigError

#: Connection type -> SQLAlchemy driver. PostgreSQL always goes through psycopg 3.
DRIVERS: Mapping[str, str] = {
    "postgres": "postgresql+psycopg",
    "sqlite": "sqlite",
}

#: Drivers a URL may name, mapped to the one the product uses.
_DRIVER_ALIASES: Mapping[str, str] = {
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
}

#: Connection extras that are libpq parameters and so belong in the URL's query.
_LIBPQ_EXTRAS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "options",
        "connect_timeout",
        "application_name",
        "target_session_attrs",
        "channel_binding",
        "gssencmode",
    }
)


#: Query parameters whose value is a secret (libpq's ``password``, ``sslpassword``, ...).
_SECRET_WORDS = ("pass", "secret", "token", "key")


def _secret_param(name: str) -> bool:
    return any(word in name.lower() for word in _SECRET_WORDS)


def masked(url: URL | str) -> str:
    """The URL as text with its password, and every query parameter that holds a secret,
    replaced by ``***``; safe for logs and errors. Never raises: an unparseable URL is shown
    as a placeholder, since its text may hold the password anywhere."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError, TypeError):
        return "<unparseable warehouse URL>"
    hidden = {k: "***" for k in parsed.query if _secret_param(k)}
    if hidden:
        parsed = parsed.update_query_dict(hidden)
    return parsed.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def normalise(url: URL | str, *, where: str = "warehouse URL") -> URL:
    """Parse ``url`` and pin the driver the product uses for its dialect.

    A password given as the query parameter ``password`` moves into the URL's password, so
    that it is masked like one."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError, TypeError):
        # The text is never repeated: it may hold the password anywhere.
        raise ConfigError(
            "the warehouse URL cannot be parsed (its text is not shown: it may hold a password)",
            where=where,
            fix="write it as postgresql://user:password@host:5432/db or sqlite:///path/file; "
            "percent-encode '@', ':' and '/' in the password (%40, %3A, %2F)",
        ) from None
    driver = _DRIVER_ALIASES.get(parsed.drivername)
    if driver is None:
        raise ConfigError(
            f"unsupported database '{parsed.drivername}' in {masked(parsed)}",
            where=where,
            fix="use PostgreSQL (postgresql://...) or SQLite (sqlite:///path)",
        )
    query_password = parsed.query.get("password")
    if isinstance(query_password, str) and driver != "sqlite":
        parsed = parsed.difference_update_query(["password"])
        if parsed.password is None:
            parsed = parsed.set(password=query_password)
    return parsed.set(drivername=driver)


def from_connection(conn: Connection) -> URL:
    """The SQLAlchemy URL of an Airflow connection of type ``postgres`` or ``sqlite``."""
    where = env_var_name(conn.conn_id)
    driver = DRIVERS.get(conn.conn_type)
    if driver is None:
        raise ConfigError(
            f"connection '{conn.conn_id}' has conn_type '{conn.conn_type}'",
            where=where,
            fix=f"use conn_type {' or '.join(sorted(DRIVERS))}",
        )
    if driver == "sqlite":
        # Airflow's sqlite connection keeps the database file in `host`.
        path = conn.host or conn.schema
        if not path:
            raise ConfigError(
                f"connection '{conn.conn_id}' names no SQLite file",
                where=f"{where} (host)",
                fix="put the file path in host, e.g. sqlite://%2Fdata%2Fwarehouse.sqlite",
            )
        return URL.create("sqlite", database=path)
    query = {k: str(v) for k, v in conn.extra.items() if k in _LIBPQ_EXTRAS}
    return URL.create(
        driver,
        username=conn.login,
        password=conn.password,
        host=conn.host,
        port=conn.port,
        database=conn.schema,
        query=query,
    )


def resolve_url(url: URL | str) -> URL:
    """An explicit warehouse URL, normalised."""
    return normalise(url)


def resolve_configured(
    plain: str | None, *, where: str, env: Mapping[str, str] | None, default: URL
) -> URL:
    """The warehouse URL, by the precedence in this module's docstring. ``where`` names the
    setting ``plain`` came from; ``env`` is where Airflow connections are looked up."""
    conn = get_connection(CONN_ID, env)
    from_plain = normalise(plain, where=where) if plain else None
    from_conn = from_connection(conn) if conn is not None else None
    if from_plain is not None and from_conn is not None and from_plain != from_conn:
        raise ConfigError(
            f"{where} ({masked(from_plain)}) and {env_var_name(CONN_ID)} "
            f"({masked(from_conn)}) name different warehouses",
            where=where,
            fix=f"unset one of {where} and {env_var_name(CONN_ID)}",
        )
    return from_plain or from_conn or default
