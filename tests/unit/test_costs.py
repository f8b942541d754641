"""The read guard: what X bills in a page, estimates, and whole organisations admitted."""

from __future__ import annotations

import pytest

from maturity import costs
from maturity.costs import (
    Budget,
    OrgEstimate,
    Prices,
    admit,
    estimate,
    reads_in_page,
)

pytestmark = pytest.mark.unit


def test_reads_count_data_and_expansions_of_x_pages_only() -> None:
    page = {
        "data": [{"id": "1"}, {"id": "2"}, {"id": "3"}],
        "includes": {"users": [{"id": "u1"}, {"id": "u2"}], "tweets": [{"id": "9"}]},
        "meta": {"result_count": 3},
    }
    assert reads_in_page("x", "users_mentions", page) == {"post": 4, "user": 2}
    assert reads_in_page("x", "users_by", {"data": [{"id": "u"}]}) == {"user": 1}
    assert reads_in_page("x", "users_tweets", {"meta": {"result_count": 0}}) == {}
    assert reads_in_page("x", "users_tweets", {"errors": [{"title": "x"}]}) == {}
    assert reads_in_page("reddit", "user_submitted", page) == {}


def test_the_price_follows_the_documented_rates() -> None:
    assert Prices().price({"post": 1000, "user": 10}) == pytest.approx(5.10)
    assert Prices({"post": 0.01}).price({"post": 10, "user": 5}) == pytest.approx(0.10)


def test_an_estimate_grows_last_runs_reads_or_takes_the_first_run_bound() -> None:
    previous = estimate("a", 2, {"post": 100, "user": 10})
    assert previous.reads == {"post": 120, "user": 12}
    assert previous.basis == "previous run"
    first = estimate("b", 2, None)
    assert first.total == 2 * (1 + 800 + 3200 + 800)
    assert estimate("c", 0, None).total == 0


def test_whole_organisations_are_admitted_in_order_while_the_budgets_hold() -> None:
    estimates = [
        OrgEstimate("a", {"post": 400}, "previous run"),
        OrgEstimate("giant", {"post": 5000}, "previous run"),
        OrgEstimate("b", {"post": 500}, "previous run"),
        OrgEstimate("c", {"post": 200}, "previous run"),
    ]
    plan = admit(estimates, Budget(per_run=1000), spent_this_month=0)
    assert [e.org_id for e in plan.admitted] == ["a", "b"]
    assert [r.org_id for r in plan.refused] == ["giant", "c"]
    assert "over its budget of 1,000" in plan.refused[0].reason
    assert plan.estimated_reads == 900


def test_the_month_budget_counts_what_was_spent_already() -> None:
    estimates = [OrgEstimate("a", {"post": 300}, "previous run")]
    assert admit(estimates, Budget(per_month=1000), spent_this_month=600).admitted
    refused = admit(estimates, Budget(per_month=1000), spent_this_month=800)
    assert not refused.admitted
    assert "would take the month to 1,100" in refused.refused[0].reason


def test_no_budget_admits_everyone_and_the_report_says_what_it_costs() -> None:
    plan = admit([OrgEstimate("a", {"post": 1000}, "first run")], Budget(), 0)
    assert [e.org_id for e in plan.admitted] == ["a"]
    assert "5.00 USD" in plan.report(Prices())


def test_resources_are_the_items_reads_in_page_counts_with_their_ids() -> None:
    from maturity.costs import reads_in_page, resources_in_page

    body = {
        "data": [{"id": "1"}, {"id": "2"}],
        "includes": {"users": [{"id": "u"}], "tweets": [{"id": "9"}]},
    }
    found = resources_in_page("x", "users_mentions", body)
    assert found == {("post", "1"), ("post", "2"), ("user", "u"), ("post", "9")}
    assert costs.count_kinds(found) == reads_in_page("x", "users_mentions", body)
    assert resources_in_page("reddit", "users_mentions", body) == set()
    assert resources_in_page("x", "unknown", body) == set()


@pytest.mark.parametrize(
    ("value", "says"),
    [(-1, "whole number of reads >= 0"), (1.5, "whole number"), (True, "not a number")],
)
def test_a_budget_is_a_whole_number_of_reads(value: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        costs.parse_budget(value)
    assert costs.parse_budget("200000") == 200_000


def test_prices_override_only_the_kinds_given() -> None:
    prices = costs.parse_prices('{"user": 0.02, "currency": "EUR"}')
    assert prices.per_resource == {"post": 0.005, "user": 0.02}
    assert prices.currency == "EUR"
    with pytest.raises(ValueError, match="currency"):
        costs.parse_prices({"currency": ""})
