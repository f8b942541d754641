"""``mastodon_default`` and ``bluesky_default``: connection fields to settings, and clear
errors naming the connection field for bad values; the collection's connector registry."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from maturity.collect import CONNECTORS, collect_registry
from maturity.connectors.settings import (
    BLUESKY_APPVIEW_URL,
    SETTINGS_LOADERS,
    load_bluesky_settings,
    load_mastodon_settings,
)
from maturity.errors import ConfigError
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Registry

pytestmark = pytest.mark.unit
M = "AIRFLOW_CONN_MASTODON_DEFAULT"
B = "AIRFLOW_CONN_BLUESKY_DEFAULT"


def test_mastodon_from_uri_with_a_token_kept_out_of_repr() -> None:
    env = {M: "mastodon://https://:tok-987@social.overheid.nl?page_size=20&mentions=false"}
    s = load_mastodon_settings(env)
    assert (s.base_url, s.access_token, s.page_size, s.mentions) == (
        "https://social.overheid.nl",
        "tok-987",
        20,
        False,
    )
    assert s.home_domain == "social.overheid.nl"
    assert s.secrets == ("tok-987",)
    assert "tok-987" not in repr(s)


def test_mastodon_without_a_token_reads_public_data() -> None:
    env = {
        M: json.dumps(
            {
                "conn_type": "mastodon",
                "host": "http://127.0.0.1:9000",
                "extra": {"instance_domain": "social.example"},
            }
        )
    }
    s = load_mastodon_settings(env)
    assert s.access_token is None
    assert s.secrets == ()
    assert s.home_domain == "social.example"


@pytest.mark.parametrize(
    ("conn", "message", "where"),
    [
        ({"conn_type": "mastodon"}, "no instance URL", "(host)"),
        ({"conn_type": "mastodon", "host": "social.example"}, "not an http(s) URL", "(host)"),
        (
            {"conn_type": "mastodon", "host": "https://a.example", "extra": {"page_size": 80}},
            "between 1 and 40",
            "(extra.page_size)",
        ),
        (
            {"conn_type": "mastodon", "host": "https://a.example", "extra": {"max_id": 1}},
            "unknown extra key(s) ['max_id']",
            "(extra)",
        ),
    ],
)
def test_bad_mastodon_connections_name_the_field(
    conn: dict[str, object], message: str, where: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_mastodon_settings({M: json.dumps(conn)})
    assert message in str(err.value)
    assert f"{M} {where}" in err.value.render()


def test_bluesky_needs_no_connection() -> None:
    s = load_bluesky_settings({})
    assert s.base_url == BLUESKY_APPVIEW_URL
    assert s.secrets == ()
    s = load_bluesky_settings(
        {B: json.dumps({"conn_type": "bluesky", "host": "http://127.0.0.1:1"})}
    )
    assert s.base_url == "http://127.0.0.1:1"
    with pytest.raises(ConfigError, match="between 1 and 100"):
        load_bluesky_settings({B: json.dumps({"conn_type": "bluesky", "extra": {"page_size": 0}})})
    with pytest.raises(ConfigError, match="unknown extra key"):
        load_bluesky_settings({B: json.dumps({"conn_type": "bluesky", "extra": {"mention": True}})})


def test_a_bluesky_login_is_the_handle_and_an_app_password() -> None:
    s = load_bluesky_settings(
        {
            B: json.dumps(
                {
                    "conn_type": "bluesky",
                    "login": "gemeente.example",
                    "password": "abcd-efgh-ijkl-mnop",
                    "extra": {"pds_url": "http://127.0.0.1:2", "mentions_cap": 50},
                }
            )
        }
    )
    assert (s.login, s.app_password, s.pds_url) == (
        "gemeente.example",
        "abcd-efgh-ijkl-mnop",
        "http://127.0.0.1:2",
    )
    assert s.mentions_cap == 50
    assert s.secrets == ("abcd-efgh-ijkl-mnop",)
    assert "abcd-efgh-ijkl-mnop" not in repr(s)
    assert load_bluesky_settings({}).pds_url == "https://bsky.social"
    for half in ({"login": "gemeente.example"}, {"password": "abcd-efgh-ijkl-mnop"}):
        with pytest.raises(ConfigError, match="give both the login") as info:
            load_bluesky_settings({B: json.dumps({"conn_type": "bluesky", **half})})
        assert "(login, password)" in str(info.value)
        assert "abcd-efgh-ijkl-mnop" not in str(info.value)


def test_every_collected_platform_has_a_connector_an_assembler_and_settings() -> None:
    assert set(CONNECTORS) == set(SETTINGS_LOADERS) == {"x", "reddit", "mastodon", "bluesky"}
    for spec in CONNECTORS.values():
        assert callable(spec.assemble())


def test_a_platform_without_settings_is_skipped_with_a_note(tmp_path: Path) -> None:
    registry = Registry.model_validate(
        {
            "organisations": [
                {
                    "id": "acme",
                    "name": "Acme",
                    "accounts": [
                        {"platform": "mastodon", "handle": "acme@social.example"},
                        {"platform": "bluesky", "handle": "acme.example"},
                    ],
                }
            ]
        }
    )
    window = Window(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC))
    run = collect_registry(
        registry,
        window,
        landing_dir=tmp_path,
        settings={},
        pseudonymiser=Pseudonymiser("settings-test-key-0123456789abcdef"),
    )
    assert list(run) == []
    assert run.failures == []
    assert {(n.platform, n.message) for n in run.notes} == {
        ("mastodon", "no mastodon connection configured; skipped"),
        ("bluesky", "no bluesky connection configured; skipped"),
    }


def test_an_account_on_another_server_is_read_from_that_server() -> None:
    from maturity.connectors.mastodon import MastodonConnector

    settings = load_mastodon_settings({M: "mastodon://https://:tok-1@social.overheid.nl"})
    connector = MastodonConnector(settings, Pseudonymiser("settings-test-key-0123456789abcdef"))
    try:
        home = connector.client_for("gemeente@social.overheid.nl")
        assert home is connector.client
        other = connector.client_for("museum@mastodon.example")
        assert other is not connector.client
        assert other.api_base_url == "https://mastodon.example"
        assert other.access_token is None  # the token stays with its own instance
        assert connector.client_for("curator@Mastodon.Example") is other
    finally:
        connector.close()
