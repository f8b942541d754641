"""The assessment DAG through real Airflow (``DAG.test()``: the scheduler's dependency rules,
mapping, retries, XComs and Assets) against the API emulator and an embedded warehouse."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from airflow_runs import Product, run_assessment, states
from sqlalchemy import MetaData, select

from maturity.sandbox.emulator import Emulator, FaultKind
from maturity.warehouse import Warehouse

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every warehouse table, in a stable order."""
    wh = Warehouse(url)
    try:
        meta = MetaData()
        meta.reflect(wh.engine)
        with wh.engine.connect() as c:
            return {
                name: sorted((tuple(r) for r in c.execute(select(table))), key=repr)
                for name, table in sorted(meta.tables.items())
            }
    finally:
        wh.dispose()


def sqlite_url(product: Product) -> str:
    return f"sqlite:///{json.loads(product.warehouse_url)['host']}"


def org_ids(product: Product) -> list[str]:
    return [o["id"] for o in product.registry["organisations"]]


def test_a_run_assesses_every_organisation_and_updates_the_asset(
    product: Product, airflow_home: Path
) -> None:
    started = time.perf_counter()
    result = run_assessment(product, airflow_home)
    print(
        f"\nDAG.test run of {len(org_ids(product))} organisations: "
        f"{time.perf_counter() - started:.1f} s"
    )
    assert result["state"] == "success", result["log"]
    assert result["data_interval"] == ["2026-10-26T00:00:00+00:00", "2026-11-02T00:00:00+00:00"]
    s = states(result)
    for org_id in org_ids(product):
        for step in ("gate_and_load", "metrics", "score"):
            assert s[(f"organisation.{step}", org_id)] == "success", (step, org_id)
    # a registry this small gets one shard per organisation: one collect task per
    # organisation and platform, labelled with the organisation; it collects where the
    # organisation has accounts and is skipped where it has none
    prefix = "organisation.collect_"
    collect = {k: v for k, v in s.items() if k[0] in (f"{prefix}x", f"{prefix}reddit")}
    platforms = {
        (o["id"], a["platform"])
        for o in product.registry["organisations"]
        for a in o["accounts"]
        if a["platform"] in ("x", "reddit")
    }
    ran = sorted(
        (label, task[len(prefix) :]) for (task, label), st in collect.items() if st == "success"
    )
    assert ran == sorted(platforms)
    skipped = {
        (label, task[len(prefix) :]) for (task, label), st in collect.items() if st == "skipped"
    }
    assert len(collect) == len(ran) + len(skipped) == 2 * len(org_ids(product))
    assert not skipped & platforms
    [event] = result["asset_events"]
    assert event["source_task_id"] == "publish"
    assert event["extra"]["written"] == len(org_ids(product))
    assert event["extra"]["failed"] == []
    assert event["extra"]["window"] == "2026-10-26T00:00:00+00:00/2026-11-02T00:00:00+00:00"

    wh = Warehouse(sqlite_url(product))
    try:
        for org_id in org_ids(product):
            data = wh.latest_assessment(org_id)
            assert data is not None, org_id
            assert data.run.trigger == "airflow"
            assert data.assessment.window.end.isoformat() == "2026-11-02T00:00:00+00:00"
    finally:
        wh.dispose()


HEADLINE = ("verdict", "phase", "maturity_index", "confidence", "coverage", "run_id")


def test_the_same_interval_twice_writes_the_same_rows(
    product: Product, airflow_home: Path, tmp_path: Path, airflow_template: Path
) -> None:
    import shutil

    first = run_assessment(product, airflow_home)
    assert first["state"] == "success", first["log"]
    before = dump(sqlite_url(product))
    results = headlines(sqlite_url(product))
    # A second Airflow installation (fresh metadata) reruns the same interval on the same
    # warehouse and landing: what a cleared DAG run or a backfill of that interval does.
    again = tmp_path / "airflow-again"
    again.mkdir()
    shutil.copy2(airflow_template / "airflow.db", again / "airflow.db")
    second = run_assessment(product, again)
    assert second["state"] == "success", second["log"]
    after = dump(sqlite_url(product))

    assert before["assessment"], "the run wrote assessments"
    assert set(after) == set(before)
    assert after["run"] == before["run"], "a rerun writes under the same run ids"
    assert headlines(sqlite_url(product)) == results, "a rerun changed an assessment's result"
    changed = {name for name in before if before[name] != after[name]}
    assert changed == set(), f"a rerun changed {sorted(changed)}"


