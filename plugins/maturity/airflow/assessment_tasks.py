"""What the assessment DAG's tasks do, as plain functions of small JSON-able values.

The DAG file (``dags/social_maturity_assessment.py``) only wires these into tasks; they call
``maturity.pipeline`` with the run's data interval as the window. Every value that crosses a
task boundary (XCom) is a small dict of ids, counts and paths.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.airflow import names

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.pipeline import PipelineSettings

log = logging.getLogger(__name__)

JSON = dict[str, Any]

ORG_STEPS = ("validate", "load", "metrics", "score")
"""The per-organisation steps, in order; each is ``maturity.pipeline.<step>_org``."""


class CollectionIncomplete(Exception):
    """An organisation's accounts were not all collected for this window."""


def default_registry() -> Path:
    from importlib.resources import files

    return Path(str(files("maturity.demo").joinpath("registry.yaml")))


def registry_path(env: Mapping[str, str] | None = None) -> Path:
    """``MATURITY_REGISTRY``, or the demo registry shipped in ``maturity.demo``."""
    raw = (os.environ if env is None else env).get(names.REGISTRY_ENV, "").strip()
    return Path(raw).expanduser().resolve() if raw else default_registry()


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


def pipeline_settings(registry: str | Path) -> PipelineSettings:
    """The pipeline's settings for a task: credentials and warehouse from Airflow connections."""
    from maturity.airflow.pipeline_settings import airflow_pipeline_settings

    return airflow_pipeline_settings(registry)


# -- plan ---------------------------------------------------------------------------------------


def plan(registry: Path) -> list[JSON]:
    """Read the registry: one small dict per organisation, with the accounts to collect.

    Each carries the registry's path, so every task of a run reads the same registry.
    """
    from maturity.registry import load_registry

    with failing_fast():
        reg = load_registry(registry)
    orgs = [
        {
            "org_id": org.id,
            "registry": str(registry),
            "accounts": [
                f"{a.platform}:{a.handle}"
                for a in org.accounts
                if a.platform in names.POOL_BY_PLATFORM
            ],
            "not_collected": [
                f"{a.platform}:{a.handle}"
                for a in org.accounts
                if a.platform not in names.POOL_BY_PLATFORM
            ],
        }
        for org in reg.organisations
    ]
    log.info("registry %s: %d organisations", registry, len(orgs))
    return orgs


def accounts(orgs: Sequence[Mapping[str, Any]], platform: str) -> list[JSON]:
    """The accounts on ``platform`` to collect, one small dict each (the collect task's input)."""
    out = []
    for org in orgs:
        for key in org["accounts"]:
            kind, _, handle = key.partition(":")
            if kind == platform:
                out.append(
                    {
                        "org_id": org["org_id"],
                        "platform": platform,
                        "handle": handle,
                        "registry": org["registry"],
                    }
                )
    log.info("%d %s accounts to collect", len(out), platform)
    return out


# -- collect ------------------------------------------------------------------------------------


def account_key(platform: str, handle: str) -> str:
    return f"{platform}:{handle.removeprefix('@').removeprefix('u/').lower()}"


def collect(account: Mapping[str, str], window: Window) -> JSON:
    """Land one account's raw pages for the window."""
    from maturity import pipeline

    settings = pipeline_settings(account["registry"])
    with failing_fast():
        result = pipeline.collect_account(
            settings, account["org_id"], account["platform"], account["handle"], window
        )
    return {
        "org_id": account["org_id"],
        "account": account_key(account["platform"], account["handle"]),
        "result": result,
    }


def check_collected(org: Mapping[str, Any], collected: Sequence[Any]) -> None:
    """Refuse to assess an organisation from part of its accounts."""
    done = {
        c["account"]
        for c in collected
        if isinstance(c, Mapping) and c.get("org_id") == org["org_id"]
    }
    missing = [a for a in org["accounts"] if account_key(*a.split(":", 1)) not in done]
    if missing:
        raise CollectionIncomplete(
            f"{org['org_id']}: collecting {', '.join(missing)} failed for this window, so the "
            "organisation is not assessed (the other organisations are). Fix the cause in the "
            "collect task's log, clear the failed collect task(s), then this one."
        )


# -- per organisation ---------------------------------------------------------------------------


def org_step(step: str, org: Mapping[str, Any], window: Window) -> JSON:
    """Run ``maturity.pipeline.<step>_org`` for one organisation and window."""
    from maturity import pipeline

    if step not in ORG_STEPS:
        raise ValueError(f"unknown step {step!r}; known: {ORG_STEPS}")
    settings = pipeline_settings(org["registry"])
    with failing_fast():
        result: JSON = getattr(pipeline, f"{step}_org")(settings, org["org_id"], window)
    return {"org_id": org["org_id"], "step": step, "result": result}


# -- after every organisation -------------------------------------------------------------------


def outcome(orgs: Sequence[Mapping[str, Any]], scored: Sequence[Any]) -> JSON:
    """Which organisations got an assessment written in this run, and which did not."""
    written = sorted({s["org_id"] for s in scored if isinstance(s, Mapping) and "org_id" in s})
    failed = sorted({o["org_id"] for o in orgs} - set(written))
    return {"written": written, "failed": failed}
