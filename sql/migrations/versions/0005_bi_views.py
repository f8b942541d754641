"""BI views: phase history, criteria matrix, next steps, metric values, sector benchmark,
coverage and quality, for dashboards (Superset, Metabase; docs/bi.md).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Creates the views whose text is frozen below (a copy of ``sql/views/<name>.sql`` as of this
revision; the test ``test_warehouse_migrations`` proves that after ``upgrade head`` each view
returns what its file returns). Only what has its source in code is filled in when the view is
created, by ``render_view`` for the warehouse's dialect: the phase labels, the metric dictionary,
the default rubric's criterion labels, and the dialect's JSON functions. A later change to a
view's file comes with a migration that drops the view and creates it with the new text.
Downgrade drops these views; no table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from maturity.warehouse.views import render_view

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

V_COVERAGE = """
-- v_coverage: per assessment, each platform it covered or missed, with what the accounts on
-- that platform were when they were last observed in the window: active, not found, protected,
-- suspended or deleted (account_snapshot), and how many the registry lists now.
-- One row per (org_id, rubric_id, rubric_version, window, platform). coverage_status is
-- 'covered' (measured) or 'missing' (expected but not measured). The platform lists are read
-- from the assessment's JSON columns per dialect.
WITH source_assessment AS (
    SELECT
        org_id,
        rubric_id,
        rubric_version,
        window_start,
        window_end,
        platforms_covered,
        platforms_missing
    FROM assessment
),

platform_status AS (
    SELECT
        source_assessment.org_id,
        source_assessment.rubric_id,
        source_assessment.rubric_version,
        source_assessment.window_start,
        source_assessment.window_end,
        covered.value AS platform,
        'covered' AS coverage_status
    FROM source_assessment
    {{ json_strings(source_assessment.platforms_covered, covered) }}
    UNION ALL
    SELECT
        source_assessment.org_id,
        source_assessment.rubric_id,
        source_assessment.rubric_version,
        source_assessment.window_start,
        source_assessment.window_end,
        missing.value AS platform,
        'missing' AS coverage_status
    FROM source_assessment
    {{ json_strings(source_assessment.platforms_missing, missing) }}
),

windows AS (
    SELECT DISTINCT org_id, window_start, window_end FROM assessment
),

observed AS (
    SELECT
        windows.org_id,
        windows.window_start,
        windows.window_end,
        account_snapshot.platform,
        account_snapshot.handle_lower,
        account_snapshot.status,
        ROW_NUMBER() OVER (
            PARTITION BY
                windows.org_id,
                windows.window_start,
                windows.window_end,
                account_snapshot.platform,
                account_snapshot.handle_lower
            ORDER BY account_snapshot.observed_at DESC
        ) AS recency
    FROM windows
    INNER JOIN account_snapshot
        ON account_snapshot.org_id = windows.org_id
        AND account_snapshot.observed_at >= windows.window_start
        AND account_snapshot.observed_at <= windows.window_end
),

account_states AS (
    SELECT
        org_id,
        window_start,
        window_end,
        platform,
        COUNT(*) AS accounts_observed,
        SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END) AS accounts_active,
        SUM(CASE WHEN status = 'not_found' THEN 1 ELSE 0 END) AS accounts_not_found,
        SUM(CASE WHEN status = 'protected' THEN 1 ELSE 0 END) AS accounts_protected,
        SUM(CASE WHEN status = 'suspended' THEN 1 ELSE 0 END) AS accounts_suspended,
        SUM(CASE WHEN status = 'deleted' THEN 1 ELSE 0 END) AS accounts_deleted
    FROM observed
    WHERE recency = 1
    GROUP BY org_id, window_start, window_end, platform
),

registered AS (
    SELECT org_id, platform, COUNT(*) AS accounts_registered
    FROM account
    GROUP BY org_id, platform
),

