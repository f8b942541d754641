"""The assessment DAG's task bodies that need no pipeline run: plan and shards, accounts, the
collection check, finishing a shard (retry, leave out, fail), the outcome, the window from the
data interval, and failing fast on bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from maturity.airflow import assessment_tasks as t
from maturity.sandbox.demo import demo_registry_path

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def demo_plan() -> list[dict]:
    return t.plan(demo_registry_path())


def test_registry_path_defaults_to_the_demo_registry(tmp_path: Path) -> None:
    assert t.registry_path({}) == demo_registry_path()
    assert demo_registry_path().is_file()
    assert t.registry_path({"MATURITY_REGISTRY": str(tmp_path / "r.yaml")}) == tmp_path / "r.yaml"


def test_a_small_registry_gets_one_shard_per_organisation(demo_plan: list[dict]) -> None:
    assert len(demo_plan) == 13
    assert all(len(shard["orgs"]) == 1 for shard in demo_plan)
    duinwijk = demo_plan[0]
    assert duinwijk["label"] == "gemeente-duinwijk"
    assert duinwijk["registry"] == str(demo_registry_path())
    [org] = duinwijk["orgs"]
    assert org["org_id"] == "gemeente-duinwijk"
    assert "x:GemDuinwijk" in org["accounts"]
    assert "reddit:GemeenteDuinwijk" in org["accounts"]
    # no mastodon_default connection in this environment: planned as not collected
    assert org["not_collected"] == ["mastodon:gemeenteduinwijk@social.duinwijk.example"]


def test_shards_keep_registry_order_and_every_organisation(demo_plan: list[dict]) -> None:
    five = t.plan(demo_registry_path(), orgs_per_task=5)
    assert [len(s["orgs"]) for s in five] == [5, 5, 3]
    assert t.org_ids(five) == t.org_ids(demo_plan)
    first = five[0]["orgs"]
    assert five[0]["label"] == (
        f"{first[0]['org_id']} .. {first[-1]['org_id']} (5 orgs, shard 1/3)"
    )


def test_orgs_per_task_comes_from_the_environment() -> None:
    from airflow.sdk.exceptions import AirflowFailException

    assert t.orgs_per_task({}) is None
    assert t.orgs_per_task({"MATURITY_ORGS_PER_TASK": "auto"}) is None
    assert t.orgs_per_task({"MATURITY_ORGS_PER_TASK": "25"}) == 25
    with pytest.raises(AirflowFailException, match="MATURITY_ORGS_PER_TASK"):
        t.orgs_per_task({"MATURITY_ORGS_PER_TASK": "0"})


def test_plan_is_small_enough_for_an_xcom(demo_plan: list[dict]) -> None:
    import json

    assert len(json.dumps(demo_plan)) < 8_000


def _parts(shards: list[dict], platform: str) -> list[dict]:
    return [p for shard in shards if (p := t.shard_part(shard, platform)) is not None]


def test_accounts_are_split_by_platform(demo_plan: list[dict]) -> None:
    x = _parts(demo_plan, "x")
    reddit = _parts(demo_plan, "reddit")
    assert sum(len(p["accounts"]) for p in x) == 26
    assert {p["platform"] for p in x} == {"x"}
    assert [a["org_id"] for p in reddit for a in p["accounts"]] == [
        "gemeente-duinwijk",
        "polderstroom-energie",
        "gemeente-grachtenburg",
        "tulpenveld-verzekeringen",
    ]
    assert reddit[0] == {
        "platform": "reddit",
        "registry": str(demo_registry_path()),
        "accounts": [{"org_id": "gemeente-duinwijk", "handle": "GemeenteDuinwijk"}],
    }


def test_a_shard_without_accounts_on_a_platform_has_nothing_to_collect(
    demo_plan: list[dict],
) -> None:
    assert len(demo_plan) == 13
    reddit = _parts(demo_plan, "reddit")
    assert len(reddit) == 4  # the other 9 shards' collect_reddit tasks skip
    everything = _parts(t.plan(demo_registry_path(), orgs_per_task=13), "x")
    assert len(everything) == 1
    assert len(everything[0]["accounts"]) == 26


def test_a_bad_registry_fails_the_task_without_retries(tmp_path: Path) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    bad = tmp_path / "registry.yaml"
    bad.write_text("organisations:\n  - id: Not An Id\n    name: x\n")
    with pytest.raises(AirflowFailException, match="organisations"):
        t.plan(bad)


def test_an_organisation_with_bad_input_is_planned_without_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its questionnaire is bad: nothing of it is collected, and the first organisation step
    fails it as bad input (not retried) while the other organisation goes on."""
    (tmp_path / "q.yaml").write_text("organisation: acme\nanswers: [not, a, mapping]\n")
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "organisations:\n"
        "  - {id: acme, name: Acme, questionnaire: q.yaml,"
        " accounts: [{platform: x, handle: Acme}]}\n"
        "  - {id: beta, name: Beta, accounts: [{platform: x, handle: Beta}]}\n"
    )
    [shard] = t.plan(registry, orgs_per_task=2)
    acme, beta = shard["orgs"]
    assert acme["accounts"] == []
    assert acme["not_collected"] == ["x:Acme"]
    assert "q.yaml" in acme["rejected"]
    assert "rejected" not in beta
    part = t.shard_part(shard, "x")
    assert part is not None
    assert [a["handle"] for a in part["accounts"]] == ["Beta"]
    from maturity.pipeline import steps
    from maturity.shards import each

    seen: list[list[str]] = []

    def fake(settings: object, org_ids: list[str], window: object) -> Any:
        seen.append(list(org_ids))
        return each(org_ids, lambda o: {"org_id": o})

    monkeypatch.setitem(steps.ORG_STEPS, "gate_and_load", fake)
    monkeypatch.setattr(t, "pipeline_settings", lambda registry: None)
    out = t.shard_step(
        "gate_and_load", shard, t.window_of(_interval()), collected={("beta", "x:beta")}
    )
    assert seen == [["beta"]]
    assert "q.yaml" in out["failed"]["acme"]


