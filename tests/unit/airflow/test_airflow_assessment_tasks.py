"""The assessment DAG's task bodies that need no pipeline run: plan, accounts, the collection
check, the outcome, the window from the data interval, and failing fast on bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from maturity.airflow import assessment_tasks as t

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def demo_plan() -> list[dict]:
    return t.plan(t.default_registry())


def test_registry_path_defaults_to_the_demo_registry(tmp_path: Path) -> None:
    assert t.registry_path({}) == t.default_registry()
    assert t.default_registry().is_file()
    assert t.registry_path({"MATURITY_REGISTRY": str(tmp_path / "r.yaml")}) == tmp_path / "r.yaml"


def test_plan_lists_every_organisation_with_its_collectable_accounts(demo_plan: list[dict]) -> None:
    assert len(demo_plan) == 13
    duinwijk = demo_plan[0]
    assert duinwijk["org_id"] == "gemeente-duinwijk"
    assert duinwijk["registry"] == str(t.default_registry())
    assert "x:GemeenteDuinwijk" in duinwijk["accounts"]
    assert "reddit:GemeenteDuinwijk" in duinwijk["accounts"]
    assert duinwijk["not_collected"] == ["mastodon:gemeenteduinwijk@social.duinwijk.example"]


def test_plan_is_small_enough_for_an_xcom(demo_plan: list[dict]) -> None:
    import json

    assert len(json.dumps(demo_plan)) < 8_000


def test_accounts_are_split_by_platform(demo_plan: list[dict]) -> None:
    x = t.accounts(demo_plan, "x")
    reddit = t.accounts(demo_plan, "reddit")
    assert len(x) == 26
    assert {a["platform"] for a in x} == {"x"}
    assert {a["org_id"] for a in reddit} == {
        "gemeente-duinwijk",
        "polderstroom-energie",
        "gemeente-grachtenburg",
        "tulpenveld-verzekeringen",
    }
    assert reddit[0] == {
        "org_id": "gemeente-duinwijk",
        "platform": "reddit",
        "handle": "GemeenteDuinwijk",
        "registry": str(t.default_registry()),
    }


def test_a_bad_registry_fails_the_task_without_retries(tmp_path: Path) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    bad = tmp_path / "registry.yaml"
    bad.write_text("organisations:\n  - id: Not An Id\n    name: x\n")
    with pytest.raises(AirflowFailException, match="organisations"):
        t.plan(bad)


def test_other_errors_are_left_to_airflows_retries() -> None:
    from maturity.errors import WarehouseError

    with pytest.raises(WarehouseError), t.failing_fast():
        raise WarehouseError("down")


ORG = {"org_id": "acme", "registry": "r.yaml", "accounts": ["x:Acme", "reddit:AcmeCo"]}


def test_check_collected_passes_when_every_account_landed() -> None:
    landed = [
        {"org_id": "acme", "account": "x:acme", "result": {}},
        {"org_id": "acme", "account": "reddit:acmeco", "result": {}},
        {"org_id": "beta", "account": "x:beta", "result": {}},
        None,
    ]
    t.check_collected(ORG, landed)


def test_check_collected_names_the_accounts_that_failed() -> None:
    landed = [{"org_id": "acme", "account": "x:acme", "result": {}}]
    with pytest.raises(t.CollectionIncomplete, match=r"acme: collecting reddit:AcmeCo failed"):
        t.check_collected(ORG, landed)


def test_an_account_of_another_organisation_does_not_count() -> None:
    landed = [
        {"org_id": "beta", "account": "x:acme", "result": {}},
        {"org_id": "acme", "account": "reddit:acmeco", "result": {}},
    ]
    with pytest.raises(t.CollectionIncomplete, match="x:Acme"):
        t.check_collected(ORG, landed)


def test_outcome_splits_written_and_failed() -> None:
    orgs = [{"org_id": "a"}, {"org_id": "b"}, {"org_id": "c"}]
    scored = [{"org_id": "c", "step": "score"}, {"org_id": "a", "step": "score"}, None]
    assert t.outcome(orgs, scored) == {"written": ["a", "c"], "failed": ["b"]}


def test_the_window_is_the_data_interval_in_utc() -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    window = t.window_of(
        {
            "data_interval_start": datetime(2026, 10, 26, 1, tzinfo=amsterdam),
            "data_interval_end": datetime(2026, 11, 2, tzinfo=UTC),
        }
    )
    assert window.start == datetime(2026, 10, 26, 0, tzinfo=UTC)
    assert window.start.tzinfo == UTC
    assert window.end == datetime(2026, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    "context",
    [
        {},
        {"data_interval_start": None, "data_interval_end": None},
        {
            "data_interval_start": datetime(2026, 11, 2, tzinfo=UTC),
            "data_interval_end": datetime(2026, 11, 2, tzinfo=UTC),
        },
    ],
)
def test_a_run_without_a_data_interval_fails_saying_how_to_trigger(context: dict) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException, match="logical date"):
        t.window_of(context)


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown step"):
        t.org_step("explode", ORG, t.window_of(_interval()))


def _interval() -> dict:
    return {
        "data_interval_start": datetime(2026, 10, 26, tzinfo=UTC),
        "data_interval_end": datetime(2026, 11, 2, tzinfo=UTC),
    }
