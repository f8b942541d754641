"""The bad-input catalogue: every kind of input the product reads, broken on purpose.

Each case gives the files it writes, the command line (``{dir}`` is the case's folder) and
the environment, and expects exit code 2, its message fragment, no traceback and no secret.
Then Hypothesis fuzzes the file loaders and the connection parser: only the documented
exceptions may escape, and each case runs under a timeout.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from maturity.cli import app
from maturity.connections import parse_connection
from maturity.errors import ConfigError, InputError
from maturity.input_file import load_evidence_file
from maturity.questionnaire import load_questionnaire, render_template
from maturity.registry import load_registry
from maturity.rubric import DEFAULT_RUBRIC_PATH, load_default_rubric, load_rubric
from maturity.yamlfile import load_document

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

SECRET = "Pr1v4t3S3cr3t"
FIFO = object()  # a file entry that becomes a named pipe

RUBRIC = load_default_rubric()
TEMPLATE = render_template("acme", RUBRIC, "en")
FIRST_FACT = next(
    line.split(":")[0].strip() for line in TEMPLATE.splitlines() if line.startswith("  declared.")
)
ANSWERED = (
    TEMPLATE.replace("declared_by: null", "declared_by: Jan, communications")
    .replace("declared_at: null", "declared_at: 2026-01-15")
    .replace(f"  {FIRST_FACT}: null", f"  {FIRST_FACT}: true")
)
EVIDENCE = """\
format: maturity-evidence/1
window: {start: 2026-01-01, end: 2026-03-01}
organisations:
  - id: acme
    name: NAME
    platforms: [PLATFORMS]
    metrics:
      - {metric: responsiveness.response_rate, value: 0.5, n: N, platform: x}
