-- v_latest_assessment: the newest window of every organisation under every rubric version,
-- with its phase as a label in English and Dutch. One row per (org, rubric_id, rubric_version).
-- Portable SQL (SQLite >= 3.25 and PostgreSQL): window functions, CASE, no dialect functions.
-- The labels are not written here: each phase_label placeholder in double braces becomes a CASE
-- over the labels of maturity.phases, their one source (maturity.warehouse.views.render_view).
WITH source_assessment AS (
    SELECT
        org_id,
        window_start,
        window_end,
        rubric_id,
        rubric_version,
        verdict,
        phase,
        maturity_index,
        confidence,
        coverage,
        code_version,
        run_id,
        assessed_at
    FROM assessment
),

ranked AS (
    SELECT
        source_assessment.*,
        ROW_NUMBER() OVER (
            PARTITION BY org_id, rubric_id, rubric_version
            ORDER BY window_end DESC, window_start DESC
        ) AS recency
    FROM source_assessment
),

latest AS (
    SELECT * FROM ranked WHERE recency = 1
),

final AS (
    SELECT
        latest.org_id,
        organisation.name AS org_name,
        organisation.sector,
        latest.rubric_id,
        latest.rubric_version,
        latest.window_start,
        latest.window_end,
        latest.verdict,
        latest.phase,
        {{ phase_label(latest.phase, latest.verdict, 'en') }} AS phase_label_en,
        {{ phase_label(latest.phase, latest.verdict, 'nl') }} AS phase_label_nl,
        latest.maturity_index,
        latest.confidence,
        latest.coverage,
        latest.code_version,
        latest.run_id,
        latest.assessed_at
    FROM latest
    INNER JOIN organisation ON organisation.org_id = latest.org_id
)

SELECT * FROM final
