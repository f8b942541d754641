"""The sample sets behind metric values: what the rows of ``n`` are, in words.

Each metric value names one sample set. Its example items and its reproducing SQL query (see
:mod:`maturity.metrics.evidence.queries`) are built once per set and scope and shared by every
metric that reads the same set. Where ``n`` counts rows (messages, posts, threads, accounts) the
query returns exactly ``n`` rows; where it counts something else (weeks, profile fields, gaps)
the query returns the rows the value is computed from (posts; readable accounts).
"""

from __future__ import annotations

from typing import Final

ACCOUNTS_OBSERVED: Final = "accounts_observed"
ACCOUNTS_READABLE: Final = "accounts_readable"
ACCOUNTS_ORGANISATIONAL: Final = "accounts_organisational"
ACCOUNTS_CREATED: Final = "accounts_created"
ACCOUNTS_VERIFIED: Final = "accounts_verified"
ACCOUNTS_NAMED: Final = "accounts_named"
ACCOUNTS_DORMANCY: Final = "accounts_dormancy"
LEADERSHIP: Final = "leadership_accounts"
EMPLOYEES: Final = "employee_accounts"
SECONDARY: Final = "secondary_accounts"
ANSWERING_ACCOUNTS: Final = "answering_accounts"
POSTS: Final = "posts"
POSTS_WEEKS: Final = "posts_weeks"
POSTS_GAPS: Final = "posts_gaps"
POSTS_WITH_LINK: Final = "posts_with_link"
POSTS_FOLLOWED: Final = "posts_followed"
THREADS_REPLIED: Final = "threads_replied"
THREADS_STARTED: Final = "threads_started"
INBOUND: Final = "inbound"
ANSWERED: Final = "answered"
ACTIONABLE: Final = "inbound_actionable"
ANSWERED_ACTIONABLE: Final = "answered_actionable"
REPLIED: Final = "inbound_replied"
OWN_LINKS: Final = "own_account_links"
AFTER_HOURS: Final = "inbound_after_hours"
WEEKEND: Final = "inbound_weekend"

DESCRIPTIONS: Final[dict[str, str]] = {
    ACCOUNTS_OBSERVED: "registered accounts, latest snapshot at or before window end",
    ACCOUNTS_READABLE: "readable (active) accounts, latest snapshot at or before window end",
    ACCOUNTS_CREATED: "readable accounts with a known creation date",
    ACCOUNTS_VERIFIED: "readable accounts whose verification mark is known",
    ACCOUNTS_ORGANISATIONAL: "readable accounts that speak for the organisation (not "
    "leadership or employee accounts); n counts the profile fields their APIs expose",
    ACCOUNTS_NAMED: "readable organisational accounts of an organisation with name stems",
    ACCOUNTS_DORMANCY: "readable accounts, with their own posts in the last 90 days",
    LEADERSHIP: "registered leadership accounts of an organisation with name stems",
    EMPLOYEES: "registered employee accounts of an organisation with name stems",
    SECONDARY: "readable non-main accounts on platforms with a readable main account",
    ANSWERING_ACCOUNTS: "accounts with answered inbound messages, and how many",
    POSTS: "own posts in the window",
    POSTS_WEEKS: "own posts in the window (n counts the weeks of the window)",
    POSTS_GAPS: "own posts in the window (n counts the gaps between consecutive posts)",
    POSTS_WITH_LINK: "own posts with a link in the window",
    POSTS_FOLLOWED: "own posts of accounts with a known follower count in the window",
    THREADS_REPLIED: "threads with an organisation reply to a third party, with its turns",
    THREADS_STARTED: "original posts (threads started) with their distinct third-party repliers",
    INBOUND: "inbound messages in the window, with the first reply before window end",
    ANSWERED: "inbound messages answered before window end",
    ACTIONABLE: "actionable inbound messages in the window (spam left out; the query lists "
    "every inbound message, the notes count what was left out and why)",
    ANSWERED_ACTIONABLE: "actionable inbound messages answered by a person before window end",
    REPLIED: "inbound messages with a first reply of the organisation before window end",
    OWN_LINKS: "readable non-main accounts of organisations with a readable main account; "
    "examples name each link and where it was read (post, pinned, bio, url)",
    AFTER_HOURS: "inbound messages outside business hours (weekdays 09-17, local time)",
    WEEKEND: "inbound messages on Saturday or Sunday (local time)",
}
