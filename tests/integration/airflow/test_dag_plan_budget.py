"""The plan wired end to end through real Airflow (``DAG.test()``) against the emulator: a read
budget too small for every organisation, two X credentials with a pool each, and the cost rows
the run writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
from airflow_runs import Product, run_assessment, states
from sqlalchemy import MetaData, select

from maturity import costs
from maturity.sandbox.emulator import Emulator
from maturity.warehouse import Warehouse

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ENDPOINT_BY_ROUTE = {
    "GET /2/users/by": "users_by",
    "GET /2/users/:id/tweets": "users_tweets",
    "GET /2/users/:id/mentions": "users_mentions",
}
WALL_CLOCK = {"first_started_at", "assessed_at"}


def sqlite_url(product: Product) -> str:
    return f"sqlite:///{json.loads(product.warehouse_url)['host']}"


def x_accounts(org: dict[str, Any]) -> int:
    return sum(a["platform"] == "x" for a in org["accounts"])


def with_x_extra(product: Product, extra: dict[str, Any], conn_id: str = "x_default") -> None:
    key = f"AIRFLOW_CONN_{conn_id.upper()}"
    conn = json.loads(product.connections["AIRFLOW_CONN_X_DEFAULT"])
    product.connections[key] = json.dumps({**conn, "extra": {**conn.get("extra", {}), **extra}})


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, wall-clock columns left out, in a stable order."""
    wh = Warehouse(url)
    try:
        meta = MetaData()
        meta.reflect(wh.engine)
        out = {}
        with wh.engine.connect() as c:
            for name, table in sorted(meta.tables.items()):
                columns = [col for col in table.columns if col.name not in WALL_CLOCK]
                out[name] = sorted((tuple(r) for r in c.execute(select(*columns))), key=repr)
        return out
    finally:
        wh.dispose()


