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
import re
from collections.abc import Iterable, Mapping

from maturity.connections import PSEUDONYM_CONN_ID as KEY_CONN_ID
from maturity.connections import get_connection
from maturity.errors import ConfigError

log = logging.getLogger(__name__)

PREFIX = "anon:"
MIN_KEY_BYTES = 16
_MEMO_SIZE = 100_000
"""Pseudonyms one pseudonymiser remembers (then it starts again): bounds its memory."""
_DEMO_KEY = b"maturity-demo-pseudonym-key-not-for-real-data"


class Pseudonymiser:
    """Turns a third party's platform id into ``anon:`` followed by 26 base32 characters."""

    __slots__ = ("_key", "_memo", "demo")

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
        self._memo: dict[tuple[str, str], str] = {}
        self.demo = demo

    def __repr__(self) -> str:
        return f"Pseudonymiser(demo={self.demo})"

    def __call__(self, platform: str, raw_id: str) -> str:
        found = self._memo.get((platform, raw_id))
        if found is not None:
            return found  # the same author again: one HMAC per author, not per item
        if not raw_id:
            raise ValueError("cannot pseudonymise an empty id")
        digest = hmac.new(self._key, f"{platform}\x00{raw_id}".encode(), hashlib.sha256).digest()
        pseudonym = PREFIX + base64.b32encode(digest).decode("ascii")[:26].lower()
        if len(self._memo) >= _MEMO_SIZE:
            self._memo.clear()
        self._memo[(platform, raw_id)] = pseudonym
        return pseudonym

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


#: ``@name`` (X and most platforms), not inside an e-mail address or a word.
_AT_HANDLE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9_]{1,30})\b")
#: ``u/name`` or ``/u/name`` (Reddit users; ``r/name`` is a community and is kept).
_U_HANDLE = re.compile(r"(?<![\w/])(/?u/)([A-Za-z0-9_-]{3,20})\b", re.IGNORECASE)
MASK = "(person)"
"""What a third party's handle in a stored bio becomes: ``@(person)``, ``u/(person)``."""


def mask_handles(text: str | None, own_handles: Iterable[str]) -> str | None:
    """``text`` (an organisation's own bio) with every handle that names someone else masked.

    A bio is the organisation's own public statement and is kept, because profile completeness
    and naming are judged from it; the organisation's own handles (``own_handles``, any case)
    stay. Any other ``@name`` or ``u/name`` names a person who is not the subject of the
    assessment and becomes ``@(person)`` / ``u/(person)``. The landing keeps the page verbatim
    (under its retention period)."""
    if not text or ("@" not in text and "u/" not in text.lower()):
        return text
    own = {h.lower().lstrip("@").removeprefix("u/") for h in own_handles}

    def at(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1).lower() in own else "@" + MASK

    def user(match: re.Match[str]) -> str:
        return match.group(0) if match.group(2).lower() in own else match.group(1) + MASK

    return _U_HANDLE.sub(user, _AT_HANDLE.sub(at, text))
