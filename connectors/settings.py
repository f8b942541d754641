"""Client settings for each platform, mapped from an Airflow-style connection by a table.

``x_default``, ``reddit_default``, ``mastodon_default`` and ``bluesky_default`` come from
``AIRFLOW_CONN_X_DEFAULT``, ``AIRFLOW_CONN_REDDIT_DEFAULT``, ``AIRFLOW_CONN_MASTODON_DEFAULT`` and
``AIRFLOW_CONN_BLUESKY_DEFAULT`` (JSON or URI form, see :mod:`maturity.connections`). Each row of
a table below says which connection field fills which setting, how it is parsed and its
default; docs/connectors.md lists the same rows for operators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from maturity import costs
from maturity.connections import (
    BLUESKY_CONN_ID,
    MASTODON_CONN_ID,
    REDDIT_CONN_ID,
    X_CONN_ID,
    Connection,
    env_var_name,
    get_connection,
)
from maturity.connectors import limits
from maturity.errors import ConfigError

X_API_URL = "https://api.x.com"
REDDIT_OAUTH_URL = "https://oauth.reddit.com"
REDDIT_WWW_URL = "https://www.reddit.com"
BLUESKY_APPVIEW_URL = "https://public.api.bsky.app"
BLUESKY_PDS_URL = "https://bsky.social"
"""Where a Bluesky login (``com.atproto.server.createSession``) and the account's
notifications go: the PDS that hosts the account (Bluesky's entryway for hosted accounts)."""
DEFAULT_USER_AGENT = "python:social-maturity:0.1 (by the social-maturity project)"

Source = Literal["host", "login", "password", "extra"]


@dataclass(frozen=True)
class Row:
    """One connection field → one setting."""

    setting: str
    source: Source
    key: str | None = None
    """The key inside ``extra``; None for the top-level fields."""
    parse: Callable[[Any], Any] = str


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{value!r} is not true or false")


def _url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return text


@dataclass(frozen=True)
class Policy:
    """What every connector shares: timeouts, retries, rate-limit waits, overlap."""

    timeout: float = 30.0
    max_retries: int = 4
    """Retries of a 5xx, timeout or connection error (so ``max_retries + 1`` attempts)."""
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    max_rate_limit_wait: float = 900.0
    """Wait for a rate-limit reset at most this long; a later reset fails fast (a usage cap)."""
    max_inline_wait: float = 5.0
    """Inside an Airflow task, a rate-limit reset further away than this (and within
    ``max_rate_limit_wait``) reschedules the task instead of sleeping in its worker slot."""
    overlap_seconds: float = 86_400.0
    """Re-fetch this much before the window (or the cursor) to catch late-indexed items."""
    defer_rate_limits: bool = False
    """Set by the caller, not by the connection: defer a rate-limit wait longer than
    ``max_inline_wait`` (``maturity.connectors.ratelimit.RateLimitDeferred``) instead of
    sleeping. The Airflow collect task sets it; the CLI waits inline."""

    def _check(self, conn_id: str) -> None:
        for name, low in (
            ("timeout", 0.001),
            ("max_retries", 0),
            ("backoff_seconds", 0),
            ("backoff_max_seconds", 0),
            ("max_rate_limit_wait", 0),
            ("max_inline_wait", 0),
            ("overlap_seconds", 0),
        ):
            if getattr(self, name) < low:
                raise ConfigError(
                    f"setting '{name}' must be at least {low}",
                    where=f"{env_var_name(conn_id)} (extra.{name})",
                )


@dataclass(frozen=True)
class XSettings(Policy):
    bearer_token: str = field(default="", repr=False)
    base_url: str = X_API_URL
    user_agent: str = DEFAULT_USER_AGENT
    mentions: bool = True
    page_size: int = 100
    posts_cap: int = 3200
    mentions_cap: int = 800
    conn_id: str = X_CONN_ID
    rate_limits: Mapping[str, Any] = field(default_factory=dict)
    """Overrides of the documented limits (``maturity.connectors.limits``), for the plan."""
    read_budget_per_run: int | None = None
    read_budget_per_month: int | None = None
    prices: costs.Prices = field(default_factory=costs.Prices)

    def __post_init__(self) -> None:
        if not self.bearer_token:
            raise ConfigError(
                "the X connection has no bearer token",
                where=f"{env_var_name(self.conn_id)} (password)",
                fix="put the app's OAuth 2.0 bearer token in the connection's password",
            )
        if not 5 <= self.page_size <= 100:
            raise ConfigError(
                "page_size must be between 5 and 100 (X's max_results)",
                where=f"{env_var_name(self.conn_id)} (extra.page_size)",
            )
        self._check(self.conn_id)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.bearer_token,)