final AS (
    SELECT
        platform_status.org_id,
        organisation.name AS org_name,
        organisation.sector,
        platform_status.rubric_id,
        platform_status.rubric_version,
        platform_status.window_start,
        platform_status.window_end,
        platform_status.platform,
        platform_status.coverage_status,
        COALESCE(registered.accounts_registered, 0) AS accounts_registered,
        COALESCE(account_states.accounts_observed, 0) AS accounts_observed,
        COALESCE(account_states.accounts_active, 0) AS accounts_active,
        COALESCE(account_states.accounts_not_found, 0) AS accounts_not_found,
        COALESCE(account_states.accounts_protected, 0) AS accounts_protected,
        COALESCE(account_states.accounts_suspended, 0) AS accounts_suspended,
        COALESCE(account_states.accounts_deleted, 0) AS accounts_deleted
    FROM platform_status
    INNER JOIN organisation ON organisation.org_id = platform_status.org_id
    LEFT JOIN account_states
        ON account_states.org_id = platform_status.org_id
        AND account_states.window_start = platform_status.window_start
        AND account_states.window_end = platform_status.window_end
        AND account_states.platform = platform_status.platform
    LEFT JOIN registered
        ON registered.org_id = platform_status.org_id
        AND registered.platform = platform_status.platform
)

SELECT * FROM final
"""

V_CRITERIA_MATRIX = """
-- v_criteria_matrix: every criterion of every assessment, once per platform it was checked on,
-- with the status, the value, the threshold and the sample size n it was decided on.
-- One row per (org_id, rubric_id, rubric_version, window, criterion_id, platform); a criterion
-- without checks (a declared fact) has one row with NULL check columns. scope is
-- 'organisation' for an organisation-wide check (platform NULL) and 'platform' otherwise.
-- Criterion labels in English and Dutch come from the default rubric (NULL under another rubric
-- id), phase labels from maturity.phases; the checks are read from the JSON column per dialect.
WITH source_criterion AS (
    SELECT
        org_id,
        rubric_id,
        rubric_version,
        window_start,
        window_end,
        criterion_id,
        position,
        phase,
        kind,
        role,
        weight,
        status,
        reason,
        checks
    FROM criterion_result
),

criterion_label (rubric_id, criterion_id, label_en, label_nl, advice_en, advice_nl) AS (
    {{ criterion_labels() }}
),

checked AS (
    SELECT
        source_criterion.*,
        {{ json_text(check_item.value, 'platform') }} AS check_platform,
        {{ json_text(check_item.value, 'status') }} AS check_status,
        {{ json_number(check_item.value, 'value') }} AS check_value,
        {{ json_number(check_item.value, 'threshold') }} AS check_threshold,
        {{ json_integer(check_item.value, 'n') }} AS check_n,
        {{ json_number(check_item.value, 'low') }} AS check_low,
        {{ json_number(check_item.value, 'high') }} AS check_high,
        {{ json_text(check_item.value, 'reason') }} AS check_reason
    FROM source_criterion
    {{ json_objects(source_criterion.checks, check_item) }}
),

final AS (
    SELECT
        checked.org_id,
        organisation.name AS org_name,
        organisation.sector,
        checked.rubric_id,
        checked.rubric_version,
        checked.window_start,
        checked.window_end,
        checked.phase,
        {{ phase_name(checked.phase, 'en') }} AS phase_label_en,
        {{ phase_name(checked.phase, 'nl') }} AS phase_label_nl,
        checked.position,
        checked.criterion_id,
        criterion_label.label_en AS criterion_label_en,
        criterion_label.label_nl AS criterion_label_nl,
        checked.kind,
        checked.role,
        checked.weight,
        checked.status,
        checked.reason,
        CASE
            WHEN checked.check_platform IS NULL THEN NULL
            WHEN checked.check_platform = 'all' THEN 'organisation'
            ELSE 'platform'
        END AS scope,
        CASE WHEN checked.check_platform <> 'all' THEN checked.check_platform END AS platform,
        checked.check_status,
        checked.check_value AS value,
        checked.check_threshold AS threshold,
        checked.check_n AS n,
        checked.check_low AS ci_low,
        checked.check_high AS ci_high,
        checked.check_reason
    FROM checked
    INNER JOIN organisation ON organisation.org_id = checked.org_id
    LEFT JOIN criterion_label
        ON criterion_label.rubric_id = checked.rubric_id
        AND criterion_label.criterion_id = checked.criterion_id
)

