-- v_latest_assessment: the newest window of every organisation under every rubric version,
-- with its phase as a label in English and Dutch. One row per (org, rubric_id, rubric_version).
-- Portable SQL (SQLite >= 3.25 and PostgreSQL): window functions, CASE, no dialect functions.
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
        CASE
            WHEN latest.verdict = 'insufficient_evidence' THEN 'Insufficient evidence'
            WHEN latest.phase IS NULL THEN 'No phase attained'
            WHEN latest.phase = 1 THEN 'Planning'
            WHEN latest.phase = 2 THEN 'Presence'
            WHEN latest.phase = 3 THEN 'Engagement'
            WHEN latest.phase = 4 THEN 'Formalized'
            WHEN latest.phase = 5 THEN 'Strategic'
            WHEN latest.phase = 6 THEN 'Converged'
        END AS phase_label_en,
        CASE
            WHEN latest.verdict = 'insufficient_evidence' THEN 'Onvoldoende bewijs'
            WHEN latest.phase IS NULL THEN 'Geen fase bereikt'
            WHEN latest.phase = 1 THEN 'Planning'
            WHEN latest.phase = 2 THEN 'Aanwezigheid'
            WHEN latest.phase = 3 THEN 'Betrokkenheid'
            WHEN latest.phase = 4 THEN 'Geformaliseerd'
            WHEN latest.phase = 5 THEN 'Strategisch'
            WHEN latest.phase = 6 THEN 'Geconvergeerd'
        END AS phase_label_nl,
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