@dataclass(frozen=True)
class RedditSettings(Policy):
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    oauth_url: str = REDDIT_OAUTH_URL
    reddit_url: str = REDDIT_WWW_URL
    user_agent: str = DEFAULT_USER_AGENT
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    mentions: bool = True
    listing_cap: int = 1000
    comment_limit: int = 200
    conn_id: str = REDDIT_CONN_ID
    rate_limits: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = env_var_name(self.conn_id)
        if not self.client_id:
            raise ConfigError(
                "the Reddit connection has no client id",
                where=f"{where} (login)",
                fix="put the app's client id in the connection's login",
            )
        if not self.client_secret:
            raise ConfigError(
                "the Reddit connection has no client secret",
                where=f"{where} (password)",
                fix="put the app's client secret in the connection's password",
            )
        if bool(self.username) != bool(self.password):
            raise ConfigError(
                "give both extra.username and extra.password, or neither", where=f"{where} (extra)"
            )
        self._check(self.conn_id)

    @property
    def user_auth(self) -> bool:
        """Password grant (a script app acting as the organisation's account): inbox access."""
        return bool(self.username and self.password)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.client_secret, self.password) if s)


@dataclass(frozen=True)
class MastodonSettings(Policy):
    """One Mastodon instance (the connection's host); every account is looked up there, so an
    account on another instance is named ``user@other.instance`` in the registry."""

    base_url: str = ""
    instance_domain: str | None = None
    """The domain whose accounts the connection's instance serves (``user@<domain>``); default
    the host's name. An account on another domain is looked up on its own server,
    ``https://<domain>`` (public endpoints need no token)."""
    access_token: str | None = field(default=None, repr=False)
    """Optional: public profiles and statuses need none; notifications (mentions) need the
    token of the organisation's own account (scope ``read:notifications``)."""
    user_agent: str = DEFAULT_USER_AGENT
    mentions: bool = True
    page_size: int = 40
    posts_cap: int = 800
    contexts_cap: int = 200
    """At most this many of the account's statuses get their replies read (one request each)."""
    mentions_cap: int = 400
    conn_id: str = MASTODON_CONN_ID
    rate_limits: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = env_var_name(self.conn_id)
        if not self.base_url:
            raise ConfigError(
                "the Mastodon connection has no instance URL",
                where=f"{where} (host)",
                fix="put the instance's base URL in the host, e.g. https://social.overheid.nl",
            )
        if not 1 <= self.page_size <= 40:
            raise ConfigError(
                "page_size must be between 1 and 40 (Mastodon's limit for statuses)",
                where=f"{where} (extra.page_size)",
            )
        self._check(self.conn_id)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.access_token,) if self.access_token else ()

    @property
    def home_domain(self) -> str:
        from urllib.parse import urlsplit

        return (self.instance_domain or urlsplit(self.base_url).hostname or "").lower()


