"""Issue 12, what the assemblers add for the metrics: text features instead of texts, bio links,
and whether a timeline reached the history cap (and from when it covers the window)."""

from __future__ import annotations

import pytest
from connector_pages import at, tweet, x_page, x_user
from real_payloads import landed

from maturity.connectors import x_assembler as xa
from maturity.connectors.base import Target
from maturity.connectors.context import EndpointPlan, XContext
from maturity.connectors.text_features import normalise, text_features
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Account

pytestmark = pytest.mark.unit

TARGET = Target("acme-org", Account(platform="x", handle="acme"), frozenset({"acme"}))
OWN = {"1": "acme"}


def _lookup(**extra: object) -> list[object]:
    return [landed("x", xa.USERS, {"data": [x_user("1", "acme", **extra)]}, seq=0)]


def test_the_bio_keeps_its_expanded_links(window: Window) -> None:
    entities = {
        "description": {
            "urls": [{"url": "https://t.co/a", "expanded_url": "https://www.reddit.com/r/acmehelp"}]
        }
    }
    snap = xa.snapshot(_lookup(entities=entities), TARGET, window, seen_before=False)
    assert snap.bio_urls == ("https://www.reddit.com/r/acmehelp",)


def test_a_mention_keeps_the_features_of_its_text_not_the_text(
    window: Window, pseudo: Pseudonymiser
) -> None:
    text = "@acme WIN a free phone at https://t.co/x now"
    mention = tweet("m1", 2, "99", text=text, entities={"urls": [{"url": "https://t.co/x"}]})
    pages = [*_lookup(), landed("x", xa.MENTIONS, x_page([mention]), seq=1)]
    plan = EndpointPlan(lower=window.start, cap=800, page_size=100)
    batch = xa.assemble(
        pages, XContext(own_ids=OWN, plans={"mentions": plan}), TARGET, window, pseudo
    )
    (msg,) = batch.inbound
    features = text_features(text, 1)
    assert features is not None
    assert (msg.text_signature, msg.text_words, msg.text_links) == (
        features.signature,
        6,  # win a free phone at now
        1,
    )
    assert "phone" not in repr(msg)


def test_near_identical_texts_share_a_band_and_different_ones_do_not() -> None:
    def bands(text: str) -> set[str]:
        features = text_features(text)
        assert features is not None
        return {features.signature[i : i + 8] for i in range(0, 64, 8)}

    a = bands("Thanks for reaching out! Please DM us your order number and we will help you.")
    b = bands("Thanks for reaching out! Please DM us your order number and we will help you!!")
    c = bands("The shop in Utrecht is open on Sundays from twelve to five")
    assert a == b
    assert not a & c
    assert normalise("WIN an iPhone 15 at https://x.co/a @acme!") == "win an iphone 0 at"


@pytest.mark.parametrize(
    ("text", "signed"),
    [
        ("Sorry to hear that, can you DM us? ^JdV", True),
        ("Vervelend om te horen, we hebben het doorgezet. ^Fatima", True),
        ("Dank voor je geduld! ^Youssef", True),
        ("Stuur je ons een DM? Groet, Anna", True),
        ("We look into it - Sam", True),
        ("Thank you, we will get back to you within 3 days. Kind regards, customer service", False),
        ("We have received your message.", False),
    ],
)
def test_a_personal_sign_off(text: str, signed: bool) -> None:
    features = text_features(text)
    assert features is not None
    assert features.signed is signed


def test_a_timeline_at_the_cap_marks_the_snapshot_capped_from_its_oldest_post(
    window: Window, pseudo: Pseudonymiser
) -> None:
    posts = [tweet(f"{100 + i}", 20 - i, "1") for i in range(6)]  # newest first
    pages = [*_lookup(), landed("x", xa.TWEETS, x_page(posts), seq=1)]
    plan = EndpointPlan(lower=window.start, cap=10, page_size=5)
    batch = xa.assemble(pages, XContext(own_ids=OWN, plans={"posts": plan}), TARGET, window, pseudo)
    (snap,) = batch.snapshots
    assert snap.history_capped is True
    assert snap.covered_from == at(15)


def test_a_timeline_below_the_cap_is_not_capped(window: Window, pseudo: Pseudonymiser) -> None:
    posts = [tweet(f"{100 + i}", 20 - i, "1") for i in range(3)]
    pages = [*_lookup(), landed("x", xa.TWEETS, x_page(posts), seq=1)]
    plan = EndpointPlan(lower=window.start, cap=3200, page_size=100)
    batch = xa.assemble(pages, XContext(own_ids=OWN, plans={"posts": plan}), TARGET, window, pseudo)
    (snap,) = batch.snapshots
    assert (snap.history_capped, snap.covered_from) == (False, None)