def headlines(url: str) -> list[tuple[Any, ...]]:
    """Each assessment's key and result: what a reader of the warehouse sees."""
    from maturity.warehouse.schema import assessment

    wh = Warehouse(url)
    try:
        columns = [assessment.c[n] for n in (*KEY, *HEADLINE)]
        with wh.engine.connect() as c:
            return sorted(tuple(r) for r in c.execute(select(*columns)))
    finally:
        wh.dispose()


KEY = ("org_id", "window_start", "window_end", "rubric_id", "rubric_version")


def test_one_organisation_failing_does_not_stop_the_others(
    product: Product, airflow_home: Path, emulator: Emulator
) -> None:
    # Reddit answers 503 to everything, and only one organisation keeps its Reddit account.
    emulator.inject(FaultKind.SERVER_ERROR, route="reddit:*", every=1, status=503)
    orgs = sorted(
        product.registry["organisations"],
        key=lambda o: not any(a["platform"] == "reddit" for a in o["accounts"]),
    )
    product.registry["organisations"] = orgs
    reddit_org = orgs[0]["id"]
    assert any(a["platform"] == "reddit" for a in orgs[0]["accounts"])
    for org in orgs[1:]:
        org["accounts"] = [a for a in org["accounts"] if a["platform"] != "reddit"]
    # the second organisation's questionnaire does not exist: bad input, not retried
    orgs[1]["questionnaire"] = str(product.root / "missing-questionnaire.yaml")
    bad_input_org = orgs[1]["id"]
    product.connections["AIRFLOW_CONN_REDDIT_DEFAULT"] = _no_client_retries(
        product.connections["AIRFLOW_CONN_REDDIT_DEFAULT"]
    )

    result = run_assessment(product, airflow_home)

    assert result["state"] == "failed"
    s = states(result)
    tries = {(t["task_id"], t["label"]): t["try_number"] for t in result["tasks"]}
    reddit_tasks = [k for k in s if k[0] == "organisation.collect_reddit" and s[k] != "skipped"]
    assert [s[k] for k in reddit_tasks] == ["failed"]
    assert tries[reddit_tasks[0]] == 3, "two Airflow retries with backoff"
    assert s[("organisation.gate_and_load", reddit_org)] == "failed"
    # its bad input is found by plan: nothing of it is collected, and it fails at the first
    # organisation step, not retried
    assert s[("organisation.gate_and_load", bad_input_org)] == "failed"
    assert tries[("organisation.gate_and_load", bad_input_org)] == 1, "bad input is not retried"
    bad_collect = {k: v for k, v in s.items() if k[1] == bad_input_org and "collect_" in k[0]}
    assert bad_collect, "its shard has its collect tasks"
    assert set(bad_collect.values()) == {"skipped"}, bad_collect
    healthy = [o["id"] for o in orgs[2:]]
    for org_id in healthy:
        assert s[("organisation.score", org_id)] == "success", org_id
    assert s[("publish", "-1")] == "success"
    assert s[("report", "-1")] == "failed"
    [event] = result["asset_events"]
    assert event["extra"]["failed"] == sorted([reddit_org, bad_input_org])
    assert event["extra"]["written"] == len(healthy)

    log = Path(result["log"]).read_text()
    assert f"{reddit_org}: collecting reddit:" in log
    assert "were not assessed" in log
    wh = Warehouse(sqlite_url(product))
    try:
        for org_id in healthy:
            assert wh.latest_assessment(org_id) is not None, org_id
        written = {o.org_id for o in wh.list_organisations()}
        for org_id in (reddit_org, bad_input_org):
            assert org_id not in written or wh.latest_assessment(org_id) is None
    finally:
        wh.dispose()


def _no_client_retries(conn_json: str) -> str:
    conn = json.loads(conn_json)
    conn.setdefault("extra", {})["max_retries"] = 0
    return json.dumps(conn)
