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
