"""
### Social Business maturity assessment

Collects every organisation in the registry over the run's **data interval** (by default the
week before each Monday 00:00 UTC; `MATURITY_SCHEDULE`, `MATURITY_INTERVAL_DAYS`) and assesses
the trailing 91 days ending with it (`MATURITY_LOOKBACK_DAYS`). A rerun of the same interval
writes the same rows.

1. **plan** reads the registry (`MATURITY_REGISTRY`, default the demo registry) inside the task;
   **accounts_x** / **accounts_reddit** list the accounts per platform.
2. **collect_x** / **collect_reddit**: one mapped task per account, landing raw API pages, in
   the pools `x_api` and `reddit_api` (one pool per API credential).
3. **organisation** (mapped per organisation): validate → load → metrics → score. An
   organisation whose accounts were not all collected, or whose step fails, stops there; the
   others go on.
4. **publish** updates the Asset `x-maturity://warehouse/assessments` once the assessments are
   committed, which triggers `social_maturity_views`.
5. **report** fails the run, naming them, if any organisation was not assessed.

Connections: `x_default`, `reddit_default`, `maturity_warehouse`. See docs/airflow.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, CronTriggerTimetable, TriggerRule, dag, task, task_group

from maturity.airflow import names
from maturity.airflow.schedule import AssessmentSchedule

SCHEDULE = AssessmentSchedule.from_environment()
ASSESSMENTS = Asset(names.ASSESSMENTS_URI)
PLATFORMS = tuple(names.POOL_BY_PLATFORM)
SCORE_TASK = "organisation.score"
ORG_LABEL = "{{ task.op_kwargs['org']['org_id'] }}"
ACCOUNT_LABEL = "{{ task.op_kwargs['account']['org_id'] }} {{ task.op_kwargs['account']['platform'] }}:{{ task.op_kwargs['account']['handle'] }}"  # noqa: E501


def org_task(step: str, trigger_rule: TriggerRule = TriggerRule.ALL_SUCCESS) -> Any:
    """A task running ``maturity.pipeline.<step>_org`` for one organisation (mapped)."""

    @task(
        task_id=step,
        execution_timeout=timedelta(minutes=30),
        map_index_template=ORG_LABEL,
        trigger_rule=trigger_rule,
        doc_md=f"`maturity.pipeline.{step}_org` for one organisation and the data interval.",
    )
    def run(org: dict[str, Any], previous: Any = None) -> dict[str, Any]:
        from airflow.sdk import get_current_context

        from maturity.airflow import assessment_tasks as t

        context = get_current_context()
        if step == "validate":
            landed = context["ti"].xcom_pull(task_ids=[f"collect_{p}" for p in PLATFORMS])
            t.check_collected(org, landed or [])
        return t.org_step(step, org, t.window_of(context))

    return run


@task(execution_timeout=timedelta(minutes=10))
def plan() -> list[dict[str, Any]]:
    """Read the organisation registry: one entry per organisation, with its accounts."""
    from maturity.airflow import assessment_tasks as t

    return t.plan(t.registry_path())


@task(execution_timeout=timedelta(minutes=10))
def accounts(orgs: list[dict[str, Any]], platform: str) -> list[dict[str, str]]:
    """The accounts on one platform, to map the collect task over."""
    from maturity.airflow import assessment_tasks as t

    return t.accounts(orgs, platform)


@task(execution_timeout=timedelta(hours=2), map_index_template=ACCOUNT_LABEL)
def collect(account: dict[str, str]) -> dict[str, Any]:
    """Land one account's raw API pages for the data interval."""
    from airflow.sdk import get_current_context

    from maturity.airflow import assessment_tasks as t

    return t.collect(account, t.window_of(get_current_context()))


@task(
    outlets=[ASSESSMENTS],
    trigger_rule=TriggerRule.ALL_DONE,
    execution_timeout=timedelta(minutes=10),
)
def publish() -> dict[str, Any]:
    """Update the assessments Asset once at least one organisation's assessment is written."""
    from airflow.sdk import get_current_context
    from airflow.sdk.exceptions import AirflowSkipException

    from maturity.airflow import assessment_tasks as t

    context = get_current_context()
    ti = context["ti"]
    outcome = t.outcome(
        ti.xcom_pull(task_ids="plan") or [], ti.xcom_pull(task_ids=[SCORE_TASK]) or []
    )
    if not outcome["written"]:
        raise AirflowSkipException("no assessment was written in this run; Asset not updated")
    context["outlet_events"][ASSESSMENTS].extra = {
        "window": t.window_of(context).key,
        "written": len(outcome["written"]),
        "failed": outcome["failed"],
    }
    return outcome


@task(trigger_rule=TriggerRule.ALL_DONE, execution_timeout=timedelta(minutes=10))
def report() -> dict[str, Any]:
    """Fail the run, naming them, when any organisation was not assessed."""
    from airflow.sdk import get_current_context
    from airflow.sdk.exceptions import AirflowFailException

    from maturity.airflow import assessment_tasks as t

    ti = get_current_context()["ti"]
    orgs = ti.xcom_pull(task_ids="plan")
    if orgs is None:
        raise AirflowFailException("plan did not list the organisations; see its log")
    outcome = t.outcome(orgs, ti.xcom_pull(task_ids=[SCORE_TASK]) or [])
    if outcome["failed"]:
        raise AirflowFailException(
            f"{len(outcome['failed'])} of {len(orgs)} organisations were not assessed: "
            f"{', '.join(outcome['failed'])}. Their failed tasks say why."
        )
    return outcome


@dag(
    dag_id=names.ASSESSMENT_DAG_ID,
    schedule=CronTriggerTimetable(SCHEDULE.cron, timezone="UTC", interval=SCHEDULE.interval),
    start_date=SCHEDULE.start_date,
    catchup=SCHEDULE.catchup,
    max_active_runs=1,
    default_args=SCHEDULE.default_args(names.OWNER),
    doc_md=__doc__,
    tags=list(names.TAGS),
)
def social_maturity_assessment() -> None:
    planned = plan()
    collected = [
        collect.override(task_id=f"collect_{platform}", pool=pool).expand(
            account=accounts.override(task_id=f"accounts_{platform}")(planned, platform)
        )
        for platform, pool in names.POOL_BY_PLATFORM.items()
    ]
    validate = org_task("validate", TriggerRule.ALL_DONE)
    load, metrics, score = org_task("load"), org_task("metrics"), org_task("score")

    @task_group(group_id="organisation")
    def organisation(org: dict[str, Any]) -> Any:
        # validate runs once every collect task is done, whatever its state, and checks that
        # this organisation's accounts were all collected: a failed account stops only its
        # own organisation, and the other organisations go on.
        checked = validate(org=org)
        collected >> checked
        loaded = load(org=org, previous=checked)
        computed = metrics(org=org, previous=loaded)
        return score(org=org, previous=computed)

    scored = organisation.expand(org=planned)
    scored >> publish() >> report()


social_maturity_assessment()
