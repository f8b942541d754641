"""``PipelineSettings`` whose credentials and warehouse come from Airflow connections.

``maturity.pipeline`` reads connections from ``AIRFLOW_CONN_*`` only, so that the CLI works
without Airflow. Inside Airflow a connection may also live in a secrets backend or the metadata
database; these settings ask the hooks first and fall back to the environment, so both ways of
configuring a connection work in a task. Imported inside tasks only (it imports the pipeline).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from airflow.sdk.exceptions import AirflowNotFoundException

from maturity.airflow import names
from maturity.airflow.hooks import BlueskyHook, MastodonHook, RedditHook, WarehouseHook, XHook
from maturity.pipeline.settings import PipelineSettings

if TYPE_CHECKING:
    from maturity.connectors.settings import ConnectorSettings, RedditSettings, XSettings


@dataclass(frozen=True)
class AirflowPipelineSettings(PipelineSettings):
    credentials: Mapping[str, str] = field(default_factory=dict)
    """Platform -> connection id, for a platform whose work several credentials share
    (``MATURITY_CREDENTIALS_<PLATFORM>``); the default connection otherwise."""

    def _conn_id(self, platform: str) -> str:
        return self.credentials.get(platform) or names.DEFAULT_CONN_BY_PLATFORM[platform]

    def _x_settings(self) -> XSettings:
        from maturity.connectors.settings import load_x_settings

        conn_id = self._conn_id("x")
        try:
            return XHook(conn_id).get_conn()
        except AirflowNotFoundException:
            return load_x_settings(self.env, conn_id)

    def _reddit_settings(self) -> RedditSettings:
        from maturity.connectors.settings import load_reddit_settings

        conn_id = self._conn_id("reddit")
        try:
            return RedditHook(conn_id).get_conn()
        except AirflowNotFoundException:
            return load_reddit_settings(self.env, conn_id)

    def _connector_settings(self, platform: str) -> ConnectorSettings:
        from maturity.connectors.settings import load_bluesky_settings, load_mastodon_settings

        hook = {"mastodon": MastodonHook, "bluesky": BlueskyHook}.get(platform)
        if hook is not None:
            conn_id = self._conn_id(platform)
            try:
                found: ConnectorSettings = hook(conn_id).get_conn()
            except AirflowNotFoundException:
                if platform == "mastodon":
                    return load_mastodon_settings(self.env, conn_id)
                return load_bluesky_settings(self.env, conn_id)
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


def airflow_pipeline_settings(
    registry: str | Path, credentials: Mapping[str, str] | None = None
) -> AirflowPipelineSettings:
    """The environment's settings for ``registry``, run by Airflow, with the warehouse of the
    ``maturity_warehouse`` connection when Airflow knows it; ``credentials`` (platform ->
    connection id) replaces a platform's default connection."""
    settings = AirflowPipelineSettings.from_environment(
        registry_path=Path(registry), trigger="airflow"
    )
    if credentials:
        settings = dataclasses.replace(settings, credentials=dict(credentials))
    url = WarehouseHook().connection_url()
    if url is None:
        return settings
    return dataclasses.replace(settings, warehouse_url=url.render_as_string(hide_password=False))
