"""A run over a registry lands pages; replaying the landing gives the same records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
from connector_pages import (
    BEARER,
    CLIENT_SECRET,
    KEY,
    R_OAUTH,
    R_WWW,
    X_BASE,
    comment,
    listing,
    r_about,
    r_url,
    submission,
    token,
    tweet,
    x_page,
    x_url,
    x_user,
)
from typer.testing import CliRunner

from maturity.collect import collect_registry, replay
from maturity.connectors.settings import RedditSettings, XSettings
from maturity.evidence import Window
from maturity.pipeline.gate_and_load import link_org
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Registry

pytestmark = pytest.mark.unit
NOW = 1_741_600_000.0
REGISTRY = {
    "organisations": [
        {
            "id": "acme",
            "name": "Acme",
            "accounts": [
                {"platform": "x", "handle": "acme"},
                {"platform": "reddit", "handle": "AcmeCo"},
            ],
        }
    ]
}


def fake_apis(rsps: responses.RequestsMock) -> None:
    rsps.get(x_url("/2/users/by"), json={"data": [x_user("10", "acme")]})
    rsps.get(
        x_url("/2/users/10/tweets"),
        json=x_page(
            [
                tweet(
                    "205",
                    5,
                    "10",
                    referenced_tweets=[{"type": "replied_to", "id": "105"}],
                    in_reply_to_user_id="777",
                    conversation_id="105",
                )
            ]
        ),
    )
    rsps.get(x_url("/2/users/10/mentions"), json=x_page([tweet("105", 4, "777")]))
    rsps.post(R_WWW + "/api/v1/access_token", json=token())
    rsps.get(r_url("/user/AcmeCo/about"), json=r_about("AcmeCo"))
    rsps.get(
        r_url("/user/AcmeCo/submitted"),
        json=listing([submission("s1", 2, "AcmeCo", num_comments=1)]),
    )
    rsps.get(r_url("/user/AcmeCo/comments"), json=listing([]))
    rsps.get(
        r_url("/comments/s1"),
        json=[
            listing([submission("s1", 2, "AcmeCo")]),
            listing([comment("c1", 3, "zed", "t3_s1", "t3_s1")]),
        ],
    )


def test_replay_gives_the_same_records_without_network(
    rsps: responses.RequestsMock,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    fake_apis(rsps)
    registry = Registry.model_validate(REGISTRY)
    secrets = (BEARER, CLIENT_SECRET)
    run = collect_registry(
        registry,
        window,
        landing_dir=tmp_path,
        x_settings=XSettings(bearer_token=BEARER, base_url=X_BASE),
        reddit_settings=RedditSettings(
            client_id="cid", client_secret=CLIENT_SECRET, oauth_url=R_OAUTH, reddit_url=R_WWW
        ),
        pseudonymiser=Pseudonymiser(KEY),
        sleep=sleeps.append,
        clock=lambda: NOW,
    )
    assert not run.failures
    assert [b.platform for b in run] == ["x", "reddit"]
    assert not run[0].reply_links  # links are the organisation's, made at gate and load
    assert link_org([run[0]])[0][0].reply_links
    assert run[1].inbound
    calls = len(rsps.calls)

    again = replay(tmp_path, registry, window, Pseudonymiser(KEY))
    assert list(again) == list(run)
    assert len(rsps.calls) == calls
    other_key = replay(tmp_path, registry, window, Pseudonymiser("another-key-0123456789"))
    assert other_key[0].inbound[0].author != run[0].inbound[0].author
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert not any(s.encode() in path.read_bytes() for s in secrets), path


def test_replay_reports_an_account_with_nothing_landed(tmp_path: Path, window: Window) -> None:
    run = replay(tmp_path, Registry.model_validate(REGISTRY), window, Pseudonymiser(KEY))
    assert list(run) == []
    assert len(run.failures) == 2
    assert "nothing landed" in run.failures[0].message


def test_cli_collects_then_replays(
    rsps: responses.RequestsMock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from maturity.cli import app

    fake_apis(rsps)
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(REGISTRY))
    monkeypatch.setenv(
        "AIRFLOW_CONN_X_DEFAULT", json.dumps({"conn_type": "x", "host": X_BASE, "password": BEARER})
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_REDDIT_DEFAULT",
        json.dumps(
            {
                "conn_type": "reddit",
                "host": R_OAUTH,
                "login": "cid",
                "password": CLIENT_SECRET,
                "extra": {"reddit_url": R_WWW},
            }
        ),
    )
    monkeypatch.setenv("MATURITY_PSEUDONYM_KEY", KEY)
    args = [str(registry), "--start", "2025-03-10", "--end", "2025-03-11", "--no-warehouse"]
    landing = tmp_path / "landing"
    result = CliRunner().invoke(app, ["collect", *args, "--landing", str(landing)])
    assert result.exit_code == 0, result.output
    assert "acme" in result.output
    assert "AcmeCo" in result.output
    replayed = CliRunner().invoke(app, ["collect", *args, "--replay", str(landing)])
    assert replayed.exit_code == 0, replayed.output
    bad = CliRunner().invoke(
        app,
        [
            "collect",
            str(registry),
            "--start",
            "2025-03-11",
            "--end",
            "2025-03-10",
            "--no-warehouse",
        ],
    )
    assert bad.exit_code == 2


def test_cli_collect_gates_and_loads_into_the_warehouse(
    rsps: responses.RequestsMock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a warehouse, ``maturity collect`` loads through gate and load: the gate's verdict
    per account, and reply links made across the organisation's accounts."""
    from maturity.cli import app
    from maturity.warehouse import Warehouse

    fake_apis(rsps)
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(REGISTRY))
    x = {"conn_type": "x", "host": X_BASE, "password": BEARER}
    reddit = {
        "conn_type": "reddit",
        "host": R_OAUTH,
        "login": "cid",
        "password": CLIENT_SECRET,
        "extra": {"reddit_url": R_WWW},
    }
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", json.dumps(x))
    monkeypatch.setenv("AIRFLOW_CONN_REDDIT_DEFAULT", json.dumps(reddit))
    monkeypatch.setenv("MATURITY_PSEUDONYM_KEY", KEY)
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    args = [str(registry), "--start", "2025-03-10", "--end", "2025-03-11"]
    result = CliRunner().invoke(
        app,
        ["collect", *args, "--landing", str(tmp_path / "landing"), "--warehouse", url],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("passed") == 2, result.output  # both accounts, by the gate
    with Warehouse(url) as wh:
        records = wh.read_records(
            "acme", datetime(2025, 3, 9, tzinfo=UTC), datetime(2025, 3, 11, tzinfo=UTC)
        )
        assert records.posts
        assert records.reply_links, "links are made at gate and load"
        assert not wh.quarantined(
            "acme", datetime(2025, 3, 10, tzinfo=UTC), datetime(2025, 3, 11, tzinfo=UTC)
        )


def test_skipped_items_are_logged_with_the_account_and_their_reasons(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from maturity.collect import _log_skipped
    from maturity.records import CollectionBatch, SkippedItem

    skipped = (
        SkippedItem("p/1.json", "1", "created_at", "missing"),
        SkippedItem("p/1.json", "2", "created_at", "missing"),
        SkippedItem("p/2.json", None, "errors", "api error: Not Found Error"),
    )
    start, end = datetime(2025, 3, 10, tzinfo=UTC), datetime(2025, 3, 11, tzinfo=UTC)
    batch = CollectionBatch("x", "acme", "acme", start, end, skipped=skipped)
    with caplog.at_level("INFO", logger="maturity.collect"):
        _log_skipped(batch)
        _log_skipped(CollectionBatch("x", "acme", "other", start, end))
    assert caplog.messages == [
        "x:acme (acme): 3 item(s) skipped: 1 api error: Not Found Error, 2 missing"
    ]