SELECT * FROM final
"""

V_METRIC_VALUES = """
-- v_metric_values: every metric value of every window with its definition from the metric
-- dictionary (maturity.metric_dictionary: family, kind, unit, denominator, what n counts).
-- One row per (org_id, window, metric_id, scope, platform, account). scope says what a value
-- covers: 'organisation' (all platforms; platform and account NULL), 'platform' (the platform's
-- accounts together; account NULL) or 'account'.
WITH source_metric AS (
    SELECT
        org_id,
        window_start,
        window_end,
        metric_id,
        platform,
        account,
        value,
        n,
        ci_low,
        ci_high,
        run_id
    FROM metric_value
),

dictionary (metric_id, family, kind, unit, definition_en, denominator, sample, window_rule) AS (
    {{ metric_dictionary() }}
),

scoped AS (
    SELECT
        source_metric.*,
        CASE
            WHEN platform = 'all' THEN 'organisation'
            WHEN account = '' THEN 'platform'
            ELSE 'account'
        END AS scope
    FROM source_metric
),

final AS (
    SELECT
        scoped.org_id,
        organisation.name AS org_name,
        organisation.sector,
        scoped.window_start,
        scoped.window_end,
        scoped.metric_id,
        dictionary.family,
        dictionary.kind,
        dictionary.unit,
        dictionary.definition_en,
        dictionary.denominator,
        dictionary.sample AS n_counts,
        dictionary.window_rule,
        scoped.scope,
        CASE WHEN scoped.scope <> 'organisation' THEN scoped.platform END AS platform,
        CASE WHEN scoped.scope = 'account' THEN scoped.account END AS account,
        scoped.value,
        scoped.n,
        scoped.ci_low,
        scoped.ci_high,
        scoped.run_id
    FROM scoped
    INNER JOIN organisation ON organisation.org_id = scoped.org_id
    LEFT JOIN dictionary ON dictionary.metric_id = scoped.metric_id
)

SELECT * FROM final
"""

V_NEXT_STEPS = """
-- v_next_steps: the ranked next steps of every assessment, with the criterion they come from,
-- its label and advice in English and Dutch (from the default rubric; NULL under another
-- rubric id) and the gap in words and numbers. One row per (org_id, rubric_id,
-- rubric_version, window, rank); is_latest_window is 1 on the organisation's newest window
-- under that rubric version.
WITH source_step AS (
    SELECT
        org_id,
        rubric_id,
        rubric_version,
        window_start,
        window_end,
        rank,
        criterion_id,
        phase,
        weight,
        status,
        gap
    FROM next_step
),

criterion_label (rubric_id, criterion_id, label_en, label_nl, advice_en, advice_nl) AS (
    {{ criterion_labels() }}
),

latest_window AS (
    SELECT org_id, rubric_id, rubric_version, MAX(window_end) AS window_end
    FROM assessment
    GROUP BY org_id, rubric_id, rubric_version
),

final AS (
    SELECT
        source_step.org_id,
        organisation.name AS org_name,
        organisation.sector,
        source_step.rubric_id,
        source_step.rubric_version,
        source_step.window_start,
        source_step.window_end,
        CASE WHEN latest_window.window_end = source_step.window_end THEN 1 ELSE 0 END
            AS is_latest_window,
        source_step.rank,
        source_step.criterion_id,
        criterion_label.label_en AS criterion_label_en,
        criterion_label.label_nl AS criterion_label_nl,
        criterion_label.advice_en,
        criterion_label.advice_nl,
        source_step.phase,
        {{ phase_name(source_step.phase, 'en') }} AS phase_label_en,
        {{ phase_name(source_step.phase, 'nl') }} AS phase_label_nl,
        source_step.weight,
        source_step.status,
        source_step.gap
    FROM source_step
    INNER JOIN organisation ON organisation.org_id = source_step.org_id
    INNER JOIN latest_window
        ON latest_window.org_id = source_step.org_id
        AND latest_window.rubric_id = source_step.rubric_id
        AND latest_window.rubric_version = source_step.rubric_version
    LEFT JOIN criterion_label
        ON criterion_label.rubric_id = source_step.rubric_id
        AND criterion_label.criterion_id = source_step.criterion_id
)

