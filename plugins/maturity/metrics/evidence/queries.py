"""SQL that reproduces the items behind a metric value, against the warehouse tables.

Every metric value carries one ``query`` evidence ref: a ``SELECT`` over ``post``,
``inbound_message``, ``reply_link`` and ``account_snapshot`` (names from
:mod:`maturity.warehouse.schema`) that returns the value's sample (see
:mod:`maturity.metrics.engine.samples`). Its parameters are inlined as literals, because the ref
must run as it is: text in single quotes with quotes doubled (backslashes are plain characters
in both databases' standard strings); comments cannot be closed by their text
(:func:`comment`); organisation ids and handles are validated by the registry; the window
bounds are UTC timestamps, written as SQLite stores them
(``'2026-08-03 00:00:00.000000'``, compared as text) or, on PostgreSQL, cast to
``timestamptz``. The accounts of the scope are listed by platform and lower-case handle.
Business hours need local time: PostgreSQL converts with ``AT TIME ZONE``; SQLite has no
timezone database, so the query carries the timezone's UTC offsets over the window (its DST
steps, from :mod:`maturity.metrics.engine.local_time`, the same steps the computation uses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final

from maturity.evidence import Window
from maturity.metrics.engine import local_time
from maturity.metrics.engine import samples as s
from maturity.metrics.engine.scopes import reddit_alias


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def comment(value: str) -> str:
    """``value`` as the body of a ``/* ... */`` comment: it can neither close the comment nor
    open a nested one (PostgreSQL nests them), so nothing after it becomes SQL."""
    return value.replace("*/", "* /").replace("/*", "/ *")


@lru_cache(maxsize=4096)
def _sqlite_timestamp(at: datetime) -> str:
    return literal(at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"))


class Dialect:
    name = "sqlite"

    def timestamp(self, at: datetime) -> str:
        return _sqlite_timestamp(at)

    def json_nonempty(self, column: str) -> str:
        return f"json_array_length({column}) > 0"

    @lru_cache(maxsize=1024)  # noqa: B019 - dialects are module-level singletons
    def _local(self, column: str, tz: str, window: Window) -> str:
        steps, offsets = local_time.offsets(tz, window.start, window.end)
        shifts = [literal(f"{off // local_time.US_PER_SECOND:+d} seconds") for off in offsets]
        if not steps:
            return f"datetime({column}, {shifts[0]})"
        cases = " ".join(
            f"WHEN {column} < {self.timestamp(step)} THEN {shift}"
            for step, shift in zip(steps, shifts[:-1], strict=True)
        )
        return f"datetime({column}, CASE {cases} ELSE {shifts[-1]} END)"

    def business_hours(self, column: str, tz: str, window: Window) -> str:
        local = self._local(column, tz, window)
        return (
            f"(strftime('%w', {local}) BETWEEN '1' AND '5' "
            f"AND strftime('%H', {local}) BETWEEN '09' AND '16')"
        )

    def weekend(self, column: str, tz: str, window: Window) -> str:
        return f"strftime('%w', {self._local(column, tz, window)}) IN ('0', '6')"


class PostgresDialect(Dialect):
    name = "postgresql"

    def timestamp(self, at: datetime) -> str:
        return f"CAST({literal(at.astimezone(UTC).isoformat(sep=' '))} AS TIMESTAMP WITH TIME ZONE)"

    def json_nonempty(self, column: str) -> str:
        return f"jsonb_array_length({column}) > 0"

    def business_hours(self, column: str, tz: str, window: Window) -> str:
        local = f"({column} AT TIME ZONE {literal(tz)})"
        return (
            f"(EXTRACT(ISODOW FROM {local}) BETWEEN 1 AND 5 "
            f"AND EXTRACT(HOUR FROM {local}) BETWEEN 9 AND 16)"
        )

    def weekend(self, column: str, tz: str, window: Window) -> str:
        return f"EXTRACT(ISODOW FROM ({column} AT TIME ZONE {literal(tz)})) IN (6, 7)"


DIALECTS: Final[dict[str, Dialect]] = {"sqlite": Dialect(), "postgresql": PostgresDialect()}


@dataclass(frozen=True, slots=True)
class AccountMatch:
    """An account as the queries' filters match it: platform, lower-case handle and, for a
    Reddit account that registered a subreddit, that subreddit (posts there are its own)."""

    platform: str
    handle_lower: str
    subreddit: str | None = None


@dataclass(frozen=True, slots=True)
class QueryContext:
    """One scope of one organisation, and the accounts a sample set takes from it.

    The texts every query of the context repeats (window bounds, organisation literal, the
    accounts filters) are made once per context."""

    dialect: Dialect
    window: Window
    org_id: str
    timezone: str
    accounts: tuple[AccountMatch, ...]
    own: tuple[AccountMatch, ...]
    """Every registered account of the organisation (to tell self-replies apart)."""
    dormant_since: datetime
    start: str = field(init=False, repr=False, compare=False)
    """The window start as a SQL timestamp literal."""
    end: str = field(init=False, repr=False, compare=False)
    """The window end as a SQL timestamp literal."""
    org: str = field(init=False, repr=False, compare=False)
    """The organisation id as a SQL literal."""
    window_label: str = field(init=False, repr=False, compare=False)
    """The window as the query header names it."""
    _texts: dict[tuple[object, ...], str] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", self.dialect.timestamp(self.window.start))
        object.__setattr__(self, "end", self.dialect.timestamp(self.window.end))
        object.__setattr__(self, "org", literal(self.org_id))
        object.__setattr__(self, "window_label", _window_label(self.window))

    def in_window(self, column: str) -> str:
        key = ("in_window", column)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = f"{column} >= {self.start} AND {column} < {self.end}"
        return text

    def body(self, sample: str) -> str:
        """The SQL of ``sample`` without its header, made once per context and builder (sample
        sets built alike share it)."""
        builder = BUILDERS[sample]
        key = ("body", builder)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = builder(self)
        return text

    def accounts_filter(
        self, alias: str, *, column: str | None = None, aliases: bool = False, own: bool = False
    ) -> str:
        """:func:`accounts_filter` of the context's listed (or ``own``) accounts."""
        key = ("filter", alias, column or "", "a" if aliases else "", "o" if own else "")
        text = self._texts.get(key)
        if text is None:
            accounts = self.own if own else self.accounts
            text = accounts_filter(alias, accounts, column=column, aliases=aliases)
            self._texts[key] = text
        return text


