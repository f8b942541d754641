"""Issue 12, the counting rules: actionable inbound messages and automated replies.

Texts reach the records only as features (``maturity.connectors.text_features``), so every
message here is built from a text through the same function the assemblers use.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from metrics_records import account as acct
from metrics_records import active_snapshots, at, compute, inbound, org, pick, post, reply

from maturity.connectors.text_features import text_features
from maturity.records import InboundMessage, Post, ReplyLink

pytestmark = pytest.mark.unit

ACME = org(acct("Acme"), acct("AcmeCare", function="service"))
SNAPSHOTS = active_snapshots(ACME)
H = timedelta(hours=1)

CUSTOMER_TEXTS = (
    "My parcel from last week still has not arrived, can you check order 5512?",
    "The app crashes every time I open my invoices, what is going on",
    "Why was I charged twice this month? Please explain",
    "Is the shop in Utrecht open on Sunday",
    "I cannot log in since the update, reset does not work",
)


def message(mid: str, text: str, when: Any, author: str, handle: str = "Acme") -> InboundMessage:
    f = text_features(text)
    assert f is not None
    return inbound(
        mid,
        handle,
        when,
        author=author,
        text_signature=f.signature,
        text_words=f.words,
        text_links=f.links,
    )


def own_reply(pid: str, text: str, when: Any, to: InboundMessage) -> Post:
    f = text_features(text)
    assert f is not None
    return post(
        pid,
        to.handle,
        when,
        "reply",
        in_reply_to_post_id=to.message_id,
        in_reply_to_author=to.author,
        text_signature=f.signature,
        signed=f.signed,
    )


def customers(n: int = 20) -> tuple[list[InboundMessage], list[ReplyLink]]:
    """``n`` messages from ``n`` customers on different days; 4 of every 5 answered in 2 h."""
    msgs, links = [], []
    for i in range(n):
        m = message(f"c{i}", CUSTOMER_TEXTS[i % 5], at(days=i, hours=1), f"p:cust{i}")
        msgs.append(m)
        if i % 5 != 4:
            links.append(reply(m, 2 * H))
    return msgs, links


def promo_flood(n: int = 60) -> list[InboundMessage]:
    """A promotion sent by a few accounts, with the numbers and links varied."""
    return [
        message(
            f"spam{i}",
            f"WIN a free iPhone {i % 7}!! Claim now at https://win{i}.example/claim?id={i} "
            "before the offer ends",
            at(days=i % 40, hours=3, minutes=i),
            f"p:bot{i % 4}",
        )
        for i in range(n)
    ]


def rate(values: tuple[Any, ...], metric: str = "responsiveness.response_rate") -> Any:
    return pick(values, metric).value


def test_a_bot_flood_does_not_lower_the_response_rate() -> None:
    msgs, links = customers()
    flooded = compute(ACME, snapshots=SNAPSHOTS, messages=msgs + promo_flood(), links=links)
    assert rate(flooded) == pytest.approx(0.8)
    assert pick(flooded, "responsiveness.response_rate").n == 20
    assert rate(flooded, "responsiveness.response_rate_raw") == pytest.approx(16 / 80)
    assert pick(flooded, "responsiveness.inbound_total").value == 80
    assert pick(flooded, "responsiveness.inbound_actionable").value == 20
    assert pick(flooded, "responsiveness.inbound_excluded_spam").value == 60
    assert pick(flooded, "responsiveness.within_1h_share").n == 20


def test_the_notes_count_what_was_left_out_and_why() -> None:
    from metrics_records import WINDOW

    from maturity.metrics.compute import compute_org_evidence

    msgs, links = customers()
    bait = [
        message(f"bait{i}", f"look https://bait{i}.example", at(days=i, hours=5), f"p:b{i}")
        for i in range(3)
    ]
    evidence = compute_org_evidence(ACME, WINDOW, SNAPSHOTS, [], msgs + promo_flood() + bait, links)
    notes = "\n".join(evidence.notes)
    assert "60 inbound messages as spam (flood of near-identical messages)" in notes
    assert "3 inbound messages as spam (link bait)" in notes


def test_many_customers_with_the_same_complaint_are_not_a_flood() -> None:
    outage = [
        message(f"o{i}", "Is your website down? I cannot pay", at(days=2, minutes=i), f"p:o{i}")
        for i in range(30)
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, messages=outage)
    assert pick(values, "responsiveness.inbound_excluded_spam").value == 0
    assert pick(values, "responsiveness.inbound_actionable").value == 30


def test_an_author_sending_ten_messages_within_an_hour_is_left_out() -> None:
    msgs, links = customers()
    burst = [
        message(f"burst{i}", f"complaint number {i} about {t}", at(days=3, minutes=5 * i), "p:x")
        for i, t in enumerate(CUSTOMER_TEXTS * 2)
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, messages=msgs + burst, links=links)
    assert pick(values, "responsiveness.inbound_excluded_spam").value == 10
    assert rate(values) == pytest.approx(0.8)


def test_an_author_sending_nine_messages_within_an_hour_counts() -> None:
    burst = [
        message(f"burst{i}", f"question {i}: {t}", at(days=3, minutes=5 * i), "p:x")
        for i, t in enumerate((CUSTOMER_TEXTS * 2)[:9])
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, messages=burst)
    assert pick(values, "responsiveness.inbound_excluded_spam").value == 0


def test_link_bait_is_left_out() -> None:
    bait = message("bait", "wow https://bait.example/x", at(days=1), "p:b")
    real = message("real", "My order has not arrived, see https://acme.nl/o/1", at(days=1), "p:c")
    values = compute(ACME, snapshots=SNAPSHOTS, messages=[bait, real])
    assert pick(values, "responsiveness.inbound_excluded_spam").value == 1
    assert pick(values, "responsiveness.inbound_actionable").value == 1


# -- automated replies ------------------------------------------------------------------------


def _answered_by(replies: list[str], delay: timedelta) -> dict[str, Any]:
    """Customers' messages on weekdays (Tuesday to Friday) at 11:00 UTC, each answered by
    one own reply with the given texts."""
    msgs, links, posts = [], [], []
    for i, text in enumerate(replies):
        day = (i // 4) * 7 + i % 4
        m = message(f"m{i}", CUSTOMER_TEXTS[i % 5], at(days=day, hours=1), f"p:c{i}")
        msgs.append(m)
        p = own_reply(f"r{i}", text, m.created_at + delay, m)
        posts.append(p)
        links.append(reply(m, delay, reply_post_id=p.post_id))
    return {"messages": msgs, "links": links, "posts": posts}


TEMPLATE = (
    "Thank you for your message! We have received it and will get back to you within 3 working "
    "days. Kind regards, customer service"
)
HUMAN_REPLIES = (
    "Hi! Sorry to hear that, could you DM us your order number? We'll check it right away ^JdV",
    "Vervelend! Stuur je ons een DM met je klantnummer, dan zoeken we het uit. Groet, Anna",
    "That should not happen. Which version of the app do you use? ^MK",
    "We refund double charges automatically within 5 days, you'll see it back. Groet, Anna",
    "The Utrecht shop is open 12-17 on Sundays. Have a nice weekend! ^JdV",
)


def test_a_templated_autoresponder_is_not_a_conversation() -> None:
    data = _answered_by([TEMPLATE] * 10, 30 * timedelta(minutes=1))
    values = compute(ACME, snapshots=SNAPSHOTS, **data)
    assert pick(values, "responsiveness.automated_reply_share").value == 1.0
    assert pick(values, "responsiveness.automated_reply_share", "x", "Acme").value == 1.0
    assert rate(values) == 0.0
    assert rate(values, "responsiveness.response_rate_raw") == 1.0
    assert pick(values, "responsiveness.first_response_median_hours").n == 0
    assert pick(values, "activity.reply_share").value == 0.0


def test_human_webcare_that_varies_and_signs_is_not_flagged() -> None:
    data = _answered_by(list(HUMAN_REPLIES * 2), 30 * timedelta(minutes=1))
    values = compute(ACME, snapshots=SNAPSHOTS, **data)
    assert pick(values, "responsiveness.automated_reply_share").value == 0.0
    assert rate(values) == 1.0
    assert pick(values, "activity.reply_share").value == 1.0


def test_a_signed_canned_answer_is_a_person() -> None:
    signed = [f"{TEMPLATE} ^{initials}" for initials in ("JdV", "MK") * 5]
    values = compute(ACME, snapshots=SNAPSHOTS, **_answered_by(signed, 20 * timedelta(minutes=1)))
    assert pick(values, "responsiveness.automated_reply_share").value == 0.0


def test_answers_within_a_minute_around_the_clock_are_automated() -> None:
    # every answer in 20 s, at 03:00 local time (01:00 UTC in Amsterdam summer time)
    texts = list(HUMAN_REPLIES * 2)
    data = _answered_by(texts, timedelta(seconds=20))
    night = [m.created_at - timedelta(hours=10) for m in data["messages"]]  # 01:00 UTC
    msgs = [
        message(m.message_id, CUSTOMER_TEXTS[i % 5], night[i], m.author)
        for i, m in enumerate(data["messages"])
    ]
    links = [reply(m, timedelta(seconds=20), reply_post_id=f"r{i}") for i, m in enumerate(msgs)]
    values = compute(ACME, snapshots=SNAPSHOTS, messages=msgs, links=links)
    assert pick(values, "responsiveness.automated_reply_share").value == 1.0
    assert rate(values) == 0.0


def test_fast_answers_in_office_hours_only_are_a_person() -> None:
    data = _answered_by(list(HUMAN_REPLIES * 2), timedelta(seconds=40))
    values = compute(ACME, snapshots=SNAPSHOTS, messages=data["messages"], links=data["links"])
    assert pick(values, "responsiveness.automated_reply_share").value == 0.0
    assert rate(values) == 1.0


def test_a_person_answering_after_the_autoresponder_counts_with_their_delay() -> None:
    data = _answered_by([TEMPLATE] * 10, timedelta(minutes=1))
    human = [
        own_reply(f"h{i}", HUMAN_REPLIES[i % 5], m.created_at + 3 * H, m)
        for i, m in enumerate(data["messages"][:5])
    ]
    values = compute(ACME, snapshots=SNAPSHOTS, **{**data, "posts": data["posts"] + human})
    assert rate(values) == pytest.approx(0.5)
    assert pick(values, "responsiveness.first_response_median_hours").value == pytest.approx(3)
