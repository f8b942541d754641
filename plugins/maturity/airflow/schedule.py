"""When the assessment DAG runs, which window each run collects, and how tasks retry.

Read from environment variables when a DAG file is parsed: that is cheap and does no I/O beyond
``os.environ`` (no Airflow Variables, no database). Every value has a default; a malformed one
raises :class:`~maturity.errors.ConfigError` naming the variable, which the DAG processor shows
as the file's import error. Standard library only.

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

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from maturity.errors import ConfigError

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
        env = os.environ if env is None else env
        return cls(
            cron=_cron(env),
            interval=timedelta(days=_int(env, "MATURITY_INTERVAL_DAYS", DEFAULT_INTERVAL_DAYS, 1)),
            start_date=_start(env),
            catchup=_flag(env, "MATURITY_CATCHUP", False),
            retries=_int(env, "MATURITY_RETRIES", 3, MIN_RETRIES),
            retry_delay=timedelta(seconds=_int(env, "MATURITY_RETRY_DELAY", 300, 1)),
            max_retry_delay=timedelta(seconds=_int(env, "MATURITY_MAX_RETRY_DELAY", 3600, 1)),
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


def _raw(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _cron(env: Mapping[str, str]) -> str:
    value = _raw(env, "MATURITY_SCHEDULE") or DEFAULT_CRON
    if not _CRON.match(value):
        raise ConfigError(
            f"'{value}' is not a cron expression",
            where="MATURITY_SCHEDULE",
            fix="use five cron fields in UTC, e.g. '0 0 * * 1' (Mondays at midnight)",
        )
    return value


def _int(env: Mapping[str, str], name: str, default: int, low: int) -> int:
    value = _raw(env, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"'{value}' is not a whole number", where=name) from None
    if number < low:
        raise ConfigError(f"{number} is less than {low}", where=name)
    return number


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = _raw(env, name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"'{value}' is not true or false", where=name)


def _start(env: Mapping[str, str]) -> datetime:
    value = _raw(env, "MATURITY_START_DATE")
    if value is None:
        return DEFAULT_START
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"'{value}' is not a date", where="MATURITY_START_DATE", fix="write it as YYYY-MM-DD"
        ) from None
    return datetime.combine(day, datetime.min.time(), UTC)