def served_x_reads(emulator: Emulator, registry: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per organisation, the distinct X resources the emulator served it: every successful X
    call asked again (the world does not change), its response's resources
    (``costs.resources_in_page``) given to the organisation whose account it was about: a
    lookup's users by handle, a timeline's or mentions' by the user id in its path."""
    org_of_handle = {
        a["handle"].lower(): o["id"]
        for o in registry["organisations"]
        for a in o["accounts"]
        if a["platform"] == "x"
    }
    bodies = []
    for call in emulator.call_log:
        endpoint = ENDPOINT_BY_ROUTE.get(call.route)
        if endpoint is None or call.status != 200:
            continue
        body = requests.get(
            emulator.x_base_url + call.path,
            params=dict(call.query),
            headers={"Authorization": f"Bearer {emulator.bearer_token}"},
            timeout=30,
        ).json()
        bodies.append((endpoint, call.path, body))
    org_of_id: dict[str, str] = {}
    found: dict[str, set[tuple[str, str]]] = {}
    for endpoint, _, body in bodies:
        if endpoint == "users_by":
            for user in body.get("data") or []:
                org = org_of_handle.get(user["username"].lower())
                if org is not None:
                    org_of_id[user["id"]] = org
                    found.setdefault(org, set()).add(("user", user["id"]))
    for endpoint, path, body in bodies:
        if endpoint != "users_by":
            org = org_of_id[path.split("/")[3]]
            found.setdefault(org, set()).update(costs.resources_in_page("x", endpoint, body))
    return {org: costs.count_kinds(resources) for org, resources in found.items()}


def test_a_budget_too_small_admits_a_prefix_and_the_report_names_the_rest(
    product: Product, airflow_home: Path
) -> None:
    orgs = product.registry["organisations"]
    assert all(x_accounts(o) for o in orgs), "every organisation of this world is on X"
    # a first run: each X account is estimated at the first-run bound
    budget = x_accounts(orgs[0]) * sum(costs.X_FIRST_RUN_READS.values())
    with_x_extra(product, {"read_budget_per_run": budget})
    result = run_assessment(product, airflow_home)
    assert result["state"] == "failed", result["log"]
    s = states(result)
    first, rest = orgs[0]["id"], [o["id"] for o in orgs[1:]]
    assert s[("organisation.score", first)] == "success"
    # the organisations left out have no account to collect: their collect tasks skip
    collect_x = {label: st for (task, label), st in s.items() if task == "organisation.collect_x"}
    assert collect_x == {first: "success", **dict.fromkeys(rest, "skipped")}, collect_x
    for org_id in rest:
        assert s[("organisation.gate_and_load", org_id)] == "failed", org_id
    assert s[("report", "-1")] == "failed"
    log = Path(result["log"]).read_text()
    for org_id in rest:
        assert f"{org_id} (plan: not collected: X read budget" in log, org_id
    assert f"over its budget of {budget:,}" in log
    assert "Read budget: 1 organisation(s) admitted" in log
    wh = Warehouse(sqlite_url(product))
    try:
        assert wh.latest_assessment(first) is not None
        # nothing was collected or written for the organisations left out
        assert [o.org_id for o in wh.list_organisations()] == [first]
    finally:
        wh.dispose()


def test_two_x_credentials_use_both_pools_and_write_the_same_warehouse(
    product: Product,
    airflow_home: Path,
    airflow_template: Path,
    emulator: Emulator,
    tmp_path: Path,
) -> None:
    one = run_assessment(product, airflow_home)
    assert one["state"] == "success", one["log"]
    served = served_x_reads(emulator, product.registry)
    single = dump(sqlite_url(product))

    # cost rows: every X read the emulator served, priced, and nothing for the other platforms
    recorded: dict[str, dict[str, int]] = {}
    for org_id, _, _, platform, resource, reads, unit, price, currency, _ in single[
        "collection_cost"
    ]:
        assert platform == "x", org_id
        assert price == pytest.approx(reads * unit)
        assert currency == "USD"
        recorded.setdefault(org_id, {})[resource] = reads
    assert recorded == served
    assert all(kinds.get("post", 0) > 0 for kinds in served.values()), served

    # the same world, a fresh landing and warehouse, two X apps
    root = tmp_path / "two-apps"
    root.mkdir()
    warehouse = json.dumps({"conn_type": "sqlite", "host": str(root / "warehouse.sqlite")})
    two = Product(root, dict(product.connections), warehouse, product.registry)
    with_x_extra(two, {}, "x_app2")
    two.extra["MATURITY_CREDENTIALS_X"] = "x_default,x_app2"
    home = tmp_path / "airflow-two"
    home.mkdir()
    shutil.copy2(airflow_template / "airflow.db", home / "airflow.db")
    result = run_assessment(two, home)
    assert result["state"] == "success", result["log"]
    s = states(result)
    by_task: dict[str, list[str]] = {}
    for task, label in s:
        by_task.setdefault(task, []).append(label)
    x, app2 = "organisation.collect_x", "organisation.collect_x__x_app2"
    # the plan splits the organisations over the two apps: each one's X task runs on one
    ran = {t: [lb for lb in by_task[t] if s[(t, lb)] == "success"] for t in (x, app2)}
    assert ran[x], ran
    assert ran[app2], ran
    assert sorted(ran[x] + ran[app2]) == sorted(o["id"] for o in product.registry["organisations"])
    pools = {t["task_id"]: t["pool"] for t in result["tasks"] if t["task_id"] in (x, app2)}
    assert pools == {x: "x_api", app2: "x_api__x_app2"}
    assert dump(sqlite_url(two)) == single

    # a rerun of the same interval the same day (two apps, same warehouse and landing)
    # re-reads only resources already counted: the cost rows stay as they were
    again = tmp_path / "airflow-again"
    again.mkdir()
    shutil.copy2(airflow_template / "airflow.db", again / "airflow.db")
    rerun = run_assessment(two, again)
    assert rerun["state"] == "success", rerun["log"]
    assert dump(sqlite_url(two))["collection_cost"] == single["collection_cost"]
