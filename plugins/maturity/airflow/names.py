"""The names the DAGs, the pools, the connections and the plugin share. Light: standard library
and ``maturity.connections`` only, for the DAG files."""

from __future__ import annotations

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

ORG_STEPS: Final = ("gate_and_load", "metrics", "score")
"""The assessment DAG's per-shard steps after collection, in order; each runs
``maturity.pipeline.ORG_STEPS[step]`` as the task ``organisation.<step>``."""

FIRST_ORG_STEP: Final = ORG_STEPS[0]
"""Runs once every collect task is done, and leaves out organisations not wholly collected."""
