"""The bench runner: raw numbers to JSON, BENCHMARKS.md generated from that JSON alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from maturity.sandbox.bench import runner
from maturity.sandbox.bench.report import render
from maturity.sandbox.bench.runner import Context, Figure, Section, SectionResult, Skip

pytestmark = pytest.mark.unit


def test_a_figure_keeps_every_value_and_judges_its_median() -> None:
    fast = Figure("a", "a", "s", [3.0, 1.0, 2.0], target=2.0, why_not="slow disk").as_dict()
    assert fast["values"] == [3.0, 1.0, 2.0]
    assert (fast["min"], fast["median"], fast["max"]) == (1.0, 2.0, 3.0)
    assert fast["met"] is True
    assert fast["why_not"] == ""  # the reason is shown only when the target is missed
    slow = Figure("b", "b", "s", [2.5, 3.0], target=2.0, why_not="slow disk").as_dict()
    assert slow["met"] is False
    assert slow["why_not"] == "slow disk"
    rate = Figure("c", "c", "rows/s", [90.0, 120.0, 130.0], target=100.0, direction="min")
    assert rate.as_dict()["met"] is True
    assert Figure("d", "d", "s", [1.0]).as_dict()["met"] is None


def _measured(ctx: Context) -> SectionResult:
    return SectionResult(
        [
            Figure("ok_s", "a quick thing", "s", [0.2, 0.4, 0.3], target=0.5),
            Figure("slow_s", "a slow thing", "s", [2.0, 4.0, 3.0], target=1.0, why_not="disk"),
        ],
        conditions={"rate limits": "GENEROUS"},
        details={"quick": ctx.quick},
        command="python -m something 3",
    )


def _no_postgres(ctx: Context) -> SectionResult:
    raise Skip("PostgreSQL does not answer (OperationalError)")


def _broken(ctx: Context) -> SectionResult:
    raise ValueError("the emulator world is empty\nsecond line")


SECTIONS = (
    Section("measured", "Measured", _measured),
    Section("postgres", "Needs PostgreSQL", _no_postgres),
    Section("broken", "Broken", _broken),
    Section("unchosen", "Not chosen", _measured),
)


def test_a_run_writes_json_and_the_page_from_it(tmp_path: Path) -> None:
    record = runner.run(
        Context(quick=True),
        ["measured", "postgres", "broken"],
        "python -m maturity.sandbox.bench --quick",
        SECTIONS,
    )
    results, page = tmp_path / "results", tmp_path / "BENCHMARKS.md"
    path = runner.write(record, results, page)

    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == json.loads((results / "latest.json").read_text(encoding="utf-8"))
    assert set(stored["machine"]) >= {"cpu", "cores", "ram_gib", "python", "os"}
    assert stored["command"] == "python -m maturity.sandbox.bench --quick"
    assert "commit" in stored["git"]
    sections = stored["sections"]
    assert sections["measured"]["status"] == "ran"
    slow = sections["measured"]["figures"][1]
    assert slow["values"] == [2.0, 4.0, 3.0]
    assert (slow["min"], slow["median"], slow["max"]) == (2.0, 3.0, 4.0)
    assert sections["postgres"] == {
        "title": "Needs PostgreSQL",
        "status": "skipped",
        "reason": "PostgreSQL does not answer (OperationalError)",
        "seconds": sections["postgres"]["seconds"],
    }
    assert sections["broken"]["status"] == "failed"
    assert sections["broken"]["reason"] == "ValueError: the emulator world is empty"
    assert sections["unchosen"]["status"] == "skipped"

    text = page.read_text(encoding="utf-8")
    assert text == render(stored, json_path=str(path.relative_to(tmp_path)))
    assert "python -m maturity.sandbox.bench --quick" in text
    assert "quick run" in text
    assert "| a quick thing | 200 ms / 300 ms / 400 ms | 3 | ≤ 500 ms | **met** |" in text
    assert "| a slow thing | 2.00 s / 3.00 s / 4.00 s | 3 | ≤ 1.00 s | **not met** — disk |" in text
    assert "Conditions: rate limits: GENEROUS." in text
    assert "Not measured in this run (skipped: PostgreSQL does not answer" in text
    assert "Not measured in this run (failed: ValueError: the emulator world is empty)" in text
    assert "Not measured in this run (skipped: not chosen, --only" in text
    assert "Traceback" not in text


def test_every_section_has_its_prose_and_a_unique_name() -> None:
    from maturity.sandbox.bench.report import PROSE

    names = [s.name for s in runner.SECTIONS]
    assert len(names) == len(set(names))
    assert set(names) == set(PROSE)


def test_an_unknown_benchmark_name_is_refused_with_the_choices(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exit_:
        runner.main(["--only", "nope", "--out", str(tmp_path / "B.md")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "unknown benchmark nope" in err
    assert "collection" in err
    assert not (tmp_path / "B.md").exists()


def test_main_writes_the_page_for_the_chosen_section(tmp_path: Path) -> None:
    page = tmp_path / "B.md"
    assert (
        runner.main(
            ["--quick", "--only", "cli", "--out", str(page), "--results", str(tmp_path / "r")]
        )
        == 0
    )
    record = json.loads((tmp_path / "r" / "latest.json").read_text(encoding="utf-8"))
    cli = record["sections"]["cli"]["figures"][0]
    assert cli["n"] == 5
    assert all(v > 0 for v in cli["values"])
    assert record["sections"]["collection"]["status"] == "skipped"
    assert "## CLI start-up" in page.read_text(encoding="utf-8")


def test_figures_of_other_commands_are_appended_under_their_own_heading(tmp_path: Path) -> None:
    (tmp_path / "other-runs.md").write_text(
        "<!-- a note for editors -->\n### Soak\n\n100 runs, 0 rows lost (run of 2026-12-02).\n",
        encoding="utf-8",
    )
    record = runner.run(Context(quick=True), ["measured"], "cmd", SECTIONS)
    runner.write(record, tmp_path / "results", tmp_path / "B.md")
    text = (tmp_path / "B.md").read_text(encoding="utf-8")
    assert "## Measured by other commands, not by this run" in text
    assert text.index("## Measured") < text.index("### Soak") < text.index("0 rows lost")
    assert "a note for editors" not in text


def test_the_page_can_be_written_again_from_a_stored_run(tmp_path: Path) -> None:
    record = runner.run(Context(quick=True), ["measured"], "cmd", SECTIONS)
    path = runner.write(record, tmp_path / "results", tmp_path / "B.md")
    first = (tmp_path / "B.md").read_text(encoding="utf-8")
    (tmp_path / "B.md").unlink()
    assert runner.main(["--render", str(path), "--out", str(tmp_path / "B.md")]) == 0
    assert (tmp_path / "B.md").read_text(encoding="utf-8") == first


def test_rendering_a_file_that_is_no_run_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(SystemExit):
        runner.main(["--render", str(bad), "--out", str(tmp_path / "B.md")])
    assert f"--render {bad}: not a run's JSON" in capsys.readouterr().err
    assert not (tmp_path / "B.md").exists()


def test_a_run_stopped_part_way_keeps_the_sections_it_finished(tmp_path: Path) -> None:
    results = tmp_path / "results"
    seen: list[list[str]] = []

    def keep(record: dict[str, object]) -> None:
        runner.partial_writer(results)(record)
        stored = json.loads((results / "partial.json").read_text(encoding="utf-8"))
        assert stored["finished_at"] is None
        seen.append(list(stored["sections"]))

    record = runner.run(Context(quick=True), ["measured"], "cmd", SECTIONS, after_section=keep)
    # after each section the file holds every section so far
    names = [section.name for section in SECTIONS]
    assert seen == [names[: i + 1] for i in range(len(names))]
    assert record["sections"]["measured"]["status"] == "ran"
    partial = json.loads((results / "partial.json").read_text(encoding="utf-8"))
    assert "stopped part-way" in render(partial)
    runner.write(record, results, tmp_path / "BENCHMARKS.md")  # a finished run replaces it
    assert not (results / "partial.json").exists()
    assert "stopped part-way" not in (tmp_path / "BENCHMARKS.md").read_text(encoding="utf-8")


def test_the_executor_hand_off_is_queued_to_started_per_task_instance() -> None:
    from maturity.sandbox.bench.dag_scale_bench import handoff_seconds

    tis: list[dict[str, str | None]] = [
        {"queued_when": "2026-12-03T08:00:00+00:00", "start_date": "2026-12-03T08:00:01.5+00:00"},
        {"queued_when": "2026-12-03T08:00:00+00:00", "start_date": "2026-12-03T08:00:04+00:00"},
        {"queued_when": None, "start_date": "2026-12-03T08:00:04+00:00"},  # never queued: out
    ]
    assert handoff_seconds(tis) == [1.5, 4.0]


def _slower(ctx: Context) -> SectionResult:
    return SectionResult(
        [Figure("ok_s", "a quick thing", "s", [0.7, 0.9, 0.8], target=0.5, why_not="load")],
        conditions={"rate limits": "GENEROUS"},
        command="python -m something else",
    )


def test_a_page_of_several_runs_names_the_run_of_every_section(tmp_path: Path) -> None:
    results = tmp_path / "results"
    # run 1 measured one section and broke on another; run 2 measured what run 1 lacked
    first = runner.run(Context(quick=True), ["measured", "broken"], "cmd one", SECTIONS)
    first["started_at"] = "2026-12-03T07:00:00+00:00"
    second_sections = (
        Section("measured", "Measured", _slower),
        Section("postgres", "Needs PostgreSQL", _measured),
        Section("broken", "Broken", _measured),
        Section("unchosen", "Not chosen", _measured),
    )
    second = runner.run(Context(quick=True), ["postgres", "broken"], "cmd two", second_sections)
    second["started_at"] = "2026-12-03T08:00:00+00:00"
    paths = [runner.write(first, results, tmp_path / "x.md")]
    paths.append(runner.write(second, results, tmp_path / "x.md"))
    page = tmp_path / "BENCHMARKS.md"

    assert runner.main(["--render", *map(str, paths), "--out", str(page)]) == 0

    text = page.read_text(encoding="utf-8")
    runs = text.split("\n## ")
    assert "- **Run 1:** 2026-12-03T07:00:00+00:00" in runs[0]
    assert "- **Run 2:** 2026-12-03T08:00:00+00:00" in runs[0]
    assert "`cmd one`" in runs[0]
    assert "`cmd two`" in runs[0]
    by_title = {part.split("\n", 1)[0]: part for part in runs[1:]}
    # measured only in run 1 (run 2 did not choose it): run 1's numbers, not run 2's
    assert "*From run 1.*" in by_title["Measured"]
    assert "200 ms / 300 ms / 400 ms" in by_title["Measured"]
    assert "700 ms" not in by_title["Measured"]
    # failed in run 1, measured in run 2: run 2's numbers
    assert "*From run 2.*" in by_title["Broken"]
    assert "python -m something 3" in by_title["Broken"]
    assert "*From run 2.*" in by_title["Needs PostgreSQL"]
    # chosen by neither run: still on the page, said to be not measured
    assert "Not measured in this run (skipped: not chosen" in by_title["Not chosen"]


def test_the_executor_comparison_splits_run_time_into_task_and_idle_slot_time() -> None:
    from maturity.sandbox.bench.report import _executor_split

    def run(executor: str, seconds: float, per_org: float) -> dict[str, object]:
        return {
            "executor": executor,
            "seconds": seconds,
            "orgs": 10,
            "task_seconds_per_org": per_org,
        }

    lines = _executor_split(
        {"local": run("LocalExecutor", 100.0, 30.0), "celery": run("CeleryExecutor", 125.0, 31.0)}
    )
    # 4 slots: 400 slot-seconds, 300 of tasks, 100 idle; 500, 310, 190
    assert "| LocalExecutor, 10 organisations | 100.00 s | 400 | 300 | 100 |" in lines
    assert "| CeleryExecutor, 10 organisations | 125.00 s | 500 | 310 | 190 |" in lines


_GENEROUS_1000 = {
    "orgs": 1000,
    "seconds": 100.0,
    "executor": "LocalExecutor",
    "task_seconds_per_org": 0.3,
}


def test_the_realistic_section_shows_what_the_limits_add_to_the_same_runs_generous_one() -> None:
    from maturity.sandbox.bench.report import _limits_added

    realistic = {
        "details": {
            "runs": [
                {"orgs": 100, "seconds": 40.0, "lower_bound_seconds": 0.0},
                {"orgs": 1000, "seconds": 130.0, "lower_bound_seconds": 45.0},
            ]
        }
    }
    generous = {"status": "ran", "details": {"runs": [_GENEROUS_1000]}}
    lines = _limits_added(realistic, generous)
    assert "| 1,000 | 100.00 s | 130.00 s | 30.00 s | 45.00 s |" in lines
    assert not any(line.startswith("| 100 |") for line in lines)  # no GENEROUS run of 100
    skipped = {"status": "skipped", "reason": "not chosen"}
    assert _limits_added(realistic, skipped) == []
    # a page of one run sets its realistic section beside the same run's GENEROUS runs
    record = {
        "started_at": "2026-12-04T00:00:00+00:00",
        "finished_at": "2026-12-04T01:00:00+00:00",
        "command": "cmd",
        "quick": False,
        "git": {"commit": "abc", "dirty": False},
        "machine": {
            "cpu": "cpu",
            "arch": "x86_64",
            "cores": 2,
            "ram_gib": 8,
            "python": "3.11",
            "os": "linux",
            "load_average_at_start": 0.1,
        },
        "sections": {
            name: {
                "title": name,
                "status": "ran",
                "figures": [],
                "conditions": {},
                "command": "c",
                "seconds": 1.0,
                "details": details,
            }
            for name, details in (
                ("dag_scale", {"runs": [_GENEROUS_1000]}),
                ("realistic", realistic["details"]),
            )
        },
    }
    page = render(record)
    assert "in this run:" in page
    assert "| 1,000 | 100.00 s | 130.00 s | 30.00 s | 45.00 s |" in page


def _realistic_at(k: float, seconds: float) -> Any:
    def measure(ctx: Context) -> SectionResult:
        return SectionResult(
            [Figure("realistic_1000_s", "1,000 organisations: run time", "s", [seconds])],
            conditions={"k (windows divided by)": k},
            details={"runs": [{"orgs": 1000, "seconds": seconds, "lower_bound_seconds": 9.0}]},
            command=f"realistic --k {k:g}",
        )

    return measure


def _generous(seconds: float) -> Any:
    def measure(ctx: Context) -> SectionResult:
        return SectionResult(
            [Figure("scale_1000_s", "1,000 organisations: run time", "s", [seconds])],
            details={
                "runs": [
                    {
                        "orgs": 1000,
                        "seconds": seconds,
                        "executor": "LocalExecutor",
                        "task_seconds_per_org": 3.0,
                    }
                ]
            },
            command="dag_scale",
        )

    return measure


def _bench_run(
    when: str, sections: tuple[Section, ...], only: list[str], commit: str = "abc"
) -> dict[str, Any]:
    record = runner.run(Context(), only, f"cmd {when}", sections)
    record["started_at"] = when
    record["git"] = {"commit": commit, "dirty": False}
    return record


def test_realistic_runs_at_different_k_each_keep_a_section_on_the_page(tmp_path: Path) -> None:
    """The documented windows (k = 1) and a compressed run (k = 3) are both shown, each from
    the last run at that k, k = 1 first; a later run at the same k replaces an earlier one.
    The table of what the limits add takes the GENEROUS run from another run only when it is
    the same commit on the same machine."""
    results = tmp_path / "results"

    def realistic(k: float, s: float) -> tuple[Section, ...]:
        return (Section("realistic", "Realistic", _realistic_at(k, s)),)

    old_k3 = _bench_run("2026-12-01T00:00:00+00:00", realistic(3, 1500.0), ["realistic"])
    new_k3 = _bench_run("2026-12-02T00:00:00+00:00", realistic(3, 1100.0), ["realistic"], "old")
    k1 = _bench_run("2026-12-03T00:00:00+00:00", realistic(1, 2800.0), ["realistic"])
    scale = _bench_run(
        "2026-12-04T00:00:00+00:00",
        (Section("dag_scale", "One DAG run", _generous(1000.0)),),
        ["dag_scale"],
    )
    paths = [runner.write(r, results, tmp_path / "x.md") for r in (old_k3, new_k3, k1, scale)]
    page = tmp_path / "BENCHMARKS.md"
    assert runner.main(["--render", *map(str, paths), "--out", str(page)]) == 0

    parts = page.read_text(encoding="utf-8").split("\n## ")[1:]
    titles = [part.split("\n", 1)[0] for part in parts]
    assert titles[:2] == [
        "Realistic rate limits at the documented windows (k = 1), several credentials",
        "Realistic rate limits, windows divided by k = 3, several credentials",
    ]
    documented, compressed = parts[0], parts[1]
    assert "*From run 3.*" in documented
    assert "2,800.00 s" in documented
    assert "*From run 2.*" in compressed
    assert "1,100.00 s" in compressed
    assert "1,500.00 s" not in page.read_text(encoding="utf-8")  # replaced by run 2 at k = 3
    assert PROSE_START not in compressed  # the prose once, with the first
    assert PROSE_START in documented
    # run 3 and run 4 share commit and machine: the GENEROUS row is set beside run 3's
    assert "in run 4 (the same commit and machine):" in documented
    assert "| 1,000 | 1,000.00 s | 2,800.00 s | 1,800.00 s | 9.00 s |" in documented
    # run 2 has another commit: no table against run 4's GENEROUS run
    assert "What the limits add" not in compressed


PROSE_START = "The APIs' documented limits"


def test_the_benchs_own_outputs_do_not_make_the_checkout_dirty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second ``make bench`` in one clone finds the first one's page and raw numbers
    changed; only a change to anything else is an uncommitted change to the code measured."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "bench" / "results").mkdir(parents=True)
    files = {"BENCHMARKS.md": "page", "bench/results/latest.json": "{}", "code.py": "x = 1"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    monkeypatch.chdir(tmp_path)
    assert runner.git_commit()["dirty"] is False

    (tmp_path / "BENCHMARKS.md").write_text("a later page", encoding="utf-8")
    (tmp_path / "bench/results/latest.json").write_text('{"a": 1}', encoding="utf-8")
    assert runner.git_commit()["dirty"] is False
    (tmp_path / "code.py").write_text("x = 2", encoding="utf-8")
    assert runner.git_commit()["dirty"] is True
    # from a subdirectory, a change outside it still counts
    git("checkout", "--", "BENCHMARKS.md", "bench/results/latest.json")
    monkeypatch.chdir(tmp_path / "bench")
    assert runner.git_commit()["dirty"] is True