SELECT * FROM final
"""

V_PHASE_HISTORY = """
-- v_phase_history: every assessed window of every organisation under every rubric id and
-- version, next to the window before it: the phase then and now, and which way it moved.
-- One row per (org_id, rubric_id, rubric_version, window). "No phase" and "insufficient
-- evidence" rank below phase 1 (phase_rank 0). The first window has no previous one (NULLs).
-- Portable SQL; the labels are filled in from maturity.phases (maturity.warehouse.views).
WITH source_assessment AS (
    SELECT
        org_id,
        rubric_id,
        rubric_version,
        window_start,
        window_end,
        verdict,
        phase,
        maturity_index,
        confidence,
        coverage,
        run_id,
        CASE WHEN verdict = 'assessed' AND phase IS NOT NULL THEN phase ELSE 0 END AS phase_rank
    FROM assessment
),

with_previous AS (
    SELECT
        source_assessment.*,
        LAG(window_start) OVER (
            PARTITION BY org_id, rubric_id, rubric_version ORDER BY window_end, window_start
        ) AS previous_window_start,
        LAG(window_end) OVER (
            PARTITION BY org_id, rubric_id, rubric_version ORDER BY window_end, window_start
        ) AS previous_window_end,
        LAG(verdict) OVER (
            PARTITION BY org_id, rubric_id, rubric_version ORDER BY window_end, window_start
        ) AS previous_verdict,
        LAG(phase) OVER (
            PARTITION BY org_id, rubric_id, rubric_version ORDER BY window_end, window_start
        ) AS previous_phase,
        LAG(phase_rank) OVER (
            PARTITION BY org_id, rubric_id, rubric_version ORDER BY window_end, window_start
        ) AS previous_phase_rank,
        LAG(maturity_index) OVER (
            PARTITION BY org_id, rubric_id, rubric_version ORDER BY window_end, window_start
        ) AS previous_maturity_index
    FROM source_assessment
),

final AS (
    SELECT
        with_previous.org_id,
        organisation.name AS org_name,
        organisation.sector,
        with_previous.rubric_id,
        with_previous.rubric_version,
        with_previous.window_start,
        with_previous.window_end,
        with_previous.verdict,
        with_previous.phase,
        {{ phase_label(with_previous.phase, with_previous.verdict, 'en') }} AS phase_label_en,
        {{ phase_label(with_previous.phase, with_previous.verdict, 'nl') }} AS phase_label_nl,
        with_previous.maturity_index,
        with_previous.confidence,
        with_previous.coverage,
        with_previous.previous_window_start,
        with_previous.previous_window_end,
        with_previous.previous_phase,
        CASE WHEN with_previous.previous_verdict IS NOT NULL THEN
            {{ phase_label(with_previous.previous_phase, with_previous.previous_verdict, 'en') }}
        END AS previous_phase_label_en,
        CASE WHEN with_previous.previous_verdict IS NOT NULL THEN
            {{ phase_label(with_previous.previous_phase, with_previous.previous_verdict, 'nl') }}
        END AS previous_phase_label_nl,
        with_previous.phase_rank - with_previous.previous_phase_rank AS phase_change,
        CASE
            WHEN with_previous.previous_verdict IS NULL THEN 'first'
            WHEN with_previous.phase_rank > with_previous.previous_phase_rank THEN 'up'
            WHEN with_previous.phase_rank < with_previous.previous_phase_rank THEN 'down'
            WHEN with_previous.verdict <> with_previous.previous_verdict THEN 'changed'
            ELSE 'same'
        END AS direction,
        with_previous.maturity_index - with_previous.previous_maturity_index
            AS maturity_index_change,
        with_previous.run_id
    FROM with_previous
    INNER JOIN organisation ON organisation.org_id = with_previous.org_id
)

