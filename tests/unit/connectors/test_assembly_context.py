"""The typed manifest context: it round-trips through the JSON manifest, and old manifests load."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import responses
from connector_pages import BEARER, CLIENT_SECRET, KEY, R_OAUTH, R_WWW, X_BASE, tweet, x_page, x_url
from test_collect_replay import NOW, REGISTRY, fake_apis

from maturity.collect import collect_registry, replay
from maturity.connectors.base import Connector
from maturity.connectors.context import (
    AssemblyContext,
    EndpointPlan,
    PriorCursor,
    RedditContext,
    XContext,
    context_from_manifest,
)
from maturity.connectors.incremental import prior_context
from maturity.connectors.landing import MANIFEST, Landing, read_runs, window_dir
from maturity.connectors.reddit import RedditConnector
from maturity.connectors.settings import RedditSettings, XSettings
from maturity.connectors.x import XConnector
from maturity.errors import InputError
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.records import Cursor
from maturity.registry import Registry

pytestmark = pytest.mark.unit
AT = datetime(2025, 3, 9, 23, 59, 58, 123456, tzinfo=UTC)
X_CONTEXT = XContext(
    own_ids={"10": "acme", "11": "AcmeHelp"},
    prior={"posts": PriorCursor(newest_id="205", newest_at=AT)},
    plans={
        "posts": EndpointPlan(lower=AT - timedelta(days=1), cap=3200, page_size=100),
        "mentions": EndpointPlan(lower=None, since_id="205", cap=800, page_size=100),
    },
)
SUBMISSIONS = EndpointPlan(lower=AT - timedelta(hours=6), cap=1000)
REDDIT_CONTEXT = RedditContext(
    subreddit="acme",
    prior={"comments": PriorCursor(newest_id="t1_c1", newest_at=AT)},
    plans={"submissions": SUBMISSIONS, "comments": SUBMISSIONS, "trees": SUBMISSIONS},
    notes=("r/acme moderators: not readable; moderators count as third parties",),
)

# Contexts exactly as the connectors wrote them before the context was typed.
OLD_X = {
    "own_ids": {"10": "acme", "11": "AcmeHelp"},
    "prior": {"posts": {"newest_id": "205", "newest_at": "2025-03-09T23:59:58.123456+00:00"}},
    "plans": {
        "posts": {
            "lower": "2025-03-08T23:59:58.123456+00:00",
            "since_id": None,
            "cap": 3200,
            "page_size": 100,
        },
        "mentions": {"lower": None, "since_id": "205", "cap": 800, "page_size": 100},
    },
}
OLD_REDDIT = {
    "subreddit": "acme",
    "prior": {"comments": {"newest_id": "t1_c1", "newest_at": "2025-03-09T23:59:58.123456+00:00"}},
    "plans": {
        name: {"lower": "2025-03-09T17:59:58.123456+00:00", "since_id": None, "cap": 1000}
        for name in ("submissions", "comments", "trees")
    },
    "notes": ["r/acme moderators: not readable; moderators count as third parties"],
}


@pytest.mark.parametrize("context", [X_CONTEXT, REDDIT_CONTEXT, AssemblyContext()])
def test_a_context_round_trips_through_the_manifest_json(context: AssemblyContext) -> None:
    platform = {XContext: "x", RedditContext: "reddit"}.get(type(context), "mastodon")
    data = json.loads(json.dumps(context.to_manifest(), sort_keys=True))
    back = context_from_manifest(platform, data)
    assert type(back) is type(context)
    assert back == context
    assert back.to_manifest() == context.to_manifest()


def test_the_on_disk_shape_is_the_one_earlier_versions_wrote() -> None:
    assert X_CONTEXT.to_manifest() == {**OLD_X, "notes": []}
    assert REDDIT_CONTEXT.to_manifest() == OLD_REDDIT


def test_old_format_contexts_load() -> None:
    assert context_from_manifest("x", OLD_X) == X_CONTEXT  # X wrote no notes then
    assert context_from_manifest("reddit", OLD_REDDIT) == REDDIT_CONTEXT
    inactive = {"subreddit": None, "prior": {}, "notes": []}  # not active: no plans
    assert context_from_manifest("reddit", inactive) == RedditContext()
    assert context_from_manifest("x", {}) == XContext()
    assert not XContext().seen_before
    assert X_CONTEXT.seen_before


def test_times_are_read_as_utc_and_a_prior_cursor_is_kept_in_utc() -> None:
    plan = EndpointPlan.from_manifest({"lower": "2025-03-10T01:00:00+01:00", "cap": 5})
    assert plan.lower == datetime(2025, 3, 10, tzinfo=UTC)
    assert plan.lower is not None
    assert plan.lower.utcoffset() == timedelta(0)
    cet = timezone(timedelta(hours=1))
    cursor = Cursor("x", "acme", "acme", "posts", "9", datetime(2025, 3, 10, 1, tzinfo=cet), False)
    empty = Cursor("x", "acme", "acme", "mentions", None, None, False)
    prior = prior_context({"posts": cursor, "mentions": empty}, ("posts", "mentions"))
    assert list(prior) == ["posts"]
    assert prior["posts"].newest_at.tzinfo == UTC


def _manifest(root: Path, platform: str, handle: str, window: Window) -> Path:
    return root / platform / "acme" / handle / window_dir(window) / MANIFEST


def test_landed_manifests_in_the_old_formats_load(tmp_path: Path, window: Window) -> None:
    al = Landing(tmp_path).account("x", "acme", "acme", window)
    al.land(endpoint="users_tweets", route="/r", url="https://x.test/r", status=200, headers={},
            body=b'{"data": []}')  # fmt: skip
    al.commit(X_CONTEXT)
    path = _manifest(tmp_path, "x", "acme", window)
    manifest = json.loads(path.read_text())
    assert manifest["runs"][0]["context"] == {**OLD_X, "notes": []}

    manifest["runs"][0]["context"] = OLD_X  # a manifest landed before the context was typed
    path.write_text(json.dumps(manifest))
    [(_, context)] = read_runs(tmp_path, "x", "acme", "acme", window)
    assert context == X_CONTEXT

    legacy = {  # the single-run manifest of the first versions
        "platform": "x",
        "pages": manifest["runs"][0]["pages"],
        "context": OLD_X,
    }
    path.write_text(json.dumps(legacy))
    [(pages, context)] = read_runs(tmp_path, "x", "acme", "acme", window)
    assert [p.body for p in pages] == [b'{"data": []}']
    assert context == X_CONTEXT


def test_an_unreadable_context_is_an_input_error(tmp_path: Path, window: Window) -> None:
    al = Landing(tmp_path).account("reddit", "acme", "acme", window)
    al.commit(REDDIT_CONTEXT)
    path = _manifest(tmp_path, "reddit", "acme", window)
    manifest = json.loads(path.read_text())
    del manifest["runs"][0]["context"]["plans"]["comments"]["cap"]
    path.write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="context") as err:
        read_runs(tmp_path, "reddit", "acme", "acme", window)
    assert MANIFEST in err.value.render()


def _settings() -> tuple[XSettings, RedditSettings]:
    return XSettings(bearer_token=BEARER, base_url=X_BASE), RedditSettings(
        client_id="cid", client_secret=CLIENT_SECRET, oauth_url=R_OAUTH, reddit_url=R_WWW
    )


def test_a_landing_with_old_format_contexts_replays_to_the_same_records(
    rsps: responses.RequestsMock, window: Window, tmp_path: Path, sleeps: list[float]
) -> None:
    fake_apis(rsps)
    # The organisation mentioning itself is no inbound message only if its user id is known.
    mentions = [tweet("105", 4, "777"), tweet("106", 4.5, "10")]
    rsps.replace(responses.GET, x_url("/2/users/10/mentions"), json=x_page(mentions))
    registry = Registry.model_validate(REGISTRY)
    x_settings, reddit_settings = _settings()
    live = collect_registry(
        registry,
        window,
        landing_dir=tmp_path,
        x_settings=x_settings,
        reddit_settings=reddit_settings,
        pseudonymiser=Pseudonymiser(KEY),
        sleep=sleeps.append,
        clock=lambda: NOW,
    )
    assert not live.failures
    assert [m.message_id for m in live[0].inbound] == ["105"]
    assert live.notes  # Reddit mentions need the account's password: noted
    manifests = sorted(tmp_path.rglob(MANIFEST))
    assert len(manifests) == 2
    for path in manifests:
        manifest = json.loads(path.read_text())
        for run in manifest["runs"]:
            if manifest["platform"] == "x":
                assert run["context"].pop("notes") == []  # as the X connector wrote it before
            assert run["context"]["plans"]
        path.write_text(json.dumps(manifest))
    again = replay(tmp_path, registry, window, Pseudonymiser(KEY))
    assert list(again) == list(live)
    assert again.notes == live.notes


def test_both_connectors_fill_the_protocol_and_start_with_no_notes() -> None:
    x_settings, reddit_settings = _settings()
    pseudo = Pseudonymiser(KEY)
    for connector in (XConnector(x_settings, pseudo), RedditConnector(reddit_settings, pseudo)):
        try:
            assert isinstance(connector, Connector)
            assert list(connector.notes) == []
        finally:
            connector.close()
