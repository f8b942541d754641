"""The DAG files parse without errors, quickly, and every DAG and task follows the house rules."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from maturity.airflow import names

pytestmark = pytest.mark.unit

DAGS = Path(__file__).resolve().parents[3] / "dags"
POOLS = {"default_pool", *names.POOL_BY_PLATFORM.values()}


@pytest.fixture(scope="module")
def dagbag() -> Iterator[Any]:
    from airflow.dag_processing.dagbag import DagBag

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        mp.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS))
        started = time.perf_counter()
        bag = DagBag(dag_folder=DAGS, known_pools=POOLS)
        elapsed = time.perf_counter() - started
        # recorded, not asserted: speed is for the benchmark (maturity.sandbox.bench.dag_bench)
        print(f"\nparsed {len(bag.dags)} DAGs from {DAGS} in {elapsed:.3f} s")
        yield bag


def test_dags_parse_without_import_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dags) == {names.ASSESSMENT_DAG_ID, names.VIEWS_DAG_ID}


def test_every_dag_has_docs_tags_owner_and_retries(dagbag: Any) -> None:
    for dag in dagbag.dags.values():
        assert dag.doc_md, dag.dag_id
        assert len(dag.doc_md.strip()) > 100, dag.dag_id
        assert "maturity" in dag.tags, dag.dag_id
        assert dag.owner == names.OWNER, dag.dag_id
        assert dag.default_args["retries"] >= 2, dag.dag_id
        assert dag.max_active_runs == 1, dag.dag_id


def test_every_task_retries_with_backoff_and_has_a_timeout(dagbag: Any) -> None:
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            where = f"{dag.dag_id}.{task.task_id}"
            assert task.retries >= 2, where
            assert task.retry_exponential_backoff, where
            assert task.owner == names.OWNER, where
            assert isinstance(task.execution_timeout, timedelta), where
            assert timedelta(0) < task.execution_timeout <= timedelta(hours=2), where


def test_assessment_dag_shape(dagbag: Any) -> None:
    dag = dagbag.dags[names.ASSESSMENT_DAG_ID]
    assert set(dag.task_ids) == {
        "plan",
        "organisation.collect_x",
        "organisation.collect_reddit",
        "organisation.collect_mastodon",
        "organisation.collect_bluesky",
        "organisation.gate_and_load",
        "organisation.metrics",
        "organisation.score",
        "publish",
        "report",
    }
    chain = ["organisation.gate_and_load", "organisation.metrics"]
    for before, after in zip(chain, [*chain[1:], "organisation.score"], strict=True):
        assert after in dag.get_task(before).downstream_task_ids
    collect = set(names.collect_task_ids())
    assert collect == {f"organisation.collect_{p}" for p in ("x", "reddit", "mastodon", "bluesky")}
    # a shard's steps wait for its own collect tasks, in its group, not for every shard's
    assert dag.get_task("organisation.gate_and_load").upstream_task_ids == collect | {"plan"}
    assert dag.get_task("plan").downstream_task_ids == collect | {
        "organisation.gate_and_load",
        "organisation.metrics",
        "organisation.score",
    }
    for task_id in collect:
        assert dag.get_task(task_id).task_group.group_id == names.ORG_GROUP
    assert dag.get_task("report").upstream_task_ids == {"publish"}
    assert not dag.catchup


def test_collection_runs_in_one_pool_per_credential(dagbag: Any) -> None:
    dag = dagbag.dags[names.ASSESSMENT_DAG_ID]
    assert dag.get_task("organisation.collect_x").pool == names.X_POOL
    assert dag.get_task("organisation.collect_reddit").pool == names.REDDIT_POOL
    assert dag.get_task("organisation.collect_mastodon").pool == names.MASTODON_POOL
    assert dag.get_task("organisation.collect_bluesky").pool == names.BLUESKY_POOL
    for task in dag.tasks:
        if not task.task_id.startswith("organisation.collect_"):
            assert task.pool == "default_pool", task.task_id


def test_mapped_tasks_have_readable_map_indexes(dagbag: Any) -> None:
    dag = dagbag.dags[names.ASSESSMENT_DAG_ID]
    for step in ("collect_x", "collect_reddit", "gate_and_load", "metrics", "score"):
        template = dag.get_task(f"organisation.{step}").map_index_template
        assert template == "{{ task.op_kwargs['shard']['label'] }}", step


def test_one_failed_account_or_organisation_does_not_stop_the_others(dagbag: Any) -> None:
    from airflow.sdk import TriggerRule

    dag = dagbag.dags[names.ASSESSMENT_DAG_ID]
    assert dag.get_task("organisation.gate_and_load").trigger_rule == TriggerRule.ALL_DONE
    assert dag.get_task("publish").trigger_rule == TriggerRule.ALL_DONE
    assert dag.get_task("report").trigger_rule == TriggerRule.ALL_DONE


def test_publish_updates_the_assessments_asset(dagbag: Any) -> None:
    dag = dagbag.dags[names.ASSESSMENT_DAG_ID]
    outlets = [o.uri for o in dag.get_task("publish").outlets]
    assert outlets == [names.ASSESSMENTS_URI]
    others = [t for t in dag.tasks if t.task_id != "publish" and t.outlets]
    assert others == []


def test_views_dag_is_scheduled_on_the_asset(dagbag: Any) -> None:
    dag = dagbag.dags[names.VIEWS_DAG_ID]
    assert [a.uri for a in dag.timetable.asset_condition.objects] == [names.ASSESSMENTS_URI]
    assert [t.task_id for t in dag.tasks] == ["refresh_views", "phase_changes"]


def test_schedule_is_weekly_with_a_one_week_data_interval(dagbag: Any) -> None:
    from datetime import UTC, datetime

    from airflow.serialization.encoders import coerce_to_core_timetable

    dag = dagbag.dags[names.ASSESSMENT_DAG_ID]
    timetable = coerce_to_core_timetable(dag.timetable)
    interval = timetable.infer_manual_data_interval(run_after=datetime(2026, 11, 2, tzinfo=UTC))
    assert interval.start == datetime(2026, 10, 26, tzinfo=UTC)
    assert interval.end == datetime(2026, 11, 2, tzinfo=UTC)
