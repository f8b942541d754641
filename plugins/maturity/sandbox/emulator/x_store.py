"""The world as X holds it: users by name and id, posts by id, and per user the ids of their
timeline and of the posts that mention them, ascending, so that every page is two bisections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from maturity.sandbox.emulator.ids import snowflake, stable_hash
from maturity.sandbox.emulator.world import (
    AccountStatus,
    Metrics,
    OrgKind,
    Platform,
    PostType,
    World,
    WorldAccount,
)
from maturity.sandbox.emulator.x_text import MENTION_RE, Rendered, render, tco

DEFAULT_PROFILE_IMAGE = (
    "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"
)
_THIRD_PARTY_EPOCH = datetime(2010, 1, 1, tzinfo=UTC)


def x_time(at: datetime) -> str:
    """X's timestamp format: ``2024-05-01T09:30:00.000Z``."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


@dataclass(slots=True, eq=False)
class XUser:
    id: int
    username: str
    name: str
    created_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    description: str = ""
    url: str | None = None
    location: str = ""
    profile_image_url: str | None = None
    verified: bool = False
    verified_type: str = "none"
    followers: int = 0
    following: int = 0
    listed: int = 0
    pinned_key: str | None = None
    pinned_tweet_id: int | None = None
    timeline: list[int] = field(default_factory=list)
    mentions: list[int] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        """Whether an app-only client may see this user's posts."""
        return self.status == AccountStatus.ACTIVE


@dataclass(slots=True, eq=False)
class XTweet:
    id: int
    author_id: int
    created_at: datetime
    type: PostType
    raw_text: str
    metrics: Metrics
    addressed_id: int | None = None
    target_id: int | None = None
    rendered: Rendered | None = None
    mentioned: tuple[str, ...] | None = None
    """Lower-case usernames the served text mentions (set while building)."""
    conversation_id: int = 0
    in_reply_to_user_id: int | None = None
    in_world_replies: int = 0
    in_world_reposts: int = 0
    in_world_quotes: int = 0


@dataclass(slots=True)
class _Spec:
    created_at: datetime
    author: str
    text: str
    type: PostType
    metrics: Metrics
    target: str | int | None = None
    """A world key, or the index of another spec (a response answers its inbound message)."""
    addressed: str | None = None


