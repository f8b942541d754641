"""Faults through the real DAG (``DAG.test()``: Airflow's retries, mapping and XComs) against
the emulator: one run with several faults at once, compared with a fault-free run of the
pipeline over the same world.

- a 5xx in the middle of paging an X timeline: retried by the client, nothing doubled;
- a 429 on X mentions with a reset a few seconds away (beyond the connection's
  ``max_inline_wait``): the collect task is rescheduled for the reset instead of sleeping in
  its worker slot, and the rescheduled attempt goes on from the pages already landed, with the
  same requests and the same warehouse as a fault-free run;
- a malformed X timeline page: the account fails, Airflow retries the collect task, and the
  retry (same DAG run) fetches only that account (the others are resumed from the landing);
- an organisation whose questionnaire does not exist: not collected, not assessed, named by
  the report; the others are assessed.

The emulator can aim a fault at a route and the n-th call to it, not at an account, so the
faults land on whichever accounts make those calls; the assertions find them in its call log.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from airflow_runs import Product, run_assessment, states
from sqlalchemy import create_engine, text

from maturity.airflow import names
from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.airflow.slots import rate_limit_slot_seconds
from maturity.sandbox.emulator import GENEROUS, Emulator, FaultKind, World
from maturity.sandbox.emulator.dispatch import CallRecord

pytestmark = [pytest.mark.integration, pytest.mark.slow]

USERS = "GET /2/users/by"
TWEETS = "GET /2/users/:id/tweets"
MENTIONS = "GET /2/users/:id/mentions"
TIMELINES = (TWEETS, MENTIONS)
MAX_INLINE_WAIT = 1.0
RESET_IN = 3.0
"""Beyond ``MAX_INLINE_WAIT``, and within the connection's ``max_rate_limit_wait`` (5 s) with
the reset rounded up to a whole second and a second for clock skew."""


def _calls(records: Sequence[CallRecord]) -> Counter[tuple[str, str]]:
    """X timeline calls as ``(path, query)``; the path names the account's user id."""
    return Counter(
        (r.path, json.dumps(sorted(r.query.items()))) for r in records if r.route in TIMELINES
    )


def _ids(url: str, org_ids: Sequence[str]) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {
                table: sorted(
                    tuple(r)
                    for r in c.execute(text(f"SELECT platform, {key}, org_id FROM {table}"))
                    if r[2] in org_ids
                )
                for table, key in (("post", "post_id"), ("inbound_message", "message_id"))
            }
    finally:
        engine.dispose()


def _reference(world: World, root: Path, org_ids: Sequence[str], win: Window) -> tuple[Any, Any]:
    """A fault-free collection and load of the organisations (the records are all this test
    compares, so no metrics or scores): its ids and timeline calls."""
    from maturity.pipeline.gate_and_load import gate_and_load_orgs

    home = fr.Home(root, world)
    with Emulator(world, limits=GENEROUS) as emu:
        settings = home.settings(emu)
        collected = fr.collect(settings, org_ids, win)
        log = emu.call_log
    assert not collected["failed"], collected["failed"]
    assert not gate_and_load_orgs(settings, org_ids, win).failed
    return _ids(home.warehouse_url, org_ids), _calls(log)


