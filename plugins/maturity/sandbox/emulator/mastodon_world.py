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
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

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