class XStore:
    """Read-only after construction, but for :attr:`unindexed`; safe to share between server
    threads."""

    def __init__(self, world: World) -> None:
        self.users_by_id: dict[int, XUser] = {}
        self.users_by_name: dict[str, XUser] = {}
        self.tweets: dict[int, XTweet] = {}
        self.name_ids: dict[str, int] = {}
        """Lower-case username → id, for mention entities."""
        self.unindexed: frozenset[int] = frozenset()
        """Posts not indexed yet: timelines and mentions leave them out (a late-indexed item)."""
        specs, keys = self._collect(world)
        self._build(specs, keys)

    # --- lookups ----------------------------------------------------------------------------

    def user_by_name(self, username: str) -> XUser | None:
        return self.users_by_name.get(username.lower())

    def user(self, user_id: int) -> XUser | None:
        return self.users_by_id.get(user_id)

    # --- construction -----------------------------------------------------------------------

    def _collect(self, world: World) -> tuple[list[_Spec], dict[str, int]]:
        specs: list[_Spec] = []
        keys: dict[str, int] = {}

        def add(spec: _Spec, key: str | None) -> int:
            specs.append(spec)
            if key is not None:
                keys[key] = len(specs) - 1
            return len(specs) - 1

        for org in world.organisations:
            for acc in org.accounts:
                if acc.platform != Platform.X:
                    continue
                self._add_account(acc, org.kind)
                for post in acc.posts:
                    add(
                        _Spec(
                            post.created_at,
                            acc.handle,
                            post.text,
                            post.type,
                            post.metrics,
                            post.target,
                        ),
                        post.key,
                    )
                for msg in acc.inbound:
                    kind = PostType.REPLY if msg.target is not None else PostType.ORIGINAL
                    idx = add(
                        _Spec(
                            msg.created_at,
                            msg.author,
                            msg.text,
                            kind,
                            msg.metrics,
                            msg.target,
                            acc.handle,
                        ),
                        msg.key,
                    )
                    if msg.response is not None:
                        r = msg.response
                        add(
                            _Spec(
                                msg.created_at + r.delay,
                                r.by or acc.handle,
                                r.text,
                                PostType.REPLY,
                                r.metrics,
                                idx,
                            ),
                            r.key,
                        )
        return specs, keys

    def _add_account(self, acc: WorldAccount, kind: OrgKind) -> None:
        uid = (
            int(acc.id)
            if acc.id is not None
            else snowflake(acc.created_at, stable_hash(acc.handle))
        )
        verified_type = "none"
        if acc.verified:
            verified_type = "government" if kind == OrgKind.MUNICIPALITY else "business"
        user = XUser(
            id=self._free_id(uid),
            username=acc.handle,
            name=acc.display_name or acc.handle,
            created_at=acc.created_at,
            status=acc.status,
            description=acc.description,
            url=acc.url,
            location=acc.location,
            profile_image_url=acc.profile_image_url,
            verified=acc.verified,
            verified_type=verified_type,
            followers=acc.followers,
            following=acc.following,
            listed=acc.listed,
            pinned_key=acc.pinned,
        )
        self._register(user)

    def _free_id(self, uid: int) -> int:
        while uid in self.users_by_id:
            uid += 1
        return uid

    def _register(self, user: XUser) -> None:
        self.users_by_id[user.id] = user
        self.users_by_name[user.username.lower()] = user

    def _third_party(self, username: str) -> XUser:
        user = self.users_by_name.get(username.lower())
        if user is not None:
            return user
        h = stable_hash("x:" + username.lower())
        created = _THIRD_PARTY_EPOCH + timedelta(seconds=h % (10 * 365 * 86_400))
        user = XUser(
            id=self._free_id(snowflake(created, h >> 42)),
            username=username,
            name=username,
            created_at=created,
            followers=h % 900,
            following=(h >> 10) % 700,
            profile_image_url=None,
        )
        self._register(user)
        return user

    def _build(self, specs: list[_Spec], keys: dict[str, int]) -> None:
        order = sorted(range(len(specs)), key=lambda i: (specs[i].created_at, i))
        spec_ids: list[int] = [0] * len(specs)
        for seq, i in enumerate(order):
            spec_ids[i] = snowflake(specs[i].created_at, seq)
        for i in order:
            s = specs[i]
            target = s.target
            if isinstance(target, str):
                target = keys.get(target)
            author = self._third_party(s.author)
            addressed = self.user_by_name(s.addressed) if s.addressed else None
            self.tweets[spec_ids[i]] = XTweet(
                id=spec_ids[i],
                author_id=author.id,
                created_at=s.created_at,
                type=s.type,
                raw_text=s.text,
                metrics=s.metrics,
                addressed_id=addressed.id if addressed else None,
                target_id=spec_ids[target] if target is not None else None,
            )
        self.name_ids = {name: u.id for name, u in self.users_by_name.items()}
        for tid in sorted(self.tweets):
            self._index(self.tweets[tid])
        for user in self.users_by_id.values():
            if user.pinned_key is not None and user.pinned_key in keys:
                user.pinned_tweet_id = spec_ids[keys[user.pinned_key]]

    def _link(self, t: XTweet) -> tuple[str, ...]:
        """Resolve what ``t`` answers, reposts or quotes; return the (lower-case) names it
        mentions once served. Counts replies, reposts and quotes on the targets, once."""
        if t.mentioned is not None:
            return t.mentioned
        names = [n.lower() for n in MENTION_RE.findall(t.raw_text)] if "@" in t.raw_text else []
        t.conversation_id = t.id
        target = self.tweets.get(t.target_id) if t.target_id is not None else None
        if target is not None:
            if t.type == PostType.REPOST:
                while target.type == PostType.REPOST and target.target_id in self.tweets:
                    target = self.tweets[target.target_id]
                t.target_id = target.id
                names = [self.users_by_id[target.author_id].username.lower(), *self._link(target)]
                target.in_world_reposts += 1
            elif t.type == PostType.QUOTE:
                self._link(target)
                target.in_world_quotes += 1
            else:
                self._link(target)
                t.conversation_id = target.conversation_id
                t.in_reply_to_user_id = target.author_id
                if target.author_id != t.author_id:
                    names.append(self.users_by_id[target.author_id].username.lower())
                target.in_world_replies += 1
        if t.addressed_id is not None and t.type != PostType.REPOST:
            names.append(self.users_by_id[t.addressed_id].username.lower())
        t.mentioned = tuple(dict.fromkeys(names))
        return t.mentioned

    def _index(self, t: XTweet) -> None:
        author = self.users_by_id[t.author_id]
        author.timeline.append(t.id)
        mentioned = self._link(t)
        if not author.visible:
            return
        for name in mentioned:
            uid = self.name_ids.get(name)
            if uid is None or uid == author.id:
                continue
            mentions = self.users_by_id[uid].mentions
            if not mentions or mentions[-1] != t.id:
                mentions.append(t.id)

    def rendered(self, t: XTweet) -> Rendered:
        """The served text and its entities, computed on first use."""
        if t.rendered is None:
            t.rendered = render(self._text(t))
        return t.rendered

    def _text(self, t: XTweet) -> str:
        text = t.raw_text
        target = self.tweets.get(t.target_id) if t.target_id is not None else None
        if target is not None:
            target_author = self.users_by_id[target.author_id]
            if t.type == PostType.REPOST:
                return f"RT @{target_author.username}: {self._text(target)}"
            if t.type == PostType.QUOTE:
                link = f"https://twitter.com/{target_author.username}/status/{target.id}"
                text = f"{text} {link}".strip()
            elif target_author.id != t.author_id:
                text = _prefixed(text, target_author.username)
        if t.addressed_id is not None:
            text = _prefixed(text, self.users_by_id[t.addressed_id].username)
        return text

    # --- serialisation ----------------------------------------------------------------------

    def tweet_json(self, t: XTweet, fields: frozenset[str]) -> dict[str, Any]:
        rendered = self.rendered(t)
        sid = str(t.id)
        out: dict[str, Any] = {"id": sid, "text": rendered.text, "edit_history_tweet_ids": [sid]}
        for name, value in _TWEET_FIELDS:
            if name in fields:
                v = value(self, t, rendered)
                if v is not None:
                    out[name] = v
        return out

    def user_json(self, u: XUser, fields: frozenset[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": str(u.id), "name": u.name, "username": u.username}
        for name, value in _USER_FIELDS:
            if name in fields:
                v = value(u)
                if v is not None:
                    out[name] = v
        return out


def _referenced(t: XTweet) -> list[dict[str, str]] | None:
    if t.target_id is None:
        return None
    kind = {PostType.REPOST: "retweeted", PostType.QUOTE: "quoted"}.get(t.type, "replied_to")
    return [{"type": kind, "id": str(t.target_id)}]


def _tweet_metrics(t: XTweet) -> dict[str, int]:
    m = t.metrics
    return {
        "retweet_count": max(m.reposts, t.in_world_reposts),
        "reply_count": max(m.replies, t.in_world_replies),
        "like_count": m.likes,
        "quote_count": max(m.quotes, t.in_world_quotes),
        "bookmark_count": m.bookmarks,
        "impression_count": m.impressions,
    }


def _user_metrics(u: XUser) -> dict[str, int]:
    return {
        "followers_count": u.followers,
        "following_count": u.following,
        "tweet_count": len(u.timeline),
        "listed_count": u.listed,
        "like_count": 0,
        "media_count": 0,
    }


def _str_or_none(value: int | None) -> str | None:
    return None if value is None else str(value)


#: Served post fields in X's order; a producer returning None leaves the field out.
_TWEET_FIELDS: tuple[tuple[str, Callable[[XStore, XTweet, Rendered], Any]], ...] = (
    ("author_id", lambda s, t, r: str(t.author_id)),
    ("created_at", lambda s, t, r: x_time(t.created_at)),
    ("conversation_id", lambda s, t, r: str(t.conversation_id)),
    ("in_reply_to_user_id", lambda s, t, r: _str_or_none(t.in_reply_to_user_id)),
    ("referenced_tweets", lambda s, t, r: _referenced(t)),
    ("entities", lambda s, t, r: r.entities(s.name_ids)),
    ("public_metrics", lambda s, t, r: _tweet_metrics(t)),
    ("lang", lambda s, t, r: "nl"),
    ("possibly_sensitive", lambda s, t, r: False),
    ("reply_settings", lambda s, t, r: "everyone"),
)

#: Served user fields; ``id``, ``name`` and ``username`` always come.
_USER_FIELDS: tuple[tuple[str, Callable[[XUser], Any]], ...] = (
    ("created_at", lambda u: x_time(u.created_at)),
    ("description", lambda u: render(u.description).text),
    ("url", lambda u: tco(u.url) if u.url else ""),
    ("entities", lambda u: _user_entities(u)),
    ("location", lambda u: u.location or None),
    ("profile_image_url", lambda u: u.profile_image_url or DEFAULT_PROFILE_IMAGE),
    ("protected", lambda u: u.status == AccountStatus.PROTECTED),
    ("verified", lambda u: u.verified),
    ("verified_type", lambda u: u.verified_type),
    ("pinned_tweet_id", lambda u: _str_or_none(u.pinned_tweet_id)),
    ("most_recent_tweet_id", lambda u: str(u.timeline[-1]) if u.timeline else None),
    ("public_metrics", _user_metrics),
)


def _prefixed(text: str, username: str) -> str:
    if f"@{username}".lower() in text.lower():
        return text
    return f"@{username} {text}".rstrip()


def _user_entities(u: XUser) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    if u.url:
        short = tco(u.url)
        out["url"] = {
            "urls": [
                {
                    "start": 0,
                    "end": len(short),
                    "url": short,
                    "expanded_url": u.url,
                    "display_url": render(u.url).urls[0].display_url,
                }
            ]
        }
    if u.description:
        desc = render(u.description).entities({})
        if desc:
            out["description"] = desc
    return out or None
