"""The local Airflow harness finds the DAG files without assuming a source checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.errors import ConfigError
from maturity.sandbox.airflow import local_run

pytestmark = pytest.mark.unit

CHECKOUT_DAGS = Path(__file__).resolve().parents[4] / "dags"


def _dags(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / local_run.DAG_FILE).write_text("# the assessment DAG\n")
    return folder


def test_in_a_source_checkout_the_default_is_the_checkouts_dags_folder() -> None:
    assert local_run.find_dags_folder(env={}) == CHECKOUT_DAGS.resolve()
    assert local_run.airflow_env(Path("/h"))["AIRFLOW__CORE__DAGS_FOLDER"] == str(
        local_run.find_dags_folder()
    )


def test_the_setting_wins_over_the_checkout_and_an_argument_over_the_setting(
    tmp_path: Path,
) -> None:
    from_env = _dags(tmp_path / "from-env")
    explicit = _dags(tmp_path / "explicit")
    env = {local_run.DAGS_FOLDER_ENV: str(from_env)}
    assert local_run.find_dags_folder(env=env) == from_env
    assert local_run.find_dags_folder(explicit, env=env) == explicit


def test_a_setting_without_the_assessment_dag_is_an_error_that_names_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        local_run.find_dags_folder(env={local_run.DAGS_FOLDER_ENV: str(tmp_path)})
    assert caught.value.where == "MATURITY_DAGS_FOLDER"
    assert local_run.DAG_FILE in caught.value.what
    with pytest.raises(ConfigError, match="--dags-folder"):
        local_run.find_dags_folder(tmp_path / "missing", env={})


def test_an_installed_package_without_a_checkout_needs_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_packages = tmp_path / "lib" / "python3.11" / "site-packages"
    monkeypatch.setattr(local_run, "PACKAGE_DIR", site_packages / "maturity")
    (site_packages / "dags").mkdir(parents=True)  # a stray folder is no checkout
    with pytest.raises(ConfigError) as caught:
        local_run.find_dags_folder(env={})
    message = caught.value.render()
    assert caught.value.where == "MATURITY_DAGS_FOLDER"
    assert "not installed from a source checkout" in message
    assert "Fix: set MATURITY_DAGS_FOLDER" in message
    dags = _dags(tmp_path / "dags")
    assert local_run.find_dags_folder(env={"MATURITY_DAGS_FOLDER": str(dags)}) == dags


def test_a_checkout_is_recognised_by_its_dags_folder_beside_plugins(tmp_path: Path) -> None:
    package = tmp_path / "plugins" / "maturity"
    package.mkdir(parents=True)
    assert local_run.checkout_dags_folder(package) is None
    dags = _dags(tmp_path / "dags")
    assert local_run.checkout_dags_folder(package) == dags