def test_other_errors_are_left_to_airflows_retries() -> None:
    from maturity.errors import WarehouseError

    with pytest.raises(WarehouseError), t.failing_fast():
        raise WarehouseError("down")


ORG = {"org_id": "acme", "accounts": ["x:Acme", "reddit:AcmeCo"]}


def test_check_collected_passes_when_every_account_landed() -> None:
    landed = [
        {"step": "collecting x", "done": {"x:acme": {"org_id": "acme"}}, "failed": {}},
        {
            "step": "collecting reddit",
            "done": {"reddit:acmeco": {"org_id": "acme"}, "reddit:beta": {"org_id": "beta"}},
            "failed": {},
        },
        None,
    ]
    t.check_collected(ORG, t.collected_accounts(landed))


def test_check_collected_names_the_accounts_that_failed() -> None:
    landed = [{"done": {"x:acme": {"org_id": "acme"}}, "failed": {"reddit:acmeco": "503"}}]
    with pytest.raises(t.CollectionIncomplete, match=r"acme: collecting reddit:AcmeCo failed"):
        t.check_collected(ORG, t.collected_accounts(landed))


def test_an_account_of_another_organisation_does_not_count() -> None:
    landed = [
        {"done": {"x:acme": {"org_id": "beta"}, "reddit:acmeco": {"org_id": "acme"}}},
    ]
    with pytest.raises(t.CollectionIncomplete, match="x:Acme"):
        t.check_collected(ORG, t.collected_accounts(landed))


def test_outcome_splits_written_and_failed_with_reasons() -> None:
    shards = [
        {"orgs": [{"org_id": "a"}, {"org_id": "b"}]},
        {"orgs": [{"org_id": "c"}]},
        {"orgs": [{"org_id": "d"}]},
    ]
    steps = [
        {"step": "gate_and_load", "done": {"a": {}}, "failed": {"b": "collecting x:B failed"}},
        {
            "step": "gate_and_load",
            "done": {"c": {"failed_checks": {"x:C": ["posts.like_count_not_negative"]}}},
            "failed": {},
        },
        {"step": "score", "done": {"a": {}}, "failed": {}},
        {"step": "score", "done": {"c": {}}, "failed": {}},
        None,
    ]
    assert t.outcome(shards, steps) == {
        "written": ["a", "c"],
        "failed": ["b", "d"],
        "reasons": {
            "b": "gate_and_load: collecting x:B failed",
            "d": "its shard's task failed; see its log",
        },
        "quarantined": {"c": {"x:C": ["posts.like_count_not_negative"]}},
    }


def test_quarantined_accounts_are_logged_with_their_checks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING"):
        t.log_quarantined({"c": {"x:C": ["posts.like_count_not_negative"]}})
    assert "c: x:C quarantined by the record gate (posts.like_count_not_negative)" in caplog.text


class _Ti:
    def __init__(self, try_number: int, max_tries: int) -> None:
        self.try_number, self.max_tries = try_number, max_tries


def test_the_last_try_is_the_one_after_every_retry() -> None:
    assert not t.last_try(_Ti(1, 2))
    assert not t.last_try(_Ti(2, 2))
    assert t.last_try(_Ti(3, 2))


def _outcome(done: dict, failed: dict) -> Any:
    from maturity.shards import Outcome

    return Outcome(done=dict(done), failed=dict(failed))


def test_finish_returns_the_summaries_when_everything_is_done() -> None:
    out = t.finish("load", _outcome({"a": {"loaded": 2}}, {}), final=False)
    assert out == {"step": "load", "done": {"a": {"loaded": 2}}, "failed": {}}


