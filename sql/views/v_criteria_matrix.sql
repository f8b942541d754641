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
