"""The world the emulator serves: organisations, their X and Reddit accounts, what they post,
what third parties send them and how (fast) they answer; plus subreddits and their moderators.

The types are frozen, slotted dataclasses so that a generated world of a thousand organisations
stays small in memory; pydantic validates them when a world file is read
(:mod:`maturity.sandbox.emulator.worldfile`). docs/emulator.md documents every
field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid")

Count = Annotated[int, Field(ge=0)]
Key = Annotated[str, Field(min_length=1, max_length=200)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,21}$")]


class Platform(StrEnum):
    X = "x"
    REDDIT = "reddit"
    MASTODON = "mastodon"
    """Served by :mod:`~maturity.sandbox.emulator.mastodon_api`; posts and inbound as on X."""
    BLUESKY = "bluesky"
    """Served by :mod:`~maturity.sandbox.emulator.bluesky_api`; posts and inbound as on X."""


class OrgKind(StrEnum):
    MUNICIPALITY = "municipality"
    COMPANY = "company"
    OTHER = "other"


class AccountFunction(StrEnum):
    MAIN = "main"
    SERVICE = "service"
    CAREERS = "careers"
    PRESS = "press"
    REGIONAL = "regional"
    LEADERSHIP = "leadership"
    EMPLOYEE = "employee"
    OTHER = "other"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DELETED = "deleted"
    SUSPENDED = "suspended"
    PROTECTED = "protected"


class PostType(StrEnum):
    ORIGINAL = "original"
    REPLY = "reply"
    REPOST = "repost"
    QUOTE = "quote"


class InboundKind(StrEnum):
    MENTION = "mention"
    """X: a post naming @handle. Reddit: a comment naming u/handle."""
    REPLY = "reply"
    """A reply to one of the organisation's posts (``target``)."""
    POST = "post"
    """Reddit only: a submission in a subreddit about the organisation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    """Public counts. X uses all but ``score``/``upvote_ratio``; Reddit uses ``score``,
    ``upvote_ratio`` and ``reposts`` (crossposts)."""

    __pydantic_config__ = _STRICT

    likes: Count = 0
    reposts: Count = 0
    replies: Count = 0
    quotes: Count = 0
    bookmarks: Count = 0
    impressions: Count = 0
    score: int = 1
    upvote_ratio: Annotated[float, Field(ge=0.0, le=1.0)] = 1.0


NO_METRICS = Metrics()


@dataclass(frozen=True, slots=True, kw_only=True)
class WorldPost:
    """Something the organisation's account published."""

    __pydantic_config__ = _STRICT

    created_at: AwareDatetime
    text: str = ""
    type: PostType = PostType.ORIGINAL
    key: Key | None = None
    target: Key | None = None
    """The key of the post or inbound message this replies to, reposts or quotes."""
    title: str | None = None
    """Reddit: the submission title (required for an original Reddit post)."""
    subreddit: Name | None = None
    """Reddit: where a submission goes; default the account's profile ``u_<handle>``."""
    link: str | None = None
    """Reddit: makes the submission a link post to this URL."""
    metrics: Metrics = NO_METRICS


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgAnswer:
    """The organisation's answer to an inbound message."""

    __pydantic_config__ = _STRICT

    delay: timedelta
    """Time between the inbound message and the answer (ISO 8601 duration or seconds)."""
    text: str = ""
    by: str | None = None
    """Handle of another account of the same organisation on the same platform."""
    key: Key | None = None
    metrics: Metrics = NO_METRICS


@dataclass(frozen=True, slots=True, kw_only=True)
class Inbound:
    """A message from a third party to (or about) the account."""

    __pydantic_config__ = _STRICT

    author: Name
    created_at: AwareDatetime
    text: str = ""
    kind: InboundKind = InboundKind.MENTION
    key: Key | None = None
    target: Key | None = None
    """``reply``: the organisation's post it answers. Reddit ``mention``: the post it sits under
    (when absent the emulator opens a thread by the author in ``subreddit``)."""
    title: str | None = None
    subreddit: Name | None = None
    metrics: Metrics = NO_METRICS
    response: OrgAnswer | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WorldAccount:
    """One account of an organisation on one platform."""

    __pydantic_config__ = _STRICT

    platform: Platform
    handle: Name
    created_at: AwareDatetime
    function: AccountFunction = AccountFunction.MAIN
    id: str | None = None
    """X: numeric user id; Reddit: base-36 account id. Derived from the handle when absent."""
    display_name: str = ""
    description: str = ""
    url: str | None = None
    location: str = ""
    profile_image_url: str | None = None
    banner_url: str | None = None
    """Reddit only: the profile banner (X API v2 exposes no banner)."""
    verified: bool = False
    status: AccountStatus = AccountStatus.ACTIVE
    followers: Count = 0
    following: Count = 0
    listed: Count = 0
    pinned: Key | None = None
    posts: tuple[WorldPost, ...] = ()
    inbound: tuple[Inbound, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WorldOrganisation:
    __pydantic_config__ = _STRICT

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    kind: OrgKind = OrgKind.MUNICIPALITY
    phase: Annotated[int, Field(ge=1, le=6)] | None = None
    """The maturity phase the organisation was designed to show (ground truth for tests)."""
    website: str | None = None
    accounts: tuple[WorldAccount, ...] = ()
    moved_at: AwareDatetime | None = None
    """When the organisation moved its webcare from X to Mastodon (ground truth for tests):
    its X accounts are silent from then on. None when it did not move."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Subreddit:
    __pydantic_config__ = _STRICT

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_]{2,20}$")]
    created_at: AwareDatetime
    title: str = ""
    description: str = ""
    subscribers: Count = 0
    moderators: tuple[Name, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    __pydantic_config__ = _STRICT

    version: Literal[1] = 1
    seed: int | None = None
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    organisations: tuple[WorldOrganisation, ...] = ()
    subreddits: tuple[Subreddit, ...] = ()

    def accounts(self, platform: Platform | None = None) -> list[WorldAccount]:
        return [
            a
            for org in self.organisations
            for a in org.accounts
            if platform is None or a.platform == platform
        ]

    def organisation(self, org_id: str) -> WorldOrganisation:
        for org in self.organisations:
            if org.id == org_id:
                return org
        raise KeyError(org_id)
