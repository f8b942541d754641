"""The integer-key helpers of the metrics computation agree with plain reference computations.

Ids are factorised once and joined or grouped on integer codes; these tests check each helper
against a direct (slow, obvious) computation on small random data, including the awkward
cases: duplicate keys, missing values, ties, ambiguous handles, shared conversations.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import pytest

from maturity.evidence import Window
from maturity.metrics.engine import samples as s
from maturity.metrics.engine.frames import INBOUND_COLUMNS, POST_COLUMNS, RecordFrames, typed
from maturity.metrics.engine.ordering import sort_within_groups, value_order
from maturity.metrics.engine.prepared import Prepared, SourceColumn, first_match, objects, prepare
from maturity.metrics.engine.quantiles import SortedGroups
from maturity.metrics.engine.scopes import PLATFORM, Scopes
from maturity.metrics.evidence.examples import ItemTable, _scope_order
from maturity.metrics.evidence.queries import BUILDERS, DIALECTS, AccountMatch, QueryContext, query
from maturity.metrics.families import interaction
from maturity.registry import Account as RegisteredAccount
from maturity.registry import Organisation
from maturity.sandbox.bench.metrics_bench import generate

pytestmark = pytest.mark.unit


# -- ordering ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["few ints", "wide ints", "floats with ties and NaN", "floats"])
def test_value_order_is_the_stable_order(kind: str) -> None:
    rng = np.random.default_rng(len(kind))
    for n in (0, 1, 2, 7, 500, 3_000):
        values: np.ndarray[Any, Any]
        if kind == "few ints":
            values = rng.integers(0, 5, n)
        elif kind == "wide ints":
            values = rng.integers(-(10**15), 10**15, n)
        elif kind == "floats with ties and NaN":
            values = rng.integers(0, 4, n).astype(np.float64)
            values[rng.random(n) < 0.2] = np.nan
            values[rng.random(n) < 0.1] = -0.0
        else:
            values = rng.random(n)
        assert np.array_equal(value_order(values), np.argsort(values, kind="stable"))


def test_expand_in_order_is_expand_then_sort_within_groups() -> None:
    world, window, frames = generate(3_000, n_orgs=4, seed=5)
    sc = prepare(tuple(world.organisations), window, frames).scopes
    rng = np.random.default_rng(1)
    acc = rng.integers(0, sc.n_accounts, 2_000).astype(np.int64)
    order = value_order(rng.integers(0, 50, len(acc)))  # many ties
    scope, rows = sc.expand(acc)
    expected = sort_within_groups(scope, rows, order)
    got = sc.expand_in_order(acc, order)
    assert np.array_equal(got[0], expected[0])
    assert np.array_equal(got[1], expected[1])
    values = rng.random(len(acc))
    by_rows = SortedGroups.of_rows(scope, rows, values, sc.n)
    by_order = SortedGroups.of_sorted(*sc.expand_in_order(acc, value_order(values)), values, sc.n)
    assert np.array_equal(by_rows.values, by_order.values)
    assert np.array_equal(by_rows.n, by_order.n)


# -- joining on codes -------------------------------------------------------------------------


def _first_match_reference(
    keys: list[object], key_groups: list[int], lookup: list[object], lookup_groups: list[int]
) -> list[int]:
    def same(a: object, b: object) -> bool:
        return a == b or (pd.isna(a) and pd.isna(b))  # type: ignore[arg-type]

    out = []
    for value, group in zip(lookup, lookup_groups, strict=True):
        found = -1
        if group >= 0:
            for i, (key, key_group) in enumerate(zip(keys, key_groups, strict=True)):
                if key_group == group and same(key, value):
                    found = i
                    break
        out.append(found)
    return out


def test_first_match_takes_the_first_key_of_the_same_group() -> None:
    rng = np.random.default_rng(7)
    pool = np.array(["a", "b", "c", "d", "e", np.nan], dtype=object)
    for _ in range(200):
        n_keys, n_lookup = int(rng.integers(0, 12)), int(rng.integers(0, 12))
        keys = pool[rng.integers(0, len(pool), n_keys)]
        lookup = pool[rng.integers(0, len(pool), n_lookup)]
        key_groups = rng.integers(-1, 3, n_keys).astype(np.int64)
        lookup_groups = rng.integers(-1, 3, n_lookup).astype(np.int64)
        got = first_match(keys, key_groups, lookup, lookup_groups)
        expected = _first_match_reference(
            keys.tolist(), key_groups.tolist(), lookup.tolist(), lookup_groups.tolist()
        )
        assert got.tolist() == expected


def test_first_match_memory_grows_with_the_rows_not_values_times_groups() -> None:
    """Reply links are matched per platform and organisation (hundreds of groups) on ids that
    are nearly all distinct; a table of every id in every group (the regression that took the
    metrics benchmark from 450 MB to 1.8 GB) needs ids x groups cells. Here that is
    60,000 x 400 int64 = 192 MB; the bound is a small multiple of the rows' own arrays."""
    import tracemalloc

    rng = np.random.default_rng(11)
    n, n_groups = 30_000, 400
    keys = np.array([f"m{i}" for i in range(n)], dtype=object)
    lookup = np.array([f"m{i}" for i in range(n // 2, n + n // 2)], dtype=object)
    key_groups = rng.integers(0, n_groups, n).astype(np.int64)
    lookup_groups = key_groups[np.arange(n // 2, n + n // 2) % n].copy()
    lookup_groups[-1] = n_groups - 1
    tracemalloc.start()
    try:
        got = first_match(keys, key_groups, lookup, lookup_groups)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"first_match peaked at {peak / 2**20:.0f} MB"
    matched = got[: n - n // 2]
    assert matched.tolist() == list(range(n // 2, n))
    assert (got[n - n // 2 :] == -1).all()


def _registry_scopes() -> Scopes:
    def acc(platform: str, handle: str, **kw: Any) -> RegisteredAccount:
        return RegisteredAccount(platform=platform, handle=handle, function="main", **kw)

    return Scopes(
        [
            Organisation(
                id="one",
                name="One",
                timezone="UTC",
                name_stems=("one",),
                accounts=(
                    acc("x", "Shared"),
                    acc("x", "OneCare"),
                    acc("reddit", "dup", subreddit="OneSub"),
                    acc("x", "dup"),
                ),
            ),
            Organisation(
                id="two",
                name="Two",
                timezone="UTC",
                name_stems=("two",),
                accounts=(acc("x", "shared"), acc("reddit", "TwoR")),
            ),
        ]
    )


@pytest.mark.parametrize("categorical", [True, False])
def test_account_of_matches_the_registry_lookup(categorical: bool) -> None:
    sc = _registry_scopes()
    rng = np.random.default_rng(3)
    org_ids = ["one", "two", "three", None]
    platforms = ["x", "reddit", "bluesky", None]
    handles = ["Shared", "SHARED", "shared", "onecare", "dup", "DUP", "r/onesub", "r/OneSub"]
    handles += ["twor", "nobody", "r/twor", None]
    n = 3_000
    rows = {
        "org_id": [org_ids[i] for i in rng.integers(0, len(org_ids), n)],
        "platform": [platforms[i] for i in rng.integers(0, len(platforms), n)],
        "handle": [handles[i] for i in rng.integers(0, len(handles), n)],
    }
    dtype = "category" if categorical else object
    frame = pd.DataFrame({k: pd.Series(v, dtype=dtype) for k, v in rows.items()})
    got = sc.account_of(frame["org_id"], frame["platform"], frame["handle"])
    lookup = sc._lookup
    expected = [
        -1 if o is None or p is None or h is None else lookup.get((o, p, h.lower()), -1)
        for o, p, h in zip(rows["org_id"], rows["platform"], rows["handle"], strict=True)
    ]
    assert got.tolist() == expected
    assert len(set(expected) - {-1}) >= 5  # ambiguous handles were matched too


def test_source_column_reads_the_rows_it_is_asked_for() -> None:
    values = pd.Series(["p", "q", None, "r"], dtype="category")
    text = pd.Series(["a", None, "c", "d"], dtype="str")
    rows = np.array([3, 0, 2], dtype=np.int64)
    at = np.array([2, 0], dtype=np.int64)
    for column in (values, text):
        source = SourceColumn(column, rows)
        assert len(source) == 3
        assert source[at].tolist() == objects(column)[rows[at]].tolist()
    assert SourceColumn(values, rows)[at].tolist() == [None, "r"]


# -- threads ----------------------------------------------------------------------------------


def _prepared_with_gaps(seed: int, missing_conversations: bool) -> Prepared:
    """A small generated world; conversations shared across organisations (the generator
    draws them from every organisation's posts); optionally posts without a conversation,
    some of them replies."""
    world, window, frames = generate(6_000, n_orgs=6, seed=seed)
    posts = frames.posts.copy()
    if missing_conversations:
        rng = np.random.default_rng(seed)
        conversation = posts["conversation_id"].to_numpy(dtype=object).copy()
        conversation[rng.random(len(posts)) < 0.2] = None
        reply_to = np.full(len(posts), None, dtype=object)
        picked = rng.random(len(posts)) < 0.3
        reply_to[picked] = posts["post_id"].to_numpy(dtype=object)[
            rng.integers(0, len(posts), int(picked.sum()))
        ]
        posts["conversation_id"] = pd.array(conversation, dtype="str")
        posts["in_reply_to_post_id"] = pd.array(reply_to, dtype="str")
    frames = RecordFrames(
        snapshots=frames.snapshots,
        posts=typed(posts, POST_COLUMNS),
        inbound=typed(frames.inbound, INBOUND_COLUMNS),
        reply_links=frames.reply_links,
        hashtags=frames.hashtags,
        mentions=frames.mentions,
    )
    return prepare(tuple(world.organisations), Window(window.start, window.end), frames)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _scopes_of_account(sc: Scopes, acc: int) -> list[int]:
    return [acc, int(sc.acc_pscope[acc]), int(sc.acc_oscope[acc])]


@pytest.mark.parametrize("missing_conversations", [False, True])
def test_conversation_depth_matches_grouping_by_thread_text(missing_conversations: bool) -> None:
    prep = _prepared_with_gaps(11, missing_conversations)
    sc, posts = prep.scopes, prep.posts
    platform = sc.accounts["platform"].to_numpy(dtype=object)
    groups: dict[tuple[int, str, str | None], list[bool]] = defaultdict(list)
    for acc, turn, third, conversation, reply_to, item in zip(
        posts["acc"].tolist(),
        posts["turn"].tolist(),
        posts["third_party_reply"].tolist(),
        posts["conversation_id"].tolist(),
        posts["in_reply_to_post_id"].tolist(),
        posts["item_id"].tolist(),
        strict=True,
    ):
        if not turn:
            continue
        thread = _text(conversation) or _text(reply_to) or _text(item)
        for scope in _scopes_of_account(sc, acc):
            groups[(scope, platform[acc], thread)].append(third)
    threads, turns = np.zeros(sc.n), np.zeros(sc.n)
    for (scope, _, _), flags in groups.items():
        if any(flags):
            threads[scope] += 1
            turns[scope] += len(flags)
    got = interaction.conversation_depth(prep)
    assert np.array_equal(got.n, threads.astype(np.int64))
    known = threads > 0
    assert np.array_equal(got.value[known], turns[known] / threads[known])
    assert threads[sc.level == PLATFORM].sum() > 0


@pytest.mark.parametrize("missing_conversations", [False, True])
def test_community_threads_match_counting_distinct_repliers(missing_conversations: bool) -> None:
    prep = _prepared_with_gaps(12, missing_conversations)
    sc, posts, inbound = prep.scopes, prep.posts, prep.thread_inbound
    repliers: dict[tuple[int, str], set[int]] = defaultdict(set)
    for pscope, conversation, author in zip(
        inbound["pscope"].tolist(),
        inbound["conversation_id"].tolist(),
        inbound["author"].tolist(),
        strict=True,
    ):
        if pscope >= 0 and _text(conversation) is not None:
            repliers[(pscope, conversation)].add(author)
    expected = []
    for acc, original, conversation, item in zip(
        posts["acc"].tolist(),
        posts["original"].tolist(),
        posts["conversation_id"].tolist(),
        posts["item_id"].tolist(),
        strict=True,
    ):
        if original:
            started = _text(conversation) or _text(item)
            expected.append(len(repliers.get((int(sc.acc_pscope[acc]), started), ())) >= 2)
    got = interaction.community_threads(prep)
    assert got.tolist() == expected
    assert any(expected)


# -- examples and queries ---------------------------------------------------------------------


@pytest.mark.parametrize("ties", [False, True])
def test_scope_order_is_scope_then_most_recent_then_item(ties: bool) -> None:
    rng = np.random.default_rng(int(ties))
    n = 400
    t = rng.integers(0, 30 if ties else 10**12, n).astype(np.int64)
    acc = rng.integers(0, 9, n).astype(np.int64)
    item = np.array([f"i{k}" for k in rng.permutation(n)], dtype=object)
    table = ItemTable("post", acc, t, item, item, item, item, item, item)
    chosen = rng.integers(0, n, 300).astype(np.int64)
    scope = rng.integers(0, 5, 300).astype(np.int64)
    pairs = sorted(set(zip(scope.tolist(), chosen.tolist(), strict=True)))
    scope = np.array([p[0] for p in pairs], dtype=np.int64)
    chosen = np.array([p[1] for p in pairs], dtype=np.int64)
    rank, _ = pd.factorize(item[chosen].astype(str), sort=True)
    expected = np.lexsort((rank, -t[chosen], scope))
    assert np.array_equal(_scope_order(table, scope, chosen), expected)


def test_query_texts_shared_by_a_context_are_those_made_alone() -> None:
    window = Window(pd.Timestamp("2026-08-03", tz="UTC"), pd.Timestamp("2026-11-02", tz="UTC"))

    def context() -> QueryContext:
        return QueryContext(
            dialect=DIALECTS["sqlite"],
            window=window,
            org_id="o'ne",
            timezone="Europe/Amsterdam",
            accounts=(AccountMatch("x", "care"), AccountMatch("reddit", "r1", "sub")),
            own=(
                AccountMatch("x", "care"),
                AccountMatch("x", "main"),
                AccountMatch("reddit", "r1", "sub"),
            ),
            dormant_since=window.start,
        )

    shared = context()
    for sample in BUILDERS:
        alone = query(sample, context(), "platform x", "a note" if sample == s.POSTS else "")
        assert query(sample, shared, "platform x", "a note" if sample == s.POSTS else "") == alone
        assert alone.endswith(BUILDERS[sample](context()))
