from __future__ import annotations

import json

import pytest

from maturity.connectors.settings import (
    REDDIT_OAUTH_URL,
    REDDIT_WWW_URL,
    X_API_URL,
    load_reddit_settings,
    load_x_settings,
)
from maturity.errors import ConfigError

pytestmark = pytest.mark.unit


def test_x_from_json_with_defaults() -> None:
    env = {"AIRFLOW_CONN_X_DEFAULT": json.dumps({"conn_type": "x", "password": "tok-123"})}
    s = load_x_settings(env)
    assert (s.bearer_token, s.base_url, s.max_retries, s.mentions) == (
        "tok-123",
        X_API_URL,
        4,
        True,
    )
    assert "tok-123" not in repr(s)


def test_x_from_uri_with_host_and_extra() -> None:
    env = {
        "AIRFLOW_CONN_X_DEFAULT": "x://http://:tok-123@127.0.0.1:8080?timeout=5&max_retries=1&mentions=false"
    }
    s = load_x_settings(env)
    assert s.base_url == "http://127.0.0.1:8080"
    assert s.timeout == 5.0
    assert s.max_retries == 1
    assert s.mentions is False


def test_reddit_from_json_with_user_auth() -> None:
    env = {
        "AIRFLOW_CONN_REDDIT_DEFAULT": json.dumps(
            {
                "conn_type": "reddit",
                "login": "cid",
                "password": "csecret",
                "extra": {
                    "user_agent": "python:acme:1.0 (by u/acme)",
                    "username": "acme",
                    "password": "pw",
                    "overlap_seconds": 0,
                },
            }
        )
    }
    s = load_reddit_settings(env)
    assert (s.oauth_url, s.reddit_url, s.user_auth) == (REDDIT_OAUTH_URL, REDDIT_WWW_URL, True)
    assert s.secrets == ("csecret", "pw")
    assert "csecret" not in repr(s)
    assert "pw'" not in repr(s)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "not configured"),
        ({"AIRFLOW_CONN_X_DEFAULT": '{"conn_type": "x"}'}, "no bearer token"),
        (
            {
                "AIRFLOW_CONN_X_DEFAULT": json.dumps(
                    {"conn_type": "x", "password": "t", "extra": {"tmeout": 1}}
                )
            },
            "unknown extra key",
        ),
        (
            {
                "AIRFLOW_CONN_X_DEFAULT": json.dumps(
                    {"conn_type": "x", "password": "t", "extra": {"timeout": "a"}}
                )
            },
            "extra.timeout",
        ),
        (
            {"AIRFLOW_CONN_X_DEFAULT": '{"conn_type": "x", "password": "t", "host": "ftp://h"}'},
            "not an http",
        ),
    ],
)
def test_bad_x_connections_name_the_field(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        load_x_settings(env)
    assert "AIRFLOW_CONN_X_DEFAULT" in str(err.value)


def test_reddit_needs_both_user_fields() -> None:
    env = {
        "AIRFLOW_CONN_REDDIT_DEFAULT": json.dumps(
            {"conn_type": "reddit", "login": "cid", "password": "s", "extra": {"username": "a"}}
        )
    }
    with pytest.raises(ConfigError, match="username"):
        load_reddit_settings(env)
