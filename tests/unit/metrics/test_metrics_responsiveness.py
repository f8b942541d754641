"""Responsiveness from hand-built tables: each expected number can be checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from metrics_records import (
    WINDOW,
    account,
    active_snapshots,
    at,
    compute,
    inbound,
    org,
    pick,
    reply,
)

pytestmark = pytest.mark.unit

H = timedelta(hours=1)
CARE = account("AcmeCare", function="service")
ACME = org(CARE)


def _values(messages, links, organisation=ACME, **kw):  # type: ignore[no-untyped-def]
    return compute(
        organisation, snapshots=active_snapshots(organisation), messages=messages, links=links, **kw
    )


def test_four_messages_three_answered() -> None:
    """4 inbound; answered after 0.5 h, 2 h and 30 h; one never."""
    msgs = [inbound(f"m{i}", "AcmeCare", at(days=i)) for i in range(4)]
    links = [reply(msgs[0], 0.5 * H), reply(msgs[1], 2 * H), reply(msgs[2], 30 * H)]
    values = _values(msgs, links)

    def v(metric: str) -> tuple[float | None, int]:
        found = pick(values, f"responsiveness.{metric}")
        return found.value, found.n

    assert v("inbound_messages") == (4, 4)
    assert v("response_rate") == (0.75, 4)
    assert v("first_response_median_hours") == (2.0, 3)
    # P90 interpolates between 2 h and 30 h: 2 + 0.8 * 28
    assert v("first_response_p90_hours") == (pytest.approx(24.4), 3)
    assert v("within_1h_share") == (0.25, 4)
    assert v("within_24h_share") == (0.5, 4)
    # all four arrive on weekdays at 12:00 Amsterdam time
    assert v("after_hours_response_share") == (None, 0)
    assert v("weekend_response_share") == (None, 0)


def test_median_interval_contains_the_median_and_stays_in_the_sample() -> None:
    msgs = [inbound(f"m{i}", "AcmeCare", at(days=i)) for i in range(3)]
    links = [reply(m, (i + 1) * H) for i, m in enumerate(msgs)]
    median = pick(_values(msgs, links), "responsiveness.first_response_median_hours")
    assert median.value == 2.0
    assert median.ci_low is not None
    assert median.ci_high is not None
    assert 1.0 <= median.ci_low <= 2.0 <= median.ci_high <= 3.0


def test_window_is_half_open_for_messages() -> None:
    msgs = [
        inbound("at-start", "AcmeCare", WINDOW.start),
        inbound("last-microsecond", "AcmeCare", WINDOW.end - timedelta(microseconds=1)),
        inbound("at-end", "AcmeCare", WINDOW.end),
        inbound("before", "AcmeCare", WINDOW.start - timedelta(seconds=1)),
    ]
    value = pick(_values(msgs, []), "responsiveness.inbound_messages")
    assert (value.value, value.n) == (2, 2)
    items = {r.ref for r in value.refs if r.kind == "item"}
    assert items == {"at-start", "last-microsecond"}


def test_a_reply_after_window_end_does_not_count() -> None:
    late = inbound("late", "AcmeCare", WINDOW.end - 2 * H)
    early = inbound("early", "AcmeCare", at())
    values = _values([late, early], [reply(late, 3 * H), reply(early, H)])
    assert pick(values, "responsiveness.response_rate").value == 0.5
    assert pick(values, "responsiveness.first_response_median_hours").n == 1


def test_a_reply_link_before_its_message_is_ignored() -> None:
    msg = inbound("m", "AcmeCare", at())
    values = _values([msg], [reply(msg, -H)])
    assert pick(values, "responsiveness.response_rate").value == 0.0


def test_no_inbound_messages_is_unknown_not_zero() -> None:
    values = _values([], [])
    for metric in (
        "inbound_messages",
        "response_rate",
        "first_response_median_hours",
        "within_24h_share",
    ):
        found = pick(values, f"responsiveness.{metric}")
        assert (found.value, found.n) == (None, 0), metric


# -- business hours and weekends (Europe/Amsterdam: UTC+2 until 25 Oct 2026, then UTC+1) --


@pytest.mark.parametrize(
    ("utc", "after_hours", "weekend"),
    [
        # Monday 7 Sep 2026, summer time (UTC+2)
        (datetime(2026, 9, 7, 6, 59, tzinfo=UTC), True, False),  # 08:59 local
        (datetime(2026, 9, 7, 7, 0, tzinfo=UTC), False, False),  # 09:00 local
        (datetime(2026, 9, 7, 14, 59, 59, tzinfo=UTC), False, False),  # 16:59:59 local
        (datetime(2026, 9, 7, 15, 0, tzinfo=UTC), True, False),  # 17:00 local
        # Monday 26 Oct 2026, winter time (UTC+1): the same UTC hour is an hour earlier
        (datetime(2026, 10, 26, 7, 30, tzinfo=UTC), True, False),  # 08:30 local
        (datetime(2026, 10, 26, 8, 0, tzinfo=UTC), False, False),  # 09:00 local
        (datetime(2026, 10, 26, 15, 59, tzinfo=UTC), False, False),  # 16:59 local
        # the night of the DST change: Sunday 25 Oct, 00:59 UTC = 02:59 CEST; 01:00 UTC = 02:00 CET
        (datetime(2026, 10, 25, 0, 59, tzinfo=UTC), True, True),
        (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), True, True),
        # Friday 22:30 UTC is Saturday 00:30 in Amsterdam; Sunday 22:30 UTC is Monday 00:30
        (datetime(2026, 9, 4, 22, 30, tzinfo=UTC), True, True),
        (datetime(2026, 9, 6, 22, 30, tzinfo=UTC), True, False),
        # Saturday noon
        (datetime(2026, 9, 5, 12, 0, tzinfo=UTC), True, True),
    ],
)
def test_business_hours_and_weekends_in_local_time(
    utc: datetime, after_hours: bool, weekend: bool
) -> None:
    msg = inbound("m", "AcmeCare", utc)
    values = _values([msg], [reply(msg, H)])
    after = pick(values, "responsiveness.after_hours_response_share")
    sat_sun = pick(values, "responsiveness.weekend_response_share")
    assert after.n == int(after_hours)
    assert sat_sun.n == int(weekend)
    assert after.value == (1.0 if after_hours else None)


def test_business_hours_follow_the_organisation_timezone() -> None:
    """12:00 UTC on a Monday is business hours in Amsterdam, 07:00 (before 9) in New York."""
    new_york = org(CARE, tz="America/New_York")
    msg = inbound("m", "AcmeCare", datetime(2026, 9, 7, 12, tzinfo=UTC))
    amsterdam_n = pick(_values([msg], []), "responsiveness.after_hours_response_share").n
    new_york_n = pick(_values([msg], [], new_york), "responsiveness.after_hours_response_share").n
    assert (amsterdam_n, new_york_n) == (0, 1)


def test_after_hours_share_counts_answers_within_24_hours() -> None:
    saturday = datetime(2026, 9, 5, 12, tzinfo=UTC)
    msgs = [inbound(f"s{i}", "AcmeCare", saturday + timedelta(minutes=i)) for i in range(4)]
    links = [reply(msgs[0], 23 * H), reply(msgs[1], 24 * H), reply(msgs[2], 25 * H)]
    values = _values(msgs, links)
    for metric in ("after_hours_response_share", "weekend_response_share"):
        found = pick(values, f"responsiveness.{metric}")
        assert (found.value, found.n) == (0.5, 4), metric