SELECT * FROM final
"""

V_QUALITY = """
-- v_quality: what the quality gates found, per organisation and window. kind 'check' is one
-- expectation of a record suite (per platform and account) or of the metric suite, whether it
-- passed (1) or not (0); quarantined is 1 when the record gate kept that account's batch out
-- of the warehouse (its reason in quarantine_reason). kind 'quarantined_metric' is a metric
-- value the metric gate left out, one row per check it failed (check_name), with its value
-- and n. platform and account are NULL where a result covers all of them.
WITH source_check AS (
    SELECT
        org_id,
        window_start,
        window_end,
        subject,
        platform,
        handle,
        suite,
        check_name,
        column_name,
        CASE WHEN success THEN 1 ELSE 0 END AS passed,
        element_count,
        unexpected_count,
        exception,
        run_id
    FROM validation_result
),

checks AS (
    SELECT
        source_check.org_id,
        source_check.window_start,
        source_check.window_end,
        'check' AS kind,
        source_check.subject,
        source_check.platform,
        source_check.handle AS account,
        CAST(NULL AS TEXT) AS metric_id,
        source_check.suite,
        source_check.check_name,
        source_check.column_name,
        source_check.passed,
        source_check.element_count,
        source_check.unexpected_count,
        CAST(NULL AS DOUBLE PRECISION) AS metric_value,
        CAST(NULL AS INTEGER) AS metric_n,
        CASE WHEN quarantined_batch.org_id IS NULL THEN 0 ELSE 1 END AS quarantined,
        quarantined_batch.reason AS quarantine_reason,
        source_check.exception,
        source_check.run_id
    FROM source_check
    LEFT JOIN quarantined_batch
        ON source_check.subject = 'records'
        AND quarantined_batch.org_id = source_check.org_id
        AND quarantined_batch.window_start = source_check.window_start
        AND quarantined_batch.window_end = source_check.window_end
        AND quarantined_batch.platform = source_check.platform
        AND quarantined_batch.handle = source_check.handle
),

rejected_metrics AS (
    SELECT
        quarantined_metric.org_id,
        quarantined_metric.window_start,
        quarantined_metric.window_end,
        'quarantined_metric' AS kind,
        'metrics' AS subject,
        quarantined_metric.platform,
        quarantined_metric.account,
        quarantined_metric.metric_id,
        CAST(NULL AS TEXT) AS suite,
        failed_check.value AS check_name,
        CAST(NULL AS TEXT) AS column_name,
        0 AS passed,
        CAST(NULL AS INTEGER) AS element_count,
        CAST(NULL AS INTEGER) AS unexpected_count,
        quarantined_metric.value AS metric_value,
        quarantined_metric.n AS metric_n,
        1 AS quarantined,
        CAST(NULL AS TEXT) AS quarantine_reason,
        CAST(NULL AS TEXT) AS exception,
        quarantined_metric.run_id
    FROM quarantined_metric
    {{ json_strings(quarantined_metric.failed, failed_check) }}
),

results AS (
    SELECT * FROM checks
    UNION ALL
    SELECT * FROM rejected_metrics
),

final AS (
    SELECT
        results.org_id,
        organisation.name AS org_name,
        results.window_start,
        results.window_end,
        results.kind,
        results.subject,
        CASE WHEN results.platform NOT IN ('', 'all') THEN results.platform END AS platform,
        CASE WHEN results.account <> '' THEN results.account END AS account,
        results.metric_id,
        results.suite,
        results.check_name,
        results.column_name,
        results.passed,
        results.element_count,
        results.unexpected_count,
        results.metric_value,
        results.metric_n,
        results.quarantined,
        results.quarantine_reason,
        results.exception,
        results.run_id
    FROM results
    LEFT JOIN organisation ON organisation.org_id = results.org_id
)

