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
