"""Mastodon and Bluesky accounts for a share of a generated world's organisations.

Dutch public bodies mostly cross-post: the organisation's main X account is mirrored on
Mastodon (the emulated instance ``social.example``) and on Bluesky, with most of its original
posts, a smaller audience (about half of the inbound messages, the same answers with the same
delays, so the organisation's phase shows the same way) and the same profile (with a header
image when the X profile is complete: X API v2 shows no banner). A verified
main account gets a verified ``rel=me`` website link on Mastodon and its own domain as
Bluesky handle.

Each organisation draws from ``random.Random(f"{seed}:{org id}:fediverse")``, apart from the
organisation's own stream, so the X and Reddit parts of a world stay byte-identical whatever
the share; a share of 0 (the generator's default) leaves the world as it was.

An organisation that *moved* from X to Mastodon (:func:`add_moves`, ``generate_world(...,
moved=share)``) is silent on X from its move on, some weeks before the latest assessment window,
and does on Mastodon what its main X account would have done from then on, webcare included.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from maturity.sandbox.emulator.world import (
    AccountFunction,
    AccountStatus,
    Inbound,
    InboundKind,
    Platform,
    PostType,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)

OPENED = {
    Platform.MASTODON: datetime(2022, 11, 1, tzinfo=UTC),
    Platform.BLUESKY: datetime(2023, 4, 1, tzinfo=UTC),
}
"""When Dutch public bodies started on each platform: no account is older."""
BANNER = {
    Platform.MASTODON: "https://files.social.example/accounts/headers/{handle}/original/header.png",
    Platform.BLUESKY: "https://cdn.bsky.app/img/banner/plain/{handle}/header@jpeg",
}
POST_SHARE = 0.8
INBOUND_SHARE = 0.5


def _mirror(
    org: WorldOrganisation, main: WorldAccount, platform: Platform, rng: random.Random
) -> WorldAccount:
    keys: dict[str, str] = {}
    posts = []
    for i, post in enumerate(main.posts):
        if post.type != PostType.ORIGINAL or rng.random() >= POST_SHARE:
            continue
        key = f"{platform.value}.{org.id}.p{i}"
        if post.key:
            keys[post.key] = key
        posts.append(
            WorldPost(created_at=post.created_at, text=post.text, key=key, metrics=post.metrics)
        )
    inbound = []
    for msg in main.inbound:
        if rng.random() >= INBOUND_SHARE:
            continue
        target = keys.get(msg.target or "")
        answer = replace(msg.response, by=None, key=None) if msg.response else None
        inbound.append(
            Inbound(
                author=msg.author,
                created_at=msg.created_at,
                text=msg.text,
                kind=InboundKind.REPLY if target else InboundKind.MENTION,
                target=target,
                metrics=msg.metrics,
                response=answer,
            )
        )
    status = main.status
    if platform == Platform.BLUESKY and status == AccountStatus.PROTECTED:
        status = AccountStatus.ACTIVE  # Bluesky has no protected accounts
    return WorldAccount(
        platform=platform,
        handle=main.handle,
        created_at=max(main.created_at, OPENED[platform]),
        function=AccountFunction.MAIN,
        display_name=main.display_name,
        description=main.description,
        url=main.url,
        location=main.location,
        profile_image_url=main.profile_image_url,
        # X API v2 shows no banner; a complete profile there has a header image here
        banner_url=BANNER[platform].format(handle=main.handle.lower())
        if main.profile_image_url
        else None,
        verified=main.verified,
        status=status,
        followers=main.followers // 8,
        following=main.following // 4,
        posts=tuple(posts),
        inbound=tuple(inbound),
    )


def add_fediverse(world: World, share: float, seed: int) -> World:
    """``world`` with Mastodon and Bluesky accounts for about ``share`` of its organisations
    (those with a main X account), mirroring that account; ``share`` 0 returns ``world``."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the fediverse share must be between 0 and 1, not {share}")
    if share == 0.0:
        return world
    orgs = []
    for org in world.organisations:
        rng = random.Random(f"{seed}:{org.id}:fediverse")
        main = next(
            (
                a
                for a in org.accounts
                if a.platform == Platform.X and a.function == AccountFunction.MAIN
            ),
            None,
        )
        if main is None or rng.random() >= share:
            orgs.append(org)
            continue
        mirrors = tuple(_mirror(org, main, p, rng) for p in (Platform.MASTODON, Platform.BLUESKY))
        orgs.append(replace(org, accounts=(*org.accounts, *mirrors)))
    return replace(world, organisations=tuple(orgs))


MOVE_WEEKS = (2, 6)
"""An organisation that moved from X to Mastodon went quiet on X this many weeks (drawn) before
the latest assessment window of the world (its last ``lookback_days``)."""


def _before(msg: Inbound, moved_at: datetime) -> Inbound:
    """``msg`` without an answer that would come after the move."""
    if msg.response is not None and msg.created_at + msg.response.delay >= moved_at:
        return replace(msg, response=None)
    return msg


