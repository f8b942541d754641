"""Several credentials per platform (task ids, pools, the split of organisations), the plan's
forecast against the rate limits, and the X read budget admitted before collection."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from airflow.sdk import BaseNotifier

from maturity import costs
from maturity.airflow import assessment_tasks as t
from maturity.airflow import names
from maturity.evidence import Window
from maturity.sandbox.demo import demo_registry_path

pytestmark = pytest.mark.unit

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=7), END)
DAGS = Path(__file__).resolve().parents[3] / "dags"


def test_one_credential_per_platform_keeps_todays_ids_and_pools() -> None:
    for platform, pool in names.POOL_BY_PLATFORM.items():
        [conn_id] = names.credentials(platform, {})
        assert names.collect_task_id(platform, conn_id) == f"collect_{platform}"
        assert names.pool_for(platform, conn_id) == pool
        assert names.credential_part(platform, (conn_id,), conn_id) is None
    assert names.credential_pools({}) == {
        "x_api": "x_default",
        "reddit_api": "reddit_default",
        "mastodon_api": "mastodon_default",
        "bluesky_api": "bluesky_default",
    }


def test_more_credentials_get_their_own_tasks_and_pools() -> None:
    env = {"MATURITY_CREDENTIALS_X": " x_default, x_app2 ,x_app2"}
    assert names.credentials("x", env) == ("x_default", "x_app2")
    assert names.collect_task_id("x", "x_app2") == "collect_x__x_app2"
    assert names.pool_for("x", "x_app2") == "x_api__x_app2"
    assert names.credential_part("x", ("x_default", "x_app2"), "x_default") == "x_default"
    assert "x_api__x_app2" in names.credential_pools(env)
    assert names.further_credential_pools(env) == ["x_api__x_app2"]
    assert names.further_credential_pools({}) == []
    assert names.collect_task_ids(env)[:2] == [
        "organisation.collect_x",
        "organisation.collect_x__x_app2",
    ]


def test_a_bad_credentials_list_names_the_variable_and_the_fix() -> None:
    with pytest.raises(ValueError, match=r"MATURITY_CREDENTIALS_X: \['x app'\].*e.g. "):
        names.credentials("x", {"MATURITY_CREDENTIALS_X": "x_default,x app"})


def test_the_dag_builds_one_collect_task_per_credential_in_its_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("MATURITY_CREDENTIALS_X", "x_default,x_app2")
    monkeypatch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    pools = {"default_pool", *names.credential_pools()}
    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS))
    bag = DagBag(dag_folder=DAGS, known_pools=pools)
    assert bag.import_errors == {}
    dag = bag.dags[names.ASSESSMENT_DAG_ID]
    collect = {
        t.task_id: t.pool for t in dag.tasks if t.task_id.startswith("organisation.collect_")
    }
    assert collect == {
        "organisation.collect_x": "x_api",
        "organisation.collect_x__x_app2": "x_api__x_app2",
        "organisation.collect_reddit": "reddit_api",
        "organisation.collect_mastodon": "mastodon_api",
        "organisation.collect_bluesky": "bluesky_api",
    }
    assert set(names.collect_task_ids()) == set(collect)
    gate = dag.get_task("organisation.gate_and_load")
    assert {"organisation.collect_x", "organisation.collect_x__x_app2"} <= gate.upstream_task_ids


def _shard() -> dict[str, Any]:
    orgs = [
        {"org_id": "a", "accounts": ["x:A", "reddit:RA"], "credentials": {"x": "x_app2"}},
        {"org_id": "b", "accounts": ["x:B"], "credentials": {"x": "x_default"}},
        {"org_id": "c", "accounts": ["x:C"]},
    ]
    return {"label": "s", "registry": "r.yaml", "orgs": orgs}


def test_accounts_of_a_credential_are_its_organisations_and_name_it() -> None:
    app2 = t.shard_part(_shard(), "x", "x_app2")
    assert app2 is not None
    assert [a["org_id"] for a in app2["accounts"]] == ["a"]
    assert app2["credential"] == "x_app2"
    default = t.shard_part(_shard(), "x", "x_default")
    assert default is not None
    assert [a["org_id"] for a in default["accounts"]] == ["b", "c"]  # c: none given, default
    everything = t.shard_part(_shard(), "x")
    assert everything is not None
    assert "credential" not in everything
    assert len(everything["accounts"]) == 3


def test_a_shard_without_accounts_on_a_platform_has_no_part() -> None:
    assert t.shard_part(_shard(), "mastodon") is None
    # reddit: only organisation a has an account there, whatever the X credential
    reddit = t.shard_part(_shard(), "reddit")
    assert reddit is not None
    assert reddit["accounts"] == [{"org_id": "a", "handle": "RA"}]
    assert t.shard_part(_shard(), "x", "x_app3") is None


def _x_connection(extra: dict[str, Any]) -> str:
    return json.dumps(
        {"conn_type": "x", "host": "http://127.0.0.1:9", "password": "tok", "extra": extra}
    )


@pytest.fixture
def planning_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for key in [k for k in __import__("os").environ if k.startswith("MATURITY_CREDENTIALS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("MATURITY_HOME", str(tmp_path))
    monkeypatch.setenv("MATURITY_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'wh.sqlite'}")
    monkeypatch.setenv("MATURITY_REGISTRY", str(demo_registry_path()))
    return tmp_path


def _x_orgs(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for s in shards for o in s["orgs"] if any(a.startswith("x:") for a in o["accounts"])]


def test_the_budget_admits_a_prefix_and_plans_the_rest_without_requests(
    planning_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    everyone = _x_orgs(t.plan(demo_registry_path(), None))
    x_accounts = [sum(a.startswith("x:") for a in o["accounts"]) for o in everyone]
    per_account = sum(costs.X_FIRST_RUN_READS.values())
    budget = (x_accounts[0] + x_accounts[1]) * per_account  # the first two, a first run
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", _x_connection({"read_budget_per_run": budget}))
    forecast: dict[str, Any] = {}
    with caplog.at_level(logging.INFO):
        shards = t.plan(demo_registry_path(), None, WINDOW, forecast=forecast)
    orgs = {o["org_id"]: o for s in shards for o in s["orgs"]}
    admitted = [o["org_id"] for o in everyone[:2]]
    for org_id in admitted:
        assert not orgs[org_id].get("rejected"), org_id
        assert orgs[org_id]["credentials"]["x"] == "x_default"
    for org in everyone[2:]:
        planned = orgs[org["org_id"]]
        assert planned["accounts"] == [], org["org_id"]
        assert planned["rejected"].startswith("not collected: X read budget"), org["org_id"]
        assert f"over its budget of {budget:,}" in planned["rejected"]
        assert set(org["accounts"]) <= set(planned["not_collected"])
    parts = [t.shard_part(shard, "x") for shard in shards]
    # only the admitted organisations' shards have X accounts to collect
    assert [sorted({a["org_id"] for a in p["accounts"]}) for p in parts if p] == [
        [org_id] for org_id in admitted
    ]
    assert f"{len(admitted)} organisation(s) admitted" in forecast["budget"]
    assert "not collected:" in caplog.text


def test_the_month_budget_subtracts_the_reads_already_recorded(
    planning_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maturity.warehouse import OrgRow, Warehouse
    from maturity.warehouse.cost_rows import CostRow

    per_account = sum(costs.X_FIRST_RUN_READS.values())
    wh = Warehouse(f"sqlite:///{planning_env / 'wh.sqlite'}")
    wh.migrate()
    earlier = Window(END - timedelta(days=2), END - timedelta(days=1))  # ends 1 Nov: this month
    before = Window(WINDOW.start - timedelta(days=7), WINDOW.start)  # ends 26 Oct: last month
    org = OrgRow("someone", "Someone", "other", "UTC")
    wh.write_gated_collection(
        org, earlier, "run-1", [], costs=[CostRow("x", "post", 10**6, 0.005, "USD")]
    )
    wh.write_gated_collection(
        org, before, "run-0", [], costs=[CostRow("x", "post", 10**6, 0.005, "USD")]
    )
    # a rerun of this very window does not count against itself
    wh.write_gated_collection(
        org, WINDOW, "run-2", [], costs=[CostRow("x", "post", 10**6, 0.005, "USD")]
    )
    wh.dispose()
    month = 10**6 + 3 * per_account  # leaves room for fewer than four accounts
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", _x_connection({"read_budget_per_month": month}))
    forecast: dict[str, Any] = {}
    shards = t.plan(demo_registry_path(), None, WINDOW, forecast=forecast)
    assert "of which 1,000,000 spent" in forecast["budget"]
    refused = [o for s in shards for o in s["orgs"] if o.get("rejected")]
    admitted_accounts = sum(
        sum(a.startswith("x:") for a in o["accounts"])
        for s in shards
        for o in s["orgs"]
        if not o.get("rejected")
    )
    assert admitted_accounts <= 3
    assert refused, "some organisation was left out"
    assert all("1,000,000 already read this month" in o["rejected"] for o in refused)


def test_a_run_over_its_interval_says_so_with_the_numbers(
    planning_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tight = {"rate_limits": {"GET /2/users/:id/tweets": {"requests": 1, "window_seconds": 86400}}}
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", _x_connection(tight))
    forecast: dict[str, Any] = {}
    with caplog.at_level(logging.WARNING):
        t.plan(demo_registry_path(), None, WINDOW, forecast=forecast)
    assert forecast["exceeds_interval"]
    assert forecast["lower_bound_seconds"] > forecast["interval_seconds"] == 7 * 86400
    assert "cannot finish within its schedule interval" in caplog.text
    assert "GET /2/users/:id/tweets" in forecast["warning"]
    assert "1 per 1440 min" in forecast["warning"]
    # two apps halve the bottleneck's windows
    monkeypatch.setenv("MATURITY_CREDENTIALS_X", "x_default,x_app2")
    monkeypatch.setenv("AIRFLOW_CONN_X_APP2", _x_connection(tight))
    two: dict[str, Any] = {}
    shards = t.plan(demo_registry_path(), None, WINDOW, forecast=two)
    assert two["lower_bound_seconds"] < forecast["lower_bound_seconds"]
    used = {o["credentials"]["x"] for o in _x_orgs(shards)}
    assert used == {"x_default", "x_app2"}


class Recorder(BaseNotifier):
    """Records each notification instead of sending it."""

    template_fields = ("message", "heading")
    sent: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, *, message: str, heading: str | None = None) -> None:
        super().__init__()
        self.message, self.heading = message, heading

    def notify(self, context: Any) -> None:
        Recorder.sent.append({"heading": self.heading, "message": self.message})


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_report_repeats_the_warning_and_the_alert_carries_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, lang: str
) -> None:
    from maturity.warehouse import Warehouse

    Recorder.sent.clear()
    wh = Warehouse(f"sqlite:///{tmp_path / 'wh.sqlite'}")
    wh.migrate()
    shards = [{"label": "a", "registry": "r", "orgs": [{"org_id": "a", "accounts": []}]}]
    steps = [{"step": "score", "done": {"a": {}}, "failed": {}}]
    context = {"data_interval_start": WINDOW.start, "data_interval_end": WINDOW.end}
    forecast = {"warning": "This run cannot finish: 9 h", "warning_nl": "Past niet: 9 h"}
    config = json.dumps(
        {
            "notifier": f"{__name__}.Recorder",
            "title_arg": "heading",
            "text_arg": "message",
            "lang": lang,
        }
    )
    try:
        with caplog.at_level(logging.WARNING):
            result = t.report(
                shards, steps, context, warehouse=wh, notify_config=config, forecast=forecast
            )
    finally:
        wh.dispose()
    assert result["forecast"]["warning"] == forecast["warning"]
    assert "plan: This run cannot finish: 9 h" in caplog.text
    [sent] = Recorder.sent
    assert sent["message"] == (forecast["warning_nl"] if lang == "nl" else forecast["warning"])
    assert ("past niet in zijn interval" if lang == "nl" else "does not fit") in sent["heading"]


def test_the_report_names_an_organisation_left_out_by_the_plan_with_its_reason(
    tmp_path: Path,
) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    from maturity.warehouse import Warehouse

    wh = Warehouse(f"sqlite:///{tmp_path / 'wh.sqlite'}")
    wh.migrate()
    why = "not collected: X read budget: estimated 4,801 reads (first run) ... budget of 10"
    shards = [
        {"label": "a", "registry": "r", "orgs": [{"org_id": "a", "accounts": []}]},
        {"label": "b", "registry": "r", "orgs": [{"org_id": "b", "accounts": [], "rejected": why}]},
    ]
    # b's shard failed as a whole: it left no summary, only its plan says why
    steps = [{"step": "score", "done": {"a": {}}, "failed": {}}]
    context = {"data_interval_start": WINDOW.start, "data_interval_end": WINDOW.end}
    try:
        with pytest.raises(AirflowFailException) as caught:
            t.report(shards, steps, context, warehouse=wh, notify_config="")
    finally:
        wh.dispose()
    assert f"1 of 2 organisations were not assessed: b (plan: {why})" in str(caught.value)


def test_a_malformed_connection_fails_the_plan_naming_it(
    planning_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    bad = {"rate_limits": {"GET /2/users/by": {"requests": 0, "window_seconds": 900}}}
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", _x_connection(bad))
    with pytest.raises(AirflowFailException, match=r"AIRFLOW_CONN_X_DEFAULT \(extra.rate_limits\)"):
        t.plan(demo_registry_path(), None, WINDOW, forecast={})
    # a second credential listed without its connection is named too
    monkeypatch.setenv("AIRFLOW_CONN_X_DEFAULT", _x_connection({}))
    monkeypatch.setenv("MATURITY_CREDENTIALS_X", "x_default,x_app3")
    with pytest.raises(AirflowFailException, match="x_app3"):
        t.plan(demo_registry_path(), None, WINDOW, forecast={})
