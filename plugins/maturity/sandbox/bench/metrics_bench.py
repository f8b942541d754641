"""Benchmark: every dictionary metric of many organisations with pandas, against plain DuckDB SQL
computing the same metrics.

``run(n_interactions, repeat)`` generates a seeded synthetic world (vectorised: about 30% posts,
45% inbound messages, 25% reply links, spread over 200 organisations of 5 accounts each), then,
in a fresh subprocess so that its memory is its own:

1. generates the records as typed frames (not timed);
2. times ``compute_metrics_many`` over all organisations ("full"): every metric of
   :data:`maturity.metric_dictionary.METRICS` (32) per account, platform and organisation,
   with its evidence refs (example items, landed pages, the reproducing SQL) as
   ``MetricValue`` objects, starting from the frames (``prepare`` included);
3. records the peak RSS so far (``resource.getrusage``: generation plus computation);
4. times the same computation without evidence and objects ("values only":
   ``prepare`` + ``compute_scope_values``, per-scope arrays);
5. loads the same frames, the registry's accounts (function, timezone) and name stems into
   DuckDB tables (not timed) and times one plain SQL statement computing, per account,
   platform and organisation (``GROUPING SETS``, or one window pass per level where a
   metric pools a stream: gap regularity), every dictionary metric: presence (from each
   account's latest snapshot at or before the window end), activity, responsiveness
   (business hours and weekends in the organisation's timezone, via ICU), interaction and the
   organisation-wide ones, with the same rules (window, readable registered accounts,
   replies before the window end). It returns values only (no evidence, no objects); its
   inputs are the already typed frames, and its output is a pandas frame;
6. checks that both agree, in both directions: for every metric and every scope where pandas
   has a value, the DuckDB value must be there and equal (the largest absolute difference is
   reported; the tests require < 1e-9), and every value DuckDB returns must have a pandas
   value at the same scope (the count of those lacking is reported; the tests require 0).
   Every organisation has an employee account (a small share of the traffic), so
   ``organisation.employee_accounts`` is compared with non-zero values; some metrics are
   nearly constant in this world (no community threads, no dormant accounts, every week
   active, every name matching), so their agreement is a weak check of those rules. The
   dictionary's newer metrics (observed span, history cap, spam counts, raw response rate,
   automated replies) have no DuckDB statement: pandas computes them, DuckDB does not, so
   the pandas side does more work than the DuckDB side.

Every timing is the best of ``repeat`` runs on the same data in the same process; DuckDB runs
with its default threads and again with one thread. Ratios are pandas time over DuckDB time;
pandas runs on one thread, so the like-for-like ratio uses DuckDB on one thread. Targets:
values only at most 1.0 x DuckDB (same threads), full path at most 1.5 x DuckDB, peak RSS of
generation + pandas at most 500 MB. The full path's DuckDB side has no evidence (examples
and refs) yet, so that ratio is full pandas over DuckDB values, not like for like. Run
it with ``python -m maturity.sandbox.bench.metrics_bench [n_interactions] [repeat]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from maturity.evidence import MetricValue, Window
    from maturity.metrics.engine.frames import RecordFrames
    from maturity.registry import Registry

TARGET_RATIO = 1.5
TARGET_VALUES_RATIO = 1.0
TARGET_RSS_MB = 500.0
N_ORGS = 200
SEED = 20261102
WINDOW_START = datetime(2026, 8, 3, tzinfo=UTC)
WINDOW_END = datetime(2026, 11, 2, tzinfo=UTC)
#: (platform, function, handle suffix, share of the organisation's traffic)
ACCOUNTS = (
    ("x", "main", "", 0.33),
    ("x", "service", "care", 0.30),
    ("x", "press", "news", 0.10),
    ("x", "leadership", "ceo", 0.05),
    ("reddit", "main", "r", 0.20),
    ("x", "employee", "staff", 0.02),
)
TIMEZONES = ("Europe/Amsterdam", "Europe/London", "America/New_York", "Asia/Tokyo")
US = 1_000_000


# -- the synthetic world ----------------------------------------------------------------------


def registry(n_orgs: int = N_ORGS) -> Registry:
    from maturity.registry import Account, Organisation, Registry

    return Registry(
        organisations=tuple(
            Organisation(
                id=f"org{o}",
                name=f"Organisation {o}",
                timezone=TIMEZONES[o % len(TIMEZONES)],
                name_stems=(f"org{o}",),
                accounts=tuple(
                    Account(platform=p, handle=f"org{o}{suffix}", function=f)
                    for p, f, suffix, _ in ACCOUNTS
                ),
            )
            for o in range(n_orgs)
        )
    )


def _strings(prefix: str, values: np.ndarray) -> pd.Series:
    """``prefix`` + each value, as a ``str`` column (numpy builds the text, no row loop)."""
    import numpy as np
    import pandas as pd

    text = np.char.add(prefix, np.asarray(values).astype(str)).astype(object)
    return pd.Series(pd.array(text, dtype="str"))


def _categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    import pandas as pd

    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype="str"))


class _World:
    """Vectorised generation; every column is drawn for all rows at once."""

    def __init__(self, n_interactions: int, n_orgs: int, seed: int) -> None:
        import numpy as np

        self.rng = np.random.default_rng(seed)
        self.n_orgs = n_orgs
        self.n_posts = int(n_interactions * 0.30)
        self.n_inbound = int(n_interactions * 0.45)
        self.answer_rate = min(
            1.0, (n_interactions - self.n_posts - self.n_inbound) / max(self.n_inbound, 1)
        )
        self.start_us = int(WINDOW_START.timestamp()) * US
        self.end_us = int(WINDOW_END.timestamp()) * US
        n_acc = len(ACCOUNTS)
        self.org_ids = [f"org{o}" for o in range(n_orgs)]
        self.handles = [f"org{o}{a[2]}" for o in range(n_orgs) for a in ACCOUNTS]
        self.acc_platform = np.tile(np.array([a[0] == "reddit" for a in ACCOUNTS]), n_orgs)
        self.acc_function = np.tile(np.arange(n_acc), n_orgs)
        self.weights = np.array([a[3] for a in ACCOUNTS])

    def accounts(self, n: int) -> np.ndarray:
        import numpy as np

        org = self.rng.integers(0, self.n_orgs, n)
        function = self.rng.choice(len(ACCOUNTS), n, p=self.weights)
        return np.asarray(org * len(ACCOUNTS) + function)

    def times(self, n: int) -> np.ndarray:
        """Mostly inside the window; about 1% up to three days either side of it."""
        margin = 3 * 86_400 * US
        t = self.rng.integers(self.start_us - margin, self.end_us + margin, n)
        inside = self.rng.random(n) < 0.99
        t[inside] = self.rng.integers(self.start_us, self.end_us, int(inside.sum()))
        return t

    def _keys(self, acc: np.ndarray) -> dict[str, Any]:
        import numpy as np

        return {
            "platform": _categorical(self.acc_platform[acc].astype(np.int8), ["x", "reddit"]),
            "org_id": _categorical(acc // len(ACCOUNTS), self.org_ids),
            "handle": _categorical(acc, self.handles),
        }

    def _pages(self, acc: np.ndarray, prefix: str) -> dict[str, Any]:
        """One landed page per 100 items; the strings are shared, as in a real landing."""
        import numpy as np

        page = np.arange(len(acc)) // 100
        pages = np.arange(page.max(initial=0) + 1)
        endpoints = (
            ["users_tweets", "user_submitted"]
            if prefix == "p"
            else ["users_mentions", "inbox_mentions"]
        )
        return {
            "page_path": _categorical(
                page, (_strings(f"landing/{prefix}/", pages) + ".json").tolist()
            ),
            "page_sha256": _categorical(page, _strings("sha", pages).tolist()),
            "page_endpoint": _categorical(self.acc_platform[acc].astype(np.int8), endpoints),
        }

    def posts(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        import numpy as np
        import pandas as pd

        n, rng = self.n_posts, self.rng
        acc = self.accounts(n)
        kind = rng.choice(4, n, p=[0.5, 0.35, 0.1, 0.05])
        ids = _strings("p", np.arange(n))
        self_reply = (kind == 1) & (rng.random(n) < 0.2)
        authors = [f"p:{k}" for k in range(5000)] + self.handles
        author = np.where(self_reply, 5000 + acc, rng.integers(0, 5000, n))
        author = np.where(kind == 1, author, -1)
        conversation = ids.copy()
        replies = np.flatnonzero(kind == 1)
        conversation.iloc[replies] = ids.iloc[rng.integers(0, n, len(replies))].to_numpy()
        n_urls = rng.choice(3, n, p=[0.6, 0.35, 0.05])
        frame = pd.DataFrame(
            {
                **self._keys(acc),
                "post_id": ids,
                "created_at": self.times(n),
                "kind": _categorical(kind, ["original", "reply", "repost", "quote"]),
                "conversation_id": conversation,
                "in_reply_to_post_id": None,
                "in_reply_to_author": _categorical(author, authors),
                "n_urls": n_urls,
                "has_utm": (n_urls > 0) & (rng.random(n) < 0.3),
                "like_count": rng.poisson(5, n),
                "repost_count": rng.poisson(1, n),
                "reply_count": rng.poisson(2, n),
                "quote_count": rng.poisson(0.3, n),
                **self._pages(acc, "p"),
            }
        )
        frame["created_at"] = pd.to_datetime(frame["created_at"], unit="us", utc=True)
        tagged = np.flatnonzero(rng.random(n) < 0.25)
        tag = (acc[tagged] // len(ACCOUNTS)) * 5 + rng.integers(0, 5, len(tagged))
        hashtags = pd.DataFrame({"post_row": tagged, "tag": _strings("tag", tag)})
        mentioning = np.flatnonzero((rng.random(n) < 0.08) & (self.acc_function[acc] != 0))
        main = (acc[mentioning] // len(ACCOUNTS)) * len(ACCOUNTS)
        mentions = pd.DataFrame(
            {
                "post_row": mentioning,
                "mention": pd.Series(self.handles, dtype="str").str.lower().to_numpy()[main],
            }
        )
        return frame, hashtags, mentions

    def inbound(self, originals: pd.Series) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        n, rng = self.n_inbound, self.rng
        acc = self.accounts(n)
        ids = _strings("m", np.arange(n))
        conversation = ids.copy()
        in_thread = np.flatnonzero(rng.random(n) < 0.4)
        conversation.iloc[in_thread] = originals.to_numpy()[
            rng.integers(0, len(originals), len(in_thread))
        ]
        frame = pd.DataFrame(
            {
                **self._keys(acc),
                "message_id": ids,
                "author": _categorical(
                    rng.integers(0, 20_000, n), [f"p:{k}" for k in range(20_000)]
                ),
                "created_at": pd.to_datetime(self.times(n), unit="us", utc=True),
                "kind": _categorical(
                    rng.choice(3, n, p=[0.5, 0.4, 0.1]), ["mention", "reply", "comment"]
                ),
                "conversation_id": conversation,
                "in_reply_to_post_id": None,
                **self._pages(acc, "m"),
            }
        )
        return frame

    def reply_links(self, inbound: pd.DataFrame) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        rng = self.rng
        answered = np.flatnonzero(rng.random(len(inbound)) < self.answer_rate)
        hours = rng.lognormal(mean=0.5, sigma=1.6, size=len(answered))
        at = inbound["created_at"].iloc[answered].reset_index(drop=True)
        return pd.DataFrame(
            {
                **{
                    c: inbound[c].iloc[answered].reset_index(drop=True)
                    for c in ("platform", "org_id", "handle")
                },
                "inbound_id": inbound["message_id"].iloc[answered].reset_index(drop=True),
                "reply_post_id": _strings("r", answered),
                "inbound_at": at,
                "replied_at": at + pd.to_timedelta(np.round(hours * 3600 * US), unit="us"),
            }
        )

    def snapshots(self) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        n, rng = len(self.handles), self.rng
        acc = np.arange(n)
        return pd.DataFrame(
            {
                **self._keys(acc),
                "function": [ACCOUNTS[f][1] for f in self.acc_function],
                "observed_at": pd.Timestamp(WINDOW_END),
                "status": np.where(rng.random(n) < 0.95, "active", "protected"),
                "display_name": self.handles,
                "description": [f"Official {h}" for h in self.handles],
                "profile_image_url": "https://img/x.png",
                "verified": rng.random(n) < 0.3,
                "created_at": pd.Timestamp("2012-01-01", tz="UTC"),
                "followers": rng.integers(100, 100_000, n),
            }
        )


def generate(
    n_interactions: int = 1_000_000, n_orgs: int = N_ORGS, seed: int = SEED
) -> tuple[Registry, Window, RecordFrames]:
    """A seeded synthetic world of about ``n_interactions`` posts, messages and reply links."""
    from maturity.evidence import Window
    from maturity.metrics.engine import frames as f

    world = _World(n_interactions, n_orgs, seed)
    posts, hashtags, mentions = world.posts()
    originals = posts.loc[posts["kind"] == "original", "post_id"]
    inbound = world.inbound(originals)
    frames = f.RecordFrames(
        snapshots=f.typed(world.snapshots(), f.SNAPSHOT_COLUMNS),
        posts=f.typed(posts, f.POST_COLUMNS),
        inbound=f.typed(inbound, f.INBOUND_COLUMNS),
        reply_links=f.typed(world.reply_links(inbound), f.REPLY_LINK_COLUMNS),
        hashtags=f.typed(hashtags, f.HASHTAG_COLUMNS),
        mentions=f.typed(mentions, f.MENTION_COLUMNS),
    )
    return registry(n_orgs), Window(WINDOW_START, WINDOW_END), frames


# -- DuckDB -----------------------------------------------------------------------------------

_DUCKDB_SQL = """
WITH latest AS (
    SELECT org_id, platform, lower(handle) AS handle_lower, status, verified, followers,
           created_at, display_name, description, profile_image_url, banner_url, url
    FROM snapshots WHERE observed_at <= $end
    QUALIFY row_number() OVER (
        PARTITION BY org_id, platform, lower(handle) ORDER BY observed_at DESC) = 1
), state AS (
    SELECT a.org_id, a.platform, a.handle_lower, a.function, a.tz, a.has_stems,
           l.handle_lower IS NOT NULL AS observed,
           coalesce(l.status = 'active', false) AS readable,
           l.verified, l.followers, l.created_at, l.display_name, l.description,
           l.profile_image_url, l.banner_url, l.url
    FROM accounts AS a LEFT JOIN latest AS l USING (org_id, platform, handle_lower)
), readable AS (
    SELECT org_id, platform, handle_lower, tz,
           CASE WHEN followers > 0 THEN followers END AS followers
    FROM state WHERE readable
), messages AS (
    SELECT r.org_id, r.platform, r.handle_lower,
           l.inbound_id IS NOT NULL AS answered,
           epoch(l.replied_at - l.inbound_at) / 3600.0 AS delay_h,
           timezone(r.tz, i.created_at) AS local_at
    FROM inbound AS i
    JOIN readable AS r
      ON r.org_id = i.org_id AND r.platform = i.platform AND r.handle_lower = lower(i.handle)
    LEFT JOIN reply_links AS l
      ON l.platform = i.platform AND l.inbound_id = i.message_id AND l.org_id = i.org_id
     AND l.replied_at >= l.inbound_at AND l.replied_at < $end
    WHERE i.created_at >= $start AND i.created_at < $end
), flagged AS (
    SELECT *, answered AND delay_h <= 24 AS within_24h,
           NOT (isodow(local_at) BETWEEN 1 AND 5 AND hour(local_at) BETWEEN 9 AND 16)
               AS after_hours,
           isodow(local_at) >= 6 AS weekend
    FROM messages
), responsiveness AS (
    SELECT org_id, coalesce(platform, 'all') AS platform, coalesce(handle_lower, '') AS account,
           count(*) AS inbound_messages,
           avg(answered::INT) AS response_rate,
           quantile_cont(delay_h, 0.5) FILTER (WHERE answered) AS first_response_median_hours,
           quantile_cont(delay_h, 0.9) FILTER (WHERE answered) AS first_response_p90_hours,
           avg((answered AND delay_h <= 1)::INT) AS within_1h_share,
           avg(within_24h::INT) AS within_24h_share,
           avg(within_24h::INT) FILTER (WHERE after_hours) AS after_hours_response_share,
           avg(within_24h::INT) FILTER (WHERE weekend) AS weekend_response_share
    FROM flagged
    GROUP BY GROUPING SETS ((org_id, platform, handle_lower), (org_id, platform), (org_id))
), own_posts AS (
    SELECT r.org_id, r.platform, r.handle_lower, p.post_row, p.created_at, p.kind,
           epoch_us(p.created_at) AS t_us,
           p.n_urls > 0 AS has_link, p.has_utm AND p.n_urls > 0 AS has_utm,
           p.like_count + p.repost_count + p.reply_count + p.quote_count AS engagement,
           r.followers,
           p.kind = 'reply' AND own.handle_lower IS NULL AS third_party_reply,
           p.platform || '/' || coalesce(p.conversation_id, p.in_reply_to_post_id, p.post_id)
               AS thread,
           coalesce(p.conversation_id, p.post_id) AS started
    FROM posts AS p
    JOIN readable AS r
      ON r.org_id = p.org_id AND r.platform = p.platform AND r.handle_lower = lower(p.handle)
    LEFT JOIN accounts AS own
      ON own.org_id = p.org_id AND own.platform = p.platform
     AND own.handle_lower = lower(p.in_reply_to_author)
    WHERE p.created_at >= $start AND p.created_at < $end
), community AS (
    SELECT i.org_id, i.platform, i.conversation_id
    FROM inbound AS i
    SEMI JOIN (SELECT DISTINCT org_id, platform FROM accounts) AS op
      ON op.org_id = i.org_id AND op.platform = i.platform
    WHERE i.created_at >= $start AND i.created_at < $end AND i.conversation_id IS NOT NULL
    GROUP BY ALL
    HAVING count(DISTINCT i.author) >= 2
), activity AS (
    SELECT p.org_id, coalesce(p.platform, 'all') AS platform,
           coalesce(p.handle_lower, '') AS account,
           count(*) AS n_posts,
           count(*) / $weeks AS posts_per_week,
           count(DISTINCT (p.t_us - $start_us) // $week_us) / $n_weeks AS active_weeks_share,
           avg(p.engagement) AS engagement_per_post,
           avg((p.kind = 'original')::INT) AS original_share,
           avg(p.third_party_reply::INT) AS reply_share,
           avg((p.kind IN ('repost', 'quote'))::INT) AS repost_share,
           sum(p.has_utm::INT) / nullif(sum(p.has_link::INT), 0) AS utm_link_share,
           sum(p.engagement) FILTER (WHERE p.followers IS NOT NULL)
               / sum(p.followers) FILTER (WHERE p.followers IS NOT NULL)
               AS engagement_per_follower,
           avg((c.conversation_id IS NOT NULL)::INT) FILTER (WHERE p.kind = 'original')
               AS community_reply_share,
           max(p.t_us) AS last_post_us
    FROM own_posts AS p
    LEFT JOIN community AS c
      ON p.kind = 'original' AND c.org_id = p.org_id AND c.platform = p.platform
     AND c.conversation_id = p.started
    GROUP BY GROUPING SETS ((p.org_id, p.platform, p.handle_lower), (p.org_id, p.platform),
                            (p.org_id))
), gaps AS (
    SELECT org_id, platform, account,
           t_us - lag(t_us) OVER (PARTITION BY org_id, platform, account ORDER BY t_us) AS gap
    FROM (
        SELECT org_id, platform, handle_lower AS account, t_us FROM own_posts
        UNION ALL SELECT org_id, platform, '', t_us FROM own_posts
        UNION ALL SELECT org_id, 'all', '', t_us FROM own_posts
    )
), regularity AS (
    SELECT org_id, platform, account,
           CASE WHEN avg(gap / 3600e6) > 0
                THEN greatest(0.0, 1.0 - stddev_pop(gap / 3600e6) / avg(gap / 3600e6)) END
               AS gap_regularity
    FROM gaps WHERE gap IS NOT NULL
    GROUP BY ALL
), depth AS (
    SELECT org_id, platform, account,
           avg(turns) FILTER (WHERE replied) AS conversation_depth
    FROM (
        SELECT org_id, coalesce(platform, 'all') AS platform,
               coalesce(handle_lower, '') AS account,
               count(*) AS turns, bool_or(third_party_reply) AS replied
        FROM own_posts WHERE kind <> 'repost'
        GROUP BY GROUPING SETS ((org_id, platform, handle_lower, thread),
                                (org_id, platform, thread), (org_id, thread))
    )
    GROUP BY ALL
), campaigns AS (
    SELECT org_id, platform, account, count(*) FILTER (WHERE n_weeks >= 3) AS campaign_tags
    FROM (
        SELECT p.org_id, coalesce(p.platform, 'all') AS platform,
               coalesce(p.handle_lower, '') AS account,
               count(DISTINCT (p.t_us // 86400000000 + 3) // 7) AS n_weeks
        FROM hashtags AS h JOIN own_posts AS p USING (post_row)
        GROUP BY GROUPING SETS ((p.org_id, p.platform, p.handle_lower, h.tag),
                                (p.org_id, p.platform, h.tag), (p.org_id, h.tag))
    )
    GROUP BY ALL
), account_medians AS (
    SELECT org_id, platform, handle_lower, quantile_cont(delay_h, 0.5) AS median_h
    FROM messages WHERE answered GROUP BY ALL
), spread AS (
    SELECT org_id, coalesce(platform, 'all') AS platform, '' AS account,
           quantile_cont(median_h, 0.9) / nullif(quantile_cont(median_h, 0.5), 0)
               AS response_time_spread
    FROM account_medians
    GROUP BY GROUPING SETS ((org_id, platform), (org_id))
), mentioned AS (
    SELECT p.org_id, p.platform, p.handle_lower AS poster, lower(m.mention) AS target
    FROM mentions AS m JOIN own_posts AS p USING (post_row)
), accounts_state AS (
    SELECT s.*,
           s.readable AND s.function = 'main' AS is_main,
           s.function NOT IN ('leadership', 'employee') AS organisational,
           coalesce(trim(s.display_name), '') <> '' AS f_name,
           coalesce(trim(s.description), '') <> '' AS f_description,
           coalesce(trim(s.profile_image_url), '') <> ''
               AND NOT regexp_matches(coalesce(s.profile_image_url, ''),
                                      'default_profile_images|avatar_default') AS f_image,
           coalesce(trim(s.banner_url), '') <> '' AS f_banner,
           coalesce(trim(s.url), '') <> '' AS f_url,
           s.platform <> 'x' AS banner_exposed,
           s.platform NOT IN ('reddit', 'bluesky') AS url_exposed,
           EXISTS (SELECT 1 FROM stems AS st WHERE st.org_id = s.org_id
                   AND contains(lower(s.handle_lower || chr(10) || coalesce(s.display_name, '')),
                                st.stem)) AS names_in_name,
           EXISTS (SELECT 1 FROM stems AS st WHERE st.org_id = s.org_id
                   AND contains(lower(coalesce(s.description, '')), st.stem)) AS names_in_bio,
           coalesce(ap.last_post_us, -1) >= $dormant_us AS posted_recently,
           ap.last_post_us IS NOT NULL AS posted
    FROM state AS s
    LEFT JOIN (SELECT org_id, platform, account AS handle_lower, last_post_us FROM activity
               WHERE account <> '') AS ap USING (org_id, platform, handle_lower)
), hub AS (
    SELECT a.*,
           a.readable AND a.function <> 'main'
               AND bool_or(a.is_main) OVER (PARTITION BY a.org_id) AS secondary
    FROM accounts_state AS a
), linked AS (
    SELECT h.org_id, h.platform, h.handle_lower, h.secondary,
           h.secondary AND EXISTS (
               SELECT 1 FROM mentioned AS m JOIN hub AS o
                 ON o.org_id = m.org_id AND o.platform = m.platform
               WHERE m.org_id = h.org_id AND m.platform = h.platform
                 AND ((m.poster = h.handle_lower AND o.handle_lower = m.target AND o.is_main)
                   OR (m.target = h.handle_lower AND o.handle_lower = m.poster AND o.is_main))
           ) AS linked
    FROM hub AS h
), presence AS (
    SELECT a.org_id, coalesce(a.platform, 'all') AS platform,
           coalesce(a.handle_lower, '') AS account,
           count(*) FILTER (WHERE a.readable) AS accounts_total,
           count(*) FILTER (WHERE a.observed) AS n_observed,
           max((epoch_us($end) - epoch_us(a.created_at)) / 86400e6)
               FILTER (WHERE a.readable AND a.created_at IS NOT NULL) AS account_age_days,
           sum(a.f_name::INT + a.f_description::INT + a.f_image::INT
               + (a.banner_exposed AND a.f_banner)::INT + (a.url_exposed AND a.f_url)::INT)
               FILTER (WHERE a.readable AND a.organisational)
             / nullif(sum(3 + a.banner_exposed::INT + a.url_exposed::INT)
                      FILTER (WHERE a.readable AND a.organisational), 0)
               AS profile_completeness,
           avg(a.verified::INT) FILTER (WHERE a.readable AND a.verified IS NOT NULL)
               AS verified_share,
           avg(a.names_in_name::INT)
               FILTER (WHERE a.readable AND a.organisational AND a.has_stems)
               AS naming_consistency,
           avg((NOT a.posted_recently)::INT) FILTER (WHERE a.readable) AS dormant_share,
           count(DISTINCT a.function)
               FILTER (WHERE a.readable AND a.posted
                       AND a.function NOT IN ('employee', 'other', 'leadership'))
               AS functions_with_accounts,
           sum(l.linked::INT) / nullif(sum(l.secondary::INT), 0) AS hub_spoke_links,
           count(*) FILTER (WHERE a.readable AND a.function = 'leadership' AND a.has_stems
                            AND a.names_in_bio) AS executive_accounts,
           count(*) FILTER (WHERE a.readable AND a.function = 'employee' AND a.has_stems
                            AND a.names_in_bio) AS employee_accounts,
           count(*) FILTER (WHERE a.function = 'leadership') AS n_leadership,
           count(*) FILTER (WHERE a.function = 'employee') AS n_employee
    FROM accounts_state AS a JOIN linked AS l USING (org_id, platform, handle_lower)
    GROUP BY GROUPING SETS ((a.org_id, a.platform, a.handle_lower), (a.org_id, a.platform),
                            (a.org_id))
), platforms AS (
    SELECT org_id, platform, '' AS account, (accounts_total > 0)::INT AS platforms_active
    FROM presence WHERE platform <> 'all' AND account = ''
    UNION ALL
    SELECT org_id, 'all', '', sum((accounts_total > 0)::INT)
    FROM presence WHERE platform <> 'all' AND account = '' GROUP BY org_id
)
-- scopes without rows in a family: counts are 0 where the scope was measured
SELECT * REPLACE (
    CASE WHEN accounts_total > 0 THEN coalesce(posts_per_week, 0) END AS posts_per_week,
    CASE WHEN accounts_total > 0 THEN coalesce(active_weeks_share, 0) END AS active_weeks_share,
    CASE WHEN n_posts > 0 THEN coalesce(campaign_tags, 0) END AS campaign_tags,
    -- the organisation family describes a platform or the organisation, never one account
    CASE WHEN account = '' THEN functions_with_accounts END AS functions_with_accounts,
    CASE WHEN account = '' THEN hub_spoke_links END AS hub_spoke_links,
    CASE WHEN account = '' AND n_leadership > 0 THEN executive_accounts END
        AS executive_accounts,
    CASE WHEN account = '' AND n_employee > 0 THEN employee_accounts END AS employee_accounts
)
FROM presence
LEFT JOIN platforms USING (org_id, platform, account)
LEFT JOIN responsiveness USING (org_id, platform, account)
LEFT JOIN activity USING (org_id, platform, account)
LEFT JOIN regularity USING (org_id, platform, account)
LEFT JOIN depth USING (org_id, platform, account)
LEFT JOIN campaigns USING (org_id, platform, account)
LEFT JOIN spread USING (org_id, platform, account)
"""

#: dictionary metric id -> DuckDB result column
COMPARED = {
    "presence.accounts_total": "accounts_total",
    "presence.platforms_active": "platforms_active",
    "presence.account_age_days": "account_age_days",
    "presence.profile_completeness": "profile_completeness",
    "presence.verified_share": "verified_share",
    "presence.naming_consistency": "naming_consistency",
    "presence.dormant_share": "dormant_share",
    "activity.posts_per_week": "posts_per_week",
    "activity.active_weeks_share": "active_weeks_share",
    "activity.gap_regularity": "gap_regularity",
    "activity.original_share": "original_share",
    "activity.reply_share": "reply_share",
    "activity.repost_share": "repost_share",
    "activity.utm_link_share": "utm_link_share",
    "activity.campaign_tags": "campaign_tags",
    "responsiveness.inbound_messages": "inbound_messages",
    "responsiveness.response_rate": "response_rate",
    "responsiveness.first_response_median_hours": "first_response_median_hours",
    "responsiveness.first_response_p90_hours": "first_response_p90_hours",
    "responsiveness.within_1h_share": "within_1h_share",
    "responsiveness.within_24h_share": "within_24h_share",
    "responsiveness.after_hours_response_share": "after_hours_response_share",
    "responsiveness.weekend_response_share": "weekend_response_share",
    "interaction.engagement_per_post": "engagement_per_post",
    "interaction.engagement_per_follower": "engagement_per_follower",
    "interaction.conversation_depth": "conversation_depth",
    "interaction.community_reply_share": "community_reply_share",
    "organisation.functions_with_accounts": "functions_with_accounts",
    "organisation.hub_spoke_links": "hub_spoke_links",
    "organisation.response_time_spread": "response_time_spread",
    "organisation.executive_accounts": "executive_accounts",
    "organisation.employee_accounts": "employee_accounts",
}


def _duckdb_tables(con: Any, reg: Registry, frames: RecordFrames) -> None:
    """The registry and the frames as DuckDB tables (not timed): the SQL's only inputs."""
    import numpy as np
    import pandas as pd

    accounts = pd.DataFrame(
        [
            (
                o.id,
                a.platform,
                a.handle.lower(),
                a.function,
                o.timezone,
                any(stem.strip() for stem in o.name_stems),
            )
            for o in reg.organisations
            for a in o.accounts
        ],
        columns=["org_id", "platform", "handle_lower", "function", "tz", "has_stems"],
    )
    stems = pd.DataFrame(
        [
            (o.id, stem.casefold())
            for o in reg.organisations
            for stem in o.name_stems
            if stem.strip()
        ],
        columns=["org_id", "stem"],
    )
    tables = {
        "accounts": accounts,
        "stems": stems,
        "snapshots": frames.snapshots,
        "posts": frames.posts.assign(post_row=np.arange(len(frames.posts), dtype=np.int64)),
        "inbound": frames.inbound,
        "reply_links": frames.reply_links,
        "hashtags": frames.hashtags,
        "mentions": frames.mentions,
    }
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")


def duckdb_metrics(con: Any, window: Window) -> pd.DataFrame:
    """Every compared metric per account, platform and organisation, in one SQL statement."""
    import math

    from maturity.metrics.engine.prepared import to_micros
    from maturity.metrics.families.presence import DORMANT_DAYS

    start_us, end_us = to_micros(window.start), to_micros(window.end)
    week_us = 7 * 86_400 * US
    params = {
        "start": window.start,
        "end": window.end,
        "weeks": (end_us - start_us) / week_us,
        "n_weeks": math.ceil((end_us - start_us) / week_us),
        "start_us": start_us,
        "week_us": week_us,
        "dormant_us": max(start_us, end_us - DORMANT_DAYS * 86_400 * US),
    }
    frame: pd.DataFrame = con.execute(_DUCKDB_SQL, params).df()
    return frame


def pandas_all_values(reg: Registry, window: Window, frames: RecordFrames) -> int:
    """Every dictionary metric as per-scope arrays: the computation without evidence."""
    from maturity.metrics.compute import compute_scope_values
    from maturity.metrics.engine.prepared import prepare

    return len(compute_scope_values(prepare(tuple(reg.organisations), window, frames)))


def _times(repeat: int, fn: Any, *args: Any) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - started)
    return times


def _agreement(
    duck: pd.DataFrame, values: dict[str, tuple[MetricValue, ...]]
) -> tuple[float, int, int, dict[str, int]]:
    """Agreement in both directions over every compared metric at every scope (account,
    platform, organisation): the largest absolute difference where pandas has a value (a
    value DuckDB lacks counts as an infinite difference), how many values were compared, how
    many DuckDB values pandas lacks (the other direction), and the non-zero values compared
    per metric (so a metric that is always 0 or absent is visible)."""
    import numpy as np

    keyed = duck.set_index(["org_id", "platform", "account"])
    assert keyed.index.is_unique
    columns = {column: keyed[column].to_dict() for column in COMPARED.values()}
    worst, compared = 0.0, 0
    nonzero: dict[str, int] = dict.fromkeys(COMPARED, 0)
    ours: set[tuple[str, tuple[str, str, str]]] = set()
    for org_id, metric_values in values.items():
        for v in metric_values:
            column = COMPARED.get(v.metric_id)
            if column is None or v.value is None:
                continue
            key = (org_id, v.platform, (v.account or "").lower())
            ours.add((column, key))
            theirs = columns[column].get(key)
            theirs = np.nan if theirs is None or pd_isna(theirs) else float(theirs)
            worst = max(worst, abs(theirs - v.value) if np.isfinite(theirs) else np.inf)
            compared += 1
            nonzero[v.metric_id] += v.value != 0
    only_duckdb = sum(
        1
        for column, by_key in columns.items()
        for key, value in by_key.items()
        if not pd_isna(value) and (column, key) not in ours
    )
    return worst, compared, only_duckdb, nonzero


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


# -- measuring --------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def measure(n_interactions: int, repeat: int = 1) -> dict[str, Any]:
    """Generate, compute and compare in this process; the numbers ``run`` reports."""
    import duckdb

    from maturity.metric_dictionary import METRICS
    from maturity.metrics.compute import compute_metrics_many

    reg, window, frames = generate(n_interactions)
    rss_generated = _peak_rss_mb()
    pandas_times: list[float] = []
    values: dict[str, tuple[MetricValue, ...]] = {}
    for _ in range(repeat):
        values = {}
        started = time.perf_counter()
        values = compute_metrics_many(reg, window, frames)
        pandas_times.append(time.perf_counter() - started)
    rss_pandas = _peak_rss_mb()
    values_all = _times(repeat, pandas_all_values, reg, window, frames)
    values_s = min(values_all)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    _duckdb_tables(con, reg, frames)
    duck = duckdb_metrics(con, window)
    duckdb_all = _times(repeat, duckdb_metrics, con, window)
    duckdb_s = min(duckdb_all)
    threads = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    con.execute("SET threads = 1")
    duckdb_1t_all = _times(repeat, duckdb_metrics, con, window)
    duckdb_1t_s = min(duckdb_1t_all)
    pandas_s = min(pandas_times)
    max_abs_diff, n_compared, only_duckdb, nonzero = _agreement(duck, values)
    return {
        "n_interactions": frames.n_interactions,
        "n_orgs": len(reg.organisations),
        "n_posts": len(frames.posts),
        "n_inbound": len(frames.inbound),
        "n_reply_links": len(frames.reply_links),
        "n_metrics": len(METRICS),
        "n_metrics_duckdb": len(COMPARED),
        "n_metric_values": sum(len(v) for v in values.values()),
        "n_values_compared": n_compared,
        "pandas_s": pandas_s,
        "samples": {
            "pandas_s": pandas_times,
            "pandas_values_s": values_all,
            "duckdb_s": duckdb_all,
            "duckdb_1_thread_s": duckdb_1t_all,
        },
        "pandas_values_s": values_s,
        # DuckDB computes every dictionary metric, so the values-only pandas run is the
        # same-metrics comparison (kept under its old key)
        "pandas_compared_s": values_s,
        "duckdb_s": duckdb_s,
        "duckdb_threads": threads,
        "duckdb_1_thread_s": duckdb_1t_s,
        "ratio": pandas_s / duckdb_s,
        "ratio_1_thread": pandas_s / duckdb_1t_s,
        "ratio_values": values_s / duckdb_s,
        "ratio_values_1_thread": values_s / duckdb_1t_s,
        "ratio_compared": values_s / duckdb_s,
        "ratio_compared_1_thread": values_s / duckdb_1t_s,
        "peak_rss_mb": rss_pandas,
        "rss_after_generation_mb": rss_generated,
        "peak_rss_with_duckdb_mb": _peak_rss_mb(),
        "max_abs_diff": max_abs_diff,
        "n_values_only_duckdb": only_duckdb,
        "nonzero_values_compared": nonzero,
        "target_ratio": TARGET_RATIO,
        "target_rss_mb": TARGET_RSS_MB,
        "ratio_met": pandas_s / duckdb_s <= TARGET_RATIO,
        # like for like on threads: pandas runs on one thread, so DuckDB on one thread too
        "values_ratio_same_threads": values_s / duckdb_1t_s,
        "target_values_ratio": TARGET_VALUES_RATIO,
        "values_ratio_met": values_s / duckdb_1t_s <= TARGET_VALUES_RATIO,
        "rss_met": rss_pandas <= TARGET_RSS_MB,
    }


def _table(result: dict[str, Any]) -> str:
    m, d = result["n_metrics"], result["n_metrics_duckdb"]
    rows = [
        (
            "interactions",
            f"{result['n_interactions']:,} ({result['n_posts']:,} posts, "
            f"{result['n_inbound']:,} inbound, {result['n_reply_links']:,} links)",
        ),
        ("organisations", f"{result['n_orgs']}"),
        ("metric values", f"{result['n_metric_values']:,}"),
        (f"pandas: {m} metrics, evidence, MetricValues", f"{result['pandas_s']:.3f} s"),
        (f"pandas: {m} metrics, values only", f"{result['pandas_values_s']:.3f} s"),
        (
            f"DuckDB: {d} metrics, SQL, {result['duckdb_threads']} threads",
            f"{result['duckdb_s']:.3f} s",
        ),
        (f"DuckDB: {d} metrics, SQL, 1 thread", f"{result['duckdb_1_thread_s']:.3f} s"),
        (
            "ratio full / DuckDB",
            f"{result['ratio']:.2f} (target <= {TARGET_RATIO}; 1 thread: "
            f"{result['ratio_1_thread']:.2f})",
        ),
        (
            "ratio values only / DuckDB, same threads (1)",
            f"{result['values_ratio_same_threads']:.2f} (target <= {TARGET_VALUES_RATIO}; "
            f"DuckDB {result['duckdb_threads']} threads: {result['ratio_values']:.2f})",
        ),
        (
            "peak RSS, generation + pandas",
            f"{result['peak_rss_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f})",
        ),
        ("peak RSS after generation", f"{result['rss_after_generation_mb']:.0f} MB"),
        ("peak RSS incl. DuckDB", f"{result['peak_rss_with_duckdb_mb']:.0f} MB"),
        (
            "max |pandas - DuckDB|",
            f"{result['max_abs_diff']:.2e} over {result['n_values_compared']:,} values",
        ),
        ("DuckDB values pandas lacks", f"{result['n_values_only_duckdb']:,}"),
        (
            "employee_accounts compared, non-zero",
            f"{result['nonzero_values_compared']['organisation.employee_accounts']:,}",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def run(n_interactions: int = 1_000_000, repeat: int = 1) -> dict[str, Any]:
    """Measure in a fresh subprocess, print a small table and return the numbers.

    The subprocess writes its numbers to a file of its own, not to standard output: libraries
    may print there (DuckDB's progress bar, warnings), which broke reading the last line."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="maturity-metrics-bench-") as tmp:
        result_file = Path(tmp) / "result.json"
        code = (
            "import json, pathlib, sys; "
            "from maturity.sandbox.bench.metrics_bench import measure; "
            f"pathlib.Path(sys.argv[1]).write_text(json.dumps(measure({int(n_interactions)}, "
            f"{int(repeat)})), encoding='utf-8')"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(result_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0 or not result_file.exists():
            tail = "\n".join(out.stderr.strip().splitlines()[-15:])
            raise RuntimeError(
                f"the metrics benchmark's subprocess ended with code {out.returncode} "
                f"({n_interactions:,} interactions; a negative code is a signal, -9 usually "
                f"out of memory); its last error lines:\n{tail}"
            )
        result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    print(_table(result))
    return result


if __name__ == "__main__":
    run(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 1,
    )
