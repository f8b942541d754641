"""``PipelineSettings`` whose credentials and warehouse come from Airflow connections.

``maturity.pipeline`` reads connections from ``AIRFLOW_CONN_*`` only, so that the CLI works
without Airflow. Inside Airflow a connection may also live in a secrets backend or the metadata
database; these settings ask the hooks first and fall back to the environment, so both ways of
configuring a connection work in a task. Imported inside tasks only (it imports the pipeline).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from airflow.sdk.exceptions import AirflowNotFoundException

from maturity.airflow.hooks import BlueskyHook, MastodonHook, RedditHook, WarehouseHook, XHook
from maturity.pipeline.settings import PipelineSettings

if TYPE_CHECKING:
    from maturity.connectors.settings import ConnectorSettings, RedditSettings, XSettings


@dataclass(frozen=True)
class AirflowPipelineSettings(PipelineSettings):
    def _x_settings(self) -> XSettings:
        try:
            return XHook().get_conn()
        except AirflowNotFoundException:
            return super()._x_settings()

    def _reddit_settings(self) -> RedditSettings:
        try:
            return RedditHook().get_conn()
        except AirflowNotFoundException:
            return super()._reddit_settings()

    def _connector_settings(self, platform: str) -> ConnectorSettings:
        hook = {"mastodon": MastodonHook, "bluesky": BlueskyHook}.get(platform)
        if hook is not None:
            try:
                found: ConnectorSettings = hook().get_conn()
            except AirflowNotFoundException:
                pass
            else:
                return found
        return super()._connector_settings(platform)

    def _has_connection(self, conn_id: str) -> bool:
        from airflow.sdk import BaseHook

        try:
            BaseHook.get_connection(conn_id)
        except AirflowNotFoundException:
            return False
        return True


def airflow_pipeline_settings(registry: str | Path) -> AirflowPipelineSettings:
    """The environment's settings for ``registry``, run by Airflow, with the warehouse of the
    ``maturity_warehouse`` connection when Airflow knows it."""
    settings = AirflowPipelineSettings.from_environment(
        registry_path=Path(registry), trigger="airflow"
    )
    url = WarehouseHook().connection_url()
    if url is None:
        return settings
    return dataclasses.replace(settings, warehouse_url=url.render_as_string(hide_password=False))
