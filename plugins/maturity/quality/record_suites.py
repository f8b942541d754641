"""The record suites: what a collection batch must satisfy before its records are loaded.

One suite per record type, each over a frame from :mod:`maturity.quality.record_frames`. A
timestamp that is missing or naive (no timezone) is null in the frame: the not-null checks
catch both, because a naive time's meaning is a guess and the warehouse refuses it.

The window checks use two parameters: ``created_from`` (the window start minus the
collection overlap of the batch's connection: connectors ask the API for ``overlap_seconds``
before the window to pick up late-indexed items and keep what comes back, and those records
are genuine) and ``window_end`` (exclusive for created times, inclusive for snapshots, which
are taken at the window end).
"""

from __future__ import annotations

from typing import Final

from maturity.platforms import KNOWN_PLATFORMS
from maturity.quality.checks import Check, Suite, parameter

#: ``maturity.pseudonym.Pseudonymiser`` output: ``anon:`` and 26 lower-case base32 characters.
PSEUDONYM_REGEX: Final = r"^anon:[a-z2-7]{26}$"

#: What an inbound author may be: a pseudonym, or one of the placeholders Reddit shows instead
#: of a name (the author deleted the account, or a moderator removed the item). The Reddit
#: assembler keeps those as they are on purpose: they name nobody, and the message was sent.
AUTHOR_REGEX: Final = r"^(?:anon:[a-z2-7]{26}|\[deleted\]|\[removed\])$"

CREATED_FROM: Final = "created_from"
WINDOW_END: Final = "window_end"

_KNOWN = list(KNOWN_PLATFORMS)


def _not_null(frame: str, column: str, why: str, private: bool = False) -> Check:
    return Check(
        f"{frame}.{column}_not_null",
        "ExpectColumnValuesToNotBeNull",
        {"column": column},
        why,
        private=private,
    )


def _unique(frame: str, id_column: str, what: str) -> Check:
    return Check(
        f"{frame}.{id_column}_unique",
        "ExpectCompoundColumnsToBeUnique",
        {"column_list": ["platform", id_column]},
        f"One {what} per id and platform: a repeated id means a page was normalised twice "
        "or two items were merged, and the warehouse would keep only one of them.",
    )


def _not_negative(frame: str, column: str, what: str) -> Check:
    return Check(
        f"{frame}.{column}_not_negative",
        "ExpectColumnValuesToBeBetween",
        {"column": column, "min_value": 0},
        f"A {what} cannot be negative; a negative one is a parsing or API error and would "
        "lower engagement metrics.",
    )


def _known_platform(frame: str) -> Check:
    return Check(
        f"{frame}.platform_known",
        "ExpectColumnValuesToBeInSet",
        {"column": "platform", "value_set": _KNOWN},
        "Metrics, rubric thresholds and coverage are defined per known platform; a record of "
        "another platform would be counted nowhere or under the wrong name.",
    )


def _created_in_window(frame: str, what: str) -> Check:
    return Check(
        f"{frame}.created_at_in_window",
        "ExpectColumnValuesToBeBetween",
        {
            "column": "created_at",
            "min_value": parameter(CREATED_FROM),
            "max_value": parameter(WINDOW_END),
            "strict_max": True,
        },
        f"A {what} must be created inside the collected window [start - overlap, end): a time "
        "outside it is a wrong timezone, a millisecond/second mix-up or an epoch default.",
    )


_MISSING_TIME = "Missing or naive (timezone-less) timestamps cannot be placed in a window."

SNAPSHOTS = Suite(
    "records.snapshots",
    (
        _not_null("snapshots", "observed_at", _MISSING_TIME),
        Check(
            "snapshots.observed_at_not_after_window_end",
            "ExpectColumnValuesToBeBetween",
            {"column": "observed_at", "max_value": parameter(WINDOW_END)},
            "A snapshot describes the account at or before the window end; a later one would "
            "let the future leak into the window's presence metrics.",
        ),
        _not_negative("snapshots", "followers", "follower count"),
        _not_negative("snapshots", "following", "following count"),
        _not_negative("snapshots", "post_count", "post count"),
        _known_platform("snapshots"),
    ),
    id_columns=("handle", "observed_at"),
    parameters=(WINDOW_END,),
)

POSTS = Suite(
    "records.posts",
    (
        _not_null("posts", "post_id", "A post without an id cannot be stored or referred to."),
        _unique("posts", "post_id", "post"),
        _not_null("posts", "created_at", _MISSING_TIME),
        _created_in_window("posts", "post"),
        Check(
            "posts.like_count_not_negative",
            "ExpectColumnValuesToBeBetween",
            {"column": "like_count", "min_value": 0},
            "A like count cannot be negative; a negative one is a parsing or API error and "
            "would lower engagement metrics. Checked only on platforms whose like count is a "
            "count (not on Reddit, whose score is upvotes minus downvotes and can be "
            "negative): the frame leaves the others null.",
        ),
        _not_negative("posts", "repost_count", "repost count"),
        _not_negative("posts", "reply_count", "reply count"),
        _not_negative("posts", "quote_count", "quote count"),
        _known_platform("posts"),
    ),
    id_columns=("post_id",),
    parameters=(CREATED_FROM, WINDOW_END),
)

INBOUND = Suite(
    "records.inbound",
    (
        _not_null("inbound", "message_id", "A message without an id cannot be stored or answered."),
        _unique("inbound", "message_id", "inbound message"),
        _not_null("inbound", "created_at", _MISSING_TIME),
        _created_in_window("inbound", "inbound message"),
        _not_null(
            "inbound",
            "author",
            "Every inbound message has a (pseudonymised) author; distinct-author metrics count "
            "them.",
        ),
        Check(
            "inbound.author_pseudonymised",
            "ExpectColumnValuesToMatchRegex",
            {"column": "author", "regex": AUTHOR_REGEX},
            "Privacy gate: third parties are stored only as keyed pseudonyms, or as Reddit's "
            "[deleted]/[removed] placeholders, which name nobody. Anything else (a raw user id "
            "or @name) must never reach the warehouse.",
            private=True,
        ),
        _known_platform("inbound"),
    ),
    id_columns=("message_id",),
    parameters=(CREATED_FROM, WINDOW_END),
)

REPLY_LINKS = Suite(
    "records.reply_links",
    (
        _not_null(
            "reply_links",
            "inbound_id",
            "A reply link must name the inbound message it answers.",
        ),
        _unique("reply_links", "inbound_id", "first reply"),
        _not_null(
            "reply_links",
            "delay_s",
            "The response delay needs both timestamps, timezone-aware. " + _MISSING_TIME,
        ),
        Check(
            "reply_links.reply_not_before_message",
            "ExpectColumnValuesToBeBetween",
            {"column": "delay_s", "min_value": 0},
            "A reply cannot come before the message it answers (delay = replied_at - "
            "inbound_at >= 0); a negative delay is a mislinked reply or a timezone error and "
            "would shorten response times. Zero is allowed: timestamps have one-second "
            "resolution and the connectors link a reply from the same second.",
        ),
        _known_platform("reply_links"),
    ),
    id_columns=("inbound_id",),
)

RECORD_SUITES: Final = (SNAPSHOTS, POSTS, INBOUND, REPLY_LINKS)