def test_faults_through_the_dag_fail_only_what_they_must_and_a_retry_resumes(
    product: Product, airflow_home: Path, emulator: Emulator, world: World, tmp_path: Path
) -> None:
    orgs = product.registry["organisations"]
    bad = orgs[2]["id"]
    orgs[2]["questionnaire"] = str(product.root / "missing-questionnaire.yaml")
    healthy = [o["id"] for o in orgs if o["id"] != bad]
    # one shard for every organisation: one collect_x task holds every X account
    product.extra["MATURITY_ORGS_PER_TASK"] = str(len(orgs))
    product.connections.update(
        fr.connection_env(emulator, x_extra={"max_inline_wait": MAX_INLINE_WAIT})
    )
    win = fr.window(7, fr.END)
    ref_ids, ref_calls = _reference(world, tmp_path / "reference", healthy, win)
    emulator.inject(FaultKind.SERVER_ERROR, route=TWEETS, at=(2,))
    emulator.inject(FaultKind.MALFORMED_JSON, route=TWEETS, at=(6,))
    # the first mentions call of the retry (the first attempt asks each account's mentions
    # once): the rate limit reschedules the last try, whose reschedule rows Airflow keeps
    # (a new try drops the earlier try's)
    first_try_mentions = sum(n for (path, _), n in ref_calls.items() if path.endswith("/mentions"))
    emulator.inject(
        FaultKind.RATE_LIMIT, route=MENTIONS, at=(first_try_mentions + 1,), reset_in=RESET_IN
    )

    started = time.perf_counter()
    result = run_assessment(product, airflow_home)
    print(f"\nDAG.test run with faults: {time.perf_counter() - started:.1f} s")
    log = emulator.call_log
    fired = {r.fault: r for r in log if r.fault}
    assert set(fired) == {"server_error", "malformed_json", "rate_limit"}, fired

    # the run fails for the organisation with bad input only, and the report says why
    assert result["state"] == "failed", result["log"]
    s = states(result)
    tries = {(t["task_id"], t["label"]): t["try_number"] for t in result["tasks"]}
    (collect_x,) = [k for k in s if k[0] == "organisation.collect_x"]
    assert s[collect_x] == "success"
    assert tries[collect_x] == 2, "the malformed page failed the first attempt; the retry passed"
    # one shard: its organisation steps succeed for the healthy organisations and record
    # the one with bad input as failed (not retried)
    for step in ("gate_and_load", "metrics", "score"):
        assert [v for k, v in s.items() if k[0] == f"organisation.{step}"] == ["success"], step
    assert s[("report", "-1")] == "failed"
    [event] = result["asset_events"]
    assert event["extra"]["failed"] == [bad]
    assert event["extra"]["written"] == len(healthy)
    run_log = Path(result["log"]).read_text()
    assert f"1 of {len(orgs)} organisations were not assessed: {bad} (" in run_log
    assert "questionnaire" in run_log.split(f"were not assessed: {bad} (", 1)[1].splitlines()[0]
    assert not any(r.route in TIMELINES and bad in r.path for r in log)

    # the 429 rescheduled the collect task (no sleep in its worker slot), and the rescheduled
    # attempt went on from the pages already landed
    assert "task rescheduled for" in run_log
    assert "no worker slot held" in run_log
    slots = rate_limit_slot_seconds(
        f"sqlite:///{airflow_home / 'airflow.db'}",
        names.ASSESSMENT_DAG_ID,
        result["run_id"],
        logs=[run_log],
    )
    print(f"rate-limit waiting: {slots}")
    assert slots.reschedules == 1, slots
    assert slots.deferred_seconds >= RESET_IN - 1, "the task waited for the reset, rescheduled"
    assert slots.inline_wait_seconds == 0, "no rate-limit wait was slept in a worker"
    assert slots.held_seconds < MAX_INLINE_WAIT, slots

    # the retry looked up and fetched only the account of the malformed page
    lookups = [i for i, r in enumerate(log) if r.route == USERS]
    assert len(lookups) == 2, "one handle lookup per try (the rescheduled attempt asks none)"
    retry = log[lookups[1] :]
    failed_user = fired["malformed_json"].path.split("/")[3]
    assert {r.path.split("/")[3] for r in retry if r.route in TIMELINES} == {failed_user}
    # the lookup of the retry asks for one organisation's handles, not every one
    assert len(log[lookups[1]].query["usernames"].split(",")) < sum(
        a["platform"] == "x" for o in orgs for a in o["accounts"] if o["id"] != bad
    )

    assert log.index(fired["rate_limit"]) > lookups[1], "the rate limit hit the retry"

    # nothing lost, nothing doubled: the healthy organisations' records are the fault-free
    # run's, and each account asked what it asks without faults (plus one repeat per fault:
    # the request a fault answered is asked again; the rescheduled attempt asked nothing the
    # interrupted one had landed)
    host = json.loads(product.warehouse_url)["host"]
    assert _ids(f"sqlite:///{host}", healthy) == ref_ids
    repeats = Counter((r.path, json.dumps(sorted(r.query.items()))) for r in fired.values())
    limited = fired["rate_limit"]
    assert _calls(retry) == Counter(
        {k: n for k, n in ref_calls.items() if failed_user in k[0]}
    ) + Counter({(limited.path, json.dumps(sorted(limited.query.items()))): 1})
    first_attempt = _calls(log[: lookups[1]])
    others = Counter({k: n for k, n in first_attempt.items() if failed_user not in k[0]})
    assert others == Counter(
        {k: n for k, n in ref_calls.items() if failed_user not in k[0]}
    ) + Counter({k: n for k, n in repeats.items() if failed_user not in k[0]})
