"""The names the DAGs, the pools, the connections and the plugin share. Standard library only."""

from __future__ import annotations

from typing import Final

ASSESSMENT_DAG_ID: Final = "social_maturity_assessment"
VIEWS_DAG_ID: Final = "social_maturity_views"
OWNER: Final = "maturity"
TAGS: Final = ("maturity", "social-business")

X_POOL: Final = "x_api"
REDDIT_POOL: Final = "reddit_api"
POOL_BY_PLATFORM: Final = {"x": X_POOL, "reddit": REDDIT_POOL}
"""Platforms whose accounts the assessment DAG collects, each with the pool of its credential."""

X_CONN_ID: Final = "x_default"
REDDIT_CONN_ID: Final = "reddit_default"
WAREHOUSE_CONN_ID: Final = "maturity_warehouse"

ASSESSMENTS_URI: Final = "x-maturity://warehouse/assessments"
"""The Asset updated whenever an assessment run has committed organisations' assessments."""

PLUGIN_NAME: Final = "maturity"
API_PREFIX: Final = "/maturity"

ORG_STEPS: Final = ("validate", "load", "metrics", "score")
"""The assessment DAG's per-shard steps after collection, in order; each runs
``maturity.pipeline.ORG_STEPS[step]`` as the task ``organisation.<step>``."""

REGISTRY_ENV: Final = "MATURITY_REGISTRY"
"""Path of the organisation registry; the demo registry in ``maturity.sandbox.demo`` when unset."""
