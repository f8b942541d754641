"""Keyed pseudonyms for third-party people: HMAC-SHA256 of a platform-scoped id.

The same person on the same platform gets the same pseudonym for as long as the key stays the
same, so metrics can count distinct authors and follow a conversation; without the key nobody can
go from a pseudonym back to the account. Ids are scoped by platform, so user ``123`` on X and user
``123`` on Reddit never collide.

The key comes from the setting ``MATURITY_PSEUDONYM_KEY`` (read by
``maturity.pipeline.settings``) or from the password of the Airflow connection
``maturity_pseudonym``. Without a key the product refuses to run; a fixed demo key is only used
when the caller asks for it explicitly, and that is logged as a warning.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping

from maturity.connections import PSEUDONYM_CONN_ID as KEY_CONN_ID
from maturity.connections import get_connection
from maturity.errors import ConfigError

log = logging.getLogger(__name__)

PREFIX = "anon:"
MIN_KEY_BYTES = 16
_DEMO_KEY = b"maturity-demo-pseudonym-key-not-for-real-data"


class Pseudonymiser:
    """Turns a third party's platform id into ``anon:`` followed by 26 base32 characters."""

    __slots__ = ("_key", "demo")

    def __init__(
        self, key: bytes | str, *, demo: bool = False, where: str = "pseudonym key"
    ) -> None:
        raw = key.encode() if isinstance(key, str) else key
        if len(raw) < MIN_KEY_BYTES:
            raise ConfigError(
                f"the pseudonym key is {len(raw)} bytes; it needs at least {MIN_KEY_BYTES}",
                where=where,
                fix="set a long random secret, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`",
            )
        self._key = raw
        self.demo = demo

    def __repr__(self) -> str:
        return f"Pseudonymiser(demo={self.demo})"

    def __call__(self, platform: str, raw_id: str) -> str:
        if not raw_id:
            raise ValueError("cannot pseudonymise an empty id")
        digest = hmac.new(self._key, f"{platform}\x00{raw_id}".encode(), hashlib.sha256).digest()
        return PREFIX + base64.b32encode(digest).decode("ascii")[:26].lower()

    @classmethod
    def demo_key(cls) -> Pseudonymiser:
        """A fixed, public key for demos and tests on generated data. Never for real people."""
        log.warning(
            "PSEUDONYMS USE THE PUBLIC DEMO KEY: anyone can re-identify authors. "
            "Set a pseudonym key or the '%s' connection before collecting real data.",
            KEY_CONN_ID,
        )
        return cls(_DEMO_KEY, demo=True)


def is_pseudonym(value: str) -> bool:
    return value.startswith(PREFIX) and len(value) == len(PREFIX) + 26


def configured_pseudonymiser(
    key: str | None,
    *,
    where: str,
    env: Mapping[str, str] | None = None,
    allow_demo_key: bool = False,
) -> Pseudonymiser:
    """The pseudonymiser keyed by ``key`` (from the setting ``where``), else by the
    ``maturity_pseudonym`` connection; the demo key only when allowed."""
    if not key:
        conn = get_connection(KEY_CONN_ID, env)
        key = conn.password if conn is not None else None
    if key:
        return Pseudonymiser(key, where=where)
    if allow_demo_key:
        return Pseudonymiser.demo_key()
    raise ConfigError(
        "no pseudonym key is configured, so third-party authors cannot be pseudonymised",
        where=f"{where} / AIRFLOW_CONN_{KEY_CONN_ID.upper()}",
        fix=f"set {where} to a long random secret (keep it: changing it changes every "
        "pseudonym), or pass the explicit demo-key option for generated data only",
    )
