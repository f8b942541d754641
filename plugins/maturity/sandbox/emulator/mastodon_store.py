"""The world's Mastodon and Bluesky accounts as conversations: one item per status or post.

Both platforms are served from the same shape of world data as X (an account's posts, the
inbound messages of third parties and the organisation's answers), so one builder turns an
account into :class:`Item` s (own posts, third-party replies and mentions, answers) linked by
parent key; :mod:`mastodon_api` and :mod:`bluesky_api` render them in each API's wire format.
Ids are time-ordered (X-style snowflakes of the creation time), so newest-first paging by id is
paging by time, as on a real Mastodon server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from maturity.sandbox.emulator.ids import snowflake
from maturity.sandbox.emulator.world import (
    AccountStatus,
    InboundKind,
    Metrics,
    Platform,
    PostType,
    World,
    WorldAccount,
    WorldOrganisation,
)

MASTODON_DOMAIN = "social.example"
"""The emulated instance's domain: an account ``name`` is ``name@social.example``."""
BLUESKY_HOSTED = "bsky.social"


def mastodon_handle(acc: WorldAccount) -> str:
    """The registry handle of a world Mastodon account (``user@host``)."""
    return f"{acc.handle}@{MASTODON_DOMAIN}"


def _label(text: str) -> str:
    return "-".join(p for p in text.lower().replace("_", "-").split("-") if p) or "x"


def bluesky_handle(org: WorldOrganisation | None, acc: WorldAccount) -> str:
    """The registry handle of a world Bluesky account: the organisation's own domain for a
    verified account (the domain proves the account), else ``name.bsky.social``."""
    if acc.verified and org is not None and org.website:
        host = org.website.split("://", 1)[-1].split("/", 1)[0]
        return host.removeprefix("www.").lower()
    return f"{_label(acc.handle)}.{BLUESKY_HOSTED}"


def registry_handle(org: WorldOrganisation | None, acc: WorldAccount) -> str:
    """The handle the registry names ``acc`` by on its platform."""
    if acc.platform == Platform.MASTODON:
        return mastodon_handle(acc)
    if acc.platform == Platform.BLUESKY:
        return bluesky_handle(org, acc)
    return acc.handle


@dataclass
class Item:
    key: str
    sid: int
    account: str
    """The world handle of the organisation account whose world holds it."""
    author: str
    """The world handle of the author: the account (or another of the organisation's) or a
    third party's name."""
    own: bool
    created_at: datetime
    text: str
    kind: str = "original"
    """original, reply, repost, quote (own) or reply, mention (third party)."""
    parent: str | None = None
    target: str | None = None
    """The reposted or quoted item's key."""
    metrics: Metrics = field(default_factory=Metrics)
    children: list[str] = field(default_factory=list)


@dataclass
class Account:
    world: WorldAccount
    org: WorldOrganisation
    handle: str
    """The registry handle (``user@host`` on Mastodon, a domain on Bluesky)."""
    items: list[Item] = field(default_factory=list)
    """Everything the account itself published, newest first."""


class ThreadStore:
    """Every account of one platform, its items, and all items by key."""

    def __init__(self, world: World, platform: Platform) -> None:
        self.platform = platform
        self.accounts: dict[str, Account] = {}
        """By lower-case registry handle and by lower-case world handle."""
        self.items: dict[str, Item] = {}
        self._seq = 0
        mine = [(org, acc) for org in world.organisations for acc in org.accounts]
        mine = [(org, acc) for org, acc in mine if acc.platform == platform]
        for org, acc in mine:
            account = Account(acc, org, registry_handle(org, acc))
            self.accounts[account.handle.lower()] = account
            self.accounts[acc.handle.lower()] = account
        for _, acc in mine:
            self._add(acc)
        for item in self.items.values():
            if item.parent in self.items:
                self.items[item.parent].children.append(item.key)
        for account in {id(a): a for a in self.accounts.values()}.values():
            account.items.sort(key=lambda i: i.sid, reverse=True)
        for item in self.items.values():
            item.children.sort(key=lambda k: self.items[k].sid)

    def _id(self, at: datetime) -> int:
        self._seq += 1
        return snowflake(at, self._seq)

    def _put(self, item: Item) -> None:
        self.items[item.key] = item
        owner = self.accounts.get(item.author.lower()) if item.own else None
        if owner is not None:
            owner.items.append(item)

    def _add(self, acc: WorldAccount) -> None:
        prefix = f"{self.platform.value}:{acc.handle}"
        for i, post in enumerate(acc.posts):
            kind = post.type.value
            self._put(
                Item(
                    key=post.key or f"{prefix}:p{i}",
                    sid=self._id(post.created_at),
                    account=acc.handle,
                    author=acc.handle,
                    own=True,
                    created_at=post.created_at,
                    text=post.text,
                    kind=kind,
                    parent=post.target if post.type == PostType.REPLY else None,
                    target=post.target if post.type in (PostType.REPOST, PostType.QUOTE) else None,
                    metrics=post.metrics,
                )
            )
        for i, msg in enumerate(acc.inbound):
            key = msg.key or f"{prefix}:m{i}"
            if key in self.items:  # a key the organisation quoted: the message keeps its own
                key = f"{prefix}:m{i}"
            reply = msg.kind == InboundKind.REPLY and msg.target is not None
            self._put(
                Item(
                    key=key,
                    sid=self._id(msg.created_at),
                    account=acc.handle,
                    author=msg.author,
                    own=False,
                    created_at=msg.created_at,
                    text=msg.text,
                    kind="reply" if reply else "mention",
                    parent=msg.target if reply else None,
                    metrics=msg.metrics,
                )
            )
            answer = msg.response
            if answer is not None:
                at = msg.created_at + answer.delay
                self._put(
                    Item(
                        key=answer.key or f"{key}:r",
                        sid=self._id(at),
                        account=acc.handle,
                        author=answer.by or acc.handle,
                        own=True,
                        created_at=at,
                        text=answer.text,
                        kind="reply",
                        parent=key,
                        metrics=answer.metrics,
                    )
                )

    def account(self, handle: str) -> Account | None:
        return self.accounts.get(handle.lower())

    def is_gone(self, account: Account) -> bool:
        return account.world.status == AccountStatus.DELETED

    def root(self, item: Item) -> Item:
        seen = {item.key}
        while item.parent in self.items and item.parent not in seen:
            item = self.items[item.parent]
            seen.add(item.key)
        return item

    def descendants(self, item: Item) -> list[Item]:
        """Every item below ``item``, depth first in creation order."""
        out: list[Item] = []
        stack = list(reversed(item.children))
        while stack:
            child = self.items[stack.pop()]
            out.append(child)
            stack.extend(reversed(child.children))
        return out

    def ancestors(self, item: Item) -> list[Item]:
        chain: list[Item] = []
        seen = {item.key}
        while item.parent in self.items and item.parent not in seen:
            item = self.items[item.parent]
            seen.add(item.key)
            chain.append(item)
        return list(reversed(chain))