@dataclass(frozen=True)
class BlueskySettings(Policy):
    """The public AppView needs no login for profiles, feeds and threads. Mentions
    (notifications) need a login of the organisation's own account: ``login`` its handle,
    ``app_password`` an app password, at ``pds_url`` (its PDS, default Bluesky's)."""

    base_url: str = BLUESKY_APPVIEW_URL
    user_agent: str = DEFAULT_USER_AGENT
    page_size: int = 100
    posts_cap: int = 1000
    threads_cap: int = 200
    """At most this many of the account's posts get their thread read (one request each)."""
    thread_depth: int = 6
    login: str | None = None
    app_password: str | None = field(default=None, repr=False)
    pds_url: str = BLUESKY_PDS_URL
    mentions: bool = True
    mentions_cap: int = 400
    conn_id: str = BLUESKY_CONN_ID
    rate_limits: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.page_size <= 100:
            raise ConfigError(
                "page_size must be between 1 and 100 (getAuthorFeed's limit)",
                where=f"{env_var_name(self.conn_id)} (extra.page_size)",
            )
        if not 0 <= self.thread_depth <= 1000:
            raise ConfigError(
                "thread_depth must be between 0 and 1000 (getPostThread's depth)",
                where=f"{env_var_name(self.conn_id)} (extra.thread_depth)",
            )
        if bool(self.login) != bool(self.app_password):
            raise ConfigError(
                "give both the login (the account's handle) and the password (an app "
                "password), or neither",
                where=f"{env_var_name(self.conn_id)} (login, password)",
                fix="create an app password in Bluesky's settings for the organisation's own "
                "account and put it in the connection's password",
            )
        self._check(self.conn_id)

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.app_password,) if self.app_password else ()


def _plan_rows(platform: str) -> tuple[Row, ...]:
    """The documented limits' overrides (``rate_limits``), checked; read by the run's plan."""
    return (Row("rate_limits", "extra", "rate_limits", limits.row_parser(platform)),)


_POLICY_ROWS: tuple[Row, ...] = (
    Row("timeout", "extra", "timeout", float),
    Row("max_retries", "extra", "max_retries", int),
    Row("backoff_seconds", "extra", "backoff_seconds", float),
    Row("backoff_max_seconds", "extra", "backoff_max_seconds", float),
    Row("max_rate_limit_wait", "extra", "max_rate_limit_wait", float),
    Row("max_inline_wait", "extra", "max_inline_wait", float),
    Row("overlap_seconds", "extra", "overlap_seconds", float),
    Row("user_agent", "extra", "user_agent"),
    Row("mentions", "extra", "mentions", _flag),
)

X_ROWS: tuple[Row, ...] = (
    Row("base_url", "host", parse=_url),
    Row("bearer_token", "password"),
    Row("page_size", "extra", "page_size", int),
    Row("posts_cap", "extra", "posts_cap", int),
    Row("mentions_cap", "extra", "mentions_cap", int),
    *_POLICY_ROWS,
    # Checked here, read by the run's plan (maturity.connectors.limits, maturity.costs).
    *_plan_rows("x"),
    Row("read_budget_per_run", "extra", "read_budget_per_run", costs.parse_budget),
    Row("read_budget_per_month", "extra", "read_budget_per_month", costs.parse_budget),
    Row("prices", "extra", "prices", costs.parse_prices),
)

REDDIT_ROWS: tuple[Row, ...] = (
    Row("oauth_url", "host", parse=_url),
    Row("reddit_url", "extra", "reddit_url", _url),
    Row("client_id", "login"),
    Row("client_secret", "password"),
    Row("username", "extra", "username"),
    Row("password", "extra", "password"),
    Row("listing_cap", "extra", "listing_cap", int),
    Row("comment_limit", "extra", "comment_limit", int),
    *_POLICY_ROWS,
    *_plan_rows("reddit"),
)

MASTODON_ROWS: tuple[Row, ...] = (
    Row("base_url", "host", parse=_url),
    Row("access_token", "password"),
    Row("instance_domain", "extra", "instance_domain"),
    Row("page_size", "extra", "page_size", int),
    Row("posts_cap", "extra", "posts_cap", int),
    Row("contexts_cap", "extra", "contexts_cap", int),
    Row("mentions_cap", "extra", "mentions_cap", int),
    *_POLICY_ROWS,
    *_plan_rows("mastodon"),
)

BLUESKY_ROWS: tuple[Row, ...] = (
    Row("base_url", "host", parse=_url),
    Row("login", "login"),
    Row("app_password", "password"),
    Row("pds_url", "extra", "pds_url", _url),
    Row("mentions_cap", "extra", "mentions_cap", int),
    Row("page_size", "extra", "page_size", int),
    Row("posts_cap", "extra", "posts_cap", int),
    Row("threads_cap", "extra", "threads_cap", int),
    Row("thread_depth", "extra", "thread_depth", int),
    *_POLICY_ROWS,
    *_plan_rows("bluesky"),
)

