"""Issue 11's probes below the CLI: secrets in URLs, connections, windows, numbers, paths and
the production path's escape hatches. Each test fails without its fix."""

from __future__ import annotations

import json
import logging
import stat
from datetime import datetime
from pathlib import Path

import pytest

from maturity.cli.options import window_option
from maturity.connections import parse_connection
from maturity.errors import ConfigError, InputError
from maturity.input_file import load_evidence_file
from maturity.pipeline import settings as s
from maturity.registry import load_registry
from maturity.rubric import load_rubric
from maturity.rubric.loader import DEFAULT_RUBRIC_PATH
from maturity.sandbox.airflow.local_cluster import cluster_env
from maturity.warehouse.url import masked, normalise

pytestmark = pytest.mark.unit

SECRET = "Pr1v4t3S3cr3t"


# -- 1. warehouse URLs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://u:ab@cd:{SECRET}@127.0.0.1:1/db",  # unescaped '@' and ':' in password
        f"postgresql://u:{SECRET}@127.0.0.1:port/db",
        f"postgresql://u:{SECRET}@[::1/db",
    ],
)
def test_an_unparseable_url_is_config_error_without_its_text(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalise(url, where="--warehouse")
    assert SECRET not in caught.value.render()
    assert "--warehouse" in caught.value.render()
    assert SECRET not in masked(url)


def test_a_password_in_the_query_is_masked() -> None:
    url = f"postgresql://u@127.0.0.1:1/db?password={SECRET}&sslpassword={SECRET}&sslmode=require"
    assert SECRET not in masked(url)
    assert "sslmode=require" in masked(url)
    normalised = normalise(url)
    assert normalised.password == SECRET  # still the password libpq is given
    assert SECRET not in masked(normalised)
    with pytest.raises(ConfigError) as caught:
        normalise(f"mysql://u@h/db?password={SECRET}")
    assert SECRET not in caught.value.render()


# -- 5. windows, numbers, connections ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(1, 1, 1), datetime(2026, 1, 1)),
        (datetime(1999, 12, 31), datetime(2026, 1, 1)),
        (datetime(2026, 1, 1), datetime(9999, 12, 31, 23, 59)),
    ],
)
def test_a_window_outside_the_bounds_is_bad_input(start: datetime, end: datetime) -> None:
    with pytest.raises(InputError) as caught:
        window_option(start, end)
    assert "--start/--end" in caught.value.render()
    assert "2000-01-01" in caught.value.render()


def test_a_window_at_the_calendars_edge_is_bad_input_not_overflow() -> None:
    from datetime import timedelta, timezone

    with pytest.raises(InputError):
        window_option(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))), datetime(2026, 1, 1))


EVIDENCE = """\
format: maturity-evidence/1
window: {start: 2026-01-01, end: 2026-03-01}
organisations:
  - id: acme
    name: Acme
    platforms: [PLATFORMS]
    metrics:
      - {metric: responsiveness.response_rate, value: 0.5, n: N, platform: x}
"""


@pytest.mark.parametrize(
    ("platforms", "n", "fragment"),
    [
        ("x", "1" * 30, "organisations[0].metrics[0].n"),
        ("x, tiktok", "10", "unknown platform 'tiktok'"),
    ],
)
def test_evidence_counts_are_bounded_and_platforms_known(
    tmp_path: Path, platforms: str, n: str, fragment: str
) -> None:
    path = tmp_path / "ev.yaml"
    path.write_text(EVIDENCE.replace("PLATFORMS", platforms).replace("N", n))
    with pytest.raises(InputError) as caught:
        load_evidence_file(path)
    assert fragment in caught.value.render()


