"""What the assessment DAG's tasks do, as plain functions of small JSON-able values.

The DAG file (``dags/social_maturity_assessment.py``) only wires these into tasks; they call
``maturity.pipeline`` with the run's data interval as the window. Every value that crosses a
task boundary (XCom) is a small dict of ids, counts, one-line errors and paths.

Tasks map over *shards* of organisations (``maturity.shards``): one organisation per task for
a small registry, a bounded number of tasks per step for a large one. Within a shard, an
organisation or account that fails is recorded and the others go on (:func:`finish`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.airflow import names

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings
    from maturity.shards import Outcome
    from maturity.warehouse import Warehouse

log = logging.getLogger(__name__)

JSON = dict[str, Any]


class CollectionIncomplete(Exception):
    """An organisation's accounts were not all collected for this window. Retrying the
    gate_and_load task cannot help: the collect task must be cleared and rerun."""

    retryable = False


def registry_path(env: Mapping[str, str] | None = None) -> Path:
    """``MATURITY_REGISTRY``, or the demo registry."""
    from maturity.pipeline import settings

    return settings.registry_path(env)


@contextmanager
def failing_fast() -> Iterator[None]:
    """Bad input (``InputError``, which includes ``ConfigError``) fails the task without
    retries: another attempt would read the same input. Everything else is retried."""
    from airflow.sdk.exceptions import AirflowFailException

    from maturity.errors import InputError

    try:
        yield
    except InputError as exc:
        raise AirflowFailException(exc.render()) from exc


def window_of(context: Mapping[str, Any]) -> Window:
    """The run's data interval, the collection window: never the wall clock."""
    from airflow.sdk.exceptions import AirflowFailException

    from maturity.evidence import Window

    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    if start is None or end is None or end <= start:
        raise AirflowFailException(
            f"this run has no data interval ({start} to {end}); the collection window is the "
            "data interval, so trigger the DAG with a logical date (UI: 'Logical date'; CLI: "
            "airflow dags trigger --logical-date)"
        )
    return Window(_utc(start), _utc(end))


def _utc(value: Any) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(value.isoformat()).astimezone(UTC)


def pipeline_settings(
    registry: str | Path, credentials: Mapping[str, str] | None = None
) -> PipelineSettings:
    """The pipeline's settings for a task: credentials and warehouse from Airflow connections;
    ``credentials`` (platform -> connection id) replaces a platform's default connection."""
    from maturity.airflow.pipeline_settings import airflow_pipeline_settings

    return airflow_pipeline_settings(registry, credentials)


# -- plan ---------------------------------------------------------------------------------------


def plan(
    registry: Path,
    orgs_per_task: int | None = None,
    window: Window | None = None,
    *,
    forecast: JSON | None = None,
) -> list[JSON]:
    """Read the registry and split it into shards: consecutive organisations, each with the
    accounts to collect. ``orgs_per_task`` ``None`` sizes them automatically
    (``maturity.shards.auto_sizes``: at most 16, the later ones smaller).

    Each shard carries the registry's path, so every task of a run reads the same registry.
    Every input is checked first (``maturity.pipeline.inputs``): a bad registry or rubric fails
    the task; an organisation whose own input is bad (its questionnaire) is planned with no
    account to collect and a ``rejected`` reason, so it costs no API request, and the first
    organisation step fails it (not retried) while the others go on.

    With the run's ``window``, the run is also planned against the APIs' limits and the X read
    budget (:func:`forecast_run`): organisations over the budget are planned like rejected ones
    (no request, named by the report with the budget numbers), each organisation gets its
    credential per platform, and ``forecast`` (a dict, when given) receives the summary the
    report repeats.
    """
    from maturity.pipeline.inputs import rejected_organisations
    from maturity.pipeline.settings import PipelineSettings
    from maturity.shards import auto_sizes, describe, label, split, split_sizes

    with failing_fast():
        settings = PipelineSettings.from_environment(registry_path=Path(registry))
        reg = settings.registry
        rejected = {o: describe(e) for o, e in rejected_organisations(settings).items()}
    collectable = collectable_platforms(settings.env)
    orgs: list[JSON] = []
    for org in reg.organisations:
        collected = [a for a in org.accounts if a.platform in collectable]
        planned: JSON = {
            "org_id": org.id,
            "accounts": []
            if org.id in rejected
            else [f"{a.platform}:{a.handle}" for a in collected],
            "not_collected": [
                f"{a.platform}:{a.handle}"
                for a in org.accounts
                if org.id in rejected or a.platform not in collectable
            ],
        }
        if org.id in rejected:
            planned["rejected"] = rejected[org.id]
            log.error("%s is not assessed in this run: %s", org.id, rejected[org.id])
        orgs.append(planned)
    if window is not None:
        with failing_fast():
            summary = forecast_run(Path(registry), orgs, window, settings.env)
        if forecast is not None:
            forecast.update(summary)
    groups = (
        split(orgs, orgs_per_task) if orgs_per_task else split_sizes(orgs, auto_sizes(len(orgs)))
    )
    shards = [
        {
            "label": label([o["org_id"] for o in group], i, len(groups)),
            "registry": str(registry),
            "orgs": group,
        }
        for i, group in enumerate(groups)
    ]
    log.info(
        "registry %s: %d organisations in %d shards of %d to %d",
        registry,
        len(orgs),
        len(shards),
        min((len(g) for g in groups), default=0),
        max((len(g) for g in groups), default=0),
    )
    return shards


