"""The API clients' debug logs never carry a credential (tweepy logs its headers)."""

from __future__ import annotations

import logging

import pytest

import maturity.connectors  # noqa: F401  (installs the filter)
from maturity.connectors.redact import redact


def test_tweepy_request_log_loses_its_bearer_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("tweepy.client").debug(
        "Making API request: GET /2/users/by\nHeaders: %s",
        {"User-Agent": "ua", "Authorization": "Bearer s3cr3t-token"},
    )
    assert "s3cr3t" not in caplog.text
    assert "'Authorization': '***'" in caplog.text
    assert "User-Agent': 'ua'" in caplog.text


@pytest.mark.parametrize(
    "message",
    [
        "{'password': 's3cr3t'}",
        "[('password', 's3cr3t')]",
        "client_secret=s3cr3t&x=1",
        '"access_token": "s3cr3t"',
    ],
)
def test_credential_fields_are_masked(message: str) -> None:
    assert "s3cr3t" not in redact(message)
    assert "***" in redact(message)
