"""compute_metrics as a whole: every dictionary metric, every scope, pooling, evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from metrics_records import (
    WINDOW,
    account,
    active_snapshots,
    at,
    compute,
    inbound,
    org,
    page,
    pick,
    post,
    reply,
)

from maturity.evidence import MetricValue
from maturity.metric_dictionary import METRICS
from maturity.metrics.compute import compute_metrics_many, compute_org_evidence
from maturity.metrics.engine.frames import record_frames
from maturity.registry import Registry

pytestmark = pytest.mark.unit

H = timedelta(hours=1)
#: Metrics that describe a set of accounts: reported per platform and overall only.
NO_ACCOUNT_VALUE = {m.id for m in METRICS if m.family == "organisation"} | {
    "presence.platforms_active"
}
ACME = org(
    account("Acme"), account("AcmeCare", function="service"), account("acme_official", "reddit")
)


def _sample_records() -> dict[str, list]:  # type: ignore[type-arg]
    """Acme answers 1 of 1 message, AcmeCare 1 of 3: the X rate pools to 2 of 4."""
    msgs = [
        inbound("a1", "Acme", at(), source=page("a1")),
        inbound("c1", "AcmeCare", at(hours=1), source=page("c1")),
        inbound("c2", "AcmeCare", at(hours=2), source=page("c1")),
        inbound("c3", "AcmeCare", at(hours=3), source=page("c3")),
        *[inbound(f"r{i}", "acme_official", at(days=i), platform="reddit") for i in range(8)],
    ]
    links = [reply(msgs[0], H), reply(msgs[1], 3 * H)]
    posts = [
        post(f"p{i}", "Acme", at(days=i), source=page(f"p{i}", "users_tweets")) for i in range(9)
    ]
    return {"snapshots": active_snapshots(ACME), "posts": posts, "messages": msgs, "links": links}


@pytest.fixture(scope="module")
def values() -> tuple[MetricValue, ...]:
    return compute(ACME, **_sample_records())


def test_every_dictionary_metric_is_computed_at_every_scope(values) -> None:  # type: ignore[no-untyped-def]
    """A metric added to the dictionary without a computation fails here."""
    produced = {(v.metric_id, v.platform, v.account) for v in values}
    for m in METRICS:
        expected = {("all", None), ("x", None), ("reddit", None)}
        if m.id not in NO_ACCOUNT_VALUE:
            expected |= {("x", "Acme"), ("x", "AcmeCare"), ("reddit", "acme_official")}
        got = {(p, a) for metric, p, a in produced if metric == m.id}
        assert got == expected, m.id
    assert len(produced) == len(values), "a (metric, platform, account) appears twice"


def test_proportions_are_pooled_not_averaged(values) -> None:  # type: ignore[no-untyped-def]
    """Acme 1/1 and AcmeCare 1/3 answered: X is 2/4 = 0.5, not (1 + 1/3) / 2."""
    rate = "responsiveness.response_rate"
    assert (pick(values, rate, "x", "Acme").value, pick(values, rate, "x", "Acme").n) == (1, 1)
    care = pick(values, rate, "x", "AcmeCare")
    assert (care.value, care.n) == (pytest.approx(1 / 3), 3)
    x = pick(values, rate, "x")
    assert (x.value, x.n) == (0.5, 4)
    everything = pick(values, rate)
    assert (everything.value, everything.n) == (pytest.approx(2 / 12), 12)


def test_medians_are_over_the_pooled_messages(values) -> None:  # type: ignore[no-untyped-def]
    median = pick(values, "responsiveness.first_response_median_hours", "x")
    assert (median.value, median.n) == (2.0, 2)


def test_sample_sizes_add_up_across_scopes(values) -> None:  # type: ignore[no-untyped-def]
    additive = (
        "responsiveness.inbound_messages",
        "responsiveness.response_rate",
        "activity.original_share",
        "presence.accounts_total",
        "presence.profile_completeness",
    )
    for metric in additive:
        accounts = sum(v.n for v in values if v.metric_id == metric and v.account)
        platforms = sum(
            v.n for v in values if v.metric_id == metric and not v.account and v.platform != "all"
        )
        assert accounts == platforms == pick(values, metric).n, metric


def test_evidence_refs_are_bounded_and_carry_a_query(values) -> None:  # type: ignore[no-untyped-def]
    for v in values:
        kinds = [r.kind for r in v.refs]
        assert kinds.count("query") == 1, v.metric_id
        assert kinds[-1] == "query"
        assert kinds.count("item") <= 5
        assert kinds.count("page") <= kinds.count("item")
        query = v.refs[-1].ref
        assert "SELECT" in query
        assert "'acme'" in query
        assert v.refs[-1].platform == v.platform
        assert v.refs[-1].account == v.account


def test_item_refs_are_the_most_recent_with_endpoint_and_pages(values) -> None:  # type: ignore[no-untyped-def]
    v = pick(values, "responsiveness.response_rate", "x")
    items = [r for r in v.refs if r.kind == "item"]
    assert [r.ref for r in items] == ["c3", "c2", "c1", "a1"]
    assert {r.endpoint for r in items} == {"GET /2/users/:id/mentions"}
    assert {r.account for r in items} == {"Acme", "AcmeCare"}
    pages = [r for r in v.refs if r.kind == "page"]
    assert [(p.ref, p.sha256) for p in pages] == [
        ("landing/c3.json", "sha-c3"),
        ("landing/c1.json", "sha-c1"),
        ("landing/a1.json", "sha-a1"),
    ]
    posts = pick(values, "activity.posts_per_week")
    assert [r.ref for r in posts.refs if r.kind == "item"] == ["p8", "p7", "p6", "p5", "p4"]


def test_k_examples_bounds_the_items() -> None:
    values = compute(ACME, k_examples=2, **_sample_records())
    for v in values:
        assert sum(r.kind == "item" for r in v.refs) <= 2
    assert sum(r.kind == "item" for r in pick(values, "activity.posts_per_week").refs) == 2


def test_empty_inputs_give_unknown_values() -> None:
    values = compute(ACME)
    assert len(values) == len({(v.metric_id, v.platform, v.account) for v in values})
    for v in values:
        assert (v.value, v.n) == (None, 0), v.metric_id
        assert v.refs[-1].kind == "query"


def test_an_organisation_without_accounts_still_gets_all_values() -> None:
    values = compute(org())
    assert {v.metric_id for v in values} == {m.id for m in METRICS}
    assert {v.platform for v in values} == {"all"}


def test_frames_in_give_the_same_values_as_records_in() -> None:
    records = _sample_records()
    frames = record_frames(
        records["snapshots"], records["posts"], records["messages"], records["links"]
    )
    as_frames = compute(
        ACME,
        snapshots=frames.snapshots,
        posts=frames.posts,  # type: ignore[arg-type]
        messages=frames.inbound,
        links=frames.reply_links,
    )
    assert as_frames == compute(ACME, **records)


def test_many_organisations_in_one_pass_equal_one_at_a_time() -> None:
    records = _sample_records()
    other = org(account("Acme"), org_id="other", stems=("other",))
    other_posts = [post("o1", "Acme", at(), org_id="other")]
    frames = record_frames(
        [*records["snapshots"], *active_snapshots(other)],
        [*records["posts"], *other_posts],
        records["messages"],
        records["links"],
    )
    many = compute_metrics_many(Registry(organisations=(ACME, other)), WINDOW, frames)
    assert many["acme"] == compute(ACME, **records)
    assert many["other"] == compute(other, snapshots=active_snapshots(other), posts=other_posts)


def test_org_evidence_lists_expected_platforms_and_left_out_records() -> None:
    records = _sample_records()
    stray = [post("s1", "SomeoneElse", at()), post("s2", "SomeoneElse", at(hours=1))]
    evidence = compute_org_evidence(
        ACME,
        WINDOW,
        records["snapshots"],
        [*records["posts"], *stray],
        records["messages"],
        records["links"],
    )
    assert evidence.org_id == "acme"
    assert evidence.window == WINDOW
    assert evidence.platforms_expected == ("reddit", "x")
    assert evidence.notes == ("2 posts by accounts not in the registry in the window left out",)
    assert evidence.metrics == compute(ACME, **records)


def test_a_message_of_two_organisations_is_answered_by_each() -> None:
    """One tweet mentions a municipality and its province: both hold it under the same id,
    each with its own reply link. Computed together, each organisation's rate and delay are
    its own (one link per message id would leave the other unanswered)."""
    gemeente = org(account("Gemeente"), org_id="gemeente", stems=("gemeente",))
    provincie = org(account("Provincie"), org_id="provincie", stems=("provincie",))
    to_gemeente = inbound("t1", "Gemeente", at(), org_id="gemeente")
    to_provincie = inbound("t1", "Provincie", at(), org_id="provincie")
    links = [reply(to_gemeente, H), reply(to_provincie, 5 * H)]
    snapshots = [*active_snapshots(gemeente), *active_snapshots(provincie)]
    frames = record_frames(snapshots, [], [to_gemeente, to_provincie], links)
    many = compute_metrics_many(Registry(organisations=(gemeente, provincie)), WINDOW, frames)
    rate = "responsiveness.response_rate"
    for o, message, link in (
        (gemeente, to_gemeente, links[0]),
        (provincie, to_provincie, links[1]),
    ):
        assert (pick(many[o.id], rate, "x").value, pick(many[o.id], rate, "x").n) == (1, 1)
        alone = compute(o, snapshots=active_snapshots(o), messages=[message], links=[link])
        assert many[o.id] == alone
