"""Reply links: the organisation's first reply to each inbound message, and its delay."""

from __future__ import annotations

from collections.abc import Iterable

from maturity.records import InboundMessage, Post, ReplyLink


def link_replies(inbound: Iterable[InboundMessage], posts: Iterable[Post]) -> tuple[ReplyLink, ...]:
    """For each inbound message, the earliest own post replying to it (never one before it).

    A reply counts when its ``in_reply_to_post_id`` is the message and, where both know it, it
    is in the same conversation.
    """
    replies: dict[str, list[Post]] = {}
    for post in posts:
        if post.in_reply_to_post_id:
            replies.setdefault(post.in_reply_to_post_id, []).append(post)
    links = []
    for msg in inbound:
        candidates = [
            p
            for p in replies.get(msg.message_id, ())
            if p.created_at >= msg.created_at
            and (
                p.conversation_id is None
                or msg.conversation_id is None
                or p.conversation_id == msg.conversation_id
            )
        ]
        if not candidates:
            continue
        first = min(candidates, key=lambda p: (p.created_at, p.post_id))
        links.append(
            ReplyLink(
                platform=msg.platform,
                org_id=msg.org_id,
                inbound_id=msg.message_id,
                reply_post_id=first.post_id,
                handle=first.handle,
                inbound_at=msg.created_at,
                replied_at=first.created_at,
            )
        )
    return tuple(sorted(links, key=lambda link: (link.inbound_at, link.inbound_id)))
