-- v_assessment_cost: what collecting each organisation's window cost, per platform and
-- resource kind (X bills reads per post and per user object returned), next to the assessment
-- of that window when there is one. reads is the number of resources counted in the landed
-- pages; price = reads * unit_price in currency (the prices of the X connection, or X's
-- documented ones). One row per (org_id, window, platform, resource, rubric); rubric_id and
-- rubric_version are NULL when the window was collected but not (yet) assessed.
WITH source_cost AS (
    SELECT
        org_id,
        window_start,
        window_end,
        platform,
        resource,
        reads,
        unit_price,
        price,
        currency,
        run_id
    FROM collection_cost
),

assessed AS (
    SELECT
        org_id,
        window_start,
        window_end,
        rubric_id,
        rubric_version,
        phase
    FROM assessment
),

final AS (
    SELECT
        source_cost.org_id,
        organisation.name AS org_name,
        organisation.sector,
        source_cost.window_start,
        source_cost.window_end,
        source_cost.platform,
        source_cost.resource,
        source_cost.reads,
        source_cost.unit_price,
        source_cost.price,
        source_cost.currency,
        assessed.rubric_id,
        assessed.rubric_version,
        assessed.phase,
        source_cost.run_id
    FROM source_cost
    INNER JOIN organisation
        ON organisation.org_id = source_cost.org_id
    LEFT JOIN assessed
        ON assessed.org_id = source_cost.org_id
        AND assessed.window_end = source_cost.window_end
)

SELECT * FROM final