@lru_cache(maxsize=65536)
def accounts_filter(
    alias: str,
    accounts: tuple[AccountMatch, ...],
    *,
    column: str | None = None,
    aliases: bool = False,
) -> str:
    """``(<alias>.platform = 'x' AND lower(<alias>.handle) IN (...)) OR ...``; ``1 = 0`` if none."""
    handles: dict[str, list[str]] = {}
    for a in accounts:
        names = handles.setdefault(a.platform, [])
        names.append(a.handle_lower)
        if aliases and a.subreddit:
            names.append(reddit_alias(a.subreddit))
    expr = column or f"lower({alias}.handle)"
    parts = [
        f"({alias}.platform = {literal(p)} AND {expr} IN "
        f"({', '.join(literal(h) for h in sorted(set(names)))}))"
        for p, names in sorted(handles.items())
    ]
    return f"({' OR '.join(parts)})" if parts else "1 = 0"


# -- snapshots (accounts) ---------------------------------------------------------------------

_SNAPSHOT_COLUMNS = (
    "s.platform, s.handle, s.observed_at, s.status, s.display_name, s.description, s.url, "
    "s.profile_image_url, s.banner_url, s.verified, s.created_at, s.followers"
)


def _latest_snapshots(q: QueryContext, extra: str = "", columns: str = "") -> str:
    where = extra and f"\n  AND {extra}"
    return (
        f"SELECT {_SNAPSHOT_COLUMNS}{columns}\n"
        "FROM account_snapshot AS s\n"
        f"WHERE s.org_id = {q.org}\n"
        f"  AND {q.accounts_filter('s', column='s.handle_lower')}\n"
        "  AND s.observed_at = (SELECT MAX(s2.observed_at) FROM account_snapshot AS s2"
        " WHERE s2.org_id = s.org_id AND s2.platform = s.platform"
        f" AND s2.handle_lower = s.handle_lower AND s2.observed_at <= {q.end})"
        f"{where}\n"
        "ORDER BY s.platform, s.handle_lower"
    )


