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
