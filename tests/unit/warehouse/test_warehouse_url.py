"""Where the warehouse is: explicit URL, MATURITY_WAREHOUSE_URL, the Airflow connection, default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from maturity.errors import ConfigError, WarehouseError
from maturity.pipeline.settings import warehouse_url_from
from maturity.warehouse import Warehouse, masked, resolve_url
from maturity.warehouse.engine import make_engine

pytestmark = pytest.mark.unit

SECRET = "s3cr#t/pw"  # characters that need quoting in a URL
CONN = "AIRFLOW_CONN_MATURITY_WAREHOUSE"


def _text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def test_connection_json_postgres() -> None:
    raw = json.dumps(
        {
            "conn_type": "postgres",
            "host": "db.example",
            "port": 5433,
            "login": "maturity",
            "password": SECRET,
            "schema": "warehouse",
            "extra": {"sslmode": "require", "cursor": "realdictcursor"},
        }
    )
    url = warehouse_url_from({CONN: raw})
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.username, url.password, url.database) == (
        "db.example",
        5433,
        "maturity",
        SECRET,
        "warehouse",
    )
    assert dict(url.query) == {"sslmode": "require"}  # Airflow-only extras stay out


def test_connection_uri_postgres() -> None:
    url = warehouse_url_from({CONN: "postgres://maturity:s3cr%23t%2Fpw@db.example:5433/warehouse"})
    assert _text(url) == "postgresql+psycopg://maturity:s3cr%23t%2Fpw@db.example:5433/warehouse"
    assert url.password == SECRET


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps({"conn_type": "sqlite", "host": "/data/maturity/warehouse.sqlite"}),
        "sqlite://%2Fdata%2Fmaturity%2Fwarehouse.sqlite",
    ],
)
def test_connection_sqlite_host_is_the_file(raw: str) -> None:
    url = warehouse_url_from({CONN: raw})
    assert (url.drivername, url.database) == ("sqlite", "/data/maturity/warehouse.sqlite")


def test_connection_of_another_type_is_refused() -> None:
    with pytest.raises(ConfigError, match="conn_type 'mysql'") as info:
        warehouse_url_from({CONN: "mysql://u:pw@h/db"})
    assert info.value.exit_code == 2


def test_plain_url_env_and_driver_pinned() -> None:
    url = warehouse_url_from({"MATURITY_WAREHOUSE_URL": "postgresql://u@h/db"})
    assert _text(url) == "postgresql+psycopg://u@h/db"


def test_explicit_url_wins_over_the_environment(tmp_path: Path) -> None:
    from maturity.pipeline.settings import PipelineSettings

    env = {"MATURITY_WAREHOUSE_URL": "postgresql://u@h/db", CONN: "postgres://v@w/x"}
    explicit = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    settings = PipelineSettings(tmp_path / "r.yaml", tmp_path, warehouse_url=explicit, env=env)
    assert _text(settings.warehouse.url) == explicit
    assert _text(resolve_url("sqlite:///elsewhere.sqlite")) == "sqlite:///elsewhere.sqlite"


def test_url_env_and_connection_must_agree() -> None:
    same = {"MATURITY_WAREHOUSE_URL": "postgresql://u:pw@h/db", CONN: "postgres://u:pw@h/db"}
    assert warehouse_url_from(same).host == "h"
    differ = {"MATURITY_WAREHOUSE_URL": "postgresql://u:pw@h/db", CONN: "postgres://u:pw@k/db"}
    with pytest.raises(ConfigError, match="name different warehouses") as info:
        warehouse_url_from(differ)
    assert "pw" not in str(info.value).replace("postgresql", "")


def test_unsupported_or_unparseable_urls() -> None:
    with pytest.raises(ConfigError, match="unsupported database 'mysql'"):
        resolve_url("mysql://u:pw@h/db")
    with pytest.raises(ConfigError, match="cannot be parsed"):
        resolve_url("not a url")


def test_default_is_sqlite_under_maturity_home(tmp_path: Path) -> None:
    home = tmp_path / "deep" / "home"
    url = warehouse_url_from({"MATURITY_HOME": str(home)})
    assert url.database == str(home / "warehouse.sqlite")
    assert not home.exists()
    make_engine(url).dispose()
    assert home.is_dir()


def test_default_home_is_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert warehouse_url_from({}).database == str(Path("var") / "warehouse.sqlite")


def test_unwritable_sqlite_directory_is_a_warehouse_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(WarehouseError, match="cannot create the directory"):
        Warehouse(f"sqlite:///{blocker}/sub/warehouse.sqlite")


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://maturity:{SECRET.replace('#', '%23').replace('/', '%2F')}@h/db",
        URL.create("postgresql+psycopg", "maturity", SECRET, "h", 5432, "db"),
    ],
)
def test_masked_hides_the_password(url: URL | str) -> None:
    text = masked(url)
    assert "s3cr" not in text
    assert text.startswith("postgresql+psycopg://maturity:***@h")


def test_warehouse_shows_only_the_masked_url() -> None:
    wh = Warehouse(URL.create("postgresql", "maturity", SECRET, "h", 5432, "db"))
    try:
        assert "s3cr" not in wh.url_masked
        assert "s3cr" not in repr(wh)
    finally:
        wh.dispose()
