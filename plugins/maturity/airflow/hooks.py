"""Airflow hooks: an Airflow connection in, the product's configured client settings out.

Each hook holds a connection id and nothing else. ``get_conn()`` looks the connection up the
Airflow way (``AIRFLOW_CONN_*``, secrets backends, the metadata database) and maps it with the
same tables the CLI uses (``maturity.connectors.settings``, ``maturity.warehouse.url``), so a
connection means the same thing to a task and to the ``maturity`` command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook

from maturity.airflow import connection_types, names

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from maturity.connections import Connection as MaturityConnection
    from maturity.connectors.settings import (
        BlueskySettings,
        MastodonSettings,
        RedditSettings,
        XSettings,
    )
    from maturity.warehouse import Warehouse


def to_maturity_connection(conn: Any) -> MaturityConnection:
    """Airflow's ``Connection`` as :class:`maturity.connections.Connection` (same fields, the
    type read as the CLI reads it)."""
    from maturity.connections import Connection, normalise_type

    extra = conn.extra_dejson if conn.extra else {}
    port = int(conn.port) if conn.port not in (None, "") else None
    return Connection(
        conn_id=conn.conn_id,
        conn_type=normalise_type(conn.conn_type or ""),
        host=conn.host or None,
        login=conn.login or None,
        password=conn.password or None,
        schema=conn.schema or None,
        port=port,
        extra=dict(extra),
    )


class XHook(BaseHook):
    """The X app credential: ``get_conn()`` returns :class:`XSettings`."""

    conn_name_attr = "x_conn_id"
    default_conn_name = names.X_CONN_ID
    conn_type = connection_types.X.conn_type
    hook_name = connection_types.X.hook_name

    def __init__(self, x_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.x_conn_id = x_conn_id

    def get_conn(self) -> XSettings:
        from maturity.connectors.settings import x_settings

        return x_settings(to_maturity_connection(self.get_connection(self.x_conn_id)))

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return connection_types.X.ui_field_behaviour()


class RedditHook(BaseHook):
    """The Reddit OAuth client: ``get_conn()`` returns :class:`RedditSettings`."""

    conn_name_attr = "reddit_conn_id"
    default_conn_name = names.REDDIT_CONN_ID
    conn_type = connection_types.REDDIT.conn_type
    hook_name = connection_types.REDDIT.hook_name

    def __init__(self, reddit_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reddit_conn_id = reddit_conn_id

    def get_conn(self) -> RedditSettings:
        from maturity.connectors.settings import reddit_settings

        return reddit_settings(to_maturity_connection(self.get_connection(self.reddit_conn_id)))

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return connection_types.REDDIT.ui_field_behaviour()


class MastodonHook(BaseHook):
    """One Mastodon instance: ``get_conn()`` returns :class:`MastodonSettings`."""

    conn_name_attr = "mastodon_conn_id"
    default_conn_name = names.MASTODON_CONN_ID
    conn_type = connection_types.MASTODON.conn_type
    hook_name = connection_types.MASTODON.hook_name

    def __init__(self, mastodon_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mastodon_conn_id = mastodon_conn_id

    def get_conn(self) -> MastodonSettings:
        from maturity.connectors.settings import mastodon_settings

        return mastodon_settings(to_maturity_connection(self.get_connection(self.mastodon_conn_id)))

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return connection_types.MASTODON.ui_field_behaviour()


class BlueskyHook(BaseHook):
    """The Bluesky AppView: ``get_conn()`` returns :class:`BlueskySettings`."""

    conn_name_attr = "bluesky_conn_id"
    default_conn_name = names.BLUESKY_CONN_ID
    conn_type = connection_types.BLUESKY.conn_type
    hook_name = connection_types.BLUESKY.hook_name

    def __init__(self, bluesky_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bluesky_conn_id = bluesky_conn_id

    def get_conn(self) -> BlueskySettings:
        from maturity.connectors.settings import bluesky_settings

        return bluesky_settings(to_maturity_connection(self.get_connection(self.bluesky_conn_id)))

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return connection_types.BLUESKY.ui_field_behaviour()


class WarehouseHook(BaseHook):
    """The warehouse: PostgreSQL (types ``postgres`` or ``maturity_warehouse``) or SQLite.

    Without the connection it falls back to the product's own resolution
    (``MATURITY_WAREHOUSE_URL``, then the embedded ``$MATURITY_HOME/warehouse.sqlite``), the
    same warehouse the CLI would use.
    """

    conn_name_attr = "maturity_warehouse_conn_id"
    default_conn_name = names.WAREHOUSE_CONN_ID
    conn_type = connection_types.WAREHOUSE.conn_type
    hook_name = connection_types.WAREHOUSE.hook_name

    def __init__(self, maturity_warehouse_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.maturity_warehouse_conn_id = maturity_warehouse_conn_id

    def connection_url(self) -> URL | None:
        """The URL of the connection, or None when Airflow does not know the connection."""
        from airflow.sdk.exceptions import AirflowNotFoundException

        from maturity.warehouse.url import from_connection

        try:
            conn = self.get_connection(self.maturity_warehouse_conn_id)
        except AirflowNotFoundException:
            return None
        return from_connection(to_maturity_connection(conn))

    def get_url(self) -> URL:
        """The connection's URL, else the product's own default (the CLI's warehouse)."""
        from maturity.pipeline.settings import warehouse_url_from

        url = self.connection_url()
        return url if url is not None else warehouse_url_from()

    def get_conn(self) -> Warehouse:
        from maturity.warehouse import Warehouse

        return Warehouse(self.get_url())

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return connection_types.WAREHOUSE.ui_field_behaviour()
