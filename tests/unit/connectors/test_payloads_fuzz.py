"""Hypothesis: drop or null any field of a real-shaped page; assemble never raises anything but
the documented error, and never loses a usable item without naming it.

The documented error is :class:`~maturity.errors.ConnectorError` for a page that is not a JSON
object (X) or a listing/list (Reddit); dropping or nulling fields inside a page never makes
one, so here assembling must not raise at all.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from connector_pages import END, KEY, START, r_about
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_payloads import landed, load

from maturity.connectors import reddit_assembler as ra
from maturity.connectors import x_assembler as xa
from maturity.connectors.base import Target, time_or_none
from maturity.connectors.context import EndpointPlan, RedditContext, XContext
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.records import CollectionBatch
from maturity.registry import Account

pytestmark = pytest.mark.unit
WINDOW = Window(START, END)
PSEUDO = Pseudonymiser(KEY)
PLAN = EndpointPlan(lower=START - timedelta(hours=1), cap=3200, page_size=100)
Path_ = tuple[str | int, ...]

X_PAGES = [
    (xa.USERS, "x_users_by"),
    (xa.TWEETS, "x_users_tweets_partial"),
    (xa.TWEETS, "x_users_tweets_empty_next"),
    (xa.MENTIONS, "x_users_mentions_partial"),
    (xa.MENTIONS, "x_users_mentions_errors_only"),
]
R_PAGES = [
    (ra.SUBMITTED, "r_user_submitted"),
    (ra.COMMENTS, "r_user_comments"),
    (ra.TREE, "r_comment_tree"),
    (ra.SUB_NEW, "r_subreddit_new_nsfw"),
    (ra.MENTIONS, "r_inbox_mentions"),
]


def field_paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every object key and array element inside ``node``, at any depth."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        yield (*prefix, key)
        yield from field_paths(value, (*prefix, key))


def mutate(body: Any, changes: list[tuple[Path_, str]]) -> Any:
    """``body`` with each path dropped (object keys) or nulled; array elements are nulled."""
    out = copy.deepcopy(body)
    for path, how in sorted(changes, key=lambda c: -len(c[0])):
        parent = out
        for key in path[:-1]:
            try:
                parent = parent[key]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = path[-1]
        if isinstance(parent, dict) and last in parent:
            if how == "drop":
                del parent[last]
            else:
                parent[last] = None
        elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = None
    return out


@st.composite
def mutated_pages(draw: st.DrawFn, names: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    out = []
    for endpoint, name in names:
        body = load(name)
        paths = list(field_paths(body))
        changes = draw(
            st.lists(
                st.tuples(st.sampled_from(paths), st.sampled_from(["drop", "null"])), max_size=6
            )
        )
        out.append((endpoint, mutate(body, changes)))
    return out


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(mutated_pages(X_PAGES))
def test_x_assemble_takes_any_page_with_fields_dropped_or_nulled(
    bodies: list[tuple[str, Any]],
) -> None:
    pages = [landed("x", e, b, seq=i) for i, (e, b) in enumerate(bodies)]
    context = XContext(own_ids={"2244994945": "acme"}, plans={"posts": PLAN, "mentions": PLAN})
    target = Target("acme-org", Account(platform="x", handle="acme"), frozenset({"acme"}))
    batch = xa.assemble(pages, context, target, WINDOW, PSEUDO)
    assert isinstance(batch, CollectionBatch)
    # Every tweet with an id and a creation time in the window is a record or a named skip.
    kept = {p.post_id for p in batch.posts} | {m.message_id for m in batch.inbound}
    named = {s.item_id for s in batch.skipped}
    for endpoint, body in bodies:
        if endpoint == xa.USERS or not isinstance(body.get("data"), list):
            continue
        for tweet in body["data"]:
            if not isinstance(tweet, dict) or not isinstance(tweet.get("id"), str):
                continue
            at = time_or_none(tweet.get("created_at"))
            if at is None or not (PLAN.lower <= at < WINDOW.end):  # type: ignore[operator]
                continue
            own_mention = endpoint == xa.MENTIONS and tweet.get("author_id") == "2244994945"
            assert tweet["id"] in kept | named or own_mention, tweet["id"]


@FUZZ
@given(mutated_pages(R_PAGES))
def test_reddit_assemble_takes_any_page_with_fields_dropped_or_nulled(
    bodies: list[tuple[str, Any]],
) -> None:
    about = landed("reddit", ra.ABOUT, r_about("AcmeCo"), seq=0)
    pages = [about, *(landed("reddit", e, b, seq=i + 1) for i, (e, b) in enumerate(bodies))]
    names = (
        "submissions",
        "comments",
        "trees",
        "subreddit_posts",
        "subreddit_comments",
        "mentions",
    )
    context = RedditContext(subreddit="duinwijk", plans=dict.fromkeys(names, PLAN))
    account = Account(platform="reddit", handle="AcmeCo", subreddit="duinwijk")
    target = Target("acme-org", account, frozenset({"AcmeCo"}))
    batch = ra.assemble(pages, context, target, WINDOW, PSEUDO)
    assert isinstance(batch, CollectionBatch)
    assert all(s.reason for s in batch.skipped)
    for message in batch.inbound:
        assert message.author.startswith("anon:") or message.author in ra.GONE


@FUZZ
@given(st.sampled_from(["r_about_suspended", "x_users_by"]), st.data())
def test_account_pages_with_fields_dropped_or_nulled_give_a_snapshot(
    name: str, data: st.DataObject
) -> None:
    body = load(name)
    paths = list(field_paths(body))
    changes = data.draw(
        st.lists(st.tuples(st.sampled_from(paths), st.sampled_from(["drop", "null"])), max_size=6)
    )
    body = mutate(body, changes)
    if name.startswith("x"):
        target = Target("acme-org", Account(platform="x", handle="acme"), frozenset({"acme"}))
        snap = xa.snapshot([landed("x", xa.USERS, body)], target, WINDOW, seen_before=False)
    else:
        account = Account(platform="reddit", handle="AcmeCo")
        target = Target("acme-org", account, frozenset({"AcmeCo"}))
        snap = ra.snapshot([landed("reddit", ra.ABOUT, body)], target, WINDOW, seen_before=False)
    assert snap.status in {"active", "protected", "suspended", "not_found"}
