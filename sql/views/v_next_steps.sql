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