def _own_posts_of_snapshot(q: QueryContext) -> str:
    """Posts of the snapshot's account (and of its subreddit, on Reddit) since 90 days."""
    handles = ["lower(p.handle) = s.handle_lower"] + [
        f"(s.handle_lower = {literal(a.handle_lower)} "
        f"AND lower(p.handle) = {literal(reddit_alias(a.subreddit))})"
        for a in q.accounts
        if a.subreddit
    ]
    return (
        ",\n  (SELECT COUNT(*) FROM post AS p WHERE p.org_id = s.org_id"
        f" AND p.platform = s.platform AND ({' OR '.join(handles)})"
        f" AND p.created_at >= {q.dialect.timestamp(q.dormant_since)}"
        f" AND p.created_at < {q.end}) AS posts_last_90_days"
    )


ACTIVE = "s.status = 'active'"

# -- posts ------------------------------------------------------------------------------------

_POST_COLUMNS = (
    "p.platform, p.post_id, p.handle, p.created_at, p.kind, p.conversation_id, "
    "p.in_reply_to_post_id, p.in_reply_to_author, p.urls, p.hashtags, p.mentions, "
    "p.like_count, p.repost_count, p.reply_count, p.quote_count"
)


def _posts_where(q: QueryContext) -> str:
    return (
        f"WHERE p.org_id = {q.org}\n"
        f"  AND {q.in_window('p.created_at')}\n"
        f"  AND {q.accounts_filter('p', aliases=True)}"
    )


def _posts(q: QueryContext, extra: str = "", columns: str = "") -> str:
    where = extra and f"\n  AND {extra}"
    return (
        f"SELECT {_POST_COLUMNS}{columns}\n"
        "FROM post AS p\n"
        f"{_posts_where(q)}{where}\n"
        "ORDER BY p.created_at, p.platform, p.post_id"
    )


def _threads_replied(q: QueryContext) -> str:
    thread = "COALESCE(p.conversation_id, p.in_reply_to_post_id, p.post_id)"
    own = q.accounts_filter("p", column="lower(p.in_reply_to_author)", aliases=True, own=True)
    return (
        f"SELECT p.platform, {thread} AS thread_id, COUNT(*) AS org_turns\n"
        "FROM post AS p\n"
        f"{_posts_where(q)}\n"
        "  AND p.kind <> 'repost'\n"
        f"GROUP BY p.platform, {thread}\n"
        "HAVING SUM(CASE WHEN p.kind = 'reply' AND (p.in_reply_to_author IS NULL OR NOT "
        f"{own}) THEN 1 ELSE 0 END) > 0\n"
        "ORDER BY p.platform, thread_id"
    )


def _threads_started(q: QueryContext) -> str:
    repliers = (
        ",\n  (SELECT COUNT(DISTINCT m.author) FROM inbound_message AS m"
        " WHERE m.org_id = p.org_id AND m.platform = p.platform"
        " AND m.conversation_id = COALESCE(p.conversation_id, p.post_id)"
        f" AND {q.in_window('m.created_at')}) AS third_party_repliers"
    )
    return _posts(q, "p.kind = 'original'", repliers)


# -- inbound messages -------------------------------------------------------------------------


def _inbound(q: QueryContext, *, answered: bool = False, extra: str = "") -> str:
    join = "JOIN" if answered else "LEFT JOIN"
    where = extra and f"\n  AND {extra}"
    return (
        "SELECT m.platform, m.message_id, m.handle, m.author, m.created_at, m.kind, "
        "m.conversation_id, r.reply_post_id, r.inbound_at, r.replied_at\n"
        "FROM inbound_message AS m\n"
        f"{join} reply_link AS r ON r.platform = m.platform AND r.inbound_id = m.message_id"
        f" AND r.org_id = m.org_id AND r.replied_at >= r.inbound_at AND r.replied_at < {q.end}\n"
        f"WHERE m.org_id = {q.org}\n"
        f"  AND {q.in_window('m.created_at')}\n"
        f"  AND {q.accounts_filter('m')}{where}\n"
        "ORDER BY m.created_at, m.platform, m.message_id"
    )