def _caps(platform: str) -> Any:
    """A platform's connector settings' defaults (caps, page sizes), without a connection."""
    import dataclasses
    from types import SimpleNamespace

    from maturity.connectors import settings as cs

    cls = {
        "x": cs.XSettings,
        "reddit": cs.RedditSettings,
        "mastodon": cs.MastodonSettings,
        "bluesky": cs.BlueskySettings,
    }[platform]
    return SimpleNamespace(
        **{
            f.name: f.default
            for f in dataclasses.fields(cls)
            if f.default is not dataclasses.MISSING
        }
    )


def credential_settings(registry: Path, platform: str, conn_id: str) -> Any:
    """The connector settings of one credential (a bad connection fails with its name);
    the defaults when the platform's default connection is not configured."""
    from maturity.connections import get_connection

    settings = pipeline_settings(registry, {platform: conn_id})
    configured = get_connection(conn_id, settings.env) is not None or _airflow_knows(conn_id)
    if not configured and conn_id == names.DEFAULT_CONN_BY_PLATFORM[platform]:
        log.info("no %s connection to plan with: its documented defaults are used", conn_id)
        return _caps(platform)
    return settings.connector_settings(platform)


def forecast_run(registry: Path, orgs: list[JSON], window: Window, env: Mapping[str, str]) -> JSON:
    """Plan the run against the limits and the X read budget (``maturity.planning``).

    Changes ``orgs`` in place: an organisation over the budget is planned with no account to
    collect and a ``rejected`` reason naming the budget's numbers; every other one gets
    ``credentials`` (platform -> connection id). Returns the summary for the report, and logs a
    WARNING when the limits do not let the run finish within its interval."""
    from maturity import costs, planning
    from maturity.connectors.limits import limits_for, overrides

    pending = [o for o in orgs if not o.get("rejected")]
    platforms = sorted({a.split(":", 1)[0] for o in pending for a in o["accounts"]})
    creds = {p: names.credentials(p, env) for p in platforms}
    conn_settings = {
        (p, c): credential_settings(registry, p, c) for p in platforms for c in creds[p]
    }
    landing = pipeline_settings(registry).landing_dir
    x_first = conn_settings.get(("x", creds["x"][0])) if "x" in platforms else None
    budget = costs.Budget(
        getattr(x_first, "read_budget_per_run", None),
        getattr(x_first, "read_budget_per_month", None),
    )
    plans: dict[str, list[planning.AccountPlan]] = {}
    for org in pending:
        for key in org["accounts"]:
            platform, handle = key.split(":", 1)
            first = planning.first_run_requests(
                platform, conn_settings[(platform, creds[platform][0])]
            )
            previous = planning.previous_from_landing(
                landing, platform, org["org_id"], handle, window, reads=budget.limited
            )
            plans.setdefault(org["org_id"], []).append(
                planning.account_plan(org["org_id"], platform, handle, previous, first)
            )
    # The read budget: whole organisations in registry order, over every X credential.
    budget_text = None
    if x_first is not None and budget.limited:
        spent = _month_reads(registry, window) if budget.per_month is not None else 0
        estimates = [planning.org_reads(o["org_id"], plans.get(o["org_id"], [])) for o in pending]
        admitted = costs.admit(estimates, budget, spent)
        budget_text = admitted.report(getattr(x_first, "prices", costs.Prices()))
        log.info("%s", budget_text)
        for refusal in admitted.refused:
            org = next(o for o in pending if o["org_id"] == refusal.org_id)
            reason = planning.budget_reason(refusal, admitted)
            org["not_collected"] = [*org["not_collected"], *org["accounts"]]
            org["accounts"] = []
            org["rejected"] = reason
            plans.pop(refusal.org_id, None)
            log.error("%s is not assessed in this run: %s", refusal.org_id, reason)
    pending = [o for o in pending if not o.get("rejected")]
    limits = {
        (p, c): limits_for(p, overrides(p, getattr(conn_settings[(p, c)], "rate_limits", {}) or {}))
        for p in platforms
        for c in creds[p]
    }
    credential_of: dict[tuple[str, str], str] = {}
    for platform in platforms:
        loads = [
            (
                o["org_id"],
                planning.weight(
                    [a for a in plans.get(o["org_id"], []) if a.platform == platform],
                    limits[(platform, creds[platform][0])],
                ),
            )
            for o in pending
        ]
        for org_id, conn_id in planning.assign(loads, creds[platform]).items():
            credential_of[(platform, org_id)] = conn_id
    for org in pending:
        org["credentials"] = {
            p: credential_of[(p, org["org_id"])]
            for p in platforms
            if (p, org["org_id"]) in credential_of
        }
    forecast = planning.Forecast(
        tuple(
            planning.bucket_loads(
                [a for org_plans in plans.values() for a in org_plans], credential_of, limits
            )
        ),
        (window.end - window.start).total_seconds(),
    )
    warning = forecast.warning()
    if warning:
        log.warning("%s", warning)
    else:
        log.info(
            "the rate limits let this run finish in %.0f s at the least (interval %.0f s)",
            forecast.lower_bound_seconds,
            forecast.interval_seconds,
        )
    return {
        **forecast.summary(),
        "warning": warning,
        "warning_nl": forecast.warning("nl"),
        "budget": budget_text,
        "credentials": {p: list(c) for p, c in creds.items()},
    }


