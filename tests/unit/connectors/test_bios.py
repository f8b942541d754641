"""Bios: an organisation's own profile text is kept, but a handle in it that names someone else
is masked before the snapshot is built (so neither records nor the warehouse hold it)."""

from __future__ import annotations

import pytest
from connector_pages import r_about, x_user
from real_payloads import landed

from maturity.connectors import reddit_assembler as ra
from maturity.connectors import x_assembler as xa
from maturity.connectors.base import Target
from maturity.evidence import Window
from maturity.pseudonym import mask_handles
from maturity.registry import Account

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("bio", "kept"),
    [
        ("Volg ook @AcmeHelp en @jan_jansen", "Volg ook @AcmeHelp en @(person)"),
        ("Mail info@acme.example of @ACME", "Mail info@acme.example of @ACME"),
        ("Beheer: u/PietP en /u/klaas_01", "Beheer: u/(person) en /u/(person)"),
        ("Zie r/duinwijk en u/AcmeCo", "Zie r/duinwijk en u/AcmeCo"),
        ("Geen namen hier", "Geen namen hier"),
        (None, None),
    ],
)
def test_third_party_handles_are_masked_own_handles_kept(bio: str | None, kept: str) -> None:
    assert mask_handles(bio, {"acme", "AcmeHelp", "AcmeCo"}) == kept


def test_an_x_snapshot_keeps_no_third_party_handle(window: Window) -> None:
    user = x_user("1", "acme", description="Team @AcmeHelp · woordvoerder @jan_jansen")
    lookup = [landed("x", xa.USERS, {"data": [user]})]
    target = Target(
        "acme-org", Account(platform="x", handle="acme"), frozenset({"acme", "AcmeHelp"})
    )
    snap = xa.snapshot(lookup, target, window, seen_before=False)
    assert snap.description == "Team @AcmeHelp · woordvoerder @(person)"


def test_a_reddit_snapshot_keeps_no_third_party_handle(window: Window) -> None:
    about = r_about("AcmeCo")
    about["data"]["subreddit"]["public_description"] = "Mods: u/AcmeCo and u/PietP"
    pages = [landed("reddit", ra.ABOUT, about, seq=0)]
    target = Target("acme-org", Account(platform="reddit", handle="AcmeCo"), frozenset({"AcmeCo"}))
    snap = ra.snapshot(pages, target, window, seen_before=False)
    assert snap.description == "Mods: u/AcmeCo and u/(person)"
