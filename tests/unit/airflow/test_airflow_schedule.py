"""The assessment schedule from environment variables: defaults, overrides, errors that name
the variable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maturity.airflow.schedule import AssessmentSchedule
from maturity.errors import ConfigError

pytestmark = pytest.mark.unit


def test_defaults_are_weekly_with_retries_and_backoff() -> None:
    s = AssessmentSchedule.from_environment({})
    assert s.cron == "0 0 * * 1"
    assert s.interval == timedelta(days=7)
    assert s.start_date == datetime(2026, 1, 5, tzinfo=UTC)
    assert s.catchup is False
    args = s.default_args("maturity")
    assert args["owner"] == "maturity"
    assert args["retries"] == 3
    assert args["retry_exponential_backoff"] is True
    assert args["retry_delay"] == timedelta(minutes=5)
    assert args["max_retry_delay"] == timedelta(hours=1)


def test_every_value_can_be_set() -> None:
    s = AssessmentSchedule.from_environment(
        {
            "MATURITY_SCHEDULE": "30 4 * * *",
            "MATURITY_INTERVAL_DAYS": "1",
            "MATURITY_START_DATE": "2026-03-01",
            "MATURITY_CATCHUP": "true",
            "MATURITY_RETRIES": "5",
            "MATURITY_RETRY_DELAY": "2",
            "MATURITY_MAX_RETRY_DELAY": "1",
        }
    )
    assert (s.cron, s.interval, s.catchup, s.retries) == ("30 4 * * *", timedelta(days=1), True, 5)
    assert s.start_date == datetime(2026, 3, 1, tzinfo=UTC)
    # the cap never undercuts the first delay
    assert s.default_args("o")["max_retry_delay"] == timedelta(seconds=2)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MATURITY_SCHEDULE", "every monday", "not a cron expression"),
        ("MATURITY_INTERVAL_DAYS", "a week", "not a whole number"),
        ("MATURITY_INTERVAL_DAYS", "0", "less than 1"),
        ("MATURITY_RETRIES", "1", "less than 2"),
        ("MATURITY_START_DATE", "05/01/2026", "not a date"),
        ("MATURITY_CATCHUP", "maybe", "not true or false"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        AssessmentSchedule.from_environment({name: value})
    assert err.value.where == name
    assert message in err.value.what


def test_a_bad_value_is_the_dag_files_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from airflow.dag_processing.dagbag import DagBag

    dags = Path(__file__).resolve().parents[3] / "dags"
    monkeypatch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    monkeypatch.setenv("MATURITY_SCHEDULE", "weekly please")
    bag = DagBag(dag_folder=dags)
    errors = "\n".join(bag.import_errors.values())
    assert "MATURITY_SCHEDULE" in errors
    assert "not a cron expression" in errors
