"""The contract every connector keeps, run for all four platforms through their real client
libraries (tweepy, PRAW, Mastodon.py, atproto) against the loopback emulator: collect and
replay give the same records, third parties are pseudonymised, deleted and suspended accounts
are statuses (not failures), a 5xx is retried, a near rate-limit reset is waited for and a far
one fails fast, named; a rejected credential fails the account without showing it, and a rerun
with cursors fetches less while a replay still gives the whole window. Mentions are read on X,
on Mastodon with the account's token and on Bluesky with the account's login."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("maturity.sandbox.emulator.server")

from maturity.collect import COLLECTED, CollectionRun, collect_registry, replay
from maturity.connectors.settings import (
    BlueskySettings,
    ConnectorSettings,
    MastodonSettings,
    RedditSettings,
    XSettings,
)
from maturity.evidence import Window
from maturity.pipeline.gate_and_load import link_org
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Registry
from maturity.sandbox.emulator.bluesky_api import app_password_for
from maturity.sandbox.emulator.mastodon_store import MASTODON_DOMAIN
from maturity.sandbox.emulator.registry import registry_data
from maturity.sandbox.emulator.server import Emulator
from maturity.sandbox.emulator.world import (
    AccountStatus,
    Inbound,
    InboundKind,
    OrgAnswer,
    Platform,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)

pytestmark = pytest.mark.integration
START = datetime(2025, 3, 1, tzinfo=UTC)
END = datetime(2025, 3, 8, tzinfo=UTC)
WINDOW = Window(START, END)
KEY = "contract-pseudonym-key-0123456789"
PEOPLE = ("bob_b", "carol_c")
PROFILE_ROUTE = {
    "x": "GET /2/users/by",
    "reddit": "GET /user/:name/about",
    "mastodon": "GET /api/v1/accounts/lookup",
    "bluesky": "GET /xrpc/app.bsky.actor.getProfile",
}
BLUESKY_ACME = "acme.bsky.social"
"""The registry handle of acme's Bluesky account (not verified, so hosted)."""
BUCKET = {"x": "GET /2/users/by", "reddit": "reddit", "mastodon": "mastodon", "bluesky": "bluesky"}


