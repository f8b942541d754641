"""Airflow-style connections parse the way Airflow parses them, and never show secrets."""

from __future__ import annotations

import json

import pytest

from maturity.connections import Connection, get_connection, parse_connection
from maturity.errors import ConfigError

pytestmark = pytest.mark.unit

URIS = [
    "x://https://:tok%2Fen@api.x.com?user_agent=abc",
    "postgresql://postgres:p%40ss@127.0.0.1:5432/test",
    "reddit://my-client-id:s3cret@oauth.reddit.com?user_agent=maturity%2F1.0&timeout=10",
    "postgres://u:p@DB.Example:6543/warehouse",
    "x://:token@localhost:8080",
    "reddit://id:secret@?__extra__=%7B%22user_agent%22%3A+%22ua%22%2C+%22n%22%3A+3%7D",
]


def _airflow(uri: str) -> tuple:
    from airflow.models.connection import Connection as AirflowConnection

    c = AirflowConnection(conn_id="c", uri=uri)
    return (
        c.conn_type,
        c.host or None,
        c.login or None,
        c.password or None,
        c.schema or None,
        c.port,
        c.extra_dejson,
    )


def _ours(uri: str) -> tuple:
    c = parse_connection("c", uri)
    return (c.conn_type, c.host, c.login, c.password, c.schema, c.port, dict(c.extra))


@pytest.mark.parametrize("uri", URIS)
def test_uri_form_matches_airflow(uri: str) -> None:
    ours = _ours(uri)
    theirs = _airflow(uri)
    # Airflow lower-cases hosts through urlsplit; we keep case (SQLite paths need it).
    assert ours[:1] + ours[2:] == theirs[:1] + theirs[2:]
    assert (ours[1] or "").lower() == (theirs[1] or "").lower()


def test_host_keeps_its_case_for_file_paths() -> None:
    assert parse_connection("w", "sqlite://%2Fdata%2FMy%2Fw.sqlite").host == "/data/My/w.sqlite"


def test_json_form() -> None:
    raw = json.dumps(
        {
            "conn_type": "x",
            "host": "http://127.0.0.1:9000",
            "password": "tok",
            "extra": {"user_agent": "ua"},
            "port": "9000",
        }
    )
    c = parse_connection("x_default", raw)
    assert (c.conn_type, c.host, c.password, c.port, dict(c.extra)) == (
        "x",
        "http://127.0.0.1:9000",
        "tok",
        9000,
        {"user_agent": "ua"},
    )


def test_json_extra_may_be_a_string() -> None:
    c = parse_connection("x", '{"conn_type": "x", "extra": "{\\"a\\": 1}"}')
    assert dict(c.extra) == {"a": 1}


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ("{not json", "not valid JSON"),
        ('{"conn_type": "x", "hots": "typo"}', "unknown field(s) ['hots']"),
        ('{"conn_type": "x", "port": "eighty"}', "port 'eighty' is not a number"),
        ("just-a-word", "neither JSON nor an Airflow URI"),
        ("x://h?__extra__=%7Bbad", "__extra__ is not valid JSON"),
    ],
)
def test_bad_connections_name_the_variable(raw: str, needle: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_connection("x_default", raw)
    assert needle in str(exc.value)
    assert "AIRFLOW_CONN_X_DEFAULT" in str(exc.value)


def test_repr_never_shows_the_password() -> None:
    c = Connection("w", "postgres", host="db", login="u", password="hunter2-secret")
    assert "hunter2-secret" not in repr(c)
    assert "hunter2-secret" not in str(c)


def test_get_connection_reads_the_environment() -> None:
    env = {"AIRFLOW_CONN_MATURITY_WAREHOUSE": "postgres://u:p@db:5432/wh"}
    c = get_connection("maturity_warehouse", env)
    assert c is not None
    assert c.schema == "wh"
    assert get_connection("x_default", env) is None
    assert get_connection("x_default", {"AIRFLOW_CONN_X_DEFAULT": "  "}) is None
