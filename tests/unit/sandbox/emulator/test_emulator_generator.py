"""The seeded world generator: determinism, and behaviour that spans the six phases."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from maturity.sandbox.emulator import (
    AccountFunction,
    Emulator,
    OrgKind,
    Platform,
    PostType,
    World,
    check_world,
    generate_world,
    world_to_json,
)
from maturity.sandbox.emulator.clients import tweepy_client

pytestmark = pytest.mark.unit

START = datetime(2026, 8, 3, tzinfo=UTC)
END = START + timedelta(days=91)
F = AccountFunction


@pytest.fixture(scope="module")
def world60() -> World:
    return generate_world(60, 3, START, END)


def by_phase(world: World) -> dict[int, list]:  # type: ignore[type-arg]
    out: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for org in world.organisations:
        out[org.phase or 0].append(org)
    return out


def x_inbound(orgs: list) -> list:  # type: ignore[type-arg]
    return [m for o in orgs for a in o.accounts if a.platform == Platform.X for m in a.inbound]


def after_hours(at: datetime) -> bool:
    local = at + timedelta(hours=1)
    return local.weekday() >= 5 or not 8 <= local.hour < 17


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    one = world_to_json(generate_world(12, 7, START, END))
    assert one == world_to_json(generate_world(12, 7, START, END))
    assert one != world_to_json(generate_world(12, 8, START, END))


def test_every_phase_and_some_companies(emulator_world: World) -> None:
    assert {o.phase for o in emulator_world.organisations} == {1, 2, 3, 4, 5, 6}
    assert OrgKind.COMPANY in {o.kind for o in emulator_world.organisations}
    assert not check_world(emulator_world)
    for org in emulator_world.organisations:
        assert org.website
        assert org.website.endswith(".example")
        if org.kind == OrgKind.MUNICIPALITY:
            assert org.name.startswith("Gemeente ")


def test_answering_grows_with_the_phase(world60: World) -> None:
    phases = by_phase(world60)
    rate = {}
    for phase, orgs in phases.items():
        inbound = x_inbound(orgs)
        rate[phase] = sum(m.response is not None for m in inbound) / len(inbound)
    assert rate[1] == 0
    assert rate[2] < 0.3
    assert rate[3] > 0.55
    assert rate[6] > 0.85
    assert rate[1] < rate[2] < rate[3] < rate[6]


def test_answers_get_faster_and_leave_office_hours(world60: World) -> None:
    phases = by_phase(world60)
    delay = {}
    outside = {}
    for phase in (3, 6):
        answered = [m for m in x_inbound(phases[phase]) if m.response is not None]
        delay[phase] = statistics.median(m.response.delay for m in answered)
        outside[phase] = sum(after_hours(m.created_at + m.response.delay) for m in answered) / len(
            answered
        )
    assert delay[3] < timedelta(hours=24)
    assert delay[6] < timedelta(hours=1)
    assert outside[6] > 0.3
    assert outside[3] < outside[6]


def test_profiles_links_and_accounts_follow_the_phase(world60: World) -> None:
    phases = by_phase(world60)
    mains = {p: [o.accounts[0] for o in orgs] for p, orgs in phases.items()}
    assert sum(not a.description for a in mains[1]) >= len(mains[1]) / 2
    for phase in range(2, 7):
        assert all(a.description and a.url for a in mains[phase])
    posts = {p: [t for a in mains[p] for t in a.posts if "https://" in t.text] for p in phases}
    assert not any("utm_" in t.text for t in posts[1])
    assert sum("utm_source=twitter" in t.text for t in posts[6]) == len(posts[6]) > 0
    functions = {p: [{a.function for a in o.accounts} for o in orgs] for p, orgs in phases.items()}
    assert all(fs <= {F.MAIN, F.OTHER} for fs in functions[1])
    assert all({F.SERVICE, F.CAREERS} <= fs for fs in functions[4])
    assert all({F.SERVICE, F.CAREERS, F.PRESS, F.REGIONAL} <= fs for fs in functions[5])
    assert all({F.LEADERSHIP, F.EMPLOYEE, F.REGIONAL} <= fs for fs in functions[6])
    volume = {p: statistics.mean(len(a.posts) for a in mains[p]) for p in phases}
    assert volume[1] < 10 < volume[2]


def test_hub_and_spoke_in_the_strategic_phases(world60: World) -> None:
    for org in by_phase(world60)[6]:
        main, *others = [a for a in org.accounts if a.platform == Platform.X]
        spokes = [a for a in others if a.function != F.OTHER]
        assert any(f"@{main.handle}" in p.text for a in spokes for p in a.posts)
        assert any(p.type == PostType.REPOST for p in main.posts)
        service = next(a for a in spokes if a.function == F.SERVICE)
        assert any(m.response and m.response.by == service.handle for m in main.inbound)
    with_reddit = [
        o for o in by_phase(world60)[6] if any(a.platform == Platform.REDDIT for a in o.accounts)
    ]
    assert with_reddit
    for org in with_reddit:
        handle = next(a.handle for a in org.accounts if a.platform == Platform.REDDIT)
        assert any(handle in s.moderators for s in world60.subreddits)


def test_a_generated_world_serves_through_tweepy(emulator: Emulator) -> None:
    import tweepy

    org = next(o for o in emulator.world.organisations if o.phase == 6)
    own = {a.handle for a in org.accounts}
    client = tweepy_client(emulator)
    user = client.get_user(username=org.accounts[0].handle).data
    third_party = 0
    for page in tweepy.Paginator(
        client.get_users_mentions, user.id, max_results=100, expansions=["author_id"]
    ):
        authors = {u.id: u.username for u in page.includes["users"]}
        third_party += sum(authors[t.author_id] not in own for t in page.data)
    assert third_party == min(800, len(org.accounts[0].inbound))


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="after"):
        generate_world(1, 1, END, START)
    with pytest.raises(ValueError, match="timezone"):
        generate_world(1, 1, START.replace(tzinfo=None), END)


@pytest.mark.slow
def test_a_thousand_organisations_generate_and_serve() -> None:
    """A world of the scale benchmark's size builds and serves (how fast is `make bench`'s
    business: the DAG scale section generates the same world)."""
    import gc

    world = generate_world(1000, 1, START, START + timedelta(days=14))
    with Emulator(world) as emu:
        assert emu.app.describe()["x_posts"] > 25_000
    assert len({o.id for o in world.organisations}) == 1000
    del world, emu
    gc.collect()  # here, not in whichever test comes next


@pytest.mark.parametrize("seed", [0, 1, 7, 42])
def test_generated_handles_and_subreddits_follow_the_platforms_real_rules(seed: int) -> None:
    from maturity.registry import Registry
    from maturity.sandbox.emulator.registry import registry_data

    world = generate_world(60, seed, START, END)
    registry = Registry.model_validate(registry_data(world))  # raises on a broken identifier
    assert sum(len(o.accounts) for o in registry.organisations) > 60
