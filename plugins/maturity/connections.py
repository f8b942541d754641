"""Airflow-style connections, read the Airflow way, also when Airflow is not running.

A connection ``my_conn`` comes from the environment variable ``AIRFLOW_CONN_MY_CONN``, in
Airflow's JSON form (``{"conn_type": "...", "host": "...", "login": ..., "password": ...,
"schema": ..., "port": ..., "extra": {...}}``) or its URI form
(``conn-type://login:password@host:port/schema?key=value``, where a host that carries its own
protocol is written ``conn-type://https://login:password@host``). Inside Airflow the hooks use
Airflow's own lookup; this module serves the CLI and the tests with the same semantics.

A :class:`Connection` never shows its password: not in ``repr``, not in errors.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from maturity.errors import ConfigError

ENV_PREFIX = "AIRFLOW_CONN_"

# The product's connections, named once: the connectors, the warehouse, the pseudonymiser and
# the Airflow hooks all use these ids.
X_CONN_ID = "x_default"
REDDIT_CONN_ID = "reddit_default"
MASTODON_CONN_ID = "mastodon_default"
BLUESKY_CONN_ID = "bluesky_default"
WAREHOUSE_CONN_ID = "maturity_warehouse"
PSEUDONYM_CONN_ID = "maturity_pseudonym"
_EXTRA_KEY = "__extra__"


@dataclass(frozen=True)
class Connection:
    conn_id: str
    conn_type: str
    host: str | None = None
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    schema: str | None = None
    port: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        pw = "***" if self.password else None
        return (
            f"Connection(conn_id={self.conn_id!r}, conn_type={self.conn_type!r}, "
            f"host={self.host!r}, login={self.login!r}, password={pw!r}, "
            f"schema={self.schema!r}, port={self.port!r}, extra_keys={sorted(self.extra)!r})"
        )


def env_var_name(conn_id: str) -> str:
    return ENV_PREFIX + conn_id.upper()


#: Connection types that mean "PostgreSQL": Airflow's two spellings and the type the plugin's
#: UI offers for the warehouse connection.
POSTGRES_TYPES = frozenset({"postgres", "postgresql", "maturity_warehouse"})


def normalise_type(conn_type: str) -> str:
    """``conn_type`` as the product reads it, the same for a task and for the CLI."""
    conn_type = conn_type.replace("-", "_")
    return "postgres" if conn_type in POSTGRES_TYPES else conn_type


def _from_json(conn_id: str, raw: str) -> Connection:
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ConfigError(
            f"connection '{conn_id}' is nested too deeply to be a connection",
            where=env_var_name(conn_id),
        ) from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"connection '{conn_id}' is not valid JSON ({exc.msg} at column {exc.colno})",
            where=env_var_name(conn_id),
            fix="write the connection as Airflow JSON or as an Airflow URI",
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"connection '{conn_id}' must be a JSON object", where=env_var_name(conn_id)
        )
    unknown = sorted(
        set(data)
        - {"conn_type", "host", "login", "password", "schema", "port", "extra", "description"}
    )
    if unknown:
        raise ConfigError(
            f"connection '{conn_id}' has unknown field(s) {unknown}",
            where=env_var_name(conn_id),
            fix="use conn_type, host, login, password, schema, port and extra",
        )
    for name in ("conn_type", "host", "login", "password", "schema", "description"):
        if data.get(name) is not None and not isinstance(data[name], str):
            # The value is not shown: it may be the password.
            raise ConfigError(
                f"connection '{conn_id}': '{name}' must be a string",
                where=f"{env_var_name(conn_id)} ({name})",
            )
    extra = data.get("extra") or {}
    if isinstance(extra, str):
        try:
            extra = json.loads(extra) if extra.strip() else {}
        except (json.JSONDecodeError, RecursionError):
            raise ConfigError(
                f"connection '{conn_id}': 'extra' is not valid JSON", where=env_var_name(conn_id)
            ) from None
    return Connection(
        conn_id=conn_id,
        conn_type=normalise_type(data.get("conn_type") or ""),
        host=data.get("host") or None,
        login=data.get("login") or None,
        password=data.get("password") or None,
        schema=data.get("schema") or None,
        port=_json_port(conn_id, data.get("port")),
        extra=_extra_object(conn_id, extra),
    )


def _json_port(conn_id: str, port: object) -> int | None:
    if port in (None, ""):
        return None
    where = f"{env_var_name(conn_id)} (port)"
    try:
        number: int = int(port)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(
            f"connection '{conn_id}': port {port!r} is not a number", where=where
        ) from None
    if not 0 < number < 65536:
        raise ConfigError(
            f"connection '{conn_id}': port {port!r} is not a port number (1 to 65535)",
            where=where,
        )
    return number


def _extra_object(conn_id: str, extra: object) -> dict[str, Any]:
    """``extra`` must be a JSON object (a mapping of option names to values)."""
    if not isinstance(extra, dict):
        raise ConfigError(
            f"connection '{conn_id}': 'extra' must be a JSON object, not a {type(extra).__name__}",
            where=f"{env_var_name(conn_id)} (extra)",
            fix='write extra as {"option": value, ...}',
        )
    return dict(extra)


def _scalar(value: str) -> Any:
    """JSON scalars in query values (numbers, true/false, null) become those, as in Airflow."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return value
    return parsed if not isinstance(parsed, (dict, list)) else value