def _silent_from(account: WorldAccount, moved_at: datetime) -> WorldAccount:
    """``account`` with nothing published or received from ``moved_at`` on."""
    posts = tuple(p for p in account.posts if p.created_at < moved_at)
    kept = {p.key for p in posts if p.key}
    return replace(
        account,
        posts=posts,
        inbound=tuple(_before(m, moved_at) for m in account.inbound if m.created_at < moved_at),
        pinned=account.pinned if account.pinned in kept else None,
    )


def _moved(org: WorldOrganisation, main: WorldAccount, moved_at: datetime) -> WorldAccount:
    """The Mastodon account ``org`` opened at ``moved_at`` and runs its webcare from: every
    original post and every inbound message of the X main account from then on, with the same
    answers and delays (answered from this account itself)."""
    keys: dict[str, str] = {}
    posts = []
    for i, post in enumerate(main.posts):
        if post.type != PostType.ORIGINAL or post.created_at < moved_at:
            continue
        key = f"{Platform.MASTODON.value}.{org.id}.moved{i}"
        if post.key:
            keys[post.key] = key
        posts.append(
            WorldPost(created_at=post.created_at, text=post.text, key=key, metrics=post.metrics)
        )
    inbound = []
    for msg in main.inbound:
        if msg.created_at < moved_at:
            continue
        target = keys.get(msg.target or "")
        inbound.append(
            Inbound(
                author=msg.author,
                created_at=msg.created_at,
                text=msg.text,
                kind=InboundKind.REPLY if target else InboundKind.MENTION,
                target=target,
                metrics=msg.metrics,
                response=replace(msg.response, by=None, key=None) if msg.response else None,
            )
        )
    return WorldAccount(
        platform=Platform.MASTODON,
        handle=main.handle,
        created_at=moved_at,
        function=AccountFunction.MAIN,
        display_name=main.display_name,
        description=main.description,
        url=main.url,
        location=main.location,
        profile_image_url=main.profile_image_url,
        banner_url=BANNER[Platform.MASTODON].format(handle=main.handle.lower())
        if main.profile_image_url
        else None,
        verified=main.verified,
        status=AccountStatus.ACTIVE,
        followers=main.followers // 8,
        following=main.following // 4,
        posts=tuple(posts),
        inbound=tuple(inbound),
    )


def move_to_mastodon(org: WorldOrganisation, moved_at: datetime) -> WorldOrganisation:
    """``org`` as if it moved from X to Mastodon at ``moved_at``: its X accounts are silent from
    then on (nothing posted, received or answered), and a Mastodon account opened then carries
    what its main X account would have done (it replaces a mirrored Mastodon account).
    ``org`` must have an active main X account."""
    main = next(
        (
            a
            for a in org.accounts
            if a.platform == Platform.X
            and a.function == AccountFunction.MAIN
            and a.status == AccountStatus.ACTIVE
        ),
        None,
    )
    if main is None:
        raise ValueError(f"organisation {org.id} has no active main X account to move")
    accounts = [
        _silent_from(a, moved_at) if a.platform == Platform.X else a
        for a in org.accounts
        if a.platform != Platform.MASTODON
    ]
    accounts.append(_moved(org, main, moved_at))
    return replace(org, accounts=tuple(accounts), moved_at=moved_at)


def add_moves(world: World, share: float, seed: int, lookback_days: int = 91) -> World:
    """``world`` where about ``share`` of the organisations with an active main X account moved
    to Mastodon some weeks (:data:`MOVE_WEEKS`) before the world's last ``lookback_days``;
    ``share`` 0 returns ``world``. Each organisation draws from its own stream,
    ``random.Random(f"{seed}:{org id}:moved")``."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"the moved share must be between 0 and 1, not {share}")
    if share == 0.0:
        return world
    if world.start is None or world.end is None:
        raise ValueError("a world needs its start and end to place a move")
    window_start = world.end - timedelta(days=lookback_days)
    orgs = []
    for org in world.organisations:
        rng = random.Random(f"{seed}:{org.id}:moved")
        movable = any(
            a.platform == Platform.X
            and a.function == AccountFunction.MAIN
            and a.status == AccountStatus.ACTIVE
            for a in org.accounts
        )
        if not movable or rng.random() >= share:
            orgs.append(org)
            continue
        moved_at = window_start - timedelta(weeks=rng.uniform(*MOVE_WEEKS))
        if moved_at <= world.start + timedelta(days=14):
            raise ValueError(
                f"the world starts at {world.start:%Y-%m-%d}, too late to move an organisation "
                f"{MOVE_WEEKS[1]} weeks before its last {lookback_days} days; start it at least "
                f"{lookback_days + 7 * MOVE_WEEKS[1] + 14} days before its end"
            )
        orgs.append(move_to_mastodon(org, moved_at))
    return replace(world, organisations=tuple(orgs))
