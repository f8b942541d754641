"""The real-shaped API pages of ``payloads/``, and landed pages made from them without a disk.

What each file holds (window 2025-03-10T00:00Z to 2025-03-11T00:00Z):

X API v2
    ``x_users_by``: ``acme`` (every user field), ``AcmeHelp`` (withheld user: only id, name,
    username), and ``errors`` for ``AcmeGone`` (not found) and ``AcmePers`` (suspended).
    ``x_users_tweets_partial``: an edited tweet (``edit_history_tweet_ids``, every field), a
    reply whose parent is deleted (in ``errors``), a withheld tweet, a tweet with a two-digit id
    and no ``entities``/``conversation_id``, a tweet without ``created_at``; incomplete
    ``includes``; a ``next_token``. ``x_users_tweets_empty_next``: no ``data``, a
    ``next_token``. ``x_users_tweets_last``: no ``data``, no token.
    ``x_users_mentions_partial``: a reply to the organisation, a mention without
    ``author_id``, a withheld mention whose author is in ``errors``.
    ``x_users_mentions_errors_only``: only ``errors``.
Reddit (as PRAW receives them)
    ``r_user_submitted``: a self post with a negative score and ``edited`` as a timestamp, a
    link post with ``edited: false``, a post without ``created_utc``. ``r_user_comments``: the
    organisation's comment with a negative score. ``r_comment_tree``: replies by a third party,
    by ``[deleted]`` and by ``[removed]`` (negative score), one without ``created_utc``, and two
    ``more`` children. ``r_subreddit_new_nsfw``: posts of an NSFW, quarantined subreddit, one
    ``[removed]`` by a moderator and one by a ``[deleted]`` author. ``r_inbox_mentions``: two
    username mentions in u/AcmeCo's inbox (``dest: AcmeCo``). ``r_about_suspended``: a
    suspended user, with almost no fields.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from maturity.connectors.landing import Envelope, LandedPage
from maturity.records import PageRef

DIR = Path(__file__).parent / "payloads"
TIME = datetime(2025, 3, 10, tzinfo=UTC)


def load(name: str) -> Any:
    """The parsed JSON of ``payloads/<name>.json`` (a fresh copy each time)."""
    return json.loads((DIR / f"{name}.json").read_text(encoding="utf-8"))


def landed(platform: str, endpoint: str, body: Any, seq: int = 1, status: int = 200) -> LandedPage:
    """A landed page of ``body`` (JSON-encoded, or bytes as they are), as the landing names it."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    sha = hashlib.sha256(raw).hexdigest()
    path = f"{platform}/acme-org/acct/w/{endpoint}/{seq:04d}-{sha[:12]}.json"
    envelope = Envelope(
        platform=platform,
        endpoint=endpoint,
        route="/" + endpoint,
        path="/" + endpoint,
        params={},
        fetched_at=TIME.isoformat(),
        status=status,
        rate_limit={},
        sha256=sha,
        size=len(raw),
    )
    return LandedPage(PageRef(path, sha, endpoint), envelope, raw)