def test_finish_retries_the_shard_while_another_try_could_help() -> None:
    outcome = _outcome({"a": {}}, {"b": ConnectionError("reset by peer")})
    with pytest.raises(t.RetryShard, match=r"load failed for 1 of 2 \(b\).*reset by peer"):
        t.finish("load", outcome, final=False)


def test_on_the_last_try_the_failed_are_left_out_and_the_rest_go_on() -> None:
    outcome = _outcome({"a": {}}, {"b": ConnectionError("reset by peer")})
    out = t.finish("load", outcome, final=True)
    assert out["done"] == {"a": {}}
    assert out["failed"] == {"b": "ConnectionError: reset by peer"}


def test_bad_input_is_not_retried_and_fails_the_task_when_nothing_is_left() -> None:
    from airflow.sdk.exceptions import AirflowFailException

    from maturity.errors import InputError

    bad = InputError("questionnaire not found", where="q.yaml", fix="write it")
    partly = t.finish("metrics", _outcome({"a": {}}, {"b": bad}), final=False)
    assert partly["failed"]["b"] == "q.yaml: questionnaire not found Fix: write it"
    with pytest.raises(AirflowFailException, match="metrics failed for every one: b: "):
        t.finish("metrics", _outcome({}, {"b": bad}), final=False)


def test_a_shard_that_failed_entirely_is_retried_until_its_last_try() -> None:
    for final, says in ((False, "retrying the shard"), (True, "for every one")):
        with pytest.raises(t.RetryShard, match=says):
            t.finish("score", _outcome({}, {"a": OSError("disk full")}), final=final)


def test_gate_and_load_leaves_out_organisations_whose_accounts_were_not_collected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from maturity.pipeline import steps as pipeline
    from maturity.shards import each

    seen: list[list[str]] = []

    def fake(settings: object, org_ids: list[str], window: object) -> Any:
        seen.append(list(org_ids))
        return each(org_ids, lambda o: {"org_id": o})

    monkeypatch.setitem(pipeline.ORG_STEPS, "gate_and_load", fake)
    monkeypatch.setattr(t, "pipeline_settings", lambda registry: None)
    shard = {"registry": "r.yaml", "orgs": [ORG, {"org_id": "beta", "accounts": ["x:Beta"]}]}
    collected = {("acme", "x:acme"), ("beta", "x:beta")}
    out = t.shard_step("gate_and_load", shard, t.window_of(_interval()), collected=collected)
    assert seen == [["beta"]]
    assert list(out["done"]) == ["beta"]
    assert "collecting reddit:AcmeCo failed" in out["failed"]["acme"]


def test_later_steps_run_only_what_the_previous_step_did(monkeypatch: pytest.MonkeyPatch) -> None:
    from maturity.pipeline import steps as pipeline
    from maturity.shards import each

    seen: list[list[str]] = []

    def fake(settings: object, org_ids: list[str], window: object) -> Any:
        seen.append(list(org_ids))
        return each(org_ids, lambda o: {"org_id": o})

    monkeypatch.setitem(pipeline.ORG_STEPS, "metrics", fake)
    monkeypatch.setattr(t, "pipeline_settings", lambda registry: None)
    shard = {"registry": "r.yaml", "orgs": [ORG, {"org_id": "beta", "accounts": []}]}
    previous = {"step": "gate_and_load", "done": {"beta": {}}, "failed": {"acme": "x"}}
    out = t.shard_step("metrics", shard, t.window_of(_interval()), previous=previous)
    assert seen == [["beta"]]
    assert out == {"step": "metrics", "done": {"beta": {"org_id": "beta"}}, "failed": {}}


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
    shard = {"registry": "r.yaml", "orgs": [ORG]}
    with pytest.raises(ValueError, match="unknown step"):
        t.shard_step("explode", shard, t.window_of(_interval()))


def _interval() -> dict:
    return {
        "data_interval_start": datetime(2026, 10, 26, tzinfo=UTC),
        "data_interval_end": datetime(2026, 11, 2, tzinfo=UTC),
    }


def test_the_dag_steps_are_the_pipelines_shard_steps_in_order() -> None:
    from maturity.airflow import names
    from maturity.pipeline import steps as pipeline

    assert tuple(pipeline.ORG_STEPS) == names.ORG_STEPS


def test_a_rate_limit_reschedule_comes_back_after_the_reset_and_never_too_soon() -> None:
    """A reschedule whose date passes before the task process exits is lost by Airflow (a
    retry minutes later), so a reset a few seconds away is pushed to the margin; a later reset
    is kept, one second after it."""
    from datetime import UTC, datetime, timedelta

    from maturity.airflow.assessment_tasks import RESCHEDULE_MARGIN_SECONDS, reschedule_date

    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    margin = timedelta(seconds=RESCHEDULE_MARGIN_SECONDS)
    assert reschedule_date(now + timedelta(seconds=6), now) == now + margin
    assert reschedule_date(now + timedelta(seconds=300), now) == now + timedelta(seconds=301)
    assert reschedule_date(now - timedelta(seconds=2), now) == now + margin
