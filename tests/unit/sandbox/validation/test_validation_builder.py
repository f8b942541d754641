"""The world builder: archetypes become emulator worlds whose behaviour matches their data."""

from __future__ import annotations

import random
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from maturity.sandbox.emulator import Platform, PostType, check_world, world_to_json
from maturity.sandbox.emulator.world import AccountStatus, WorldAccount
from maturity.sandbox.validation.archetypes import ARCHETYPES, archetype
from maturity.sandbox.validation.behaviour import AccountSpec, Archetype, ArchetypeError
from maturity.sandbox.validation.builder import CANNED, SHARES, BuiltWorld, build_world, jitter
from maturity.sandbox.validation.declarations import MODEL_FACTS, answers, write_questionnaire

pytestmark = pytest.mark.unit


def built(*ids: str, seed: int = 1, amount: float = 0.2) -> BuiltWorld:
    return build_world(tuple(archetype(i) for i in ids), seed, amount=amount)


def accounts(ids: str, seed: int = 1) -> list[WorldAccount]:
    return list(built(ids, seed=seed).world.organisation(ids).accounts)


def test_at_least_thirty_archetypes_among_them_the_hard_ones() -> None:
    ids = {a.id for a in ARCHETYPES}
    assert len(ids) == len(ARCHETYPES) >= 30
    hard = {
        "declares-all-answers-nobody",
        "lapsed",
        "central-account",
        "linked-in-bios-only",
        "small-perfect-responder",
        "big-broadcaster-answers-all",
        "spam-flood-engaged",
        "autoresponder",
        "giant-beyond-caps",
        "protected-only",
        "unknown-only",
    }
    assert hard <= ids
    assert {a.designed for a in ARCHETYPES} == {None, 1, 2, 3, 4, 5, 6}


def test_every_archetype_builds_a_valid_world_deterministically() -> None:
    one, two = build_world(ARCHETYPES, 5), build_world(ARCHETYPES, 5)
    assert check_world(one.world) == []
    assert world_to_json(one.world) == world_to_json(two.world)
    assert world_to_json(build_world(ARCHETYPES, 6).world) != world_to_json(one.world)


def test_jitter_moves_every_parameter_within_its_band_and_keeps_shares_at_most_one() -> None:
    base = archetype("hub-and-spoke")
    moved = jitter(base, random.Random(3), 0.2)
    changed = 0
    for before, after in zip(base.accounts, moved.accounts, strict=True):
        for obj_before, obj_after in ((before, after), (before.answering, after.answering)):
            for f in fields(obj_before):
                b, a = getattr(obj_before, f.name), getattr(obj_after, f.name)
                if f.name == "answering":
                    continue
                if isinstance(b, bool) or not isinstance(b, int | float):
                    assert a == b, f.name
                    continue
                assert 0.8 * b - 1e-9 <= a <= 1.2 * b + 1e-9 or (f.name in SHARES and a == 1.0)
                if f.name in SHARES:
                    assert a <= 1.0
                changed += a != b
    assert changed > 20
    assert jitter(base, random.Random(3), 0.0) == base


