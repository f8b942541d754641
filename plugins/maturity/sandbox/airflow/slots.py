"""Worker slot-seconds held while waiting for a rate limit, from a finished DAG run.

A collect task meets a rate limit in one of two ways:

* it waits inline (a reset within ``max_inline_wait``, or outside a scheduler): the task is
  RUNNING and holds its worker and pool slot for the whole wait. The policy logs each such
  wait (``waiting N s for its reset`` / ``HTTP 429 ...; waiting N s before attempt``);
* it is rescheduled (``AirflowRescheduleException``): Airflow records a ``task_reschedule``
  row with the attempt's end and the ``reschedule_date``; from the end of the
  attempt to the reschedule date the task is UP_FOR_RESCHEDULE and holds no slot.

:func:`rate_limit_slot_seconds` adds up both from the run's metadata database and the task
logs: the slot-seconds held while waiting (inline waits, plus any RUNNING time of the task
that overlaps a reschedule wait), and the seconds waited without a slot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from maturity.airflow import names

INLINE_WAIT = re.compile(
    r"(?:the rate limit is used up; waiting|HTTP 429 Too Many Requests[^;\n]*; waiting) "
    r"(\d+(?:\.\d+)?) s"
)
"""The policy's log line of a rate-limit wait slept inside the task
(``maturity.connectors.transport`` and ``maturity.connectors.ratelimit``)."""


@dataclass(frozen=True)
class RateLimitSlots:
    reschedules: int
    """``task_reschedule`` rows of the run's matching tasks: rate limits met by rescheduling."""
    deferred_seconds: float
    """Seconds the tasks waited for a reset while rescheduled (end of the attempt to its
    reschedule date): waiting that held no worker slot."""
    inline_wait_seconds: float
    """Seconds of rate-limit waits the task logs show slept inside a running task."""
    overlap_seconds: float
    """RUNNING time of the tasks' recorded attempts (``task_instance`` and its history: the
    last attempt of each try) that overlaps a reschedule wait; 0 when no attempt ran before
    the reset it was rescheduled for."""

    @property
    def held_seconds(self) -> float:
        """Worker slot-seconds held while waiting for a rate limit."""
        return self.inline_wait_seconds + self.overlap_seconds


def _utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).replace(" ", "T")
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> float:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return max(0.0, (end - start).total_seconds())


def inline_wait_seconds(logs: Iterable[str]) -> float:
    """The seconds of every inline rate-limit wait logged in ``logs``."""
    return sum(float(m.group(1)) for text in logs for m in INLINE_WAIT.finditer(text))


def rate_limit_slot_seconds(
    metadata_url: str,
    dag_id: str,
    run_id: str,
    *,
    task_prefix: str = names.in_org_group("collect_"),
    logs: Iterable[str] = (),
) -> RateLimitSlots:
    """Rate-limit waiting of the tasks ``task_prefix*`` of DAG run ``run_id``, from Airflow's
    metadata database at ``metadata_url`` (a SQLAlchemy URL: the run's ``task_instance``,
    ``task_instance_history`` and ``task_reschedule`` rows) and the text of the tasks' logs
    (``logs``, for inline waits; pass those tasks' logs only)."""
    from sqlalchemy import create_engine, text

    where = "dag_id = :dag AND run_id = :run AND task_id LIKE :prefix"
    params = {"dag": dag_id, "run": run_id, "prefix": f"{task_prefix}%"}
    engine = create_engine(metadata_url)
    try:
        with engine.connect() as c:
            running = [
                (str(ti), _utc(start), _utc(end))
                for table, ti_col in (
                    ("task_instance", "id"),
                    ("task_instance_history", "task_instance_id"),
                )
                for ti, start, end in c.execute(
                    text(f"SELECT {ti_col}, start_date, end_date FROM {table} WHERE {where}"),
                    params,
                )
                if start is not None and end is not None
            ]
            waits = [
                (str(ti), _utc(end), _utc(again))
                for ti, end, again in c.execute(
                    text(
                        "SELECT ti_id, end_date, reschedule_date FROM task_reschedule WHERE "
                        f"ti_id IN (SELECT id FROM task_instance WHERE {where}) OR ti_id IN "
                        f"(SELECT task_instance_id FROM task_instance_history WHERE {where})"
                    ),
                    params,
                )
            ]
    finally:
        engine.dispose()
    attempts = sorted(set(running))
    # Only a task's own running time during its own wait holds a slot for that wait: another
    # task running meanwhile uses its slot for work.
    return RateLimitSlots(
        reschedules=len(waits),
        deferred_seconds=sum(max(0.0, (b - a).total_seconds()) for _, a, b in waits),
        inline_wait_seconds=inline_wait_seconds(logs),
        overlap_seconds=sum(
            _overlap((r[1], r[2]), (w[1], w[2])) for r in attempts for w in waits if r[0] == w[0]
        ),
    )
