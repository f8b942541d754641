"""Hooks turn Airflow connections (faked with AIRFLOW_CONN_* variables) into the product's
settings, by the same tables as the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maturity.airflow import connection_types, names
from maturity.airflow.hooks import RedditHook, WarehouseHook, XHook, to_maturity_connection
from maturity.connectors.settings import RedditSettings, XSettings
from maturity.errors import ConfigError

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def no_product_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (
        "AIRFLOW_CONN_X_DEFAULT",
        "AIRFLOW_CONN_REDDIT_DEFAULT",
        "AIRFLOW_CONN_MATURITY_WAREHOUSE",
        "MATURITY_WAREHOUSE_URL",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    ("hook", "attr", "default", "conn_type"),
    [
        (XHook, "x_conn_id", names.X_CONN_ID, "x"),
        (RedditHook, "reddit_conn_id", names.REDDIT_CONN_ID, "reddit"),
        (
            WarehouseHook,
            "maturity_warehouse_conn_id",
            names.WAREHOUSE_CONN_ID,
            "maturity_warehouse",
        ),
    ],
)
def test_hooks_declare_what_airflow_needs(
    hook: type, attr: str, default: str, conn_type: str
) -> None:
    assert hook.conn_name_attr == attr
    assert hook.default_conn_name == default
    assert hook.conn_type == conn_type
    assert hook.hook_name
    instance = hook()
    assert getattr(instance, attr) == default
    behaviour = hook.get_ui_field_behaviour()
    assert set(behaviour) == {"hidden_fields", "relabeling", "placeholders"}


def test_x_hook_gives_x_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_X_DEFAULT",
        json.dumps(
            {
                "conn_type": "x",
                "host": "http://127.0.0.1:8999",
                "password": "token-123",
                "extra": {"page_size": 50, "mentions": "false"},
            }
        ),
    )
    settings = XHook().get_conn()
    assert isinstance(settings, XSettings)
    assert settings.base_url == "http://127.0.0.1:8999"
    assert settings.bearer_token == "token-123"
    assert settings.page_size == 50
    assert settings.mentions is False
    assert "token-123" not in repr(settings)


def test_x_hook_without_host_talks_to_the_real_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", json.dumps({"conn_type": "http", "password": "t"}))
    assert XHook().get_conn().base_url == "https://api.x.com"


def test_reddit_hook_gives_reddit_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_REDDIT_DEFAULT",
        json.dumps(
            {
                "conn_type": "reddit",
                "login": "client-id",
                "password": "client-secret",
                "extra": {"user_agent": "python:test:1 (by /u/test)"},
            }
        ),
    )
    settings = RedditHook().get_conn()
    assert isinstance(settings, RedditSettings)
    assert (settings.client_id, settings.client_secret) == ("client-id", "client-secret")
    assert settings.user_agent == "python:test:1 (by /u/test)"
    assert settings.oauth_url == "https://oauth.reddit.com"


def test_a_bad_connection_is_a_config_error_naming_the_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "AIRFLOW_CONN_REDDIT_DEFAULT", json.dumps({"conn_type": "reddit", "login": "id"})
    )
    with pytest.raises(ConfigError, match="client secret"):
        RedditHook().get_conn()


def test_a_missing_connection_is_airflows_not_found() -> None:
    from airflow.sdk.exceptions import AirflowNotFoundException

    with pytest.raises(AirflowNotFoundException):
        XHook().get_conn()


def test_the_same_uri_means_the_same_to_airflow_and_to_the_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from maturity.connectors.settings import load_x_settings

    uri = "x://http://:s3cret@127.0.0.1:8123?page_size=20"
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", uri)
    through_airflow = XHook().get_conn()
    through_cli = load_x_settings({"AIRFLOW_CONN_X_DEFAULT": uri})
    assert through_airflow == through_cli


@pytest.mark.parametrize(
    "value",
    [
        "postgresql://maturity:pw@db.example.org:5432/maturity?sslmode=require",
        json.dumps(
            {
                "conn_type": "maturity_warehouse",
                "host": "db.example.org",
                "port": 5432,
                "login": "maturity",
                "password": "pw",
                "schema": "maturity",
                "extra": {"sslmode": "require"},
            }
        ),
    ],
    ids=["postgres-uri", "maturity_warehouse-json"],
)
def test_warehouse_hook_maps_postgres_connections(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from maturity.pipeline.settings import warehouse_url_from

    monkeypatch.setenv("AIRFLOW_CONN_MATURITY_WAREHOUSE", value)
    url = WarehouseHook().get_url()
    assert url == warehouse_url_from({"AIRFLOW_CONN_MATURITY_WAREHOUSE": value}), (
        "as the CLI reads it"
    )
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.username, url.password, url.database) == (
        "db.example.org",
        5432,
        "maturity",
        "pw",
        "maturity",
    )
    assert url.query == {"sslmode": "require"}


def test_warehouse_hook_maps_a_sqlite_connection(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "w.sqlite"
    monkeypatch.setenv(
        "AIRFLOW_CONN_MATURITY_WAREHOUSE", json.dumps({"conn_type": "sqlite", "host": str(path)})
    )
    wh = WarehouseHook().get_conn()
    try:
        assert wh.url.database == str(path)
        wh.migrate()
        assert wh.check().up_to_date
    finally:
        wh.dispose()


def test_warehouse_hook_without_the_connection_uses_the_embedded_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MATURITY_HOME", str(tmp_path))
    hook = WarehouseHook()
    assert hook.connection_url() is None
    assert hook.get_url().database == str(tmp_path / "warehouse.sqlite")


def test_to_maturity_connection_keeps_every_field() -> None:
    from airflow.sdk import Connection

    conn = Connection(
        conn_id="c",
        conn_type="reddit",
        host="https://h",
        login="l",
        password="p",
        schema="s",
        port=1,
        extra=json.dumps({"k": 1}),
    )
    mapped = to_maturity_connection(conn)
    assert (mapped.conn_id, mapped.conn_type, mapped.host, mapped.login, mapped.password) == (
        "c",
        "reddit",
        "https://h",
        "l",
        "p",
    )
    assert (mapped.schema, mapped.port, dict(mapped.extra)) == ("s", 1, {"k": 1})


def test_ui_extra_fields_are_keys_the_settings_accept() -> None:
    from maturity.connectors.settings import REDDIT_ROWS, X_ROWS

    for ctype, rows in ((connection_types.X, X_ROWS), (connection_types.REDDIT, REDDIT_ROWS)):
        known = {r.key or r.setting for r in rows if r.source == "extra"}
        assert set(ctype.extra_fields) <= known, ctype.conn_type
