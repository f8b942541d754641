"""The product's settings: the one place that reads ``MATURITY_*`` environment variables.

Every variable's name is a constant here, and every read goes through :func:`read_text`,
:func:`read_int`, :func:`read_flag` or :func:`read_path`, which turn a malformed value into a
:class:`~maturity.errors.ConfigError` naming the variable. Lower layers (connectors, the
warehouse, pseudonyms) never read the environment: they are given values.

Importing this module is cheap (standard library only at module level): DAG files read their
schedule through it when they are parsed.

Connections (``AIRFLOW_CONN_*``) are Airflow's, not ours: ``maturity.connections`` reads them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Final, Self

from maturity.errors import ConfigError, InputError
from maturity.platforms import BLUESKY, MASTODON, REDDIT, X

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from maturity.connectors.settings import ConnectorSettings, RedditSettings, XSettings
    from maturity.evidence import Window
    from maturity.pseudonym import Pseudonymiser
    from maturity.registry import Organisation, Registry
    from maturity.rubric import Rubric
    from maturity.warehouse import Warehouse
    from maturity.warehouse.runs import RunTrigger

_log = logging.getLogger(__name__)

# -- the variables ----------------------------------------------------------------------------

HOME: Final = "MATURITY_HOME"
"""Local state: the embedded warehouse, the landing, Airflow's home for the demo. ``./var``."""
REGISTRY: Final = "MATURITY_REGISTRY"
"""The organisation registry (YAML); the demo registry when unset, with a warning, and a DAG
run then refuses the real X and Reddit APIs (docs/security.md, "Escape hatches")."""
LANDING_DIR: Final = "MATURITY_LANDING_DIR"
"""Where raw API pages land; ``$MATURITY_HOME/landing`` when unset."""
WAREHOUSE_URL: Final = "MATURITY_WAREHOUSE_URL"
"""A SQLAlchemy URL of the warehouse (or the ``maturity_warehouse`` connection)."""
RUBRIC: Final = "MATURITY_RUBRIC"
"""A rubric file to score with instead of the default rubric."""
LOOKBACK_DAYS: Final = "MATURITY_LOOKBACK_DAYS"
"""Days of behaviour an assessment judges, ending with the collection window."""
PSEUDONYM_KEY: Final = "MATURITY_PSEUDONYM_KEY"
"""The secret key of third parties' pseudonyms (or the ``maturity_pseudonym`` connection)."""
NEW_PSEUDONYM_KEY: Final = "MATURITY_NEW_PSEUDONYM_KEY"
"""The key ``maturity pseudonym rotate`` re-keys the warehouse to (read only by that command;
an environment variable, so the key never shows in a command line or shell history)."""
DEMO_PSEUDONYM_KEY: Final = "MATURITY_DEMO_PSEUDONYM_KEY"
"""``1``: use the public demo key. Generated data only; a DAG run with it logs a warning."""
ORGS_PER_TASK: Final = "MATURITY_ORGS_PER_TASK"
"""Organisations per mapped task: a number, or ``auto``."""
SCHEDULE: Final = "MATURITY_SCHEDULE"
INTERVAL_DAYS: Final = "MATURITY_INTERVAL_DAYS"
START_DATE: Final = "MATURITY_START_DATE"
CATCHUP: Final = "MATURITY_CATCHUP"
RETRIES: Final = "MATURITY_RETRIES"
RETRY_DELAY: Final = "MATURITY_RETRY_DELAY"
MAX_RETRY_DELAY: Final = "MATURITY_MAX_RETRY_DELAY"
DAGS_FOLDER: Final = "MATURITY_DAGS_FOLDER"
"""The ``dags/`` folder, for the local Airflow of the sandbox when not run from a checkout."""
TEST_POSTGRES_URL: Final = "MATURITY_TEST_POSTGRES_URL"
"""The PostgreSQL server the tests and the scale benchmark use (a scratch schema each)."""

DEFAULT_HOME: Final = "var"
DEFAULT_LOOKBACK_DAYS: Final = 91
MIN_LOOKBACK_DAYS: Final = 7
WAREHOUSE_FILE: Final = "warehouse.sqlite"

# -- reading them -----------------------------------------------------------------------------


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def read_text(env: Mapping[str, str] | None, name: str) -> str | None:
    """The variable's value, stripped; ``None`` when unset or blank."""
    value = _env(env).get(name, "").strip()
    return value or None


