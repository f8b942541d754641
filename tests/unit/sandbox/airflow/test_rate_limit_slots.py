"""``rate_limit_slot_seconds``: worker slot-seconds held while waiting for a rate limit, from a
DAG run's metadata rows (the columns Airflow 3 writes) and its task log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from maturity.sandbox.airflow.slots import inline_wait_seconds, rate_limit_slot_seconds

pytestmark = pytest.mark.unit

SCHEMA = (
    "CREATE TABLE task_instance (id TEXT, dag_id TEXT, run_id TEXT, task_id TEXT, "
    "start_date TIMESTAMP, end_date TIMESTAMP)",
    "CREATE TABLE task_instance_history (task_instance_id TEXT, dag_id TEXT, run_id TEXT, "
    "task_id TEXT, start_date TIMESTAMP, end_date TIMESTAMP)",
    "CREATE TABLE task_reschedule (id INTEGER, ti_id TEXT, start_date TIMESTAMP, "
    "end_date TIMESTAMP, duration INTEGER, reschedule_date TIMESTAMP)",
)


def _db(tmp_path: Path, rows: list[str]) -> str:
    url = f"sqlite:///{tmp_path / 'airflow.db'}"
    engine = create_engine(url)
    with engine.begin() as c:
        for statement in (*SCHEMA, *rows):
            c.execute(text(statement))
    engine.dispose()
    return url


def test_a_rescheduled_wait_holds_no_slot_and_is_counted_as_deferred(tmp_path: Path) -> None:
    url = _db(
        tmp_path,
        [
            # the collect task ran 10:00:00-10:00:02, was rescheduled for 10:01:00 and ran
            # again 10:01:01-10:01:03; another task and another run are not counted
            "INSERT INTO task_instance VALUES ('a', 'd', 'r', 'organisation.collect_x', "
            "'2026-01-01 10:01:01', '2026-01-01 10:01:03')",
            "INSERT INTO task_reschedule VALUES (1, 'a', '2026-01-01 10:00:02', "
            "'2026-01-01 10:00:02', 0, '2026-01-01 10:01:00')",
            "INSERT INTO task_instance VALUES ('b', 'd', 'r', 'report', "
            "'2026-01-01 10:00:00', '2026-01-01 10:05:00')",
            "INSERT INTO task_reschedule VALUES (2, 'b', '2026-01-01 10:00:02', "
            "'2026-01-01 10:00:02', 0, '2026-01-01 10:03:00')",
            "INSERT INTO task_instance VALUES ('c', 'd', 'other', 'organisation.collect_x', "
            "'2026-01-01 10:00:00', '2026-01-01 10:05:00')",
        ],
    )
    slots = rate_limit_slot_seconds(url, "d", "r")
    assert slots.reschedules == 1
    assert slots.deferred_seconds == 58.0
    assert slots.held_seconds == 0.0


def test_an_attempt_running_before_its_reset_and_inline_waits_count_as_held(
    tmp_path: Path,
) -> None:
    url = _db(
        tmp_path,
        [
            # the next attempt started 20 s before the reset it was rescheduled for
            "INSERT INTO task_instance VALUES ('a', 'd', 'r', 'organisation.collect_x', "
            "'2026-01-01 10:00:40', '2026-01-01 10:01:10')",
            "INSERT INTO task_reschedule VALUES (1, 'a', '2026-01-01 10:00:02', "
            "'2026-01-01 10:00:02', 0, '2026-01-01 10:01:00')",
        ],
    )
    log = (
        "x account @a, GET /2/users/1/tweets: HTTP 429 Too Many Requests; waiting 4.0 s before "
        "attempt 2 of 5\n"
        "x account @a, GET /2/users/1/tweets: HTTP 503 Service Unavailable; waiting 0.5 s "
        "before attempt 2 of 5\n"
        "reddit account u/b, GET /user/b/about: the rate limit is used up; waiting 2.5 s for "
        "its reset\n"
    )
    assert inline_wait_seconds([log]) == 6.5, "429 and used-up waits, not 5xx backoff"
    slots = rate_limit_slot_seconds(url, "d", "r", logs=[log])
    assert slots.overlap_seconds == 20.0
    assert slots.held_seconds == 26.5


def test_another_task_running_during_a_wait_holds_no_slot_for_it(tmp_path: Path) -> None:
    url = _db(
        tmp_path,
        [
            # collect_x waits 10:00:02-10:01:00 (rescheduled) and runs again after its reset;
            # collect_reddit runs 10:00:10-10:00:50, inside that wait: its own work
            "INSERT INTO task_instance VALUES ('a', 'd', 'r', 'organisation.collect_x', "
            "'2026-01-01 10:01:01', '2026-01-01 10:01:03')",
            "INSERT INTO task_reschedule VALUES (1, 'a', '2026-01-01 10:00:02', "
            "'2026-01-01 10:00:02', 0, '2026-01-01 10:01:00')",
            "INSERT INTO task_instance VALUES ('b', 'd', 'r', 'organisation.collect_reddit', "
            "'2026-01-01 10:00:10', '2026-01-01 10:00:50')",
        ],
    )
    slots = rate_limit_slot_seconds(url, "d", "r")
    assert slots.reschedules == 1
    assert slots.overlap_seconds == 0.0
    assert slots.held_seconds == 0.0