def _answering_accounts(q: QueryContext) -> str:
    return (
        "SELECT m.platform, MIN(m.handle) AS handle, COUNT(*) AS answered\n"
        "FROM inbound_message AS m\n"
        "JOIN reply_link AS r ON r.platform = m.platform AND r.inbound_id = m.message_id"
        f" AND r.org_id = m.org_id AND r.replied_at >= r.inbound_at AND r.replied_at < {q.end}\n"
        f"WHERE m.org_id = {q.org}\n"
        f"  AND {q.in_window('m.created_at')}\n"
        f"  AND {q.accounts_filter('m')}\n"
        "GROUP BY m.platform, lower(m.handle)\n"
        "ORDER BY m.platform, lower(m.handle)"
    )


def _after_hours(q: QueryContext) -> str:
    business = q.dialect.business_hours("m.created_at", q.timezone, q.window)
    return _inbound(q, extra=f"NOT {business}")


def _weekend(q: QueryContext) -> str:
    return _inbound(q, extra=q.dialect.weekend("m.created_at", q.timezone, q.window))


def _readable_snapshots(q: QueryContext) -> str:
    return _latest_snapshots(q, ACTIVE)


BUILDERS: Final[dict[str, Callable[[QueryContext], str]]] = {
    s.ACCOUNTS_OBSERVED: _latest_snapshots,
    s.ACCOUNTS_READABLE: _readable_snapshots,
    s.ACCOUNTS_CREATED: lambda q: _latest_snapshots(q, f"{ACTIVE} AND s.created_at IS NOT NULL"),
    s.ACCOUNTS_VERIFIED: lambda q: _latest_snapshots(q, f"{ACTIVE} AND s.verified IS NOT NULL"),
    s.ACCOUNTS_NAMED: _readable_snapshots,
    s.ACCOUNTS_ORGANISATIONAL: _readable_snapshots,
    s.ACCOUNTS_DORMANCY: lambda q: _latest_snapshots(q, ACTIVE, _own_posts_of_snapshot(q)),
    s.LEADERSHIP: _latest_snapshots,
    s.EMPLOYEES: _latest_snapshots,
    s.SECONDARY: _readable_snapshots,
    s.ANSWERING_ACCOUNTS: _answering_accounts,
    s.POSTS: _posts,
    s.POSTS_WEEKS: _posts,
    s.POSTS_GAPS: _posts,
    s.POSTS_WITH_LINK: lambda q: _posts(q, q.dialect.json_nonempty("p.urls")),
    s.POSTS_FOLLOWED: _posts,
    s.THREADS_REPLIED: _threads_replied,
    s.THREADS_STARTED: _threads_started,
    s.INBOUND: _inbound,
    s.ANSWERED: lambda q: _inbound(q, answered=True),
    s.ACTIONABLE: _inbound,
    s.ANSWERED_ACTIONABLE: lambda q: _inbound(q, answered=True),
    s.REPLIED: lambda q: _inbound(q, answered=True),
    s.OWN_LINKS: _readable_snapshots,
    s.AFTER_HOURS: _after_hours,
    s.WEEKEND: _weekend,
}


@lru_cache(maxsize=64)
def _window_label(window: Window) -> str:
    return f"window [{window.start.isoformat()}, {window.end.isoformat()})"


def query(sample: str, q: QueryContext, scope_label: str, note: str = "") -> str:
    """The SQL of ``sample`` for one scope, headed by a comment saying what it returns."""
    header = comment(
        f"{s.DESCRIPTIONS[sample]}; organisation {q.org_id}, {scope_label}; {q.window_label}"
    )
    return f"/* {header} */\n" + (f"/* {comment(note)} */\n" if note else "") + q.body(sample)
