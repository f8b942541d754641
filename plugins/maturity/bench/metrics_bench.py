"""Benchmark: every metric of many organisations with pandas, against plain DuckDB SQL.

``run(n_interactions)`` generates a seeded synthetic world (vectorised: about 30% posts, 45%
inbound messages, 25% reply links, spread over 200 organisations of 5 accounts each), then, in
a fresh subprocess so that its memory is its own:

1. generates the records as typed frames (not timed);
2. times ``compute_metrics_many`` over all organisations: every dictionary metric per account,
   platform and organisation, with its evidence refs (examples, pages, SQL);
3. records the peak RSS so far (``resource.getrusage``: generation plus computation);
4. loads the same frames into DuckDB tables (not timed) and times plain SQL computing, per
   account, platform and organisation (``GROUPING SETS``), the inbound count, response rate,
   median and P90 first response, within-1h and within-24h shares, posts per week, engagement
   per post and the content-mix shares, with the same rules (window, readable registered
   accounts, replies before the window end);
5. checks that both agree on those metrics for every organisation.

Targets: pandas at most 1.5 x DuckDB, peak RSS at most 500 MB. Run it with
``python -m maturity.bench.metrics_bench [n_interactions]``.
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
    from maturity.metrics.frames import RecordFrames
    from maturity.registry import Registry

TARGET_RATIO = 1.5
TARGET_RSS_MB = 500.0
N_ORGS = 200
SEED = 20261102
WINDOW_START = datetime(2026, 8, 3, tzinfo=UTC)
WINDOW_END = datetime(2026, 11, 2, tzinfo=UTC)
#: (platform, function, handle suffix, share of the organisation's traffic)
ACCOUNTS = (
    ("x", "main", "", 0.35),
    ("x", "service", "care", 0.30),
    ("x", "press", "news", 0.10),
    ("x", "leadership", "ceo", 0.05),
    ("reddit", "main", "r", 0.20),
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
    from maturity.metrics import frames as f

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
    SELECT org_id, platform, lower(handle) AS handle_lower,
           arg_max(status, observed_at) AS status
    FROM snapshots WHERE observed_at <= $end
    GROUP BY ALL
), readable AS (
    SELECT a.org_id, a.platform, a.handle_lower
    FROM accounts AS a JOIN latest AS l USING (org_id, platform, handle_lower)
    WHERE l.status = 'active'
), messages AS (
    SELECT r.org_id, r.platform, r.handle_lower,
           l.inbound_id IS NOT NULL AS answered,
           epoch(l.replied_at - l.inbound_at) / 3600.0 AS delay_h
    FROM inbound AS i
    JOIN readable AS r
      ON r.org_id = i.org_id AND r.platform = i.platform AND r.handle_lower = lower(i.handle)
    LEFT JOIN reply_links AS l
      ON l.platform = i.platform AND l.inbound_id = i.message_id AND l.org_id = i.org_id
     AND l.replied_at >= l.inbound_at AND l.replied_at < $end
    WHERE i.created_at >= $start AND i.created_at < $end
), responsiveness AS (
    SELECT org_id, coalesce(platform, 'all') AS platform, coalesce(handle_lower, '') AS account,
           count(*) AS inbound_messages,
           avg(answered::INT) AS response_rate,
           quantile_cont(delay_h, 0.5) FILTER (WHERE answered) AS first_response_median_hours,
           quantile_cont(delay_h, 0.9) FILTER (WHERE answered) AS first_response_p90_hours,
           avg((answered AND delay_h <= 1)::INT) AS within_1h_share,
           avg((answered AND delay_h <= 24)::INT) AS within_24h_share
    FROM messages
    GROUP BY GROUPING SETS ((org_id, platform, handle_lower), (org_id, platform), (org_id))
), own_posts AS (
    SELECT r.org_id, r.platform, r.handle_lower, p.kind,
           p.like_count + p.repost_count + p.reply_count + p.quote_count AS engagement,
           own.handle_lower IS NOT NULL AS to_self
    FROM posts AS p
    JOIN readable AS r
      ON r.org_id = p.org_id AND r.platform = p.platform AND r.handle_lower = lower(p.handle)
    LEFT JOIN accounts AS own
      ON own.org_id = p.org_id AND own.platform = p.platform
     AND own.handle_lower = lower(p.in_reply_to_author)
    WHERE p.created_at >= $start AND p.created_at < $end
), activity AS (
    SELECT org_id, coalesce(platform, 'all') AS platform, coalesce(handle_lower, '') AS account,
           count(*) / $weeks AS posts_per_week,
           avg(engagement) AS engagement_per_post,
           avg((kind = 'original')::INT) AS original_share,
           avg((kind = 'reply' AND NOT to_self)::INT) AS reply_share,
           avg((kind IN ('repost', 'quote'))::INT) AS repost_share
    FROM own_posts
    GROUP BY GROUPING SETS ((org_id, platform, handle_lower), (org_id, platform), (org_id))
)
SELECT * FROM responsiveness FULL JOIN activity USING (org_id, platform, account)
"""

