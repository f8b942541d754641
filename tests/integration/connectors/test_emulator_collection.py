"""Collection through tweepy's and PRAW's real code paths against the loopback emulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("maturity.sandbox.emulator.server")

from maturity.collect import CollectionRun, collect_registry, replay
from maturity.connectors.settings import RedditSettings, XSettings
from maturity.evidence import Window
from maturity.pipeline.gate_and_load import link_org
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Registry
from maturity.sandbox.emulator.server import Emulator
from maturity.sandbox.emulator.world import (
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
KEY = "integration-pseudonym-key-0123456789"


def t(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def _x(handle: str, status: str = "active") -> WorldAccount:
    return WorldAccount(
        platform=Platform.X,
        handle=handle,
        created_at=datetime(2015, 1, 1, tzinfo=UTC),
        status=status,  # type: ignore[arg-type]
        posts=(WorldPost(created_at=t(5), text="hello", key=f"{handle}-p1"),),
        inbound=(
            Inbound(
                author="bob_b",
                created_at=t(10),
                text=f"@{handle} help",
                response=OrgAnswer(delay=timedelta(hours=2), text="sure"),
            ),
            Inbound(
                author="carol_c",
                created_at=t(20),
                kind=InboundKind.REPLY,
                target=f"{handle}-p1",
                text="nice",
            ),
        ),
    )


WORLD = World(
    seed=1,
    start=START,
    end=END,
    organisations=(
        WorldOrganisation(
            id="acme",
            name="Acme",
            accounts=(
                _x("acme"),
                WorldAccount(
                    platform=Platform.REDDIT,
                    handle="AcmeCo",
                    created_at=datetime(2015, 1, 1, tzinfo=UTC),
                    posts=(WorldPost(created_at=t(6), text="we are here", title="Hi", key="r1"),),
                    inbound=(
                        Inbound(
                            author="erin_e",
                            created_at=t(30),
                            text="ask u/AcmeCo",
                            kind=InboundKind.MENTION,
                        ),
                        Inbound(
                            author="dave_d",
                            created_at=t(8),
                            kind=InboundKind.REPLY,
                            target="r1",
                            text="q?",
                            response=OrgAnswer(delay=timedelta(hours=1), text="a"),
                        ),
                    ),
                ),
            ),
        ),
        WorldOrganisation(id="beta", name="Beta", accounts=(_x("betaorg"),)),
        WorldOrganisation(id="gone", name="Gone", accounts=(_x("goneorg", status="suspended"),)),
    ),
)
REGISTRY = Registry.model_validate(
    {
        "organisations": [
            {
                "id": "acme",
                "name": "Acme",
                "accounts": [
                    {"platform": "x", "handle": "acme"},
                    {"platform": "reddit", "handle": "AcmeCo"},
                ],
            },
            {"id": "beta", "name": "Beta", "accounts": [{"platform": "x", "handle": "betaorg"}]},
            {"id": "gone", "name": "Gone", "accounts": [{"platform": "x", "handle": "goneorg"}]},
        ]
    }
)


@dataclass
class FakeTime:
    """One clock for the emulator and the policy; sleeping moves it on."""

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


def run(
    emu: Emulator, landing: Path, clock: FakeTime, bearer: str | None = None, **x: object
) -> CollectionRun:
    xs = XSettings(
        bearer_token=bearer or emu.bearer_token, base_url=emu.x_base_url, max_retries=2, **x
    )  # type: ignore[arg-type]
    rs = RedditSettings(
        client_id=emu.reddit_client_id,
        client_secret=emu.reddit_client_secret,
        oauth_url=emu.reddit_oauth_url,
        reddit_url=emu.reddit_www_url,
        max_retries=2,
    )
    return collect_registry(
        REGISTRY,
        WINDOW,
        landing_dir=landing,
        x_settings=xs,
        reddit_settings=rs,
        pseudonymiser=Pseudonymiser(KEY),
        sleep=clock.sleep,
        clock=clock,
    )


def test_collect_through_the_emulator_then_replay_gives_the_same_records(
    emu: Emulator,
    tmp_path: Path,
    clock: FakeTime,
) -> None:
    result = run(emu, tmp_path, clock)
    assert result.failures == []
    by_handle = {b.handle: b for b in result}
    assert by_handle["goneorg"].snapshots[0].status == "suspended"
    acme = by_handle["acme"]
    assert acme.snapshots[0].status == "active"
    assert len(acme.posts) == 2
    assert {m.kind for m in acme.inbound} == {"mention", "reply"}
    assert [link.delay_seconds for link in link_org([acme])[0][0].reply_links] == [7200.0]
    reddit = by_handle["AcmeCo"]
    assert [link.delay_seconds for link in link_org([reddit])[0][0].reply_links] == [3600.0]
    assert emu.calls["GET /2/users/by"] == 1  # one lookup for all three X handles

    calls = sum(emu.calls.values())
    assert list(replay(tmp_path, REGISTRY, WINDOW, Pseudonymiser(KEY))) == list(result)
    assert sum(emu.calls.values()) == calls
    secrets = (emu.bearer_token, emu.reddit_client_secret)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert not any(s.encode() in path.read_bytes() for s in secrets), path
    for batch in result:
        text = repr(batch)
        assert not any(name in text for name in ("bob_b", "carol_c", "dave_d", "erin_e"))


def test_server_errors_and_a_near_rate_limit_are_ridden_out(
    emu: Emulator,
    tmp_path: Path,
    clock: FakeTime,
) -> None:
    emu.inject("server_error", route="GET /2/users/:id/tweets", at=(1,))
    emu.exhaust("GET /2/users/:id/mentions", reset_in=60)
    result = run(emu, tmp_path, clock)
    assert result.failures == []
    assert len(result) == 4
    assert any(55 <= s <= 62 for s in clock.sleeps)  # waited for the reset
    assert emu.calls["GET /2/users/:id/tweets"] >= 3


def test_a_far_rate_limit_reset_fails_those_accounts_fast_and_the_rest_go_on(
    emu: Emulator,
    tmp_path: Path,
    clock: FakeTime,
) -> None:
    emu.exhaust("GET /2/users/:id/mentions", reset_in=5 * 86_400)
    result = run(emu, tmp_path, clock)
    failed = {f.handle for f in result.failures}
    assert failed == {"acme", "betaorg"}
    assert all("rate limit" in f.message and "mentions" in f.message for f in result.failures)
    assert {b.handle for b in result} == {"goneorg", "AcmeCo"}
    assert max(clock.sleeps, default=0) < 900


def test_a_rejected_token_is_fatal_without_showing_it(
    emu: Emulator,
    tmp_path: Path,
    clock: FakeTime,
) -> None:
    wrong = "not-the-right-bearer-token-000"
    result = run(emu, tmp_path, clock, bearer=wrong)
    assert {f.handle for f in result.failures} == {"acme", "betaorg", "goneorg"}
    assert all("HTTP 401" in f.message and wrong not in f.message for f in result.failures)
    assert [b.handle for b in result] == ["AcmeCo"]


def test_reddit_mentions_with_the_password_grant(
    emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    rs = RedditSettings(
        client_id=emu.reddit_client_id,
        client_secret=emu.reddit_client_secret,
        oauth_url=emu.reddit_oauth_url,
        reddit_url=emu.reddit_www_url,
        username="AcmeCo",
        password=emu.reddit_password,
    )
    reddit_only = Registry.model_validate(
        {
            "organisations": [
                {
                    "id": "acme",
                    "name": "Acme",
                    "accounts": [{"platform": "reddit", "handle": "AcmeCo"}],
                }
            ]
        }
    )
    result = collect_registry(
        reddit_only,
        WINDOW,
        landing_dir=tmp_path,
        x_settings=None,
        reddit_settings=rs,
        pseudonymiser=Pseudonymiser(KEY),
        sleep=clock.sleep,
        clock=clock,
    )
    assert result.failures == []
    assert result.notes == []
    mentions = [m for m in result[0].inbound if m.kind == "mention"]
    assert len(mentions) == 1
    assert mentions[0].author == Pseudonymiser(KEY)("reddit", "u:erin_e")
    assert emu.calls["GET /message/mentions"] == 1


def test_a_replay_after_a_cursor_rerun_gives_the_whole_window(
    emu: Emulator, tmp_path: Path, clock: FakeTime
) -> None:
    """A rerun with cursors fetches only what is new; a replay of the landing (what gate and
    load writes to the warehouse) still gives the whole window, the first run's items as
    they were first seen."""
    first = run(emu, tmp_path, clock)
    cursors = {(b.platform, b.org_id, b.handle): {c.endpoint: c for c in b.cursors} for b in first}
    again = collect_registry(
        REGISTRY,
        WINDOW,
        landing_dir=tmp_path,
        x_settings=XSettings(  # only what is newer than the cursors: no overlap
            bearer_token=emu.bearer_token,
            base_url=emu.x_base_url,
            max_retries=2,
            overlap_seconds=0,
        ),
        reddit_settings=None,
        pseudonymiser=Pseudonymiser(KEY),
        cursors_lookup=lambda platform, org_id, handle: cursors.get((platform, org_id, handle), {}),
        sleep=clock.sleep,
        clock=clock,
    )
    live = {b.handle: b for b in again}
    replayed = {
        b.handle: b
        for b in replay(tmp_path, REGISTRY, WINDOW, Pseudonymiser(KEY))
        if b.platform == "x"
    }
    assert len(live["acme"].posts) < len(replayed["acme"].posts), "the rerun fetched less"
    firsts = {b.handle: b for b in first if b.platform == "x"}
    for handle, batch in firsts.items():
        assert set(batch.posts) <= set(replayed[handle].posts), handle
        assert set(batch.inbound) <= set(replayed[handle].inbound), handle
