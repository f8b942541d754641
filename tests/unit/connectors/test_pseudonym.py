from __future__ import annotations

import logging

import pytest

from maturity.errors import ConfigError
from maturity.pipeline.settings import PSEUDONYM_KEY as KEY_ENV
from maturity.pipeline.settings import pseudonymiser_from
from maturity.pseudonym import Pseudonymiser, is_pseudonym

pytestmark = pytest.mark.unit
KEY_A = "key-a-0123456789abcdef"
KEY_B = "key-b-0123456789abcdef"


def test_stable_per_key_and_shaped_like_anon_base32() -> None:
    first = Pseudonymiser(KEY_A)("x", "12345")
    assert first == Pseudonymiser(KEY_A)("x", "12345")
    assert first.startswith("anon:")
    assert len(first) == 31
    assert is_pseudonym(first)
    assert set(first[5:]) <= set("abcdefghijklmnopqrstuvwxyz234567")


def test_different_keys_platforms_and_ids_give_different_pseudonyms() -> None:
    a = Pseudonymiser(KEY_A)
    assert a("x", "12345") != Pseudonymiser(KEY_B)("x", "12345")
    assert a("x", "12345") != a("reddit", "12345")
    assert a("x", "12345") != a("x", "12346")


def test_short_keys_and_missing_keys_are_refused() -> None:
    with pytest.raises(ConfigError, match="at least 16"):
        Pseudonymiser("short")
    with pytest.raises(ConfigError, match="no pseudonym key"):
        pseudonymiser_from({})


def test_key_from_env_or_from_the_airflow_connection() -> None:
    by_env = pseudonymiser_from({KEY_ENV: KEY_A})
    by_conn = pseudonymiser_from(
        {"AIRFLOW_CONN_MATURITY_PSEUDONYM": f'{{"conn_type": "generic", "password": "{KEY_A}"}}'}
    )
    assert by_env("x", "1") == by_conn("x", "1") == Pseudonymiser(KEY_A)("x", "1")
    assert KEY_A not in repr(by_env)


def test_the_demo_key_is_allowed_by_its_setting_only() -> None:
    assert pseudonymiser_from({"MATURITY_DEMO_PSEUDONYM_KEY": "1"}).demo
    with pytest.raises(ConfigError, match="not true or false"):
        pseudonymiser_from({"MATURITY_DEMO_PSEUDONYM_KEY": "maybe"})


def test_the_demo_key_is_explicit_and_loud(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        demo = pseudonymiser_from({}, allow_demo_key=True)
    assert demo.demo
    assert "DEMO KEY" in caplog.text