COMPARED = {
    "responsiveness.inbound_messages": "inbound_messages",
    "responsiveness.response_rate": "response_rate",
    "responsiveness.first_response_median_hours": "first_response_median_hours",
    "responsiveness.first_response_p90_hours": "first_response_p90_hours",
    "responsiveness.within_1h_share": "within_1h_share",
    "responsiveness.within_24h_share": "within_24h_share",
    "activity.posts_per_week": "posts_per_week",
    "interaction.engagement_per_post": "engagement_per_post",
    "activity.original_share": "original_share",
    "activity.reply_share": "reply_share",
    "activity.repost_share": "repost_share",
}


def _duckdb_tables(con: Any, reg: Registry, frames: RecordFrames) -> None:
    import pandas as pd

    accounts = pd.DataFrame(
        [(o.id, a.platform, a.handle.lower()) for o in reg.organisations for a in o.accounts],
        columns=["org_id", "platform", "handle_lower"],
    )
    tables = {
        "accounts": accounts,
        "snapshots": frames.snapshots,
        "posts": frames.posts,
        "inbound": frames.inbound,
        "reply_links": frames.reply_links,
    }
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")


def duckdb_metrics(con: Any, window: Window) -> pd.DataFrame:
    weeks = (window.end - window.start).total_seconds() / (7 * 86_400)
    params = {"start": window.start, "end": window.end, "weeks": weeks}
    frame: pd.DataFrame = con.execute(_DUCKDB_SQL, params).df()
    return frame


def pandas_compared_metrics(reg: Registry, window: Window, frames: RecordFrames) -> int:
    """The metrics DuckDB computes, as pandas values only (no evidence, no MetricValue)."""
    from maturity.metrics import activity, interaction, responsiveness
    from maturity.metrics.prepared import prepare

    prep = prepare(tuple(reg.organisations), window, frames)
    rates = responsiveness.compute(prep)
    values = {m: rates[m] for m in COMPARED if m in rates}
    values["activity.posts_per_week"] = activity.posts_per_week(prep)
    values["interaction.engagement_per_post"] = interaction.engagement_per_post(prep)
    values.update(activity.content_mix(prep))
    return len(values)


def pandas_all_values(reg: Registry, window: Window, frames: RecordFrames) -> int:
    """Every dictionary metric as per-scope arrays: the computation without evidence."""
    from maturity.metrics.compute import compute_scope_values
    from maturity.metrics.prepared import prepare

    return len(compute_scope_values(prepare(tuple(reg.organisations), window, frames)))


def _best(repeat: int, fn: Any, *args: Any) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def _agreement(duck: pd.DataFrame, values: dict[str, tuple[MetricValue, ...]]) -> float:
    """Largest absolute difference between DuckDB and pandas on the compared org values."""
    import numpy as np

    overall = duck[duck["platform"] == "all"].set_index("org_id")
    assert overall.index.is_unique
    worst = 0.0
    for org_id, metric_values in values.items():
        for v in metric_values:
            column = COMPARED.get(v.metric_id)
            if column is None or v.platform != "all" or v.value is None:
                continue
            theirs = float(overall.at[org_id, column])
            worst = max(worst, abs(theirs - v.value) if np.isfinite(theirs) else np.inf)
    return worst