def read_int(env: Mapping[str, str] | None, name: str, default: int, low: int) -> int:
    """A whole number of at least ``low``; ``default`` when unset."""
    value = read_text(env, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"'{value}' is not a whole number", where=name) from None
    if number < low:
        raise ConfigError(f"{number} is less than {low}", where=name)
    return number


def read_flag(env: Mapping[str, str] | None, name: str, default: bool) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off``; ``default`` when unset."""
    value = read_text(env, name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"'{value}' is not true or false", where=name)


def read_path(env: Mapping[str, str] | None, name: str) -> Path | None:
    value = read_text(env, name)
    return Path(value).expanduser() if value else None


def home(env: Mapping[str, str] | None = None) -> Path:
    return read_path(env, HOME) or Path(DEFAULT_HOME)


def landing_root(env: Mapping[str, str] | None = None) -> Path:
    """``MATURITY_LANDING_DIR``, else ``$MATURITY_HOME/landing``."""
    return read_path(env, LANDING_DIR) or home(env) / "landing"


def demo_registry_path() -> Path:
    """The demo registry: the embedded default when ``MATURITY_REGISTRY`` is unset (the one
    place the product reaches into the sandbox, for its data file's path)."""
    from maturity.sandbox.demo import demo_registry_path as demo

    return demo()


def registry_path(env: Mapping[str, str] | None = None) -> Path:
    """``MATURITY_REGISTRY`` (resolved), or the demo registry, with a warning: that fallback
    exists for the demo; a DAG run with it refuses the real APIs (docs/security.md)."""
    path = read_path(env, REGISTRY)
    if path:
        return path.resolve()
    _log.warning(
        "%s is not set: using the DEMO registry of made-up organisations "
        "(collected only from the emulator; docs/security.md)",
        REGISTRY,
    )
    return demo_registry_path()


def orgs_per_task(env: Mapping[str, str] | None = None) -> int | None:
    """``MATURITY_ORGS_PER_TASK``: a number, or ``None`` for automatic sizing."""
    from maturity.shards import parse_orgs_per_task

    return parse_orgs_per_task(read_text(env, ORGS_PER_TASK), where=ORGS_PER_TASK)


def warehouse_url_from(env: Mapping[str, str] | None = None) -> URL:
    """The warehouse: ``MATURITY_WAREHOUSE_URL``, else the ``maturity_warehouse`` connection,
    else the embedded SQLite file ``$MATURITY_HOME/warehouse.sqlite``. Both set to different
    warehouses is an error."""
    from sqlalchemy.engine import URL

    from maturity.warehouse.url import resolve_configured

    return resolve_configured(
        read_text(env, WAREHOUSE_URL),
        where=WAREHOUSE_URL,
        env=_env(env),
        default=URL.create("sqlite", database=str(home(env) / WAREHOUSE_FILE)),
    )


def pseudonymiser_from(
    env: Mapping[str, str] | None = None, *, allow_demo_key: bool = False
) -> Pseudonymiser:
    """Keyed by ``MATURITY_PSEUDONYM_KEY`` or the ``maturity_pseudonym`` connection; the public
    demo key only when allowed (``MATURITY_DEMO_PSEUDONYM_KEY=1`` or the CLI's option)."""
    from maturity.pseudonym import configured_pseudonymiser

    return configured_pseudonymiser(
        read_text(env, PSEUDONYM_KEY),
        where=PSEUDONYM_KEY,
        env=_env(env),
        allow_demo_key=allow_demo_key or read_flag(env, DEMO_PSEUDONYM_KEY, False),
    )


def new_pseudonymiser_from(env: Mapping[str, str] | None = None) -> Pseudonymiser:
    """Keyed by ``MATURITY_NEW_PSEUDONYM_KEY`` (for ``maturity pseudonym rotate``)."""
    from maturity.pseudonym import Pseudonymiser

    key = read_text(env, NEW_PSEUDONYM_KEY)
    if not key:
        raise ConfigError(
            "no new pseudonym key is set",
            where=NEW_PSEUDONYM_KEY,
            fix=f"set {NEW_PSEUDONYM_KEY} to a new long random secret for the rotation",
        )
    return Pseudonymiser(key, where=NEW_PSEUDONYM_KEY)


# -- the pipeline's settings ------------------------------------------------------------------


def check_lookback(lookback_days: int, rubric: Rubric) -> None:
    """Refuse a window shorter than the rubric's minimum; warn about one other than the window
    its thresholds were calibrated for."""
    cal = rubric.calibration
    if cal is None or lookback_days == cal.lookback_days:
        return
    if lookback_days < cal.min_lookback_days:
        raise ConfigError(
            f"lookback of {lookback_days} days is below the {cal.min_lookback_days} days rubric "
            f"{rubric.rubric} {rubric.version} needs to judge behaviour",
            where=LOOKBACK_DAYS,
            fix=f"set {LOOKBACK_DAYS} to {cal.lookback_days} (the window the rubric is "
            f"calibrated for), or at least {cal.min_lookback_days}",
        )
    _log.warning(
        "%s is %d days, but rubric %s %s is calibrated for %d days: counts per window and "
        "minimum samples mean something else; set %s=%d to compare with other assessments",
        LOOKBACK_DAYS,
        lookback_days,
        rubric.rubric,
        rubric.version,
        cal.lookback_days,
        LOOKBACK_DAYS,
        cal.lookback_days,
    )


@dataclass(frozen=True)
class PipelineSettings:
    """Where the pipeline reads and writes; built from the environment the Airflow way."""

    registry_path: Path
    landing_dir: Path
    warehouse_url: str | None = None
    rubric_path: Path | None = None
    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    allow_demo_pseudonym_key: bool = False
    trigger: RunTrigger = "cli"
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.lookback_days < MIN_LOOKBACK_DAYS:
            raise ConfigError(
                f"lookback of {self.lookback_days} days is too short to judge behaviour",
                where=LOOKBACK_DAYS,
                fix=f"use at least {MIN_LOOKBACK_DAYS} days; the default is "
                f"{DEFAULT_LOOKBACK_DAYS} (13 weeks)",
            )

    @classmethod
    def from_environment(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        registry_path: Path | None = None,
        trigger: RunTrigger = "cli",
    ) -> Self:
        """Every ``MATURITY_*`` variable above that the pipeline uses; ``registry_path``
        overrides ``MATURITY_REGISTRY``."""
        environ = dict(_env(env))
        lookback = read_text(environ, LOOKBACK_DAYS) or str(DEFAULT_LOOKBACK_DAYS)
        if not lookback.isdigit():
            raise ConfigError(f"'{lookback}' is not a whole number of days", where=LOOKBACK_DAYS)
        return cls(
            registry_path=Path(registry_path) if registry_path else _registry(environ),
            landing_dir=landing_root(environ),
            warehouse_url=read_text(environ, WAREHOUSE_URL),
            rubric_path=read_path(environ, RUBRIC),
            lookback_days=int(lookback),
            allow_demo_pseudonym_key=read_flag(environ, DEMO_PSEUDONYM_KEY, False),
            trigger=trigger,
            env=environ,
        )

    # -- what the settings open -------------------------------------------------------------

    @cached_property
    def registry(self) -> Registry:
        from maturity.registry import load_registry

        return load_registry(self.registry_path)

    @cached_property
    def rubric(self) -> Rubric:
        from maturity.rubric import load_default_rubric, load_rubric

        rubric = load_rubric(self.rubric_path) if self.rubric_path else load_default_rubric()
        check_lookback(self.lookback_days, rubric)
        return rubric

    @cached_property
    def warehouse(self) -> Warehouse:
        from maturity.warehouse import Warehouse

        wh = Warehouse(self.warehouse_url or warehouse_url_from(self.env))
        wh.check()
        wh.migrate()
        return wh

    @cached_property
    def pseudonymiser(self) -> Pseudonymiser:
        found = pseudonymiser_from(self.env, allow_demo_key=self.allow_demo_pseudonym_key)
        if self.trigger == "airflow" and self.allow_demo_pseudonym_key:
            _log.warning(
                "%s is on: third parties may get pseudonyms under the PUBLIC demo key, which "
                "anyone can reverse. Only for generated data (docs/security.md)",
                DEMO_PSEUDONYM_KEY,
            )
        return found

    def x_settings(self) -> XSettings:
        from maturity.connectors.settings import X_API_URL

        found = self._x_settings()
        self._refuse_demo_registry_on(found.base_url, X_API_URL, "X")
        return found

    def reddit_settings(self) -> RedditSettings:
        from maturity.connectors.settings import REDDIT_OAUTH_URL

        found = self._reddit_settings()
        self._refuse_demo_registry_on(found.oauth_url, REDDIT_OAUTH_URL, "Reddit")
        return found

    def connector_settings(self, platform: str) -> ConnectorSettings:
        """The connector settings of ``platform`` from its connection (``x_default``,
        ``reddit_default``, ``mastodon_default``, ``bluesky_default``); never a real API with
        the demo registry (Mastodon has no one real instance to refuse)."""
        from maturity.connectors import settings as cs

        if platform == X:
            return self.x_settings()
        if platform == REDDIT:
            return self.reddit_settings()
        if platform not in cs.SETTINGS_LOADERS:
            raise ConfigError(f"no connection settings for platform '{platform}'")
        found = self._connector_settings(platform)
        if isinstance(found, cs.BlueskySettings):
            self._refuse_demo_registry_on(found.base_url, cs.BLUESKY_APPVIEW_URL, "Bluesky")
        return found

    def _connector_settings(self, platform: str) -> ConnectorSettings:
        from maturity.connectors.settings import SETTINGS_LOADERS

        return SETTINGS_LOADERS[platform](self.env)

    def _x_settings(self) -> XSettings:
        from maturity.connectors.settings import load_x_settings

        return load_x_settings(self.env)

    def _reddit_settings(self) -> RedditSettings:
        from maturity.connectors.settings import load_reddit_settings

        return load_reddit_settings(self.env)

    @property
    def uses_demo_registry(self) -> bool:
        """Whether the registry is the demo one (``MATURITY_REGISTRY`` unset, or pointing
        at it): generated organisations with made-up handles."""
        return self.registry_path.resolve() == demo_registry_path().resolve()

    def _refuse_demo_registry_on(self, url: str, real: str, platform: str) -> None:
        """A DAG run never sends the demo registry's made-up handles to a real API: with the
        demo registry, the connection must point elsewhere (the sandbox's emulator)."""
        if self.trigger != "airflow" or not self.uses_demo_registry:
            return
        if url.rstrip("/").lower() == real.rstrip("/").lower():
            raise ConfigError(
                f"the demo registry (made-up organisations) would be collected from the real "
                f"{platform} API ({real})",
                where=REGISTRY,
                fix=f"set {REGISTRY} to your organisation registry; the demo registry is only "
                "for the emulator (make demo)",
            )

    def overlap(self, platform: str) -> timedelta:
        """How far before the window (or its cursor) the platform's connection re-fetches:
        the record gate accepts items created that far back, no further. Without the
        platform's connection (a replay), the connectors' default overlap."""
        from maturity.connections import (
            BLUESKY_CONN_ID,
            MASTODON_CONN_ID,
            REDDIT_CONN_ID,
            X_CONN_ID,
            get_connection,
        )
        from maturity.connectors.settings import Policy

        conn_ids = {
            X: X_CONN_ID,
            REDDIT: REDDIT_CONN_ID,
            MASTODON: MASTODON_CONN_ID,
            BLUESKY: BLUESKY_CONN_ID,
        }
        if platform not in conn_ids:
            raise ConfigError(f"no connection settings for platform '{platform}'")
        conn_id = conn_ids[platform]
        configured = self._has_connection(conn_id) or get_connection(conn_id, self.env)
        seconds = (
            self.connector_settings(platform).overlap_seconds
            if configured
            else Policy.overlap_seconds
        )
        return timedelta(seconds=seconds)

    def _has_connection(self, conn_id: str) -> bool:
        """Whether a connection is configured other than in the environment (Airflow)."""
        return False

    def organisation(self, org_id: str) -> Organisation:
        try:
            return self.registry.get(org_id)
        except KeyError:
            known = ", ".join(o.id for o in self.registry.organisations[:10])
            raise InputError(
                f"unknown organisation '{org_id}'",
                where=str(self.registry_path),
                fix=f"use an organisation of the registry: {known}",
            ) from None

    def assessment_window(self, window: Window) -> Window:
        """The trailing window that metrics and scoring read, ending with ``window``."""
        from maturity.evidence import Window

        start = min(window.start, window.end - timedelta(days=self.lookback_days))
        return Window(start, window.end)


def _registry(env: Mapping[str, str]) -> Path:
    return registry_path(env)