def _month_reads(registry: Path, window: Window) -> int:
    """X reads recorded for the windows that end in the calendar month of the run's window
    end, this window's own excluded (a rerun does not count against itself)."""
    from datetime import datetime

    end = window.end
    start = datetime(end.year, end.month, 1, tzinfo=end.tzinfo)
    following = datetime(end.year + end.month // 12, end.month % 12 + 1, 1, tzinfo=end.tzinfo)
    wh = pipeline_settings(registry).warehouse
    try:
        return wh.reads_between(start, following, "x", excluding=window)
    finally:
        wh.dispose()


def _airflow_knows(conn_id: str) -> bool:
    """Whether Airflow has the connection (a secrets backend or the metadata database)."""
    try:
        from airflow.sdk import BaseHook

        BaseHook.get_connection(conn_id)
    except Exception:  # AirflowNotFoundException, or no Airflow context at all
        return False
    return True


def collectable_platforms(env: Mapping[str, str]) -> frozenset[str]:
    """The platforms whose accounts this run collects: every one with a collect task, except
    Mastodon without a ``mastodon_default`` connection (it has no default instance); its
    accounts are then planned as not collected, and the organisation is assessed without
    them, as before Mastodon had a connector. Bluesky needs no connection (the public AppView).
    """
    from maturity.connections import MASTODON_CONN_ID, get_connection

    platforms = set(names.POOL_BY_PLATFORM)
    if get_connection(MASTODON_CONN_ID, env) is None and not _airflow_knows(MASTODON_CONN_ID):
        log.info("no %s connection: Mastodon accounts are not collected", MASTODON_CONN_ID)
        platforms.discard("mastodon")
    return frozenset(platforms)


def orgs_per_task(env: Mapping[str, str] | None = None) -> int | None:
    """``MATURITY_ORGS_PER_TASK``: a number, or ``None`` for automatic sizing."""
    from maturity.pipeline import settings

    with failing_fast():
        return settings.orgs_per_task(env)


def org_ids(shards: Sequence[Mapping[str, Any]]) -> list[str]:
    return [o["org_id"] for shard in shards for o in shard["orgs"]]


def shard_part(
    shard: Mapping[str, Any], platform: str, credential: str | None = None
) -> JSON | None:
    """The shard's accounts on ``platform``: the collect task's input, or None when it has none
    there. With ``credential``, only the organisations the plan gave that credential
    (``credentials``; the platform's default connection when it gave none), and the part names
    it, so the collect task uses that connection."""
    default = names.DEFAULT_CONN_BY_PLATFORM.get(platform)
    found = []
    for org in shard["orgs"]:
        if credential is not None:
            assigned = (org.get("credentials") or {}).get(platform, default)
            if assigned != credential:
                continue
        for key in org["accounts"]:
            kind, _, handle = key.partition(":")
            if kind == platform:
                found.append({"org_id": org["org_id"], "handle": handle})
    if not found:
        return None
    log.info(
        "%s: %d %s accounts to collect: %s",
        shard["label"],
        len(found),
        platform,
        ", ".join(f"{a['org_id']} {platform}:{a['handle']}" for a in found),
    )
    return {
        "platform": platform,
        "registry": shard["registry"],
        "accounts": found,
        **({"credential": credential} if credential is not None else {}),
    }


# -- finishing a shard ------------------------------------------------------------------------


def last_try(ti: Any) -> bool:
    """Whether this attempt is the task's last: its failures are then final."""
    return int(getattr(ti, "try_number", 1) or 1) > int(getattr(ti, "max_tries", 0) or 0)


def finish(what: str, outcome: Outcome[Any], *, final: bool) -> JSON:
    """The XCom of a shard's task, or the exception that fails or retries it.

    - Every key done: the summaries.
    - Some failed, and another attempt could help (not bad input, not the last try): raise,
      so Airflow retries the shard (every step is idempotent, so redoing the others is safe).
    - Some failed for good: log each, return the rest; the run's ``report`` names them.
    - All failed for good: fail the task, without retries when it was all bad input.
    """
    from airflow.sdk.exceptions import AirflowFailException

    from maturity.shards import describe

    errors = outcome.errors()
    for key, error in errors.items():
        log.error("%s: %s failed: %s", key, what, error)
    if outcome.retryable and not final:
        first = outcome.failed[outcome.retryable[0]]
        raise RetryShard(
            f"{what} failed for {len(outcome.retryable)} of "
            f"{len(outcome.done) + len(outcome.failed)} ({', '.join(outcome.retryable)}); "
            f"retrying the shard. First error: {describe(first)}"
        ) from first
    if outcome.failed and not outcome.done:
        message = f"{what} failed for every one: " + "; ".join(
            f"{k}: {e}" for k, e in errors.items()
        )
        if outcome.retryable:
            raise RetryShard(message) from next(iter(outcome.failed.values()))
        raise AirflowFailException(message)
    return {"step": what, "done": dict(outcome.done), "failed": errors}


class RetryShard(Exception):
    """Part of a shard failed in a way another attempt could fix."""


# -- collect ------------------------------------------------------------------------------------


def account_key(platform: str, handle: str) -> str:
    return f"{platform}:{handle.removeprefix('@').removeprefix('u/').lower()}"


def collect(
    part: Mapping[str, Any], window: Window, *, final: bool = True, run_id: str | None = None
) -> JSON:
    """Land the raw pages of a shard's accounts on one platform for the window, with one
    connector for all of them.

    ``run_id`` (the DAG run's) marks each account collected in the landing, so a retry of the
    task in the same DAG run fetches only the accounts the earlier attempts did not complete;
    the next DAG run (another id) collects every account again, incrementally.

    With ``run_id``, a rate limit whose reset is further away than the connection's
    ``max_inline_wait`` is not slept in the worker: the task is rescheduled for the reset
    (``AirflowRescheduleException``: state ``up_for_reschedule``, its worker and pool slots
    released, the try number unchanged), and the rescheduled attempt goes on from the pages
    already landed (:func:`maturity.collect.collect_registry`)."""
    from maturity.connectors.ratelimit import RateLimitDeferred
    from maturity.pipeline.collect import collect_accounts
    from maturity.shards import Outcome

    platform = part["platform"]
    settings = pipeline_settings(part["registry"], _credential(part))
    try:
        got = collect_accounts(
            settings,
            platform,
            [(a["org_id"], a["handle"]) for a in part["accounts"]],
            window,
            resume=run_id,
            defer_rate_limits=run_id is not None,
        )
    except RateLimitDeferred as deferred:
        raise _reschedule(deferred) from None
    outcome: Outcome[Any] = Outcome(
        done={
            account_key(platform, s["handle"]): {
                "org_id": s["org_id"],
                "pages": s["pages"],
                "status": s["status"],
                **({"purged": s["purged"]} if s.get("purged") else {}),
            }
            for s in got.done.values()
        },
        failed={account_key(*k.split(":", 1)): e for k, e in got.failed.items()},
    )
    return finish(f"collecting {platform}", outcome, final=final)


RESCHEDULE_MARGIN_SECONDS = 15.0
"""The earliest a rescheduled collect task comes back. Airflow 3.3 loses a reschedule whose
date passes before the task's process has exited (the scheduler sees the task finish while its
state is already ``scheduled`` and fails it into a retry, five minutes later by default); under
load that exit took over 5 s in the realistic-limits benchmark. Resets sooner than this are
rare: ``max_inline_wait`` (5 s) already waits for the nearest ones inside the task."""


def reschedule_date(reset_at: datetime, now: datetime) -> datetime:
    """When to start the task again for a rate limit resetting at ``reset_at``: a second after
    the reset (clock skew), and never sooner than :data:`RESCHEDULE_MARGIN_SECONDS` from now."""
    from datetime import timedelta

    return max(reset_at + timedelta(seconds=1), now + timedelta(seconds=RESCHEDULE_MARGIN_SECONDS))


def _reschedule(deferred: Any) -> Exception:
    """The Airflow exception that reschedules the collect task at ``deferred``'s reset (see
    :func:`reschedule_date`), logged so the task log says why it stopped."""
    from airflow.sdk.exceptions import AirflowRescheduleException

    at = reschedule_date(deferred.reset_time, datetime.now(UTC))
    log.warning(
        "%s account %s, %s: rate limit reached, resets at %s; task rescheduled for %s, no "
        "worker slot held while waiting",
        deferred.platform,
        deferred.account,
        deferred.endpoint,
        deferred.reset_time.isoformat(timespec="seconds"),
        at.isoformat(timespec="seconds"),
    )
    return AirflowRescheduleException(reschedule_date=at)  # type: ignore[no-untyped-call]


def _credential(part: Mapping[str, Any]) -> dict[str, str] | None:
    """The part's connection (several credentials per platform), or None for the default."""
    credential = part.get("credential")
    return {part["platform"]: credential} if credential else None


def collected_accounts(landed: Sequence[Any]) -> set[tuple[str, str]]:
    """``(org_id, account key)`` of every account the collect tasks landed."""
    done = set()
    for part in landed:
        if isinstance(part, Mapping):
            for key, summary in (part.get("done") or {}).items():
                done.add((summary["org_id"], key))
    return done


def check_collected(org: Mapping[str, Any], collected: set[tuple[str, str]]) -> None:
    """Refuse to assess an organisation from part of its accounts."""
    missing = [
        a
        for a in org["accounts"]
        if (org["org_id"], account_key(*a.split(":", 1))) not in collected
    ]
    if missing:
        raise CollectionIncomplete(
            f"{org['org_id']}: collecting {', '.join(missing)} failed for this window, so the "
            "organisation is not assessed (the other organisations are). Fix the cause in the "
            "collect task's log, clear the failed collect task(s), then this one."
        )


# -- per shard of organisations -----------------------------------------------------------------


def shard_step(
    step: str,
    shard: Mapping[str, Any],
    window: Window,
    *,
    previous: Mapping[str, Any] | None = None,
    collected: set[tuple[str, str]] | None = None,
    final: bool = True,
) -> JSON:
    """Run ``step`` for the shard's organisations that came through the previous step.

    The first step (``gate_and_load``) is given the accounts the collect tasks landed instead,
    and leaves out each organisation whose accounts were not all collected.
    """
    from maturity.errors import InputError
    from maturity.pipeline.steps import ORG_STEPS
    from maturity.shards import Outcome

    if step not in names.ORG_STEPS:
        raise ValueError(f"unknown step {step!r}; known: {names.ORG_STEPS}")
    orgs = list(shard["orgs"])
    failed: dict[str, BaseException] = {}
    if step == names.FIRST_ORG_STEP:
        for org in orgs:
            if org.get("rejected"):
                failed[org["org_id"]] = InputError(org["rejected"])
                continue
            try:
                check_collected(org, collected or set())
            except CollectionIncomplete as exc:
                failed[org["org_id"]] = exc
        todo = [o["org_id"] for o in orgs if o["org_id"] not in failed]
    else:
        todo = list((previous or {}).get("done") or {})
    settings = pipeline_settings(shard["registry"])
    outcome: Outcome[Any] = ORG_STEPS[step](settings, todo, window) if todo else Outcome()
    outcome.failed.update(failed)
    return finish(step, outcome, final=final)


# -- after every organisation -------------------------------------------------------------------


def outcome(shards: Sequence[Mapping[str, Any]], steps: Sequence[Any]) -> JSON:
    """Which organisations got an assessment written in this run, which did not, and why.

    ``steps`` are the XComs of every per-shard step (any order); an organisation is written
    when the ``score`` step did it. ``quarantined`` names, per organisation, the accounts whose
    records the record gate kept out (they were assessed without them) and the checks they
    failed.
    """
    written: set[str] = set()
    registry: list[str] = []
    reasons: dict[str, str] = {}
    quarantined: dict[str, dict[str, list[str]]] = {}
    for result in steps:
        if not isinstance(result, Mapping):
            continue
        if result.get("step") == "score":
            written.update(result.get("done") or {})
            for summary in (result.get("done") or {}).values():
                registry.extend((summary or {}).get("warnings") or [])
        if result.get("step") == names.FIRST_ORG_STEP:
            for org_id, summary in (result.get("done") or {}).items():
                checks = (summary or {}).get("failed_checks") or {}
                if checks:
                    quarantined[org_id] = dict(checks)
        for org_id, error in (result.get("failed") or {}).items():
            reasons.setdefault(org_id, f"{result.get('step')}: {error}")
    failed = sorted(set(org_ids(shards)) - written)
    return {
        "written": sorted(written),
        "failed": failed,
        "reasons": {o: reasons.get(o, "its shard's task failed; see its log") for o in failed},
        "quarantined": dict(sorted(quarantined.items())),
        **({"registry_warnings": sorted(registry)} if registry else {}),
    }


def log_registry_warnings(result: Mapping[str, Any]) -> None:
    """A warning per account the platform does not know: the registry needs fixing. Logged by
    the report task only (``outcome`` is also read by publish)."""
    for warning in result.get("registry_warnings") or ():
        log.warning("registry: %s", warning)


def log_quarantined(quarantined: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
    """A warning per account whose records the record gate kept out of this run."""
    for org_id, accounts in quarantined.items():
        for account, checks in accounts.items():
            log.warning(
                "%s: %s quarantined by the record gate (%s); assessed without it. "
                "`maturity explain %s` shows the checks",
                org_id,
                account,
                ", ".join(checks),
                org_id,
            )


# -- the run's report and its alert ------------------------------------------------------------


def report(
    shards: Sequence[Mapping[str, Any]] | None,
    steps: Sequence[Any],
    context: Mapping[str, Any],
    *,
    warehouse: Warehouse | None = None,
    notify_config: str | None = None,
    forecast: Mapping[str, Any] | None = None,
) -> JSON:
    """The run's outcome: log the quarantined accounts, alert the configured notifier
    (``maturity.airflow.notify``) about phase changes in this window and organisations not
    assessed, and fail the run, naming them and why, if any organisation was not assessed.

    ``forecast`` is the plan's summary (:func:`forecast_run`): its warning that the rate
    limits do not let the run finish within its interval, and the read budget's report, are
    logged again and carried by the alert. ``notify_config`` stands in for the Airflow
    Variable ``maturity_notify`` (tests)."""
    from airflow.sdk.exceptions import AirflowFailException

    if shards is None:
        raise AirflowFailException("plan did not list the organisations; see its log")
    result = outcome(shards, steps)
    _planned_reasons(result, shards)
    log_registry_warnings(result)
    log_quarantined(result["quarantined"])
    forecast = dict(forecast or {})
    if forecast.get("warning"):
        log.warning("plan: %s", forecast["warning"])
    if forecast.get("budget"):
        log.warning("plan: %s", forecast["budget"])
    window = window_of(context)
    changes = _alert(result, window, context, warehouse, notify_config, forecast)
    if result["failed"]:
        raise AirflowFailException(
            f"{len(result['failed'])} of {len(org_ids(shards))} organisations were not "
            "assessed: " + "; ".join(f"{org} ({why})" for org, why in result["reasons"].items())
        )
    return {
        "written": len(result["written"]),
        "failed": [],
        "quarantined": result["quarantined"],
        "phase_changes": changes,
        **({"forecast": _forecast_brief(forecast)} if forecast else {}),
    }


def _planned_reasons(result: JSON, shards: Sequence[Mapping[str, Any]]) -> None:
    """An organisation the plan left out (bad input, the read budget) is named with the plan's
    reason, also when its shard's task failed as a whole and left no summary."""
    planned = {o["org_id"]: o.get("rejected") for shard in shards for o in shard["orgs"]}
    for org_id in result["failed"]:
        why = planned.get(org_id)
        if why and why not in result["reasons"][org_id]:
            result["reasons"][org_id] = f"plan: {why}"


def _forecast_brief(forecast: Mapping[str, Any]) -> JSON:
    keys = ("lower_bound_seconds", "interval_seconds", "exceeds_interval", "warning", "budget")
    return {k: forecast.get(k) for k in keys}


def _alert(
    result: Mapping[str, Any],
    window: Window,
    context: Mapping[str, Any],
    warehouse: Warehouse | None,
    notify_config: str | None,
    forecast: Mapping[str, Any] | None = None,
) -> list[JSON]:
    """Phase changes of this window (a warning each) and the alert, when a notifier is set;
    the plan's warning (the run cannot finish within its interval) is the alert's first line."""
    from maturity.airflow import notify
    from maturity.errors import MaturityError

    settings = notify.configured(notify_config)
    names: dict[str, str] = {}
    changes: list[Any] = []
    try:
        wh = warehouse or _warehouse()
        try:
            names = {o.org_id: o.name for o in wh.list_organisations()}
            changes = notify.phase_changes(wh, result["written"], window.end)
        finally:
            if warehouse is None:
                wh.dispose()
    except MaturityError as exc:  # the organisations not assessed are still alerted
        log.error("phase changes unknown, the warehouse could not be read: %s", exc)
    for org, before, after, direction in changes:
        log.warning("phase change (%s) for %s: %s -> %s", direction, org, before.phase, after.phase)
    lang = settings.lang if settings is not None else "en"
    message = notify.alert(window, changes, result["reasons"], names, lang)
    warning = (forecast or {}).get("warning_nl" if lang == "nl" else "warning")
    if warning:
        message = notify.Alert(
            message.title if message is not None else _forecast_title(window, lang),
            (warning, *(message.lines if message is not None else ())),
        )
    if message is not None:
        log.warning("%s\n%s", message.title, "\n".join(message.lines))
        if settings is not None:
            notify.send(message, settings, context)
    return [
        {"org_id": org, "from": before.phase, "to": after.phase, "direction": direction}
        for org, before, after, direction in changes
    ]


def _forecast_title(window: Window, lang: str) -> str:
    span = f"{window.start:%Y-%m-%d} – {window.end:%Y-%m-%d}"
    if lang == "nl":
        return (
            f"Volwassenheid van Social Business, venster {span}: de run past niet in zijn interval"
        )
    return f"Social Business maturity, window {span}: the run does not fit its interval"


def _warehouse() -> Warehouse:
    from maturity.airflow.hooks import WarehouseHook

    return WarehouseHook().get_conn()
