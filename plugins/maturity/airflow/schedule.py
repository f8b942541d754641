"""When the assessment DAG runs, which window each run collects, and how tasks retry.

Read from environment variables (through ``maturity.pipeline.settings``) when a DAG file is
parsed: that is cheap and does no I/O beyond ``os.environ`` (no Airflow Variables, no
database). Every value has a default; a malformed one raises
:class:`~maturity.errors.ConfigError` naming the variable, which the DAG processor shows as the
file's import error. Light imports only.

============================  =========================  ======================================
variable                      default                    meaning
============================  =========================  ======================================
``MATURITY_SCHEDULE``         ``0 0 * * 1``              cron (UTC): when a run starts; Mondays
``MATURITY_INTERVAL_DAYS``    ``7``                      the data interval: the days before
                                                         the run's time that it collects
``MATURITY_START_DATE``       ``2026-01-05``             first possible run (a Monday, UTC)
``MATURITY_CATCHUP``          ``false``                  create the runs missed since then
``MATURITY_RETRIES``          ``3``                      retries per task (at least 2)
``MATURITY_RETRY_DELAY``      ``300``                    seconds before the first retry; doubles
``MATURITY_MAX_RETRY_DELAY``  ``3600``                   seconds, the most a retry waits
============================  =========================  ======================================

The data interval is the *collection window* (what is fetched, validated and loaded). The
pipeline scores the trailing ``MATURITY_LOOKBACK_DAYS`` (91 by default) ending with it, so a
weekly run judges a quarter of behaviour (see ``maturity.pipeline``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from maturity.errors import ConfigError
from maturity.pipeline import settings

DEFAULT_CRON = "0 0 * * 1"
DEFAULT_INTERVAL_DAYS = 7
DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC)
MIN_RETRIES = 2

_CRON_FIELD = r"[\d*/,\-A-Za-z?]+"
_CRON = re.compile(rf"^(@\w+|{_CRON_FIELD}(\s+{_CRON_FIELD}){{4,5}})$")


@dataclass(frozen=True)
class AssessmentSchedule:
    cron: str = DEFAULT_CRON
    interval: timedelta = timedelta(days=DEFAULT_INTERVAL_DAYS)
    start_date: datetime = DEFAULT_START
    catchup: bool = False
    retries: int = 3
    retry_delay: timedelta = timedelta(seconds=300)
    max_retry_delay: timedelta = timedelta(seconds=3600)

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> AssessmentSchedule:
        s = settings
        return cls(
            cron=_cron(env),
            interval=timedelta(days=s.read_int(env, s.INTERVAL_DAYS, DEFAULT_INTERVAL_DAYS, 1)),
            start_date=_start(env),
            catchup=s.read_flag(env, s.CATCHUP, False),
            retries=s.read_int(env, s.RETRIES, 3, MIN_RETRIES),
            retry_delay=timedelta(seconds=s.read_int(env, s.RETRY_DELAY, 300, 1)),
            max_retry_delay=timedelta(seconds=s.read_int(env, s.MAX_RETRY_DELAY, 3600, 1)),
        )

    def default_args(self, owner: str) -> dict[str, object]:
        """Airflow ``default_args``: owner, retries with exponential backoff."""
        return {
            "owner": owner,
            "retries": self.retries,
            "retry_delay": self.retry_delay,
            "retry_exponential_backoff": True,
            "max_retry_delay": max(self.max_retry_delay, self.retry_delay),
        }


def _cron(env: Mapping[str, str] | None) -> str:
    value = settings.read_text(env, settings.SCHEDULE) or DEFAULT_CRON
    if not _CRON.match(value):
        raise ConfigError(
            f"'{value}' is not a cron expression",
            where=settings.SCHEDULE,
            fix="use five cron fields in UTC, e.g. '0 0 * * 1' (Mondays at midnight)",
        )
    return value


def _start(env: Mapping[str, str] | None) -> datetime:
    value = settings.read_text(env, settings.START_DATE)
    if value is None:
        return DEFAULT_START
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"'{value}' is not a date", where=settings.START_DATE, fix="write it as YYYY-MM-DD"
        ) from None
    return datetime.combine(day, datetime.min.time(), UTC)