"""


def evidence(name: str = "Acme", platforms: str = "x", n: str = "100") -> str:
    return EVIDENCE.replace("NAME", name).replace("PLATFORMS", platforms).replace("N", n, 1)


def registry(questionnaire: str | None = None, extra: str = "") -> str:
    q = f"\n    questionnaire: {questionnaire}" if questionnaire else ""
    return f"format: maturity-registry/1\norganisations:\n  - id: acme\n    name: Acme{q}\n{extra}"


LAUGHS = "\n".join(
    ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 9)]
)
WINDOW = ["--start", "2026-01-01", "--end", "2026-03-01"]


@dataclass(frozen=True)
class Case:
    id: str
    args: list[str]
    fragment: str
    files: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


CASES = [
    # -- rubrics
    Case(
        "rubric-nan-threshold",
        ["rubric", "validate", "{dir}/r.yaml"],
        "threshold",
        {
            "r.yaml": DEFAULT_RUBRIC_PATH.read_text().replace(
                "    threshold: 1\n", "    threshold: .nan\n", 1
            )
        },
    ),
    Case(
        "rubric-billion-laughs",
        ["rubric", "validate", "{dir}/r.yaml"],
        "limit on alias expansion",
        {"r.yaml": LAUGHS},
    ),
    Case(
        "rubric-deep",
        ["rubric", "validate", "{dir}/r.yaml"],
        "limit on depth",
        {"r.yaml": "x:\n" + "".join("  " * i + "- \n" for i in range(1, 200))},
    ),
    Case(
        "rubric-deep-flow",
        ["rubric", "validate", "{dir}/r.yaml"],
        "limit on depth",
        {"r.yaml": "x: " + "[" * 1000 + "]" * 1000},
    ),
    Case(
        "rubric-duplicate-key",
        ["rubric", "validate", "{dir}/r.yaml"],
        "'rubric' appears twice in the same mapping (duplicate key)\nFix: keep one",
        {"r.yaml": "rubric: a\nrubric: b\n"},
    ),
    Case(
        "rubric-fifo",
        ["rubric", "validate", "{dir}/r.yaml"],
        "not a regular file",
        {"r.yaml": FIFO},
    ),
    Case("rubric-device", ["rubric", "validate", "/dev/zero"], "not a regular file"),
    Case(
        "rubric-regex-in-message",
        ["rubric", "validate", "{dir}/r.yaml"],
        r"^p[1-6]\.[a-z0-9_]+$",
        {
            "r.yaml": DEFAULT_RUBRIC_PATH.read_text().replace(
                "  - id: p1.", "  - id: P1 [bold]x[/bold].", 1
            )
        },
    ),
    # -- registries
    Case(
        "registry-duplicate-organisations",
        ["assess", "--registry", "{dir}/reg.yaml", *WINDOW],
        "'organisations' appears twice",
        {"reg.yaml": registry() + "organisations: []\n"},
    ),
    Case(
        "registry-questionnaire-escapes",
        ["assess", "--registry", "{dir}/reg.yaml", *WINDOW],
        "leaves the registry's folder",
        {"reg.yaml": registry("../../etc/passwd")},
    ),
    Case(
        "registry-questionnaire-fifo",
        ["assess", "--registry", "{dir}/reg.yaml", *WINDOW],
        "not a regular file",
        {"reg.yaml": registry("q.yaml"), "q.yaml": FIFO},
    ),
    Case(
        "registry-questionnaire-bad-date",
        ["assess", "--registry", "{dir}/reg.yaml", *WINDOW],
        "'2026-02-30' is not a valid date",
        {
            "reg.yaml": registry("q.yaml"),
            "q.yaml": ANSWERED.replace("2026-01-15", "2026-02-30"),
        },
    ),
    Case(
        "registry-markup-id",
        ["assess", "--registry", "{dir}/reg.yaml", *WINDOW],
        "^[a-z0-9][a-z0-9-]*$",
        {"reg.yaml": registry().replace("id: acme", "id: '[red]Acme[/]'")},
    ),
    # -- questionnaires
    Case(
        "questionnaire-duplicate-answer",
        ["questionnaire", "check", "{dir}/q.yaml"],
        f"'{FIRST_FACT}' appears twice",
        {
            "q.yaml": ANSWERED.replace(
                f"  {FIRST_FACT}: true", f"  {FIRST_FACT}: true\n  {FIRST_FACT}: false"
            )
        },
    ),
    Case(
        "questionnaire-fifo",
        ["questionnaire", "check", "{dir}/q.yaml"],
        "not a regular file",
        {"q.yaml": FIFO},
    ),
    Case("questionnaire-device", ["questionnaire", "check", "/dev/zero"], "not a regular file"),
    Case(
        "questionnaire-impossible-date",
        ["questionnaire", "check", "{dir}/q.yaml"],
        "'2026-02-30' is not a valid date",
        {"q.yaml": ANSWERED.replace("2026-01-15", "2026-02-30")},
    ),
    # -- evidence files
    Case(
        "evidence-huge-count",
        ["assess", "-i", "{dir}/ev.yaml", "--warehouse", "sqlite:///{dir}/wh.sqlite"],
        "metrics[0].n",
        {"ev.yaml": evidence(n="1" * 30)},
    ),
    Case(
        "evidence-unknown-platform",
        ["assess", "-i", "{dir}/ev.yaml", "--warehouse", "sqlite:///{dir}/wh.sqlite"],
        "unknown platform 'tiktok'",
        {"ev.yaml": evidence(platforms="x, tiktok")},
    ),
    Case(
        "evidence-impossible-date",
        ["assess", "-i", "{dir}/ev.yaml", "--warehouse", "sqlite:///{dir}/wh.sqlite"],
        "'2026-02-30' is not a valid date",
        {"ev.yaml": evidence().replace("end: 2026-03-01", "end: 2026-02-30")},
    ),
    Case(
        "evidence-infinite-value",
        ["assess", "-i", "{dir}/ev.yaml", "--warehouse", "sqlite:///{dir}/wh.sqlite"],
        "value",
        {"ev.yaml": evidence().replace("value: 0.5", "value: .inf")},
    ),
    # -- command-line arguments
    Case(
        "start-year-one",
        ["assess", "--registry", "{dir}/reg.yaml", "--start", "0001-01-01", "--end", "2026-01-01"],
        "--start/--end",
        {"reg.yaml": registry()},
    ),
    Case(
        "end-year-9999",
        ["assess", "--registry", "{dir}/reg.yaml", "--start", "2026-01-01", "--end", "9999-12-31"],
        "--start/--end",
        {"reg.yaml": registry()},
    ),
    Case(
        "explain-missing-sqlite-warehouse",
        ["explain", "acme", "--warehouse", "sqlite:///{dir}/typo/wh.sqlite"],
        "no warehouse exists there",
    ),
    Case(
        "rescore-missing-sqlite-warehouse",
        ["rescore", "--warehouse", "sqlite:///{dir}/typo/wh.sqlite"],
        "no warehouse exists there",
    ),
    Case(
        "template-markup-org-id",
        ["questionnaire", "template", "Acme [/]"],
        "'Acme [/]' is not an organisation id",
    ),
    # -- connection strings and warehouse URLs
    Case(
        "warehouse-option-unescaped-password",
        ["explain", "x", "--warehouse", f"postgresql://u:ab@cd:{SECRET}@127.0.0.1:1/db"],
        "--warehouse: the warehouse URL cannot be parsed",
    ),
    Case(
        "warehouse-env-unescaped-password",
        ["explain", "x"],
        "MATURITY_WAREHOUSE_URL",
        env={"MATURITY_WAREHOUSE_URL": f"postgresql://u:ab@cd:{SECRET}@127.0.0.1:1/db"},
    ),
    Case(
        "warehouse-query-password-unsupported-driver",
        ["explain", "x", "--warehouse", f"mysql://u@h/db?password={SECRET}"],
        "unsupported database 'mysql'",
    ),
    Case(
        "connection-uri-bracket",
        ["explain", "x"],
        "not a valid URI",
        env={"AIRFLOW_CONN_MATURITY_WAREHOUSE": f"postgres://u:p[{SECRET}@h:5432/db"},
    ),
    Case(
        "connection-extra-list",
        ["explain", "x"],
        "'extra' must be a JSON object",
        env={
            "AIRFLOW_CONN_MATURITY_WAREHOUSE": (
                f'{{"conn_type": "postgres", "host": "h", "password": "{SECRET}", "extra": [1, 2]}}'
            )
        },
    ),
]


def _materialise(case: Case, folder: Path) -> list[str]:
    for name, content in case.files.items():
        path = folder / name
        if content is FIFO:
            os.mkfifo(path)
        else:
            path.write_text(content, encoding="utf-8")
    return [arg.replace("{dir}", str(folder)) for arg in case.args]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_clear_error_with_exit_code_2(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if any(c is FIFO for c in case.files.values()) and not hasattr(os, "mkfifo"):
        pytest.skip("needs named pipes")
    for name in ("MATURITY_WAREHOUSE_URL", "AIRFLOW_CONN_MATURITY_WAREHOUSE", "MATURITY_REGISTRY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MATURITY_HOME", str(tmp_path / "home"))
    args = _materialise(case, tmp_path)
    runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1", **case.env})
    result = runner.invoke(app, args)
    output = result.output
    assert result.exit_code == 2, output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert case.fragment in output
    assert "Traceback" not in output
    assert SECRET not in output
    assert not (tmp_path / "typo").exists(), "a read-only command created a warehouse"
    assert not (tmp_path / "home").exists() or case.id.startswith(("start", "end")), (
        "bad input was refused only after something was written"
    )


# -- user text is printed, never interpreted as Rich markup -----------------------------------


def test_markup_in_an_organisation_name_is_shown_literally(tmp_path: Path) -> None:
    name = "'Acme [/] [link=https://evil.example]click[/link]'"
    path = tmp_path / "ev.yaml"
    path.write_text(evidence(name=name))
    url = f"sqlite:///{tmp_path}/wh.sqlite"
    runner = CliRunner(env={"COLUMNS": "240", "NO_COLOR": "1"})
    assessed = runner.invoke(app, ["assess", "-i", str(path), "--warehouse", url])
    assert assessed.exit_code == 0, assessed.output
    assert "Acme [/] [link=https://evil.example]" in assessed.output
    for _ in range(2):  # it used to fail every time after the first
        explained = runner.invoke(app, ["explain", "acme", "--warehouse", url])
        assert explained.exit_code == 0, explained.output
        assert "Acme [/] [link=https://evil.example]click[/link]" in explained.output
        assert "\x1b]8;" not in explained.output  # no terminal hyperlink


# -- fuzzing -------------------------------------------------------------------------------------

YAML_TOKENS = [*"ab1-:[]{}&*!|>'\"#%@`?, \n\t.", "2026-02-30", "~", "<<", "&a ", "*a", "\n  "]
YAMLISH = st.lists(st.sampled_from(YAML_TOKENS), max_size=120).map("".join)

LOADERS: dict[str, Callable[[Path], object]] = {
    "document": load_document,
    "registry": load_registry,
    "rubric": load_rubric,
    "questionnaire": lambda p: load_questionnaire(p, RUBRIC),
    "evidence": load_evidence_file,
}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("loader", list(LOADERS), ids=list(LOADERS))
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(YAMLISH, st.text(max_size=300)))
def test_loaders_raise_only_input_error(loader: str, suffix: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"f{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        error: InputError | None = None
        try:
            LOADERS[loader](path)
        except InputError as exc:
            error = exc
        if error is not None:
            assert error.exit_code == 2
            assert str(path) in error.render()


URI_TOKENS = [*'ab1:/@[]?=&%{}",.-_ ', "__extra__", "://", "%5B"]
URI_TEXT = st.lists(st.sampled_from(URI_TOKENS), max_size=60).map("".join)


@pytest.mark.timeout(300)
@settings(max_examples=400, deadline=1000)
@given(
    raw=st.one_of(
        URI_TEXT.map(lambda t: "postgres://" + t),
        URI_TEXT.map(lambda t: "{" + t),
        st.text(max_size=120),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["conn_type", "host", "port", "extra", "password", "x"]),
                    children,
                    max_size=4,
                )
            ),
            max_leaves=10,
        ).map(lambda v: __import__("json").dumps(v)),
    )
)
def test_parse_connection_raises_only_config_error(raw: str) -> None:
    try:
        conn = parse_connection("maturity_warehouse", raw)
    except ConfigError:
        return
    assert isinstance(conn.extra, dict)
    assert conn.port is None or 0 < conn.port < 65536
    assert "password='***'" in repr(conn) if conn.password else "password=None" in repr(conn)


def test_the_catalogue_covers_every_kind_of_input() -> None:
    kinds = {re.split(r"-", c.id)[0] for c in CASES}
    assert {"rubric", "registry", "questionnaire", "evidence", "warehouse", "connection"} <= kinds
