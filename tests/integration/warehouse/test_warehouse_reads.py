"""Reads for explain and the API: what was written comes back equal."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import URL
from warehouse_samples import (
    Q1,
    Q2,
    STARTED,
    assessment,
    evidence,
    org_row,
    run_for,
    write,
)

from maturity.errors import InputError
from maturity.evidence import Window
from maturity.phases import Phase
from maturity.pipeline import settings
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.integration


def test_explain_round_trip(warehouse: Warehouse) -> None:
    ev = evidence()
    a = assessment(ev)
    run = write(warehouse, ev, a)
    data = warehouse.latest_assessment("acme")
    assert data is not None
    assert data.assessment == a
    assert set(data.metrics) == set(ev.metrics)
    assert set(data.facts) == set(ev.facts)
    assert [type(f.value) for f in sorted(data.facts, key=lambda f: f.fact_id)] == [bool, float]
    assert data.run == run
    assert data.code_version == "0.1.0"
    assert data.assessed_at == ev.window.end
    assert data.organisation.org_id == "acme"
    assert set(data.organisation.accounts) == set(org_row().accounts)


def test_round_trip_with_a_non_utc_window(warehouse: Warehouse) -> None:
    ams = ZoneInfo("Europe/Amsterdam")
    window = Window(Q1.start.astimezone(ams), Q1.end.astimezone(ams))
    ev = evidence(window=window)
    a = assessment(ev)
    write(warehouse, ev, a)
    write(warehouse, ev, a)  # the same instants in another zone are the same key
    data = warehouse.latest_assessment("acme")
    assert data is not None
    assert data.assessment == a
    assert data.assessment.window.start.utcoffset() == timedelta(0)
    assert len(warehouse.assessment_history("acme")) == 1


def test_latest_as_of_and_by_rubric_version(warehouse: Warehouse) -> None:
    q1, q2 = evidence(), evidence(window=Q2)
    write(warehouse, q1, assessment(q1, "2025.1", phase=Phase.PRESENCE))
    write(warehouse, q2, assessment(q2, "2025.1", phase=Phase.ENGAGEMENT))
    write(warehouse, q1, assessment(q1, "2025.2", phase=Phase.FORMALIZED), kind="rescore")

    latest = warehouse.latest_assessment("acme")
    assert latest is not None
    assert (latest.assessment.window, latest.assessment.phase) == (Q2, Phase.ENGAGEMENT)

    as_of_q1 = warehouse.latest_assessment("acme", as_of=Q1.end + timedelta(days=1))
    assert as_of_q1 is not None
    # Two rubric versions share Q1: the one whose run started last wins (the rescore).
    assert as_of_q1.assessment.rubric_version == "2025.2"

    v1 = warehouse.latest_assessment("acme", as_of=Q1.end, rubric_version="2025.1")
    assert v1 is not None
    assert (v1.assessment.window, v1.assessment.phase) == (Q1, Phase.PRESENCE)

    assert warehouse.latest_assessment("acme", as_of=Q1.start) is None
    assert warehouse.latest_assessment("acme", rubric_version="1999") is None


def test_rescore_tie_break_uses_the_first_run_time(warehouse: Warehouse) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev, "b-older"), started_at=STARTED + timedelta(days=1))
    write(warehouse, ev, assessment(ev, "a-newer"), started_at=STARTED + timedelta(days=2))
    data = warehouse.latest_assessment("acme")
    assert data is not None
    assert data.assessment.rubric_version == "a-newer"


def test_history_lists_every_assessment_oldest_first(warehouse: Warehouse) -> None:
    q1, q2 = evidence(), evidence(window=Q2)
    write(warehouse, q2, assessment(q2, "2025.1"))
    write(warehouse, q1, assessment(q1, "2025.1"))
    write(warehouse, q1, assessment(q1, "2025.2"))
    history = warehouse.assessment_history("acme")
    assert [(h.window, h.rubric_version) for h in history] == [
        (Q1, "2025.1"),
        (Q1, "2025.2"),
        (Q2, "2025.1"),
    ]
    assert history[0].run_id == run_for(assessment(q1, "2025.1")).run_id
    assert history[0].assessed_at == Q1.end


def test_histories_of_many_organisations_match_each_history_across_query_chunks(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maturity.warehouse import reads

    monkeypatch.setattr(reads, "HISTORY_CHUNK", 2)  # 5 organisations: 3 queries
    orgs = ["a1", "a2", "a3", "a4", "a5"]
    for i, org_id in enumerate(orgs):
        for window in (Q2, Q1)[: 1 + i % 2]:
            ev = evidence(org_id, window)
            write(warehouse, ev, assessment(ev, phase=Phase.PRESENCE if i % 2 else None))
    warehouse.write_organisations([org_row("quiet", "Quiet BV")])
    asked = [*reversed(orgs), "quiet", "never-heard-of"]
    histories = warehouse.assessment_histories(asked)
    assert list(histories) == asked
    for org_id in orgs:
        assert histories[org_id] == warehouse.assessment_history(org_id), org_id
    assert [len(histories[o]) for o in orgs] == [1, 2, 1, 2, 1]
    assert [h.window for h in histories["a2"]] == [Q1, Q2]
    assert histories["quiet"] == histories["never-heard-of"] == []


def test_unknown_organisation_names_the_known_ones(warehouse: Warehouse) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev))
    for read in (
        lambda: warehouse.latest_assessment("nope"),
        lambda: warehouse.assessment_history("nope"),
        lambda: warehouse.read_records("nope", Q1.start, Q1.end),
    ):
        with pytest.raises(InputError, match="unknown organisation nope; known: acme") as info:
            read()
        assert info.value.exit_code == 2


def test_known_organisation_without_assessment_gives_none(warehouse: Warehouse) -> None:
    warehouse.write_organisations([org_row("quiet", "Quiet BV")])
    assert warehouse.latest_assessment("quiet") is None
    assert warehouse.assessment_history("quiet") == []
    assert warehouse.read_cursor("x", "quiet", "QuietBV") == {}


def test_airflow_connection_json_and_uri_reach_the_same_warehouse(
    warehouse: Warehouse, warehouse_url: URL
) -> None:
    ev = evidence()
    write(warehouse, ev, assessment(ev))
    if warehouse_url.get_backend_name() == "sqlite":
        as_json = {"conn_type": "sqlite", "host": warehouse_url.database}
        as_uri = None
    else:
        as_json = {
            "conn_type": "postgres",
            "host": warehouse_url.host,
            "port": warehouse_url.port,
            "login": warehouse_url.username,
            "schema": warehouse_url.database,
            "extra": {"options": warehouse_url.query["options"]},
        }
        as_uri = warehouse_url.set(drivername="postgres").render_as_string(hide_password=False)
    for raw in filter(None, (json.dumps(as_json), as_uri)):
        env = {"AIRFLOW_CONN_MATURITY_WAREHOUSE": raw}
        with Warehouse(settings.warehouse_url_from(env)) as wh:
            assert wh.check().up_to_date
            data = wh.latest_assessment("acme")
            assert data is not None
            assert data.assessment.org_id == "acme"
