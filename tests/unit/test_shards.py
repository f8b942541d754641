"""Shards: consecutive organisations per task, and one failing key not stopping the others."""

from __future__ import annotations

from itertools import pairwise

import pytest

from maturity.errors import ConfigError, InputError
from maturity.shards import (
    AUTO_TAPER,
    AUTO_TASKS_PER_STEP,
    auto_sizes,
    describe,
    each,
    label,
    parse_orgs_per_task,
    retryable,
    split,
    split_sizes,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("n", [0, 1, AUTO_TASKS_PER_STEP])
def test_a_small_registry_gets_one_shard_per_organisation(n: int) -> None:
    assert auto_sizes(n) == [1] * n


@pytest.mark.parametrize("n", [AUTO_TASKS_PER_STEP + 1, 20, 39, 40, 100, 1000, 3000, 10007])
def test_a_large_registry_gets_bounded_tapered_shards_of_every_organisation(n: int) -> None:
    sizes = auto_sizes(n)
    assert len(sizes) == AUTO_TASKS_PER_STEP
    assert sum(sizes) == n
    assert min(sizes) >= 1
    assert sizes == sorted(sizes, reverse=True), "later shards are never larger"
    if n >= 100:  # the taper shows once there are enough organisations to round
        assert sizes[0] / sizes[-1] == pytest.approx(AUTO_TAPER, rel=0.25)


def test_tapered_shards_of_1000_fall_from_100_to_25() -> None:
    sizes = auto_sizes(1000)
    assert sizes[0] == 100
    assert sizes[-1] == 25
    # linear: the steps between neighbours are equal
    assert {a - b for a, b in pairwise(sizes)} == {5}


def test_auto_sizes_edges() -> None:
    assert auto_sizes(5, tasks_per_step=1) == [5]
    assert auto_sizes(40, tasks_per_step=4, taper=1) == [10, 10, 10, 10]
    for bad in ({"tasks_per_step": 0}, {"taper": 0.5}):
        with pytest.raises(ValueError, match="tasks_per_step >= 1 and taper >= 1"):
            auto_sizes(40, **bad)  # type: ignore[arg-type]


def test_split_sizes_keeps_order_and_every_item() -> None:
    items = [f"org-{i}" for i in range(10)]
    groups = split_sizes(items, [5, 3, 2])
    assert [len(g) for g in groups] == [5, 3, 2]
    assert [i for g in groups for i in g] == items
    with pytest.raises(ValueError, match="do not split 10 items"):
        split_sizes(items, [5, 3])
    with pytest.raises(ValueError, match="do not split 10 items"):
        split_sizes(items, [10, 0])


def test_split_keeps_order_and_every_item() -> None:
    items = [f"org-{i}" for i in range(10)]
    groups = split(items, 4)
    assert [len(g) for g in groups] == [4, 4, 2]
    assert [i for g in groups for i in g] == items
    with pytest.raises(ValueError, match="at least 1"):
        split(items, 0)


def test_a_shard_of_one_is_named_after_its_organisation() -> None:
    assert label(["gemeente-a"], 0, 13) == "gemeente-a"
    assert label(["a", "b", "c"], 1, 4) == "a .. c (3 orgs, shard 2/4)"


@pytest.mark.parametrize("raw", [None, "", " ", "auto", "AUTO"])
def test_orgs_per_task_is_automatic_by_default(raw: str | None) -> None:
    assert parse_orgs_per_task(raw, "MATURITY_ORGS_PER_TASK") is None


@pytest.mark.parametrize("raw", ["0", "-2", "ten", "1.5"])
def test_a_bad_orgs_per_task_names_the_variable_and_the_fix(raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_orgs_per_task(raw, "MATURITY_ORGS_PER_TASK")
    rendered = caught.value.render()
    assert "MATURITY_ORGS_PER_TASK" in rendered
    assert f"'{raw}'" in rendered
    assert "auto" in rendered


def test_each_records_a_failure_against_its_key_and_goes_on() -> None:
    def run(key: str) -> int:
        if key == "b":
            raise ConnectionError("reset")
        return len(key)

    outcome = each(["a", "b", "ccc"], run)
    assert outcome.done == {"a": 1, "ccc": 3}
    assert list(outcome.failed) == ["b"]
    assert outcome.retryable == ["b"]
    assert outcome.errors() == {"b": "ConnectionError: reset"}
    assert outcome.raise_for("ccc") == 3
    with pytest.raises(ConnectionError, match="reset"):
        outcome.raise_for("b")


def test_each_does_not_swallow_a_timeout_or_an_interrupt() -> None:
    class Timeout(BaseException):
        pass

    def run(key: str) -> None:
        raise Timeout()

    with pytest.raises(Timeout):
        each(["a"], run)


def test_bad_input_is_not_retryable_and_is_described_with_its_fix() -> None:
    bad = InputError("no such file", where="q.yaml", fix="write it")
    assert not retryable(bad)
    assert retryable(OSError("disk full"))
    assert describe(bad) == "q.yaml: no such file Fix: write it"

    class Final(Exception):
        retryable = False

    assert not retryable(Final())
