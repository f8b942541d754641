"""The BI views (sql/views, created by migration 0005) on known rows, on SQLite and PostgreSQL:
each returns the plain columns docs/bi.md promises, with the values the rows imply."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from bi_samples import write_quality, write_snapshots
from sqlalchemy import text
from warehouse_samples import Q2, assessment, evidence, run_for, write

from maturity.assessment import CriterionResult, NextStep, PlatformCheck, Status
from maturity.evidence import MetricValue, Window
from maturity.metric_dictionary import get_metric
from maturity.phases import Phase, outcome_labels
from maturity.rubric import load_default_rubric
from maturity.warehouse import OrgRow, Warehouse

pytestmark = pytest.mark.integration

Q3 = Window(Q2.end, Q2.end.replace(month=10))


def _rows(wh: Warehouse, sql: str, **params: Any) -> list[dict[str, Any]]:
    with wh.engine.connect() as connection:
        return [dict(r) for r in connection.execute(text(sql), params).mappings()]


def _approx(value: object) -> object:
    return pytest.approx(value) if isinstance(value, float) else value


def test_v_phase_history_compares_each_window_with_the_one_before(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), assessment(evidence(), maturity_index=2.6))
    q2 = evidence(window=Q2)
    write(warehouse, q2, assessment(q2, phase=Phase.FORMALIZED, maturity_index=3.4))
    q3 = evidence(window=Q3)
    write(warehouse, q3, assessment(q3, phase=None, maturity_index=0.5))
    rows = _rows(
        warehouse,
        "SELECT phase, previous_phase, phase_change, direction, maturity_index_change, "
        "phase_label_nl, previous_phase_label_en, previous_phase_label_nl, org_name "
        "FROM v_phase_history ORDER BY window_end",
    )
    engagement, formalized = outcome_labels(3, "assessed"), outcome_labels(4, "assessed")
    insufficient = outcome_labels(None, "insufficient_evidence")
    assert [(r["phase"], r["previous_phase"], r["phase_change"], r["direction"]) for r in rows] == [
        (3, None, None, "first"),
        (4, 3, 1, "up"),
        (None, 4, -4, "down"),
    ]
    assert [r["maturity_index_change"] for r in rows] == [
        None,
        pytest.approx(0.8),
        pytest.approx(-2.9),
    ]
    assert [r["phase_label_nl"] for r in rows] == [
        engagement["nl"],
        formalized["nl"],
        insufficient["nl"],
    ]
    assert [(r["previous_phase_label_en"], r["previous_phase_label_nl"]) for r in rows] == [
        (None, None),
        (engagement["en"], engagement["nl"]),
        (formalized["en"], formalized["nl"]),
    ]
    assert {r["org_name"] for r in rows} == {"Acme Zorg"}


def _default_rubric_assessment(ev: Any) -> Any:
    """An assessment under the default rubric, with one observed criterion checked on two
    platforms and organisation-wide, and one declared criterion without checks."""
    rubric = load_default_rubric()
    observed = CriterionResult(
        "engagement.response_rate",
        Phase.ENGAGEMENT,
        "observed",
        "gate",
        3.0,
        Status.MET,
        "met on x",
        checks=(
            PlatformCheck("x", Status.MET, 0.71, 120, 0.65, 0.62, 0.78, "met on x"),
            PlatformCheck("reddit", Status.UNKNOWN, None, 0, 0.5, None, None, "no data"),
            PlatformCheck("all", Status.MET, 0.7, 130, 0.6, None, None, "met overall"),
        ),
    )
    declared = CriterionResult(
        "formalized.social_policy",
        Phase.FORMALIZED,
        "declared",
        "support",
        1.5,
        Status.NOT_MET,
        "declared false",
    )
    steps = (
        NextStep(1, "formalized.social_policy", Phase.FORMALIZED, 1.5, Status.NOT_MET, "no policy"),
        NextStep(2, "not.in_rubric", Phase.STRATEGIC, 2.0, Status.UNKNOWN, "unknown gap"),
    )
    a = assessment(ev, with_criteria=(observed, declared), with_steps=steps)
    return replace(a, rubric_id=rubric.rubric)


def test_v_criteria_matrix_one_row_per_criterion_and_check(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), _default_rubric_assessment(evidence()))
    rows = _rows(
        warehouse,
        "SELECT criterion_id, scope, platform, check_status, value, threshold, n, ci_low, "
        "ci_high, status, criterion_label_en, criterion_label_nl, phase_label_nl "
        "FROM v_criteria_matrix ORDER BY criterion_id, platform",
    )
    rubric = load_default_rubric()
    rate, policy = (
        rubric.criterion(c) for c in ("engagement.response_rate", "formalized.social_policy")
    )
    got = [
        (
            r["criterion_id"],
            r["scope"],
            r["platform"],
            r["check_status"],
            r["value"],
            r["threshold"],
            r["n"],
        )
        for r in rows
    ]
    # PostgreSQL sorts NULL last, SQLite first: compare as sets of rows, then the labels
    assert sorted(got, key=repr) == sorted(
        [
            (
                "engagement.response_rate",
                "organisation",
                None,
                "met",
                pytest.approx(0.7),
                pytest.approx(0.6),
                130,
            ),
            (
                "engagement.response_rate",
                "platform",
                "reddit",
                "unknown",
                None,
                pytest.approx(0.5),
                0,
            ),
            (
                "engagement.response_rate",
                "platform",
                "x",
                "met",
                pytest.approx(0.71),
                pytest.approx(0.65),
                120,
            ),
            ("formalized.social_policy", None, None, None, None, None, None),
        ],
        key=repr,
    )
    x = next(r for r in rows if r["platform"] == "x")
    assert (x["ci_low"], x["ci_high"]) == (pytest.approx(0.62), pytest.approx(0.78))
    labels = {r["criterion_id"]: (r["criterion_label_en"], r["criterion_label_nl"]) for r in rows}
    assert labels == {
        rate.id: (rate.label.get("en"), rate.label.get("nl")),
        policy.id: (policy.label.get("en"), policy.label.get("nl")),
    }
    assert {r["phase_label_nl"] for r in rows if r["criterion_id"] == policy.id} == {
        Phase.FORMALIZED.label("nl")
    }


def test_v_next_steps_with_labels_advice_and_the_latest_window(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), _default_rubric_assessment(evidence()))
    q2 = evidence(window=Q2)
    write(warehouse, q2, _default_rubric_assessment(q2))
    rows = _rows(
        warehouse,
        "SELECT window_end, is_latest_window, rank, criterion_id, criterion_label_nl, advice_en, "
        "advice_nl, phase_label_en, gap FROM v_next_steps ORDER BY window_end, rank",
    )
    policy = load_default_rubric().criterion("formalized.social_policy")
    assert [(r["is_latest_window"], r["rank"], r["criterion_id"]) for r in rows] == [
        (0, 1, "formalized.social_policy"),
        (0, 2, "not.in_rubric"),
        (1, 1, "formalized.social_policy"),
        (1, 2, "not.in_rubric"),
    ]
    first, unknown = rows[2], rows[3]
    assert (first["criterion_label_nl"], first["advice_en"], first["advice_nl"]) == (
        policy.label.get("nl"),
        policy.advice.get("en"),
        policy.advice.get("nl"),
    )
    assert (first["phase_label_en"], first["gap"]) == (Phase.FORMALIZED.label("en"), "no policy")
    assert (unknown["criterion_label_nl"], unknown["advice_en"]) == (None, None)


def test_v_metric_values_plain_scope_platform_account_and_dictionary(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), assessment(evidence()))
    rows = _rows(
        warehouse,
        "SELECT metric_id, scope, platform, account, value, n, unit, kind, family, "
        "denominator, n_counts, definition_en FROM v_metric_values ORDER BY metric_id",
    )
    by_id = {r["metric_id"]: r for r in rows}
    assert len(rows) == len(by_id) == 4
    scopes = {m: (r["scope"], r["platform"], r["account"]) for m, r in by_id.items()}
    assert scopes == {
        "activity.posts_per_week": ("organisation", None, None),
        "presence.verified_share": ("account", "x", "AcmeZorg"),
        "responsiveness.first_response_median_hours": ("platform", "reddit", None),
        "responsiveness.response_rate": ("platform", "x", None),
    }
    for metric_id, r in by_id.items():
        d = get_metric(metric_id)
        assert (r["unit"], r["kind"], r["family"], r["n_counts"], r["definition_en"]) == (
            d.unit,
            d.kind,
            d.family,
            d.sample,
            d.definition,
        )
        assert r["denominator"] == (None if d.denominator == "-" else d.denominator)
    assert (
        by_id["responsiveness.response_rate"]["value"],
        by_id["responsiveness.response_rate"]["n"],
    ) == (
        pytest.approx(0.71),
        120,
    )


def _org(wh: Warehouse, org_id: str, sector: str, value: float | None) -> None:
    ev = evidence(
        org_id,
        metric_values=(
            MetricValue("activity.posts_per_week", value, 10),
            MetricValue("responsiveness.response_rate", value, 10, platform="x", account="Own"),
        ),
    )
    a = assessment(ev, with_criteria=(), with_steps=())
    wh.write_assessment(OrgRow(org_id, org_id.title(), sector=sector), ev, a, run_for(a))


def test_v_sector_benchmark_percentiles_and_percent_rank(warehouse: Warehouse) -> None:
    for i, value in enumerate([4.0, 1.0, 5.0, 2.0, 3.0]):
        _org(warehouse, f"health{i}", "health", value)
    _org(warehouse, "school", "education", 7.0)
    _org(warehouse, "unknown", "health", None)
    rows = _rows(
        warehouse,
        "SELECT org_id, sector, metric_id, scope, platform, value, sector_organisations, "
        "p25, p50, p75, p90, percent_rank FROM v_sector_benchmark ORDER BY org_id",
    )
    # account-level values and unknown values take no part
    assert {(r["metric_id"], r["scope"], r["platform"]) for r in rows} == {
        ("activity.posts_per_week", "organisation", None)
    }
    health = [r for r in rows if r["sector"] == "health"]
    assert {r["org_id"] for r in health} == {f"health{i}" for i in range(5)}
    # nearest rank over 1..5: p25 = 2, p50 = 3, p75 = 4, p90 = 5
    for r in health:
        assert (r["sector_organisations"], r["p25"], r["p50"], r["p75"], r["p90"]) == (
            5,
            2,
            3,
            4,
            5,
        )
        assert r["percent_rank"] == pytest.approx((r["value"] - 1) / 4)
    (school,) = [r for r in rows if r["sector"] == "education"]
    assert (
        school["sector_organisations"],
        school["p50"],
        school["p90"],
        school["percent_rank"],
    ) == (
        1,
        7,
        7,
        0,
    )


def test_v_coverage_platforms_and_account_states(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), assessment(evidence()))
    write_snapshots(warehouse)
    rows = _rows(
        warehouse,
        "SELECT platform, coverage_status, accounts_registered, accounts_observed, "
        "accounts_active, accounts_not_found, accounts_protected, accounts_suspended "
        "FROM v_coverage ORDER BY platform",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("reddit", "missing", 1, 1, 0, 1, 0, 0),
        ("x", "covered", 1, 1, 1, 0, 0, 0),
    ]


def test_v_quality_checks_quarantines_and_left_out_metrics(warehouse: Warehouse) -> None:
    write(warehouse, evidence(), assessment(evidence()))
    write_quality(warehouse)
    rows = _rows(
        warehouse,
        "SELECT kind, subject, platform, account, metric_id, check_name, passed, quarantined, "
        "quarantine_reason, metric_value, metric_n, org_name FROM v_quality "
        "ORDER BY kind, check_name, platform",
    )
    got = [tuple(_approx(v) for v in r.values()) for r in rows]
    assert sorted(got, key=repr) == sorted(
        [
            (
                "check",
                "records",
                "reddit",
                "AcmeZorg",
                None,
                "created_at_present",
                0,
                1,
                "2 posts without created_at",
                None,
                None,
                "Acme Zorg",
            ),
            (
                "check",
                "records",
                "x",
                "AcmeZorg",
                None,
                "created_at_present",
                1,
                0,
                None,
                None,
                None,
                "Acme Zorg",
            ),
            (
                "check",
                "metrics",
                None,
                None,
                None,
                "proportions_in_range",
                1,
                0,
                None,
                None,
                None,
                "Acme Zorg",
            ),
            (
                "quarantined_metric",
                "metrics",
                "x",
                None,
                "responsiveness.reply_share",
                "n_matches_sample",
                0,
                1,
                None,
                pytest.approx(1.7),
                40,
                "Acme Zorg",
            ),
            (
                "quarantined_metric",
                "metrics",
                "x",
                None,
                "responsiveness.reply_share",
                "proportions_in_range",
                0,
                1,
                None,
                pytest.approx(1.7),
                40,
                "Acme Zorg",
            ),
        ],
        key=repr,
    )
