"""Provider info and the plugin as Airflow reads them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from maturity.airflow import names
from maturity.airflow.hooks import BlueskyHook, MastodonHook, RedditHook, WarehouseHook, XHook
from maturity.airflow.plugin import DeferredApp, MaturityPlugin
from maturity.airflow.provider_info import get_provider_info

pytestmark = pytest.mark.unit


def _schema(name: str) -> dict:
    import airflow

    return json.loads((Path(airflow.__file__).parent / name).read_text())


def test_provider_info_is_valid_for_airflows_runtime_schema() -> None:
    import jsonschema

    info = get_provider_info()
    jsonschema.validate(info, _schema("provider_info.schema.json"))
    assert info["package-name"] == "social-maturity"
    assert info["versions"]


def test_provider_connection_types_name_the_hooks() -> None:
    from airflow._shared.module_loading import import_string

    by_type = {c["connection-type"]: c for c in get_provider_info()["connection-types"]}
    assert set(by_type) == {"x", "reddit", "mastodon", "bluesky", "maturity_warehouse"}
    for hook in (XHook, RedditHook, MastodonHook, BlueskyHook, WarehouseHook):
        entry = by_type[hook.conn_type]
        assert import_string(entry["hook-class-name"]) is hook
        assert entry["hook-name"] == hook.hook_name


def test_provider_field_behaviour_is_valid_and_matches_the_hooks() -> None:
    import jsonschema

    schema = _schema("customized_form_field_behaviours.schema.json")
    hooks = {h.conn_type: h for h in (XHook, RedditHook, MastodonHook, BlueskyHook, WarehouseHook)}
    for entry in get_provider_info()["connection-types"]:
        behaviour = entry["ui-field-behaviour"]
        as_hook = {
            "hidden_fields": behaviour["hidden-fields"],
            "relabeling": behaviour["relabeling"],
            "placeholders": behaviour["placeholders"],
        }
        jsonschema.validate(as_hook, schema)
        assert as_hook == hooks[entry["connection-type"]].get_ui_field_behaviour()


def test_x_form_asks_for_a_bearer_token_and_an_optional_base_url() -> None:
    x = next(c for c in get_provider_info()["connection-types"] if c["connection-type"] == "x")
    assert x["ui-field-behaviour"]["relabeling"]["password"] == "Bearer token"
    assert x["ui-field-behaviour"]["relabeling"]["host"] == "API base URL"
    assert "login" in x["ui-field-behaviour"]["hidden-fields"]
    assert "user_agent" in x["conn-fields"]


def test_plugin_is_valid_and_mounts_the_api_outside_airflows_prefixes() -> None:
    from airflow.api_fastapi.app import RESERVED_URL_PREFIXES
    from airflow.plugins_manager import is_valid_plugin

    assert is_valid_plugin(MaturityPlugin)
    assert MaturityPlugin.name == names.PLUGIN_NAME
    [app] = MaturityPlugin.fastapi_apps
    assert app["url_prefix"] == "/maturity"
    assert not any(app["url_prefix"].startswith(p) for p in RESERVED_URL_PREFIXES)
    assert isinstance(app["app"], DeferredApp)


def test_importing_the_plugin_imports_neither_fastapi_nor_the_warehouse(tmp_path: Path) -> None:
    probe = (
        "import sys, json; import airflow.sdk; before = set(sys.modules);"
        "import maturity.airflow.plugin;"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "AIRFLOW_HOME": str(tmp_path)},
        timeout=120,
    )
    added = json.loads(out.stdout.strip().splitlines()[-1])
    heavy = [m for m in added if m.split(".")[0] == "fastapi" or m.startswith("maturity.warehouse")]
    assert heavy == []


def test_the_deferred_app_is_built_once_on_first_use() -> None:
    from fastapi.testclient import TestClient

    built = []

    def factory():  # type: ignore[no-untyped-def]
        from maturity.airflow.api import create_app

        built.append(1)
        return create_app(lambda: None)  # type: ignore[arg-type, return-value]

    deferred = DeferredApp(factory)
    assert built == []
    client = TestClient(deferred)  # type: ignore[arg-type]
    assert client.get("/organisations").status_code == 401
    assert client.get("/organisations").status_code == 401
    assert built == [1]


@pytest.mark.parametrize(
    ("conn_type", "rows"),
    [
        ("x", "X_ROWS"),
        ("reddit", "REDDIT_ROWS"),
        ("mastodon", "MASTODON_ROWS"),
        ("bluesky", "BLUESKY_ROWS"),
    ],
)
def test_each_connection_form_shows_the_fields_its_settings_read(conn_type: str, rows: str) -> None:
    """A hidden field the settings read could never be set in the UI; a form field the settings
    ignore would be set for nothing (the Bluesky form once hid its login and app password)."""
    from maturity.connectors import settings

    entry = next(
        c for c in get_provider_info()["connection-types"] if c["connection-type"] == conn_type
    )
    read = getattr(settings, rows)
    top_level = {row.source for row in read if row.source != "extra"}
    extra_keys = {row.key for row in read if row.source == "extra"}
    hidden = set(entry["ui-field-behaviour"]["hidden-fields"])
    assert not top_level & hidden, f"{conn_type}: the form hides {sorted(top_level & hidden)}"
    unread = set(entry["conn-fields"]) - extra_keys
    assert not unread, f"{conn_type}: form fields no setting reads: {sorted(unread)}"