# -- measuring --------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def measure(n_interactions: int, repeat: int = 1) -> dict[str, Any]:
    """Generate, compute and compare in this process; the numbers ``run`` reports."""
    import duckdb

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
    values_s = _best(repeat, pandas_all_values, reg, window, frames)
    same_s = _best(repeat, pandas_compared_metrics, reg, window, frames)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    _duckdb_tables(con, reg, frames)
    duck = duckdb_metrics(con, window)
    duckdb_s = _best(repeat, duckdb_metrics, con, window)
    con.execute("SET threads = 1")
    duckdb_1t_s = _best(repeat, duckdb_metrics, con, window)
    pandas_s = min(pandas_times)
    return {
        "n_interactions": frames.n_interactions,
        "n_orgs": len(reg.organisations),
        "n_posts": len(frames.posts),
        "n_inbound": len(frames.inbound),
        "n_reply_links": len(frames.reply_links),
        "n_metric_values": sum(len(v) for v in values.values()),
        "pandas_s": pandas_s,
        "pandas_values_s": values_s,
        "pandas_compared_s": same_s,
        "duckdb_s": duckdb_s,
        "duckdb_1_thread_s": duckdb_1t_s,
        "ratio": pandas_s / duckdb_s,
        "ratio_values": values_s / duckdb_s,
        "ratio_compared": same_s / duckdb_s,
        "ratio_compared_1_thread": same_s / duckdb_1t_s,
        "peak_rss_mb": rss_pandas,
        "rss_after_generation_mb": rss_generated,
        "peak_rss_with_duckdb_mb": _peak_rss_mb(),
        "max_abs_diff": _agreement(duck, values),  # type: ignore[arg-type]
        "target_ratio": TARGET_RATIO,
        "target_rss_mb": TARGET_RSS_MB,
        "ratio_met": pandas_s / duckdb_s <= TARGET_RATIO,
        "rss_met": rss_pandas <= TARGET_RSS_MB,
    }


def _table(result: dict[str, Any]) -> str:
    rows = [
        (
            "interactions",
            f"{result['n_interactions']:,} ({result['n_posts']:,} posts, "
            f"{result['n_inbound']:,} inbound, {result['n_reply_links']:,} links)",
        ),
        ("organisations", f"{result['n_orgs']}"),
        ("metric values", f"{result['n_metric_values']:,}"),
        ("pandas: 33 metrics, evidence, MetricValues", f"{result['pandas_s']:.3f} s"),
        ("pandas: 33 metrics, values only", f"{result['pandas_values_s']:.3f} s"),
        ("pandas: the 11 DuckDB metrics, values only", f"{result['pandas_compared_s']:.3f} s"),
        ("DuckDB: 11 metrics, SQL", f"{result['duckdb_s']:.3f} s"),
        ("DuckDB: 11 metrics, SQL, 1 thread", f"{result['duckdb_1_thread_s']:.3f} s"),
        ("ratio full / DuckDB", f"{result['ratio']:.2f} (target <= {TARGET_RATIO})"),
        ("ratio values / DuckDB", f"{result['ratio_values']:.2f}"),
        (
            "ratio same 11 metrics / DuckDB",
            f"{result['ratio_compared']:.2f} (1 thread: {result['ratio_compared_1_thread']:.2f})",
        ),
        (
            "peak RSS, generation + pandas",
            f"{result['peak_rss_mb']:.0f} MB (target <= {TARGET_RSS_MB:.0f})",
        ),
        ("peak RSS after generation", f"{result['rss_after_generation_mb']:.0f} MB"),
        ("peak RSS incl. DuckDB", f"{result['peak_rss_with_duckdb_mb']:.0f} MB"),
        ("max |pandas - DuckDB|", f"{result['max_abs_diff']:.2e}"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def run(n_interactions: int = 1_000_000, repeat: int = 1) -> dict[str, Any]:
    """Measure in a fresh subprocess, print a small table and return the numbers."""
    code = (
        "import json, sys; from maturity.bench.metrics_bench import measure; "
        f"print(json.dumps(measure({int(n_interactions)}, {int(repeat)})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"the benchmark subprocess failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(_table(result))
    return result


if __name__ == "__main__":
    run(
        int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 1,
    )
