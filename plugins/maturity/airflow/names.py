"""The names the DAGs, the pools, the connections and the plugin share. Light: standard library
and ``maturity.connections`` only, for the DAG files."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Final

# The connections, named once in maturity.connections (re-exported for the DAGs and hooks).
from maturity.connections import BLUESKY_CONN_ID as BLUESKY_CONN_ID
from maturity.connections import MASTODON_CONN_ID as MASTODON_CONN_ID
from maturity.connections import REDDIT_CONN_ID as REDDIT_CONN_ID
from maturity.connections import WAREHOUSE_CONN_ID as WAREHOUSE_CONN_ID
from maturity.connections import X_CONN_ID as X_CONN_ID

ASSESSMENT_DAG_ID: Final = "social_maturity_assessment"
VIEWS_DAG_ID: Final = "social_maturity_views"
OWNER: Final = "maturity"
TAGS: Final = ("maturity", "social-business")

X_POOL: Final = "x_api"
REDDIT_POOL: Final = "reddit_api"
MASTODON_POOL: Final = "mastodon_api"
BLUESKY_POOL: Final = "bluesky_api"
POOL_BY_PLATFORM: Final = {
    "x": X_POOL,
    "reddit": REDDIT_POOL,
    "mastodon": MASTODON_POOL,
    "bluesky": BLUESKY_POOL,
}
"""Platforms whose accounts the assessment DAG collects, each with the pool of its credential."""


ASSESSMENTS_URI: Final = "x-maturity://warehouse/assessments"
"""The Asset updated whenever an assessment run has committed organisations' assessments."""

PLUGIN_NAME: Final = "maturity"
API_PREFIX: Final = "/maturity"
DASHBOARD_PATH: Final = "/dashboard"
"""Where the plugin's app mounts the dashboard's pages (``maturity.dashboard.app``), below
``API_PREFIX``: ``/maturity/dashboard/``."""
DASHBOARD_ROUTE: Final = "maturity"
"""The dashboard's route in the Airflow UI (``/plugin/maturity``)."""

ORG_GROUP: Final = "organisation"
"""The assessment DAG's task group mapped over shards: a shard's collect tasks, then its steps."""

ORG_STEPS: Final = ("gate_and_load", "metrics", "score")
"""The assessment DAG's per-shard steps after collection, in order; each runs
``maturity.pipeline.ORG_STEPS[step]`` as the task ``organisation.<step>``."""

FIRST_ORG_STEP: Final = ORG_STEPS[0]
"""Runs once the shard's collect tasks are done, and leaves out organisations not wholly
collected."""


def in_org_group(task_id: str) -> str:
    """The full id of a task of the ``organisation`` group: ``organisation.collect_x``."""
    return f"{ORG_GROUP}.{task_id}"


# -- several credentials per platform -------------------------------------------------------------

CREDENTIALS_ENV: Final = "MATURITY_CREDENTIALS_{platform}"
"""``MATURITY_CREDENTIALS_X=x_default,x_app2``: the connections (one per app or OAuth client)
that share a platform's organisations; unset means the platform's default connection alone."""

_CONN_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}")

DEFAULT_CONN_BY_PLATFORM: Final = {
    "x": X_CONN_ID,
    "reddit": REDDIT_CONN_ID,
    "mastodon": MASTODON_CONN_ID,
    "bluesky": BLUESKY_CONN_ID,
}


def credentials_env(platform: str) -> str:
    return CREDENTIALS_ENV.format(platform=platform.upper())


def credentials(platform: str, env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The connection ids sharing ``platform``'s work, in the order given (read at DAG parse
    time: an environment variable, no I/O). A malformed list raises ``ValueError`` naming the
    variable and the fix."""
    name = credentials_env(platform)
    raw = (os.environ if env is None else env).get(name, "")
    found = tuple(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))
    if not found:
        return (DEFAULT_CONN_BY_PLATFORM[platform],)
    bad = [c for c in found if not _CONN_ID.fullmatch(c)]
    if bad:
        raise ValueError(
            f"{name}: {bad} are not connection ids; fix: list connection ids separated by "
            f"commas, e.g. {name}={DEFAULT_CONN_BY_PLATFORM[platform]},{platform}_app2"
        )
    return found


def pool_for(platform: str, conn_id: str) -> str:
    """The pool of a credential: ``x_api`` for the default connection, ``x_api__<conn_id>``
    for another."""
    pool = POOL_BY_PLATFORM[platform]
    return pool if conn_id == DEFAULT_CONN_BY_PLATFORM[platform] else f"{pool}__{conn_id}"


def task_suffix(platform: str, conn_id: str) -> str:
    return "" if conn_id == DEFAULT_CONN_BY_PLATFORM[platform] else f"__{conn_id}"


def collect_task_id(platform: str, conn_id: str) -> str:
    """The collect task's id within the ``organisation`` group (see :func:`in_org_group`)."""
    return f"collect_{platform}{task_suffix(platform, conn_id)}"


def credential_pools(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every pool the assessment DAG uses, with the connection it is for."""
    return {pool_for(p, c): c for p in POOL_BY_PLATFORM for c in credentials(p, env)}


def further_credential_pools(env: Mapping[str, str] | None = None) -> list[str]:
    """The pools of the credentials beyond each platform's default connection, which the
    deployment creates next to the four default pools (``make airflow``, Compose's
    ``airflow-init``)."""
    return [pool for pool in credential_pools(env) if pool not in POOL_BY_PLATFORM.values()]


def collect_task_ids(env: Mapping[str, str] | None = None) -> list[str]:
    """The full ids of every collect task: ``organisation.collect_x``, ..."""
    return [
        in_org_group(collect_task_id(p, c)) for p in POOL_BY_PLATFORM for c in credentials(p, env)
    ]


def credential_part(platform: str, listed: tuple[str, ...], conn_id: str) -> str | None:
    """What the collect task passes on as the part's ``credential``: ``None`` (the default
    connection, today's parts) when the platform has only its default connection."""
    return None if listed == (DEFAULT_CONN_BY_PLATFORM[platform],) else conn_id