def _from_uri(conn_id: str, uri: str) -> Connection:
    where = env_var_name(conn_id)
    schemes = uri.count("://")
    if schemes == 0 or schemes > 2:
        raise ConfigError(
            f"connection '{conn_id}' is neither JSON nor an Airflow URI",
            where=where,
            fix="use conn-type://login:password@host:port/schema or the JSON form",
        )
    conn_type, rest = uri.split("://", 1)
    protocol = None
    if schemes == 2:
        protocol, rest = rest.split("://", 1)
    try:
        parts = urlsplit("//" + rest)
    except ValueError:
        # e.g. an unbalanced '[' (read as an IPv6 address); the URI may hold the password
        raise ConfigError(
            f"connection '{conn_id}' is not a valid URI (its text is not shown: it may hold a "
            "password)",
            where=where,
            fix="percent-encode special characters such as '[', ']', '@' and '/' in the login "
            "and password (for example %5B for '[')",
        ) from None
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"connection '{conn_id}' has an invalid port", where=where) from None
    # urlsplit lower-cases ``hostname``; a host may be a case-sensitive path (SQLite file).
    hostport = parts.netloc.rpartition("@")[2]
    if hostport.startswith("[") and "]" in hostport:
        raw_host = hostport[1 : hostport.index("]")]
    else:
        raw_host = hostport.rsplit(":", 1)[0] if parts.port is not None else hostport
    host = unquote(raw_host) or None
    if host and protocol:
        host = f"{protocol}://{host}"
    extra: dict[str, Any] = {}
    if parts.query:
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if _EXTRA_KEY in query:
            try:
                extra = _extra_object(conn_id, json.loads(query[_EXTRA_KEY]))
            except (json.JSONDecodeError, RecursionError):
                raise ConfigError(
                    f"connection '{conn_id}': __extra__ is not valid JSON", where=where
                ) from None
        else:
            extra = {k: _scalar(v) for k, v in query.items()}
    schema = unquote(parts.path[1:]) if parts.path else None
    return Connection(
        conn_id=conn_id,
        conn_type=normalise_type(conn_type),
        host=host,
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        schema=schema or None,
        port=port,
        extra=extra,
    )


def parse_connection(conn_id: str, raw: str) -> Connection:
    """Parse an ``AIRFLOW_CONN_*`` value in JSON or URI form."""
    raw = raw.strip()
    return _from_json(conn_id, raw) if raw.startswith("{") else _from_uri(conn_id, raw)


def get_connection(conn_id: str, env: Mapping[str, str] | None = None) -> Connection | None:
    """The connection ``conn_id`` from the environment, or None if it is not set."""
    raw = (os.environ if env is None else env).get(env_var_name(conn_id))
    if raw is None or not raw.strip():
        return None
    return parse_connection(conn_id, raw)
