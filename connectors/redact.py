"""Keep credentials out of the API clients' own debug logs.

tweepy logs every request at DEBUG with its headers, ``Authorization: Bearer <token>``
included. :func:`install` puts a filter on the client libraries' loggers that replaces the
value of any ``Authorization`` header (and of a ``password``, ``client_secret`` or ``token``
field) in a record's message with ``***`` before any handler sees it. It is installed when
``maturity.connectors`` is imported, so before any client is made.
"""

from __future__ import annotations

import logging
import re
from typing import Final

#: Loggers of the libraries that talk to the platforms.
CLIENT_LOGGERS: Final = ("tweepy", "tweepy.client", "tweepy.api", "prawcore", "praw")

_SECRET_FIELD = re.compile(
    r"""(?P<key>['"]?(?:authorization|password|client_secret|access_token|refresh_token|"""
    r"""bearer_token)['"]?\s*[:=,]\s*)(?P<quote>['"]?)(?P<value>[^'",}\n]*)(?P=quote)""",
    re.IGNORECASE,
)


def redact(message: str) -> str:
    """``message`` with the value of every credential field replaced by ``***``."""
    return _SECRET_FIELD.sub(lambda m: f"{m['key']}{m['quote']}***{m['quote']}", message)


class RedactCredentials(logging.Filter):
    """Rewrites a record's message (after formatting its arguments) without credentials."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's business, not ours
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER: Final = RedactCredentials()


def install() -> None:
    """Put the filter on every client logger (idempotent)."""
    for name in CLIENT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