def test_answers_follow_the_archetype() -> None:
    auto = accounts("autoresponder")[0]
    texts = {m.response.text for m in auto.inbound if m.response}
    assert texts == {CANNED}
    spam = [m for m in auto.inbound if m.author.startswith("promo")]
    assert spam
    assert sum(m.response is not None for m in spam) / len(spam) > 0.7
    assert sum(m.response is not None for m in auto.inbound) / len(auto.inbound) > 0.7
    delays = sorted(m.response.delay.total_seconds() for m in auto.inbound if m.response)
    assert delays[len(delays) // 2] < 120, "within a minute or two"
    silent = accounts("declares-all-answers-nobody")
    assert all(m.response is None for a in silent for m in a.inbound)
    assert sum(len(a.inbound) for a in silent) > 50
    engaged = accounts("engaged-municipality")[0]
    signed = {m.response.text for m in engaged.inbound if m.response}
    assert len(signed) > 5
    assert all("^" in t for t in signed)


def test_spam_is_left_alone_and_genuine_questions_answered() -> None:
    acc = accounts("spam-flood-engaged")[0]
    spam = [m for m in acc.inbound if m.author.startswith("promo")]
    genuine = [m for m in acc.inbound if not m.author.startswith("promo")]
    assert len(spam) > 2 * len(genuine) > 0
    assert all(m.response is None for m in spam)
    assert sum(m.response is not None for m in genuine) / len(genuine) > 0.6


def test_hub_and_spoke_service_answers_for_the_main_account() -> None:
    main, service = accounts("hub-and-spoke")[:2]
    by = {m.response.by for m in main.inbound if m.response}
    assert by == {service.handle}
    assert any(f"@{service.handle}" in p.text for p in main.posts)


def test_links_only_in_bios() -> None:
    accs = accounts("linked-in-bios-only")
    handles = {a.handle for a in accs}
    for a in accs:
        others = handles - {a.handle}
        assert all(f"@{h}" in a.description for h in others)
        assert not any(f"@{h}" in p.text for p in a.posts for h in others)
        assert a.pinned is None


def test_lapsed_is_quiet_in_the_current_window_but_still_asked() -> None:
    b = built("lapsed")
    acc = b.world.organisation("lapsed").accounts[0]
    now = b.windows.current_start
    assert acc.posts
    assert all(p.created_at < now for p in acc.posts)
    assert any(m.created_at >= now for m in acc.inbound)
    assert all(m.created_at + m.response.delay < now for m in acc.inbound if m.response)


def test_giant_goes_beyond_the_x_history_caps_in_one_window() -> None:
    b = built("giant-beyond-caps", amount=0.2)
    acc = b.world.organisation("giant-beyond-caps").accounts[0]
    start = b.windows.current_start
    timeline = [p for p in acc.posts if p.created_at >= start]
    answers_ = [m for m in acc.inbound if m.response]
    assert len(timeline) + len(answers_) > 3200
    assert len([m for m in acc.inbound if m.created_at >= start]) > 800


def test_unreadable_accounts() -> None:
    b = built("protected-only", "unknown-only", "protected-and-suspended")
    statuses = {a.status for a in b.world.organisation("protected-only").accounts}
    assert statuses == {AccountStatus.PROTECTED}
    assert b.world.organisation("unknown-only").accounts == ()
    assert [h for _, h, _ in b.unknown_accounts["unknown-only"]]
    assert {a.status for a in b.world.organisation("protected-and-suspended").accounts} == {
        AccountStatus.PROTECTED,
        AccountStatus.SUSPENDED,
    }


def test_new_account_acts_only_after_it_was_created() -> None:
    b = built("new-account")
    acc = b.world.organisation("new-account").accounts[0]
    assert (b.windows.end - acc.created_at).days < 30
    assert acc.posts
    assert all(p.created_at >= acc.created_at for p in acc.posts)


def test_reddit_accounts_get_comments_on_their_submissions() -> None:
    acc = accounts("reddit-only-engaged")[0]
    assert acc.platform == Platform.REDDIT
    keys = {p.key for p in acc.posts if p.type == PostType.ORIGINAL}
    assert acc.inbound
    assert all(m.target in keys for m in acc.inbound)


def test_questionnaire_declares_the_models_goals_up_to_a_phase(tmp_path: Path) -> None:
    assert answers(archetype("engaged-no-questionnaire")) == {}
    three = answers(archetype("engaged-municipality"))
    for phase, facts in MODEL_FACTS.items():
        assert all(three[f] is (phase <= 3) for f in facts)
    path = write_questionnaire(archetype("converged"), tmp_path, date(2026, 11, 2))
    assert path is not None
    doc = yaml.safe_load(path.read_text("utf-8"))
    assert doc["organisation"] == "converged"
    assert all(v is True for k, v in doc["answers"].items() if k != "declared.departments_involved")


def test_inconsistent_archetypes_are_refused_with_the_field_named() -> None:
    base = archetype("broadcaster")
    with pytest.raises(ArchetypeError, match="'broadcaster': designed phase 7"):
        replace(base, designed=7)
    with pytest.raises(ArchetypeError, match="unknown model passage 'p9'"):
        replace(base, passages=("p9",))
    with pytest.raises(ArchetypeError, match=r"posts_per_week = -1\.0 is negative"):
        replace(base, accounts=(AccountSpec(posts_per_week=-1.0),))
    with pytest.raises(ArchetypeError, match="accounts is empty"):
        Archetype(
            id="x",
            title="x",
            description="x",
            designed=1,
            passages=("p1.goals",),
            justification="x",
            accounts=(),
        )