SELECT * FROM final
"""

V_SECTOR_BENCHMARK = """
-- v_sector_benchmark: how each organisation's metric values compare with its sector's, per
-- window: the sector's percentiles (p25, p50, p75, p90, nearest rank: the smallest value with
-- at least that share of the sector's organisations at or below it) and the organisation's
-- percent rank (0 = lowest, 1 = highest; ties share the lower rank).
-- One row per (org_id, window, metric_id, scope, platform). Only values over the organisation
-- ('organisation', platform NULL) or over a platform's accounts together ('platform') take part,
-- and only known values (an unknown value has no rank). The sector is organisation.sector, as
-- the registry gives it. Portable SQL: window functions (CUME_DIST, PERCENT_RANK), no
-- percentile_cont (SQLite has none).
WITH source_metric AS (
    SELECT
        metric_value.org_id,
        organisation.name AS org_name,
        organisation.sector,
        metric_value.window_start,
        metric_value.window_end,
        metric_value.metric_id,
        metric_value.platform,
        metric_value.value,
        metric_value.n
    FROM metric_value
    INNER JOIN organisation ON organisation.org_id = metric_value.org_id
    WHERE metric_value.account = '' AND metric_value.value IS NOT NULL
),

ranked AS (
    SELECT
        source_metric.*,
        COUNT(*) OVER (
            PARTITION BY sector, window_start, window_end, metric_id, platform
        ) AS sector_organisations,
        CUME_DIST() OVER (
            PARTITION BY sector, window_start, window_end, metric_id, platform
            ORDER BY value
        ) AS cumulative_share,
        PERCENT_RANK() OVER (
            PARTITION BY sector, window_start, window_end, metric_id, platform
            ORDER BY value
        ) AS percent_rank
    FROM source_metric
),

percentiles AS (
    SELECT
        sector,
        window_start,
        window_end,
        metric_id,
        platform,
        MIN(CASE WHEN cumulative_share >= 0.25 THEN value END) AS p25,
        MIN(CASE WHEN cumulative_share >= 0.5 THEN value END) AS p50,
        MIN(CASE WHEN cumulative_share >= 0.75 THEN value END) AS p75,
        MIN(CASE WHEN cumulative_share >= 0.9 THEN value END) AS p90
    FROM ranked
    GROUP BY sector, window_start, window_end, metric_id, platform
),

final AS (
    SELECT
        ranked.org_id,
        ranked.org_name,
        ranked.sector,
        ranked.window_start,
        ranked.window_end,
        ranked.metric_id,
        CASE WHEN ranked.platform = 'all' THEN 'organisation' ELSE 'platform' END AS scope,
        CASE WHEN ranked.platform <> 'all' THEN ranked.platform END AS platform,
        ranked.value,
        ranked.n,
        ranked.sector_organisations,
        percentiles.p25,
        percentiles.p50,
        percentiles.p75,
        percentiles.p90,
        ranked.percent_rank
    FROM ranked
    INNER JOIN percentiles
        ON percentiles.sector = ranked.sector
        AND percentiles.window_start = ranked.window_start
        AND percentiles.window_end = ranked.window_end
        AND percentiles.metric_id = ranked.metric_id
        AND percentiles.platform = ranked.platform
)

SELECT * FROM final
"""

VIEWS: dict[str, str] = {
    "v_coverage": V_COVERAGE,
    "v_criteria_matrix": V_CRITERIA_MATRIX,
    "v_metric_values": V_METRIC_VALUES,
    "v_next_steps": V_NEXT_STEPS,
    "v_phase_history": V_PHASE_HISTORY,
    "v_quality": V_QUALITY,
    "v_sector_benchmark": V_SECTOR_BENCHMARK,
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, select_sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS\n" + render_view(select_sql.strip(), dialect))


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
