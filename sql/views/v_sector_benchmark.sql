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
