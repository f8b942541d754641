"""
### Social Business maturity assessment

Collects every organisation in the registry over the run's **data interval** (by default the
week before each Monday 00:00 UTC; `MATURITY_SCHEDULE`, `MATURITY_INTERVAL_DAYS`) and assesses
the trailing 91 days ending with it (`MATURITY_LOOKBACK_DAYS`). A rerun of the same interval
writes the same rows.

Tasks map over **shards**: consecutive organisations of the registry. A registry of up to 16
organisations gets one task per organisation; a larger one at most 16 tasks per step
(`MATURITY_ORGS_PER_TASK` sets the shard size). Each task is labelled with its organisation,
or with the first and last organisation of its shard.

1. **plan** reads the registry (`MATURITY_REGISTRY`, default the demo registry) inside the task
   and splits it into shards.
   plan also estimates each credential's requests per endpoint (the previous run's landed
   pages, or the first-run bound), warns at the start when the documented rate limits do not
   let the run finish within its interval, splits organisations over the credentials of
   `MATURITY_CREDENTIALS_<PLATFORM>` and admits whole organisations within the X connection's
   read budget (the others are named by the report).
2. **organisation** (mapped per shard) holds every step of one shard, so a shard goes on as soon
   as its own accounts are landed while other shards still wait for a rate limit:
   - **collect_<platform>** lands the raw API pages of the shard's accounts on that platform
     (x, reddit, mastodon, bluesky: `names.POOL_BY_PLATFORM`), in the pools `x_api`,
     `reddit_api`, `mastodon_api` and `bluesky_api` (one pool per API credential; a further
     credential `x_app2` gets `collect_x__x_app2` in pool `x_api__x_app2`). A shard without
     accounts on a platform skips that task.
   - **gate_and_load → metrics → score**. gate_and_load replays each account's landing once,
     runs the record quality gate and writes what passed in one transaction per organisation.
     An organisation whose accounts were not all collected, or whose step fails, stops there;
     the others go on. A shard is retried while another attempt could help; on its last
     attempt its failed organisations are logged and left out, and its task fails only if
     none is left.
3. **publish** updates the Asset `x-maturity://warehouse/assessments` once the assessments are
   committed, which triggers `social_maturity_views`.
4. **report** alerts the notifier named by the Airflow Variable `maturity_notify` (SMTP, Slack,
   ...) about phase changes in this window and organisations not assessed, and fails the run,
   naming them and why, if any organisation was not assessed.

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
# One collect task per platform and credential (MATURITY_CREDENTIALS_<PLATFORM>, read from the
# environment at parse time; no I/O). One credential per platform: collect_x in pool x_api.
CREDENTIALS = {platform: names.credentials(platform) for platform in PLATFORMS}
COLLECT_TASKS = names.collect_task_ids()
STEP_TASKS = [names.in_org_group(step) for step in names.ORG_STEPS]
SHARD_LABEL = "{{ task.op_kwargs['shard']['label'] }}"


def shard_task(step: str, trigger_rule: TriggerRule = TriggerRule.ALL_SUCCESS) -> Any:
    """A task running ``maturity.pipeline.ORG_STEPS[step]`` for one shard (mapped)."""

    @task(
        task_id=step,
        execution_timeout=timedelta(hours=2),
        map_index_template=SHARD_LABEL,
        trigger_rule=trigger_rule,
        doc_md=f"`{step}` for the organisations of one shard and the data interval.",
    )
    def run(shard: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
        from airflow.sdk import get_current_context

        from maturity.airflow import assessment_tasks as t

        context = get_current_context()
        ti = context["ti"]
        collected = None
        if step == names.FIRST_ORG_STEP:
            # this shard's collect tasks only (the same map index of the group); a skipped or
            # failed one has no XCom, and its organisations are left out
            landed = ti.xcom_pull(task_ids=COLLECT_TASKS, map_indexes=ti.map_index)
            collected = t.collected_accounts(landed or [])
        return t.shard_step(
            step,
            shard,
            t.window_of(context),
            previous=previous,
            collected=collected,
            final=t.last_try(ti),
        )

    return run


@task(execution_timeout=timedelta(minutes=10))
def plan() -> list[dict[str, Any]]:
    """Read the organisation registry and split it into shards of organisations; plan the
    run's requests against the APIs' limits (a WARNING when it cannot finish within its
    interval), split organisations over credentials and admit them within the X read budget.
    The plan's summary is the XCom `forecast`, which the report repeats."""
    from airflow.sdk import get_current_context

    from maturity.airflow import assessment_tasks as t

    context = get_current_context()
    forecast: dict[str, Any] = {}
    shards = t.plan(t.registry_path(), t.orgs_per_task(), t.window_of(context), forecast=forecast)
    context["ti"].xcom_push(key="forecast", value=forecast)
    return shards


