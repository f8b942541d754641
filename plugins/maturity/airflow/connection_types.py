"""The product's connection types as Airflow's UI shows them: one table, read by the provider
info (Airflow 3.2+ reads connection forms declaratively from there) and by the hooks'
``get_ui_field_behaviour``.

Extra fields (``conn-fields``) are stored in the connection's ``extra`` under their own names,
which are the keys the connector settings read (``maturity.connectors.settings``); the less
common ones (timeouts, retries, caps) stay editable in the raw *Extra* JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maturity.airflow import names


@dataclass(frozen=True)
class ConnectionType:
    conn_type: str
    hook_class: str
    hook_name: str
    hidden: tuple[str, ...]
    labels: dict[str, str]
    placeholders: dict[str, str]
    extra_fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ui_field_behaviour(self) -> dict[str, Any]:
        """The dict ``BaseHook.get_ui_field_behaviour`` returns."""
        return {
            "hidden_fields": list(self.hidden),
            "relabeling": dict(self.labels),
            "placeholders": dict(self.placeholders),
        }

    def provider_entry(self) -> dict[str, Any]:
        """The ``connection-types`` entry of the provider info."""
        return {
            "connection-type": self.conn_type,
            "hook-class-name": self.hook_class,
            "hook-name": self.hook_name,
            "conn-fields": {k: dict(v) for k, v in self.extra_fields.items()},
            "ui-field-behaviour": {
                "hidden-fields": list(self.hidden),
                "relabeling": dict(self.labels),
                "placeholders": dict(self.placeholders),
            },
        }


def _text(label: str, description: str, default: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"]}
    if default is not None:
        schema["default"] = default
    return {"label": label, "description": description, "schema": schema}


def _flag(label: str, description: str, default: bool) -> dict[str, Any]:
    return {
        "label": label,
        "description": description,
        "schema": {"type": ["boolean", "null"], "default": default},
    }


def _count(label: str, description: str) -> dict[str, Any]:
    return {
        "label": label,
        "description": description,
        "schema": {"type": ["integer", "null"], "minimum": 0},
    }


_HOOKS = "maturity.airflow.hooks"
_USER_AGENT = _text(
    "User agent",
    "Names your app and a contact; Reddit requires one "
    "(python:your-org-maturity:1.0 (by /u/your_account)).",
)

X = ConnectionType(
    conn_type="x",
    hook_class=f"{_HOOKS}.XHook",
    hook_name="X API (maturity)",
    hidden=("schema", "login", "port"),
    labels={"host": "API base URL", "password": "Bearer token"},
    placeholders={
        "host": "https://api.x.com (leave empty for the real API)",
        "password": "the app's OAuth 2.0 bearer token",
    },
    extra_fields={
        "user_agent": _USER_AGENT,
        "mentions": _flag("Collect mentions", "Read each account's mentions timeline.", True),
        "read_budget_per_run": _count(
            "Read budget per run",
            "X resources (posts and users) one run may read; organisations beyond it are "
            "left out whole and named in the report. Empty: no limit.",
        ),
        "read_budget_per_month": _count(
            "Read budget per month",
            "X resources per calendar month (UTC), the reads already recorded this month "
            "included. Empty: no limit.",
        ),
    },
)

REDDIT = ConnectionType(
    conn_type="reddit",
    hook_class=f"{_HOOKS}.RedditHook",
    hook_name="Reddit API (maturity)",
    hidden=("schema", "port"),
    labels={"host": "OAuth API URL", "login": "Client id", "password": "Client secret"},
    placeholders={
        "host": "https://oauth.reddit.com (leave empty for the real API)",
        "login": "the app's client id",
        "password": "the app's client secret",
    },
    extra_fields={
        "user_agent": _USER_AGENT,
        "mentions": _flag(
            "Collect mentions", "Read inbox mentions (needs username and password in Extra).", True
        ),
    },
)

MASTODON = ConnectionType(
    conn_type="mastodon",
    hook_class=f"{_HOOKS}.MastodonHook",
    hook_name="Mastodon API (maturity)",
    hidden=("schema", "login", "port"),
    labels={"host": "Instance URL", "password": "Access token (optional)"},
    placeholders={
        "host": "https://social.overheid.nl",
        "password": "a token of the organisation's account (read:notifications) for mentions",
    },
    extra_fields={
        "user_agent": _USER_AGENT,
        "mentions": _flag(
            "Collect mentions", "Read mention notifications (needs the account's token).", True
        ),
    },
)

BLUESKY = ConnectionType(
    conn_type="bluesky",
    hook_class=f"{_HOOKS}.BlueskyHook",
    hook_name="Bluesky AppView (maturity)",
    hidden=("schema", "port"),
    labels={
        "host": "AppView URL",
        "login": "Handle (optional)",
        "password": "App password (optional)",
    },
    placeholders={
        "host": "https://public.api.bsky.app (leave empty for the public AppView)",
        "login": "gemeente.example.nl: only to read this account's own mentions",
        "password": "an app password (Settings > App passwords), never the account password",
    },
    extra_fields={
        "user_agent": _USER_AGENT,
        "pds_url": _text(
            "PDS URL",
            "Where the handle logs in; empty for Bluesky's own (https://bsky.social).",
        ),
        "mentions": _flag(
            "Collect mentions",
            "Read mention and reply notifications (needs the account's handle and app password).",
            True,
        ),
    },
)

WAREHOUSE = ConnectionType(
    conn_type="maturity_warehouse",
    hook_class=f"{_HOOKS}.WarehouseHook",
    hook_name="Maturity warehouse (PostgreSQL)",
    hidden=(),
    labels={"schema": "Database", "login": "User"},
    placeholders={
        "host": "warehouse.example.org",
        "port": "5432",
        "schema": "maturity",
        "extra": '{"sslmode": "require"}',
    },
)

CONNECTION_TYPES: dict[str, ConnectionType] = {
    names.X_CONN_ID: X,
    names.REDDIT_CONN_ID: REDDIT,
    names.MASTODON_CONN_ID: MASTODON,
    names.BLUESKY_CONN_ID: BLUESKY,
    names.WAREHOUSE_CONN_ID: WAREHOUSE,
}
"""By default connection id."""