def t(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def account(platform: Platform, handle: str, status: AccountStatus) -> WorldAccount:
    key = f"{platform.value}-{handle}-p1"
    reddit = platform == Platform.REDDIT
    inbound = [
        Inbound(
            author="carol_c",
            created_at=t(20),
            kind=InboundKind.REPLY,
            target=key,
            text="nice, but when?",
            response=OrgAnswer(delay=timedelta(hours=1), text="tomorrow"),
        )
    ]
    if not reddit:
        inbound.insert(
            0,
            Inbound(
                author="bob_b",
                created_at=t(10),
                text="@acme help",
                response=OrgAnswer(delay=timedelta(hours=2), text="sure"),
            ),
        )
    return WorldAccount(
        platform=platform,
        handle=handle,
        created_at=datetime(2023, 1, 1, tzinfo=UTC),
        status=status,
        display_name=handle.title(),
        description="Official account",
        posts=(WorldPost(created_at=t(5), text="hello", key=key, title="Hi" if reddit else None),),
        inbound=tuple(inbound),
    )


def org(org_id: str, handles: dict[Platform, str], status: AccountStatus) -> WorldOrganisation:
    return WorldOrganisation(
        id=org_id,
        name=org_id.title(),
        accounts=tuple(account(p, h, status) for p, h in handles.items()),
    )


WORLD = World(
    seed=1,
    start=START,
    end=END,
    organisations=(
        org(
            "acme",
            {p: "AcmeCo" if p == Platform.REDDIT else "acme" for p in Platform},
            AccountStatus.ACTIVE,
        ),
        org(
            "gone",
            {p: "GoneOrg" if p == Platform.REDDIT else "goneorg" for p in Platform},
            AccountStatus.DELETED,
        ),
        org(
            "banned",
            {p: "BannedOrg" if p == Platform.REDDIT else "bannedorg" for p in Platform},
            AccountStatus.SUSPENDED,
        ),
    ),
)


def registry(platform: str) -> Registry:
    data = registry_data(WORLD)
    for entry in data["organisations"]:
        entry["accounts"] = [a for a in entry["accounts"] if a["platform"] == platform]
    return Registry.model_validate(data)


@dataclass
class FakeTime:
    now: float = 1_741_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def emu(clock: FakeTime) -> Iterator[Emulator]:
    with Emulator(WORLD, clock=clock) as emulator:
        yield emulator


def settings_for(platform: str, emu: Emulator) -> ConnectorSettings:
    common: dict[str, Any] = {"max_retries": 2}
    if platform == "x":
        return XSettings(bearer_token=emu.bearer_token, base_url=emu.x_base_url, **common)
    if platform == "reddit":
        return RedditSettings(
            client_id=emu.reddit_client_id,
            client_secret=emu.reddit_client_secret,
            oauth_url=emu.reddit_oauth_url,
            reddit_url=emu.reddit_www_url,
            **common,
        )
    if platform == "mastodon":
        return MastodonSettings(
            base_url=emu.mastodon_base_url,
            instance_domain=MASTODON_DOMAIN,
            access_token=emu.mastodon_token("acme"),
            **common,
        )
    return BlueskySettings(
        base_url=emu.bluesky_base_url,
        login=BLUESKY_ACME,
        app_password=app_password_for(BLUESKY_ACME),
        pds_url=emu.bluesky_base_url,
        **common,
    )


def run(platform: str, emu: Emulator, landing: Path, clock: FakeTime) -> CollectionRun:
    return collect_registry(
        registry(platform),
        WINDOW,
        landing_dir=landing,
        settings={platform: settings_for(platform, emu)},
        pseudonymiser=Pseudonymiser(KEY),
        sleep=clock.sleep,
        clock=clock,
    )


def test_every_platform_is_collected() -> None:
    assert COLLECTED == ("x", "reddit", "mastodon", "bluesky")


@pytest.mark.parametrize("platform", COLLECTED)
def test_collect_then_replay_gives_the_same_pseudonymised_records(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    result = run(platform, emu, tmp_path, clock)
    assert result.failures == []
    acme = next(b for b in result if b.org_id == "acme")
    assert acme.snapshots[0].status == "active"
    assert acme.posts
    assert acme.inbound
    delays = sorted(link.delay_seconds for link in link_org([acme])[0][0].reply_links)
    assert 3600.0 in delays  # the answer to the reply under the organisation's post
    if platform != "reddit":  # mentions read (X's timeline; Mastodon, Bluesky with a login)
        assert delays == [3600.0, 7200.0]
        assert "mention" in {m.kind for m in acme.inbound}
    calls = sum(emu.calls.values())
    assert list(replay(tmp_path, registry(platform), WINDOW, Pseudonymiser(KEY))) == list(result)
    assert sum(emu.calls.values()) == calls  # the replay used the landing alone
    for batch in result:
        assert not any(name in repr(batch) for name in PEOPLE)


@pytest.mark.parametrize("platform", COLLECTED)
def test_deleted_and_suspended_accounts_are_statuses_not_failures(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    result = run(platform, emu, tmp_path, clock)
    assert result.failures == []
    status = {b.org_id: b.snapshots[0].status for b in result}
    assert status["gone"] == "not_found"
    assert status["banned"] == "suspended"
    for batch in result:
        if batch.org_id != "acme":
            assert batch.posts == ()
            assert batch.inbound == ()


@pytest.mark.parametrize("platform", COLLECTED)
def test_a_server_error_is_retried(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    emu.inject("server_error", route=PROFILE_ROUTE[platform], at=(1,))
    result = run(platform, emu, tmp_path, clock)
    assert result.failures == []
    assert clock.sleeps  # backed off once
    assert emu.calls[PROFILE_ROUTE[platform]] >= 2


@pytest.mark.parametrize("platform", COLLECTED)
def test_a_far_rate_limit_reset_fails_fast_and_names_it(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    emu.exhaust(BUCKET[platform], reset_in=5 * 86_400)
    result = run(platform, emu, tmp_path, clock)
    assert list(result) == []
    assert {f.org_id for f in result.failures} == {"acme", "gone", "banned"}
    assert all("rate limit" in f.message for f in result.failures)
    assert all("Traceback" not in f.message for f in result.failures)
    assert max(clock.sleeps, default=0) < 900


@pytest.mark.parametrize("platform", COLLECTED)
def test_a_near_rate_limit_reset_is_waited_for(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    emu.exhaust(BUCKET[platform], reset_in=60)
    result = run(platform, emu, tmp_path, clock)
    assert result.failures == []
    assert any(55 <= s <= 62 for s in clock.sleeps), clock.sleeps


# X keeps a budget per endpoint and this world calls each X endpoint once or twice, so no X
# budget of 2 runs out here; tests/unit/connectors/test_x_faults.py covers X's remaining 0.
@pytest.mark.parametrize("platform", ["reddit", "mastodon", "bluesky"])
def test_remaining_zero_is_waited_out_before_a_429(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    """The answer that uses the budget up says ``remaining: 0``; the next request waits for
    the reset instead of being refused."""
    from maturity.sandbox.emulator.ratelimits import EmulatedLimit

    emu.set_limit(BUCKET[platform], EmulatedLimit(2, 60.0))
    result = run(platform, emu, tmp_path, clock)
    assert result.failures == []
    assert [r.status for r in emu.call_log].count(429) == 0
    assert any(55 <= s <= 62 for s in clock.sleeps), clock.sleeps


def test_mastodon_without_a_token_reads_replies_from_contexts(
    emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    settings = MastodonSettings(
        base_url=emu.mastodon_base_url, instance_domain=MASTODON_DOMAIN, max_retries=2
    )
    result = collect_registry(
        registry("mastodon"),
        WINDOW,
        landing_dir=tmp_path,
        settings={"mastodon": settings},
        pseudonymiser=Pseudonymiser(KEY),
        sleep=clock.sleep,
        clock=clock,
    )
    acme = next(b for b in result if b.org_id == "acme")
    assert [m.kind for m in acme.inbound] == ["reply"]
    assert [link.delay_seconds for link in link_org([acme])[0][0].reply_links] == [3600.0]
    assert emu.calls["GET /api/v1/statuses/:id/context"] >= 1
    assert "GET /api/v1/notifications" not in emu.calls
    assert any("mentions: not read" in n.message for n in result.notes)


def _bluesky(emu: Emulator, tmp_path: Path, clock: FakeTime, **login: str) -> CollectionRun:
    settings = BlueskySettings(
        base_url=emu.bluesky_base_url, pds_url=emu.bluesky_base_url, max_retries=2, **login
    )
    return collect_registry(
        registry("bluesky"),
        WINDOW,
        landing_dir=tmp_path,
        settings={"bluesky": settings},
        pseudonymiser=Pseudonymiser(KEY),
        sleep=clock.sleep,
        clock=clock,
    )


def test_bluesky_without_a_login_reads_replies_from_threads(
    emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    result = _bluesky(emu, tmp_path, clock)
    acme = next(b for b in result if b.org_id == "acme")
    assert [m.kind for m in acme.inbound] == ["reply"]
    assert [link.delay_seconds for link in link_org([acme])[0][0].reply_links] == [3600.0]
    assert emu.calls["GET /xrpc/app.bsky.feed.getPostThread"] >= 1
    assert "POST /xrpc/com.atproto.server.createSession" not in emu.calls
    assert "GET /xrpc/app.bsky.notification.listNotifications" not in emu.calls
    assert any("mentions: not read" in n.message for n in result.notes)


def test_bluesky_with_the_accounts_login_reads_its_mentions_once(
    emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    result = _bluesky(
        emu, tmp_path, clock, login=BLUESKY_ACME, app_password=app_password_for(BLUESKY_ACME)
    )
    assert result.failures == []
    acme = next(b for b in result if b.org_id == "acme")
    mention = next(m for m in acme.inbound if m.kind == "mention")
    assert mention.source is not None
    assert mention.source.endpoint == "notifications"
    assert mention.author not in PEOPLE  # pseudonymised
    # the reply came from its thread and again as a notification: one message
    assert [m.kind for m in acme.inbound].count("reply") == 1
    assert {c.endpoint for c in acme.cursors} == {"posts", "mentions"}
    assert emu.calls["POST /xrpc/com.atproto.server.createSession"] == 1
    assert emu.calls["GET /xrpc/app.bsky.notification.listNotifications"] == 1
    assert not any("mentions" in n.message for n in result.notes)
    # the landing holds the notifications but neither the app password nor the session
    landed = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"listNotifications" in landed
    assert app_password_for(BLUESKY_ACME).encode() not in landed
    assert b"accessJwt" not in landed
    assert b"createSession" not in landed


def test_a_refused_bluesky_login_fails_the_account_named_without_the_password(
    emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    secret = "wrong-app-password-0000"
    result = _bluesky(emu, tmp_path, clock, login=BLUESKY_ACME, app_password=secret)
    [failure] = [f for f in result.failures if f.org_id == "acme"]
    assert "401" in failure.message
    assert "createSession" in failure.message
    assert "password" in failure.message  # the fix names the connection field
    assert secret not in failure.message
    assert "Traceback" not in failure.message
    assert "GET /xrpc/app.bsky.notification.listNotifications" not in emu.calls


WRONG = "wrong-credential-0123456789"
CREDENTIAL = {"x": "bearer_token", "reddit": "client_secret", "mastodon": "access_token"}
CREDENTIAL["bluesky"] = "app_password"


@pytest.mark.parametrize("platform", COLLECTED)
def test_a_rejected_credential_fails_the_account_named_without_showing_it(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    """The X bearer token, the Reddit client secret, the Mastodon access token and the Bluesky
    app password: a wrong one fails the accounts that need it, with the HTTP status, never the
    secret, and no traceback; nothing is landed for them beyond what was read before."""
    settings = replace(settings_for(platform, emu), **{CREDENTIAL[platform]: WRONG})
    result = collect_registry(
        registry(platform),
        WINDOW,
        landing_dir=tmp_path,
        settings={platform: settings},
        pseudonymiser=Pseudonymiser(KEY),
        sleep=clock.sleep,
        clock=clock,
    )
    failed = {f.org_id: f.message for f in result.failures}
    assert "acme" in failed
    for message in failed.values():
        assert "401" in message, message
        assert WRONG not in message
        assert "Traceback" not in message
    landed = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert WRONG.encode() not in landed


@pytest.mark.parametrize("platform", COLLECTED)
def test_a_replay_after_a_cursor_rerun_gives_the_whole_window(
    platform: str, emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    """A rerun with the first run's cursors (and no overlap) fetches only what is newer; a
    replay of the landing, which gate and load reads, still gives the whole window."""
    first = run(platform, emu, tmp_path, clock)
    assert first.failures == []
    cursors = {(b.platform, b.org_id, b.handle): {c.endpoint: c for c in b.cursors} for b in first}
    again = collect_registry(
        registry(platform),
        WINDOW,
        landing_dir=tmp_path,
        settings={platform: replace(settings_for(platform, emu), overlap_seconds=0)},
        pseudonymiser=Pseudonymiser(KEY),
        cursors_lookup=lambda p, org_id, handle: cursors.get((p, org_id, handle), {}),
        sleep=clock.sleep,
        clock=clock,
    )
    assert again.failures == []
    live = next(b for b in again if b.org_id == "acme")
    replayed = next(
        b
        for b in replay(tmp_path, registry(platform), WINDOW, Pseudonymiser(KEY))
        if b.org_id == "acme"
    )
    before = next(b for b in first if b.org_id == "acme")
    # never more than the first run; Reddit's time bound is inclusive, so the one submission
    # at the cursor's time is read again with its comment tree (the others fetch less)
    assert len(live.posts) + len(live.inbound) <= len(before.posts) + len(before.inbound)
    if platform != "reddit":
        assert len(live.posts) + len(live.inbound) < len(before.posts) + len(before.inbound)
    assert set(before.posts) <= set(replayed.posts)
    assert set(before.inbound) <= set(replayed.inbound)


def test_a_bluesky_login_reads_only_its_own_accounts_mentions(
    tmp_path: Path, clock: FakeTime
) -> None:
    """Two active accounts, one login (acme's): acme's mentions are read, beta gets the note
    that the login is not its own, and no notification of beta's is asked for."""
    world = World(
        seed=1,
        start=START,
        end=END,
        organisations=(
            org("acme", {Platform.BLUESKY: "acme"}, AccountStatus.ACTIVE),
            org("beta", {Platform.BLUESKY: "beta"}, AccountStatus.ACTIVE),
        ),
    )
    reg = Registry.model_validate(registry_data(world))
    with Emulator(world, clock=clock) as emu:
        settings = BlueskySettings(
            base_url=emu.bluesky_base_url,
            pds_url=emu.bluesky_base_url,
            login=BLUESKY_ACME,
            app_password=app_password_for(BLUESKY_ACME),
            max_retries=2,
        )
        result = collect_registry(
            reg,
            WINDOW,
            landing_dir=tmp_path,
            settings={"bluesky": settings},
            pseudonymiser=Pseudonymiser(KEY),
            sleep=clock.sleep,
            clock=clock,
        )
        assert result.failures == []
        kinds = {b.org_id: sorted(m.kind for m in b.inbound) for b in result}
        assert kinds == {"acme": ["mention", "reply"], "beta": ["reply"]}
        notes = {n.org_id: n.message for n in result.notes}
        assert "acme" not in notes
        assert "the login is acme.bsky.social's, not this account's" in notes["beta"]
        assert emu.calls["POST /xrpc/com.atproto.server.createSession"] == 1  # one session
        assert emu.calls["GET /xrpc/app.bsky.notification.listNotifications"] == 1
