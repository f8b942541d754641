"""The world as Reddit holds it: accounts, subreddits, submissions (t3) and comments (t1).

Every thing gets an *ordinal*, its position in time; per account and per subreddit the store
keeps ascending ordinals, so a "new" listing is a reversed slice. Comment trees hang off
``children``. The JSON shapes are Reddit's (``kind``/``data`` things inside ``Listing``s).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from maturity.sandbox.emulator.ids import base36, stable_hash
from maturity.sandbox.emulator.world import (
    AccountStatus,
    Inbound,
    InboundKind,
    Metrics,
    Platform,
    PostType,
    World,
    WorldAccount,
)

T3_BASE = 2 * 36**6
T1_BASE = 25 * 36**6
MENTION_RE = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})")
_THIRD_PARTY_EPOCH = datetime(2012, 1, 1, tzinfo=UTC)
DEFAULT_ICON = "https://www.redditstatic.com/avatars/defaults/v2/avatar_default_1.png"


@dataclass(slots=True, eq=False)
class RUser:
    id36: str
    name: str
    created_at: datetime
    status: AccountStatus = AccountStatus.ACTIVE
    is_org: bool = False
    display_name: str = ""
    description: str = ""
    icon_img: str | None = None
    banner_img: str | None = None
    verified: bool = False
    followers: int = 0
    submitted: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    inbox: list[tuple[int, str]] = field(default_factory=list)
    """(ordinal, type) with type ``post_reply``, ``comment_reply`` or ``username_mention``."""
    link_karma: int = 0
    comment_karma: int = 0

    @property
    def fullname(self) -> str:
        return f"t2_{self.id36}"


@dataclass(slots=True, eq=False)
class RSub:
    name: str
    id36: str
    created_at: datetime
    title: str = ""
    description: str = ""
    subscribers: int = 0
    moderators: tuple[str, ...] = ()
    profile_of: str | None = None
    new: list[int] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)

    @property
    def fullname(self) -> str:
        return f"t5_{self.id36}"

    @property
    def prefixed(self) -> str:
        return f"u/{self.profile_of}" if self.profile_of else f"r/{self.name}"


_ORPHANS = RSub(name="_orphans", id36="0", created_at=_THIRD_PARTY_EPOCH)
"""Placeholder subreddit of a comment before its submission is known."""


@dataclass(slots=True, eq=False)
class Thing:
    ord: int
    kind: str
    id36: str
    author: RUser
    created_at: datetime
    sub: RSub
    text: str
    metrics: Metrics
    title: str = ""
    link: str | None = None
    parent: Thing | None = None
    submission: Thing | None = None
    crosspost_of: Thing | None = None
    children: list[Thing] = field(default_factory=list)
    depth: int = 0
    num_comments: int = 0

    @property
    def fullname(self) -> str:
        return f"{self.kind}_{self.id36}"

    @property
    def root(self) -> Thing:
        return self.submission if self.submission is not None else self


@dataclass(slots=True)
class _Spec:
    created_at: datetime
    author: str
    kind: str
    text: str
    metrics: Metrics
    title: str = ""
    link: str | None = None
    subreddit: str | None = None
    parent: str | int | None = None
    crosspost: str | int | None = None


def slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return words[:50].rstrip("_") or "_"


def epoch(at: datetime) -> float:
    return float(int(at.timestamp()))


class RedditStore:
    """Read-only after construction; safe to share between server threads."""

    def __init__(self, world: World) -> None:
        self.users: dict[str, RUser] = {}
        self.subs: dict[str, RSub] = {}
        self.things: list[Thing] = []
        self.by_fullname: dict[str, Thing] = {}
        self._ids: set[str] = set()
        for sub in world.subreddits:
            self._add_sub(
                RSub(
                    name=sub.name,
                    id36=self._sub_id(sub.name),
                    created_at=sub.created_at,
                    title=sub.title,
                    description=sub.description,
                    subscribers=sub.subscribers,
                    moderators=sub.moderators,
                )
            )
        specs, keys = self._collect(world)
        self._build(specs, keys)
        # Every moderator is a user and every user has a profile subreddit from the start, so
        # answering a request never adds to the store (requests run on several threads, and
        # ids must not depend on the order they arrive in).
        for rsub in list(self.subs.values()):
            for name in rsub.moderators:
                self._person(name)
        for user in list(self.users.values()):
            self._profile_sub(user)
        self._moderators = {
            name.lower() for s in self.subs.values() if not s.profile_of for name in s.moderators
        }

    # --- lookups ----------------------------------------------------------------------------

    def user(self, name: str) -> RUser | None:
        return self.users.get(name.lower())

    def sub(self, name: str) -> RSub | None:
        return self.subs.get(name.lower())

    def thing(self, fullname: str) -> Thing | None:
        return self.by_fullname.get(fullname)

    # --- construction -----------------------------------------------------------------------

    def _sub_id(self, name: str) -> str:
        n = stable_hash("t5:" + name.lower()) % (30 * 36**5) + 36**5
        while base36(n) in self._ids:
            n += 1
        self._ids.add(base36(n))
        return base36(n)

    def _add_sub(self, sub: RSub) -> RSub:
        self.subs[sub.name.lower()] = sub
        return sub

    def _profile_sub(self, user: RUser) -> RSub:
        name = f"u_{user.name}"
        sub = self.subs.get(name.lower())
        if sub is None:
            sub = self._add_sub(
                RSub(
                    name=name,
                    id36=self._sub_id(name),
                    created_at=user.created_at,
                    title=user.display_name,
                    description=user.description,
                    subscribers=user.followers,
                    profile_of=user.name,
                    moderators=(user.name,),
                )
            )
        return sub

    def _add_account(self, acc: WorldAccount) -> None:
        id36 = acc.id or self._user_id(acc.handle)
        user = RUser(
            id36=id36,
            name=acc.handle,
            created_at=acc.created_at,
            status=acc.status,
            is_org=True,
            display_name=acc.display_name,
            description=acc.description,
            icon_img=acc.profile_image_url,
            banner_img=acc.banner_url,
            verified=acc.verified,
            followers=acc.followers,
        )
        self.users[acc.handle.lower()] = user
        self._profile_sub(user)

    def _user_id(self, name: str) -> str:
        n = stable_hash("t2:" + name.lower()) % (35 * 36**7) + 36**7
        while base36(n) in self._ids:
            n += 1
        self._ids.add(base36(n))
        return base36(n)

    def _person(self, name: str) -> RUser:
        user = self.users.get(name.lower())
        if user is None:
            h = stable_hash("reddit:" + name.lower())
            created = _THIRD_PARTY_EPOCH + timedelta(seconds=h % (10 * 365 * 86_400))
            user = RUser(id36=self._user_id(name), name=name, created_at=created)
            self.users[name.lower()] = user
        return user

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
                if acc.platform != Platform.REDDIT:
                    continue
                self._add_account(acc)
                for post in acc.posts:
                    if post.type == PostType.REPLY:
                        spec = _Spec(
                            post.created_at,
                            acc.handle,
                            "t1",
                            post.text,
                            post.metrics,
                            parent=post.target,
                        )
                    else:
                        spec = _Spec(
                            post.created_at,
                            acc.handle,
                            "t3",
                            post.text,
                            post.metrics,
                            title=post.title or "",
                            link=post.link,
                            subreddit=post.subreddit or f"u_{acc.handle}",
                            crosspost=post.target if post.type == PostType.REPOST else None,
                        )
                    add(spec, post.key)
                for msg in acc.inbound:
                    idx = self._collect_inbound(acc, msg, add)
                    if msg.response is not None:
                        r = msg.response
                        add(
                            _Spec(
                                msg.created_at + r.delay,
                                r.by or acc.handle,
                                "t1",
                                r.text,
                                r.metrics,
                                parent=idx,
                            ),
                            r.key,
                        )
        return specs, keys

    def _collect_inbound(
        self, acc: WorldAccount, msg: Inbound, add: Callable[[_Spec, str | None], int]
    ) -> int:
        if msg.kind == InboundKind.POST:
            spec = _Spec(
                msg.created_at,
                msg.author,
                "t3",
                msg.text,
                msg.metrics,
                title=msg.title or "",
                subreddit=msg.subreddit,
            )
            return add(spec, msg.key)
        text = msg.text
        parent: str | int | None = msg.target
        if msg.kind == InboundKind.MENTION:
            if f"u/{acc.handle}".lower() not in text.lower():
                text = f"u/{acc.handle} {text}".rstrip()
            if parent is None:
                thread = _Spec(
                    msg.created_at - timedelta(minutes=5),
                    msg.author,
                    "t3",
                    "",
                    msg.metrics,
                    title=msg.title or f"Vraag aan u/{acc.handle}",
                    subreddit=msg.subreddit,
                )
                parent = add(thread, None)
        return add(
            _Spec(msg.created_at, msg.author, "t1", text, msg.metrics, parent=parent), msg.key
        )

    def _build(self, specs: list[_Spec], keys: dict[str, int]) -> None:
        order = sorted(range(len(specs)), key=lambda i: (specs[i].created_at, i))
        position = {i: n for n, i in enumerate(order)}
        n1 = n3 = 0
        for i in order:
            s = specs[i]
            if s.kind == "t3":
                id36, n3 = base36(T3_BASE + n3), n3 + 1
            else:
                id36, n1 = base36(T1_BASE + n1), n1 + 1
            author = self._person(s.author)
            sub = _ORPHANS
            if s.kind == "t3":
                own = s.subreddit is None or s.subreddit.lower() == f"u_{author.name}".lower()
                sub = self._profile_sub(author) if own else self.subs[(s.subreddit or "").lower()]
            thing = Thing(
                ord=len(self.things),
                kind=s.kind,
                id36=id36,
                author=author,
                created_at=s.created_at,
                sub=sub,
                text=s.text,
                metrics=s.metrics,
                title=s.title,
                link=s.link,
            )
            self.things.append(thing)
            self.by_fullname[thing.fullname] = thing

        def resolve(ref: str | int | None) -> Thing | None:
            if ref is None:
                return None
            idx = keys.get(ref) if isinstance(ref, str) else ref
            return self.things[position[idx]] if idx is not None else None

        for i in order:
            thing = self.things[position[i]]
            parent = resolve(specs[i].parent)
            if thing.kind == "t1" and parent is not None:
                thing.parent = parent
                thing.submission = parent.root
                thing.sub = parent.root.sub
                thing.depth = 0 if parent.kind == "t3" else parent.depth + 1
            thing.crosspost_of = resolve(specs[i].crosspost)
        for thing in self.things:
            self._index(thing)

    def _index(self, thing: Thing) -> None:
        author = thing.author
        if thing.kind == "t3":
            author.submitted.append(thing.ord)
            author.link_karma += thing.metrics.score
            thing.sub.new.append(thing.ord)
            return
        author.comments.append(thing.ord)
        author.comment_karma += thing.metrics.score
        thing.sub.comments.append(thing.ord)
        parent = thing.parent
        if parent is None:
            return
        parent.children.append(thing)
        thing.root.num_comments += 1
        replied: str | None = None
        if parent.author is not author:
            replied = parent.author.name.lower()
            kind = "post_reply" if parent.kind == "t3" else "comment_reply"
            parent.author.inbox.append((thing.ord, kind))
        for name in {m.lower() for m in MENTION_RE.findall(thing.text)}:
            user = self.users.get(name)
            if user is not None and user is not author and name != replied:
                user.inbox.append((thing.ord, "username_mention"))

    # --- JSON -------------------------------------------------------------------------------

    def author_fields(self, user: RUser) -> dict[str, Any]:
        if user.status == AccountStatus.DELETED:
            return {"author": "[deleted]"}
        return {
            "author": user.name,
            "author_fullname": user.fullname,
            "author_flair_text": None,
            "author_premium": False,
        }

    def submission_json(self, t: Thing) -> dict[str, Any]:
        sub = t.sub
        permalink = f"/{sub.prefixed}/comments/{t.id36}/{slug(t.title)}/"
        is_self = t.link is None
        m = t.metrics
        ups = max(m.score, 0)
        data: dict[str, Any] = {
            "id": t.id36,
            "name": t.fullname,
            "title": t.title,
            "selftext": t.text if is_self else "",
            "is_self": is_self,
            "url": f"https://www.reddit.com{permalink}" if is_self else t.link,
            "domain": f"self.{sub.name}" if is_self else _domain(t.link or ""),
            "permalink": permalink,
            "subreddit": sub.name,
            "subreddit_id": sub.fullname,
            "subreddit_name_prefixed": sub.prefixed,
            "subreddit_type": "user" if sub.profile_of else "public",
            "subreddit_subscribers": sub.subscribers,
            "created_utc": epoch(t.created_at),
            "created": epoch(t.created_at),
            "score": m.score,
            "ups": ups,
            "downs": 0,
            "upvote_ratio": m.upvote_ratio,
            "num_comments": t.num_comments,
            "num_crossposts": m.reposts,
            "over_18": False,
            "spoiler": False,
            "locked": False,
            "stickied": False,
            "archived": False,
            "edited": False,
            "distinguished": None,
            "link_flair_text": None,
            "gilded": 0,
            "total_awards_received": 0,
            "is_original_content": False,
            "send_replies": True,
            **self.author_fields(t.author),
        }
        if t.crosspost_of is not None:
            data["crosspost_parent"] = t.crosspost_of.fullname
            data["crosspost_parent_list"] = [self.submission_json(t.crosspost_of)]
        return data

    def comment_json(self, t: Thing, *, with_link: bool = False) -> dict[str, Any]:
        root = t.root
        parent = t.parent or root
        permalink = f"/{root.sub.prefixed}/comments/{root.id36}/{slug(root.title)}/{t.id36}/"
        m = t.metrics
        data: dict[str, Any] = {
            "id": t.id36,
            "name": t.fullname,
            "body": t.text,
            "link_id": root.fullname,
            "parent_id": parent.fullname,
            "subreddit": root.sub.name,
            "subreddit_id": root.sub.fullname,
            "subreddit_name_prefixed": root.sub.prefixed,
            "subreddit_type": "user" if root.sub.profile_of else "public",
            "created_utc": epoch(t.created_at),
            "created": epoch(t.created_at),
            "score": m.score,
            "ups": max(m.score, 0),
            "downs": 0,
            "controversiality": 0,
            "permalink": permalink,
            "depth": t.depth,
            "replies": "",
            "is_submitter": t.author is root.author,
            "edited": False,
            "stickied": False,
            "distinguished": None,
            "gilded": 0,
            "score_hidden": False,
            "collapsed": False,
            "send_replies": True,
            "archived": False,
            "locked": False,
            **self.author_fields(t.author),
        }
        if with_link:
            data.update(
                {
                    "link_title": root.title,
                    "link_permalink": f"https://www.reddit.com/{root.sub.prefixed}/comments/{root.id36}/"
                    f"{slug(root.title)}/",
                    "link_author": self.author_fields(root.author)["author"],
                    "link_url": root.link or f"https://www.reddit.com{permalink}",
                    "num_comments": root.num_comments,
                }
            )
        return data

    def thing_json(self, t: Thing, *, with_link: bool = True) -> dict[str, Any]:
        if t.kind == "t3":
            return {"kind": "t3", "data": self.submission_json(t)}
        return {"kind": "t1", "data": self.comment_json(t, with_link=with_link)}

    def message_json(self, t: Thing, kind: str, to: RUser) -> dict[str, Any]:
        """A comment as it appears in the inbox (``/message/inbox``, ``/message/mentions``)."""
        root = t.root
        subject = {
            "post_reply": "post reply",
            "comment_reply": "comment reply",
            "username_mention": "username mention",
        }[kind]
        data = {
            "id": t.id36,
            "name": t.fullname,
            "body": t.text,
            "was_comment": True,
            "first_message": None,
            "first_message_name": None,
            "subject": subject,
            "type": kind,
            "new": False,
            "dest": to.name,
            "parent_id": (t.parent or root).fullname,
            "link_title": root.title,
            "subreddit": root.sub.name,
            "subreddit_name_prefixed": root.sub.prefixed,
            "context": f"/{root.sub.prefixed}/comments/{root.id36}/{slug(root.title)}/"
            f"{t.id36}/?context=3",
            "created_utc": epoch(t.created_at),
            "created": epoch(t.created_at),
            "score": t.metrics.score,
            "replies": "",
            "distinguished": None,
            "num_comments": root.num_comments,
            **self.author_fields(t.author),
        }
        return {"kind": "t1", "data": data}

    def user_json(self, user: RUser) -> dict[str, Any]:
        if user.status == AccountStatus.SUSPENDED:
            return {
                "kind": "t2",
                "data": {
                    "name": user.name,
                    "is_suspended": True,
                    "awardee_karma": 0,
                    "awarder_karma": 0,
                    "is_blocked": False,
                    "total_karma": 0,
                },
            }
        profile = self._profile_sub(user)
        icon = user.icon_img or DEFAULT_ICON
        data = {
            "id": user.id36,
            "name": user.name,
            "created_utc": epoch(user.created_at),
            "created": epoch(user.created_at),
            "link_karma": user.link_karma,
            "comment_karma": user.comment_karma,
            "total_karma": user.link_karma + user.comment_karma,
            "awardee_karma": 0,
            "awarder_karma": 0,
            "is_suspended": False,
            "verified": user.verified,
            "has_verified_email": user.is_org,
            "is_employee": False,
            "is_mod": user.name.lower() in self._moderators,
            "is_gold": False,
            "icon_img": icon,
            "accept_followers": True,
            "hide_from_robots": False,
            "pref_show_snoovatar": False,
            "subreddit": {
                "display_name": profile.name,
                "display_name_prefixed": profile.prefixed,
                "title": user.display_name,
                "public_description": user.description,
                "subscribers": user.followers,
                "icon_img": icon,
                "banner_img": user.banner_img or "",
                "url": f"/user/{user.name}/",
                "subreddit_type": "user",
                "name": profile.fullname,
                "over_18": False,
            },
        }
        return {"kind": "t2", "data": data}

    def subreddit_json(self, sub: RSub) -> dict[str, Any]:
        data = {
            "id": sub.id36,
            "name": sub.fullname,
            "display_name": sub.name,
            "display_name_prefixed": sub.prefixed,
            "title": sub.title,
            "public_description": sub.description,
            "description": sub.description,
            "subscribers": sub.subscribers,
            "active_user_count": max(1, sub.subscribers // 200),
            "created_utc": epoch(sub.created_at),
            "created": epoch(sub.created_at),
            "subreddit_type": "user" if sub.profile_of else "public",
            "over18": False,
            "url": f"/{sub.prefixed}/",
            "lang": "nl",
            "quarantine": False,
        }
        return {"kind": "t5", "data": data}

    def moderators_json(self, sub: RSub) -> dict[str, Any]:
        children = []
        for n, name in enumerate(sub.moderators):
            user = self._person(name)
            children.append(
                {
                    "name": user.name,
                    "id": user.fullname,
                    "rel_id": f"rb_{base36(9_000 + n)}",
                    "date": epoch(sub.created_at) + n * 86_400.0,
                    "mod_permissions": ["all"],
                    "author_flair_text": None,
                    "author_flair_css_class": None,
                }
            )
        return {"kind": "UserList", "data": {"children": children}}


def _domain(url: str) -> str:
    host = re.sub(r"^https?://", "", url).split("/", 1)[0]
    return host.removeprefix("www.")


def hot(t: Thing) -> float:
    """Reddit's published "hot" rank."""
    s = t.metrics.score
    order = math.log10(max(abs(s), 1))
    sign = 1 if s > 0 else -1 if s < 0 else 0
    return round(sign * order + (t.created_at.timestamp() - 1_134_028_003) / 45_000, 7)


def controversy(t: Thing) -> float:
    m = t.metrics
    total = max(m.score, 0) / max(m.upvote_ratio, 0.01) if m.upvote_ratio > 0 else 0.0
    ups = total * m.upvote_ratio
    downs = total - ups
    if ups <= 0 or downs <= 0:
        return 0.0
    balance = downs / ups if ups > downs else ups / downs
    return float((ups + downs) ** balance)
