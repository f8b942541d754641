"""
### Social Business maturity: dashboard views and phase changes

Runs whenever `social_maturity_assessment` has committed assessments (the Asset
`x-maturity://warehouse/assessments`).

1. **refresh_views** re-creates the warehouse's dashboard views from `sql/views/`, in one
   transaction.
2. **phase_changes** compares each organisation's latest two assessments and logs a warning per
   organisation whose phase changed; its XCom is the list of changes.

Connection: `maturity_warehouse`. See docs/airflow.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, dag, task

from maturity.airflow import names
from maturity.airflow.schedule import AssessmentSchedule

SCHEDULE = AssessmentSchedule.from_environment()


@task(execution_timeout=timedelta(minutes=15))
def refresh_views() -> dict[str, Any]:
    """Drop and create the dashboard views from their SQL files."""
    from maturity.airflow import views_tasks

    return views_tasks.refresh_views()


@task(execution_timeout=timedelta(minutes=30))
def phase_changes() -> dict[str, Any]:
    """Warn about every organisation whose latest two assessments differ in phase."""
    from maturity.airflow import views_tasks

    return views_tasks.phase_changes()


@dag(
    dag_id=names.VIEWS_DAG_ID,
    schedule=[Asset(names.ASSESSMENTS_URI)],
    start_date=SCHEDULE.start_date,
    catchup=False,
    max_active_runs=1,
    default_args=SCHEDULE.default_args(names.OWNER),
    doc_md=__doc__,
    tags=[*names.TAGS, "views"],
)
def social_maturity_views() -> None:
    refresh_views() >> phase_changes()


social_maturity_views()
