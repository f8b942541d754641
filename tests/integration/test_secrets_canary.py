"""Canary secrets: a distinctive token in every secret, then a search of everything the
product wrote or printed. The number of hits must be zero.

Secrets carrying a canary: the X bearer token, the Reddit client secret and account password,
the Bluesky app password (its login opens a session and reads notifications),
the warehouse password (a PostgreSQL warehouse reached through the ``maturity_warehouse``
connection; the test server trusts local connections, so the password is carried everywhere a
real one would be but never checked), the pseudonym key and the new key of a rotation.

Searched: every log record at DEBUG (message, arguments and exception text), the output of
``maturity collect``, ``assess --registry``, ``explain --sql``, ``pseudonym rotate`` and
``purge`` (dry runs), the text of forced failures (a 401
from the API, an unreachable warehouse, an unparseable warehouse URL, a key that is too short),
every file under ``MATURITY_HOME`` (the landing included) and every row of every warehouse
table.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from maturity.cli import app
from maturity.errors import ConfigError
from maturity.evidence import Window
from maturity.pipeline.settings import (
    HOME,
    NEW_PSEUDONYM_KEY,
    PSEUDONYM_KEY,
    REGISTRY,
    WAREHOUSE_URL,
    PipelineSettings,
)
from maturity.pipeline.steps import assess_org
from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.bluesky_api import APP_PASSWORD_PREFIX
from maturity.sandbox.emulator.mastodon_store import MASTODON_DOMAIN, registry_handle
from maturity.sandbox.emulator.registry import dump_registry

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.postgres]

CANARY = "Kn4ryT0k"
"""Every secret contains this; nothing the product writes may."""

X_TOKEN = f"x-bearer-{CANARY}-a1b2c3d4e5"
REDDIT_SECRET = f"reddit-secret-{CANARY}-f6g7h8"
REDDIT_PASSWORD = f"reddit-pw-{CANARY}-i9j0k1"
WAREHOUSE_PASSWORD = f"wh-pw-{CANARY}-l2m3n4"
BLUESKY_PASSWORD = f"{APP_PASSWORD_PREFIX}{CANARY}-y5z6a7"
PSEUDONYM = f"pseudonym-key-{CANARY}-o5p6q7r8s9t0"
NEW_PSEUDONYM = f"new-pseudonym-key-{CANARY}-u1v2w3x4"

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=91), END)
COLLECT_START = END - timedelta(days=7)


def _hits(where: str, text_: str | bytes) -> list[str]:
    data = text_.encode("utf-8", "surrogateescape") if isinstance(text_, str) else text_
    if CANARY.encode() in data or CANARY.lower().encode() in data.lower():
        return [where]
    return []


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(5, 1, WINDOW.start, WINDOW.end, fediverse=0.5)


def _bluesky_login(world: World) -> str:
    """The registry handle of an active Bluesky account: the login whose session is used."""
    return next(
        registry_handle(o, a)
        for o in world.organisations
        for a in o.accounts
        if a.platform == "bluesky" and a.status == "active"
    )


def _reddit_user(world: World) -> str:
    return next(a.handle for o in world.organisations for a in o.accounts if a.platform == "reddit")


def _connection_env(emu: Emulator, world: World, warehouse: URL) -> dict[str, str]:
    x = {"conn_type": "x", "host": emu.x_base_url, "password": X_TOKEN}
    reddit = {
        "conn_type": "reddit",
        "host": emu.reddit_oauth_url,
        "login": emu.reddit_client_id,
        "password": REDDIT_SECRET,
        "extra": {
            "reddit_url": emu.reddit_www_url,
            "username": _reddit_user(world),
            "password": REDDIT_PASSWORD,
        },
    }
    wh = {
        "conn_type": "postgres",
        "host": warehouse.host,
        "port": warehouse.port or 5432,
        "login": warehouse.username,
        "password": WAREHOUSE_PASSWORD,
        "schema": warehouse.database,
        "extra": dict(warehouse.query),
    }
    bluesky = {
        "conn_type": "bluesky",
        "host": emu.bluesky_base_url,
        "login": _bluesky_login(world),
        "password": BLUESKY_PASSWORD,
        "extra": {"pds_url": emu.bluesky_base_url},
    }
    mastodon = {  # public endpoints only: the emulator's tokens are made from the handle
        "conn_type": "mastodon",
        "host": emu.mastodon_base_url,
        "extra": {"instance_domain": MASTODON_DOMAIN},
    }
    return {
        "AIRFLOW_CONN_X_DEFAULT": json.dumps(x),
        "AIRFLOW_CONN_MASTODON_DEFAULT": json.dumps(mastodon),
        "AIRFLOW_CONN_REDDIT_DEFAULT": json.dumps(reddit),
        "AIRFLOW_CONN_BLUESKY_DEFAULT": json.dumps(bluesky),
        "AIRFLOW_CONN_MATURITY_WAREHOUSE": json.dumps(wh),
    }


def _emulator(world: World) -> Emulator:
    return Emulator(
        world,
        bearer_token=X_TOKEN,
        reddit_client_secret=REDDIT_SECRET,
        reddit_password=REDDIT_PASSWORD,
        limits=GENEROUS,
    )


def _record_texts(records: list[logging.LogRecord]) -> Iterator[tuple[str, str]]:
    for r in records:
        where = f"log {r.name}:{r.levelname}"
        yield where, r.getMessage()
        yield where, repr(r.args)
        if r.exc_info and r.exc_info[1] is not None:
            yield where, "".join(traceback.format_exception(r.exc_info[1]))


def _failure_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(exc)


@pytest.fixture(scope="module")
def postgres_schema_url(postgres_admin: object) -> Iterator[URL]:
    import uuid

    from sqlalchemy import Engine

    assert isinstance(postgres_admin, Engine)
    schema = f"maturity_canary_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    with postgres_admin.connect() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def _window_args(*more: str) -> list[str]:
    day = "%Y-%m-%d"
    return ["--start", COLLECT_START.strftime(day), "--end", END.strftime(day), *more]


def _invoke(runner: CliRunner, args: list[str], label: str, **kw: object) -> list[tuple[str, str]]:
    result = runner.invoke(app, args, **kw)  # type: ignore[arg-type]
    out = [(label, result.output)]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        out.append((f"{label}: exception", _failure_text(result.exception)))
    return out


def _run_everything(world: World, url: URL, home: Path) -> list[tuple[str, str]]:
    """The pipeline and the CLI with canaries in every secret, then forced failures."""
    registry = dump_registry(world, home / "registry.yaml", with_questionnaires=True)
    runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})
    outputs: list[tuple[str, str]] = []
    with _emulator(world) as emu:
        env = {
            **_connection_env(emu, world, url),
            HOME: str(home),
            PSEUDONYM_KEY: PSEUDONYM,
            REGISTRY: str(registry),
        }
        # The pipeline, step by step, as the DAG runs it.
        settings = PipelineSettings.from_environment(env, registry_path=registry)
        outputs.append(("settings", repr(settings)))
        for org in world.organisations:
            assess_org(settings, org.id, WINDOW)
        # the app password was used: a session was opened and notifications were read
        assert emu.calls["POST /xrpc/com.atproto.server.createSession"] >= 1
        assert emu.calls["GET /xrpc/app.bsky.notification.listNotifications"] >= 1
        settings.warehouse.dispose()
        # The CLI, with the same environment (the warehouse comes from the connection).
        runner.env.update({**env, NEW_PSEUDONYM_KEY: NEW_PSEUDONYM})
        commands = [
            ["collect", str(registry), *_window_args("--landing", str(home / "cli-landing"))],
            ["assess", "--registry", str(registry), *_window_args()],
            *(["explain", org.id, "--sql"] for org in world.organisations),
            ["pseudonym", "rotate", "--registry", str(registry), "--dry-run"],
            ["purge", "--older-than", "1d", "--dry-run"],
        ]
        for args in commands:
            result = runner.invoke(app, args)
            assert result.exit_code == 0, (args, result.output)
            outputs.append((f"maturity {args[0]}", result.output))

    # Wrong credentials: this emulator expects its own defaults, so the APIs answer 401.
    with Emulator(world, limits=GENEROUS) as wrong:
        bad = {**env, **_connection_env(wrong, world, url), HOME: str(home / "failed")}
        runner.env.update(bad)
        outputs += _invoke(
            runner, ["collect", str(registry), *_window_args("--no-warehouse")], "collect 401"
        )
        refused = json.loads(bad["AIRFLOW_CONN_BLUESKY_DEFAULT"])
        refused["password"] = f"refused-{CANARY}-b8c9d0"  # the emulator answers 401
        runner.env.update({"AIRFLOW_CONN_BLUESKY_DEFAULT": json.dumps(refused)})
        outputs += _invoke(
            runner,
            ["collect", str(registry), *_window_args("--no-warehouse")],
            "collect, Bluesky login refused",
        )
        assert "createSession" in outputs[-1][1], outputs[-1][1]
        try:
            failed = PipelineSettings.from_environment(bad, registry_path=registry)
            assess_org(failed, world.organisations[0].id, WINDOW)
        except Exception as exc:
            outputs.append(("assess_org with a 401", _failure_text(exc)))
    runner.env.update(env)
    outputs += _bad_warehouses(runner, world.organisations[0].id, env, registry)
    return outputs


def _bad_warehouses(
    runner: CliRunner, org: str, env: dict[str, str], registry: Path
) -> list[tuple[str, str]]:
    outputs: list[tuple[str, str]] = []
    for url in (
        f"postgresql://u:{WAREHOUSE_PASSWORD}@127.0.0.1:1/db",
        f"postgresql://u:a@b:{WAREHOUSE_PASSWORD}@127.0.0.1:1/db",
        f"postgresql://u@127.0.0.1:1/db?password={WAREHOUSE_PASSWORD}",
        f"postgresql://u:{WAREHOUSE_PASSWORD}@[::1/db",
    ):
        outputs += _invoke(runner, ["explain", org, "--warehouse", url], "explain --warehouse")
        outputs += _invoke(runner, ["explain", org], WAREHOUSE_URL, env={WAREHOUSE_URL: url})
    unreachable = {
        **env,
        "AIRFLOW_CONN_MATURITY_WAREHOUSE": json.dumps(
            {
                "conn_type": "postgres",
                "host": "127.0.0.1",
                "port": 1,
                "login": "u",
                "password": WAREHOUSE_PASSWORD,
                "schema": "db",
                "extra": {"connect_timeout": "2"},
            }
        ),
    }
    try:
        PipelineSettings.from_environment(unreachable, registry_path=registry).warehouse.migrate()
    except Exception as exc:
        outputs.append(("unreachable warehouse", _failure_text(exc)))
    else:  # pragma: no cover - the port is closed
        pytest.fail("the unreachable warehouse was reached")
    short = PipelineSettings.from_environment(
        {**env, PSEUDONYM_KEY: CANARY}, registry_path=registry
    )
    with pytest.raises(ConfigError) as too_short:
        _ = short.pseudonymiser
    outputs.append(("short pseudonym key", _failure_text(too_short.value)))
    return outputs


def _warehouse_hits(url: URL) -> tuple[int, list[str]]:
    rows, hits = 0, []
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            for table in inspect(c).get_table_names():
                for row in c.execute(text(f'SELECT * FROM "{table}"')):
                    rows += 1
                    hits += _hits(f"warehouse {table}", repr(tuple(row)))
    finally:
        engine.dispose()
    return rows, hits


def test_no_secret_appears_in_anything_the_product_writes(
    world: World,
    postgres_schema_url: URL,
    tmp_path_factory: pytest.TempPathFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    home = tmp_path_factory.mktemp("canary")
    outputs = _run_everything(world, postgres_schema_url, home)

    hits: list[str] = []
    for where, out in [*outputs, *_record_texts(caplog.records)]:
        hits += _hits(where, out)
    files = [p for p in home.rglob("*") if p.is_file()]
    assert sum("landing" in p.parts for p in files) > 10
    assert any("cli-landing" in p.parts for p in files)
    for path in files:
        hits += _hits(str(path.relative_to(home)), path.read_bytes())
    rows, more = _warehouse_hits(postgres_schema_url)
    hits += more
    assert rows > 100
    # The failures really happened, and the texts searched are the real ones.
    assert any("401" in out for _, out in outputs), outputs
    assert any("cannot be parsed" in out for _, out in outputs), outputs
    assert sorted(set(hits)) == [], len(hits)