@task(execution_timeout=timedelta(hours=2), map_index_template=SHARD_LABEL)
def collect(shard: dict[str, Any], platform: str, credential: str | None = None) -> dict[str, Any]:
    """Land the raw API pages of one shard's accounts on one platform (and credential) for the
    data interval; skipped when the shard has none there.

    A long rate-limit wait reschedules this task (no worker slot held); it resumes from the
    pages already landed."""
    from airflow.sdk import get_current_context
    from airflow.sdk.exceptions import AirflowSkipException

    from maturity.airflow import assessment_tasks as t

    context = get_current_context()
    part = t.shard_part(shard, platform, credential)
    if part is None:
        raise AirflowSkipException(f"{shard['label']}: no {platform} accounts to collect here")
    return t.collect(
        part, t.window_of(context), final=t.last_try(context["ti"]), run_id=context["run_id"]
    )


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
        ti.xcom_pull(task_ids="plan") or [], ti.xcom_pull(task_ids=STEP_TASKS) or []
    )
    if not outcome["written"]:
        raise AirflowSkipException("no assessment was written in this run; Asset not updated")
    context["outlet_events"][ASSESSMENTS].extra = {
        "window": t.window_of(context).key,
        "written": len(outcome["written"]),
        "failed": outcome["failed"],
    }
    return {"written": len(outcome["written"]), "failed": outcome["failed"]}


@task(trigger_rule=TriggerRule.ALL_DONE, execution_timeout=timedelta(minutes=10))
def report() -> dict[str, Any]:
    """Alert on phase changes and organisations not assessed (the notifier of the Airflow
    Variable `maturity_notify`), and fail the run, naming them and why, if any was not."""
    from airflow.sdk import get_current_context

    from maturity.airflow import assessment_tasks as t

    context = get_current_context()
    ti = context["ti"]
    return t.report(
        ti.xcom_pull(task_ids="plan"),
        ti.xcom_pull(task_ids=STEP_TASKS) or [],
        context,
        forecast=ti.xcom_pull(task_ids="plan", key="forecast"),
    )


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
    gate_and_load = shard_task("gate_and_load", TriggerRule.ALL_DONE)
    metrics, score = shard_task("metrics"), shard_task("score")

    @task_group(group_id=names.ORG_GROUP)
    def organisation(shard: dict[str, Any]) -> Any:
        # A shard's steps wait for its own collect tasks only, so shards stream: one is gated,
        # measured and scored while the next waits for a rate limit. gate_and_load runs once
        # they are all done, whatever their state, and leaves out the organisations whose
        # accounts were not all collected: a failed account stops only its own organisation.
        collected = [
            collect.override(
                task_id=names.collect_task_id(platform, conn_id),
                pool=names.pool_for(platform, conn_id),
            )(
                shard=shard,
                platform=platform,
                credential=names.credential_part(platform, CREDENTIALS[platform], conn_id),
            )
            for platform in PLATFORMS
            for conn_id in CREDENTIALS[platform]
        ]
        loaded = gate_and_load(shard=shard)
        collected >> loaded
        computed = metrics(shard=shard, previous=loaded)
        return score(shard=shard, previous=computed)

    scored = organisation.expand(shard=planned)
    scored >> publish() >> report()


social_maturity_assessment()