@pytest.mark.parametrize("value", [".nan", ".inf"])
def test_a_rubric_threshold_must_be_a_finite_number(tmp_path: Path, value: str) -> None:
    text = DEFAULT_RUBRIC_PATH.read_text()
    assert "    threshold: 1\n" in text
    path = tmp_path / "rubric.yaml"
    path.write_text(text.replace("    threshold: 1\n", f"    threshold: {value}\n", 1))
    with pytest.raises(InputError) as caught:
        load_rubric(path)
    rendered = caught.value.render()
    assert "threshold" in rendered
    assert f"{path}:" in rendered


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (f"http://u:p[{SECRET}@host/x", "not a valid URI"),
        ('{"conn_type": "http", "extra": [1, 2]}', "'extra' must be a JSON object"),
        ('{"conn_type": "http", "extra": "[1, 2]"}', "'extra' must be a JSON object"),
        ("http://host/?__extra__=%5B1%5D", "'extra' must be a JSON object"),
        ('{"conn_type": "http", "port": 99999}', "not a port number"),
        (f'{{"conn_type": "http", "password": ["{SECRET}"]}}', "'password' must be a string"),
    ],
)
def test_malformed_connections_are_config_errors(raw: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_connection("x_default", raw)
    assert fragment in caught.value.render()
    assert SECRET not in caught.value.render()


# -- 6. questionnaire paths ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["../../etc/passwd", "q/../../outside.yaml"])
def test_a_questionnaire_path_leaving_the_registry_folder_is_refused_at_load(
    tmp_path: Path, path: str
) -> None:
    registry = tmp_path / "reg" / "registry.yaml"
    registry.parent.mkdir()
    registry.write_text(
        f"organisations:\n  - id: acme\n    name: Acme\n    questionnaire: {path}\n"
    )
    with pytest.raises(InputError) as caught:
        load_registry(registry)
    assert "leaves the registry's folder" in caught.value.render()
    assert f"{registry}:4" in caught.value.render()


def test_a_symlink_out_of_the_registry_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "q").symlink_to(tmp_path)
    registry = tmp_path / "reg" / "registry.yaml"
    registry.write_text("organisations:\n  - {id: acme, name: Acme, questionnaire: q/x.yaml}\n")
    with pytest.raises(InputError):
        load_registry(registry)


def test_a_questionnaire_below_the_registry_folder_loads(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text("organisations:\n  - {id: acme, name: Acme, questionnaire: q/a.yaml}\n")
    assert load_registry(registry).get("acme").questionnaire == tmp_path / "q" / "a.yaml"


# -- 8. escape hatches -----------------------------------------------------------------------------


def test_the_local_cluster_secrets_are_random_per_home_and_private(tmp_path: Path) -> None:
    keys = (
        "AIRFLOW__API__SECRET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET",
        "AIRFLOW__CORE__FERNET_KEY",
    )
    one = cluster_env(tmp_path / "one", 8080)
    again = cluster_env(tmp_path / "one", 8080)
    two = cluster_env(tmp_path / "two", 8080)
    for key in keys:
        assert one[key] == again[key], "every process of one cluster shares them"
        assert one[key] != two[key], "no two clusters share them"
    from cryptography.fernet import Fernet

    Fernet(one["AIRFLOW__CORE__FERNET_KEY"])  # a valid key
    mode = stat.S_IMODE((tmp_path / "one" / "secrets.json").stat().st_mode)
    assert mode == 0o600


def _x_conn(host: str) -> str:
    return json.dumps({"conn_type": "http", "host": host, "password": "token"})


def test_a_dag_run_never_sends_the_demo_registry_to_the_real_api(
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {"AIRFLOW_CONN_X_DEFAULT": _x_conn("https://api.x.com")}
    with caplog.at_level(logging.WARNING):
        settings = s.PipelineSettings.from_environment(env, trigger="airflow")
    assert settings.uses_demo_registry
    assert "DEMO registry" in caplog.text
    with pytest.raises(ConfigError) as caught:
        settings.x_settings()
    assert s.REGISTRY in caught.value.render()
    assert "real X API" in caught.value.render()


def test_the_demo_registry_against_the_emulator_is_allowed() -> None:
    env = {"AIRFLOW_CONN_X_DEFAULT": _x_conn("http://127.0.0.1:8123")}
    settings = s.PipelineSettings.from_environment(env, trigger="airflow")
    assert settings.x_settings().base_url.startswith("http://127.0.0.1")


def test_a_real_registry_may_use_the_real_api(tmp_path: Path) -> None:
    registry = tmp_path / "registry.yaml"
    registry.write_text("organisations: []\n")
    env = {"AIRFLOW_CONN_X_DEFAULT": _x_conn("https://api.x.com"), s.REGISTRY: str(registry)}
    settings = s.PipelineSettings.from_environment(env, trigger="airflow")
    assert not settings.uses_demo_registry
    assert settings.x_settings().base_url.startswith("https://api.x.com")


def test_the_demo_pseudonym_key_in_a_dag_run_is_loud(caplog: pytest.LogCaptureFixture) -> None:
    settings = s.PipelineSettings.from_environment({s.DEMO_PSEUDONYM_KEY: "1"}, trigger="airflow")
    with caplog.at_level(logging.WARNING):
        assert settings.pseudonymiser is not None
    assert "PUBLIC demo key" in caplog.text


def test_a_dag_run_without_a_pseudonym_key_stops() -> None:
    settings = s.PipelineSettings.from_environment({}, trigger="airflow")
    with pytest.raises(ConfigError) as caught:
        _ = settings.pseudonymiser
    assert s.PSEUDONYM_KEY in caught.value.render()
