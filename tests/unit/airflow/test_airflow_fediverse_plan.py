"""Which platforms the assessment DAG collects: Mastodon only with its connection (it has no
default instance), Bluesky always (the public AppView)."""

from __future__ import annotations

import json

import pytest

from maturity.airflow import assessment_tasks as t
from maturity.sandbox.demo import demo_registry_path

pytestmark = pytest.mark.unit
MASTODON = json.dumps({"conn_type": "mastodon", "host": "https://social.example"})


def test_mastodon_needs_its_connection_bluesky_does_not() -> None:
    assert t.collectable_platforms({}) == {"x", "reddit", "bluesky"}
    with_conn = t.collectable_platforms({"AIRFLOW_CONN_MASTODON_DEFAULT": MASTODON})
    assert with_conn == {"x", "reddit", "mastodon", "bluesky"}


def test_with_the_connection_mastodon_accounts_are_planned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_MASTODON_DEFAULT", MASTODON)
    [org] = t.plan(demo_registry_path())[0]["orgs"]
    assert "mastodon:gemeenteduinwijk@social.duinwijk.example" in org["accounts"]
    assert org["not_collected"] == []
    bluesky = [
        o
        for shard in t.plan(demo_registry_path())
        for o in shard["orgs"]
        if any(a.startswith("bluesky:") for a in o["accounts"])
    ]
    assert bluesky  # the demo registry's Bluesky accounts are collected
