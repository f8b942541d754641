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