S = TypeVar("S", XSettings, RedditSettings, MastodonSettings, BlueskySettings)


def _value(conn: Connection, row: Row) -> Any:
    if row.source == "extra":
        return conn.extra.get(row.key or row.setting)
    if row.source == "host" and conn.host and conn.port:
        return f"{conn.host}:{conn.port}"  # the URI form keeps the port apart from the host
    return getattr(conn, row.source)


def settings_from_connection(cls: type[S], rows: tuple[Row, ...], conn: Connection) -> S:
    """Build ``cls`` from ``conn`` by ``rows``; unknown extra keys are an error."""
    where = env_var_name(conn.conn_id)
    known = {r.key or r.setting for r in rows if r.source == "extra"}
    unknown = sorted(set(conn.extra) - known)
    if unknown:
        raise ConfigError(
            f"connection '{conn.conn_id}' has unknown extra key(s) {unknown}",
            where=f"{where} (extra)",
            fix=f"use only {sorted(known)}",
        )
    values: dict[str, Any] = {"conn_id": conn.conn_id}
    for row in rows:
        raw = _value(conn, row)
        if raw is None or raw == "":
            continue
        try:
            values[row.setting] = row.parse(raw)
        except (TypeError, ValueError) as exc:
            label = f"extra.{row.key}" if row.source == "extra" else row.source
            raise ConfigError(
                f"connection '{conn.conn_id}': {label} {exc}", where=f"{where} ({label})"
            ) from None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


def _required(conn_id: str, env: Mapping[str, str] | None) -> Connection:
    conn = get_connection(conn_id, env)
    if conn is None:
        raise ConfigError(
            f"the connection '{conn_id}' is not configured",
            where=env_var_name(conn_id),
            fix="set it as Airflow JSON or URI; docs/connectors.md shows both forms",
        )
    return conn


def x_settings(conn: Connection) -> XSettings:
    return settings_from_connection(XSettings, X_ROWS, conn)


def reddit_settings(conn: Connection) -> RedditSettings:
    return settings_from_connection(RedditSettings, REDDIT_ROWS, conn)


def load_x_settings(env: Mapping[str, str] | None = None, conn_id: str = X_CONN_ID) -> XSettings:
    return x_settings(_required(conn_id, env))


def load_reddit_settings(
    env: Mapping[str, str] | None = None, conn_id: str = REDDIT_CONN_ID
) -> RedditSettings:
    return reddit_settings(_required(conn_id, env))


def mastodon_settings(conn: Connection) -> MastodonSettings:
    return settings_from_connection(MastodonSettings, MASTODON_ROWS, conn)


def bluesky_settings(conn: Connection) -> BlueskySettings:
    return settings_from_connection(BlueskySettings, BLUESKY_ROWS, conn)


def load_mastodon_settings(
    env: Mapping[str, str] | None = None, conn_id: str = MASTODON_CONN_ID
) -> MastodonSettings:
    return mastodon_settings(_required(conn_id, env))


def load_bluesky_settings(
    env: Mapping[str, str] | None = None, conn_id: str = BLUESKY_CONN_ID
) -> BlueskySettings:
    """The ``bluesky_default`` connection, or the public AppView's defaults when it is not set:
    no credential is needed."""
    conn = get_connection(conn_id, env)
    return bluesky_settings(conn) if conn is not None else BlueskySettings(conn_id=conn_id)


ConnectorSettings = XSettings | RedditSettings | MastodonSettings | BlueskySettings
SETTINGS_LOADERS: Mapping[str, Callable[[Mapping[str, str] | None], ConnectorSettings]] = {
    "x": load_x_settings,
    "reddit": load_reddit_settings,
    "mastodon": load_mastodon_settings,
    "bluesky": load_bluesky_settings,
}
"""Each platform's settings from its default connection in the environment."""
