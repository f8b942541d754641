from __future__ import annotations

from pathlib import Path

import pytest

from maturity.rubric import Rubric, load_rubric


@pytest.fixture(scope="session")
def small_rubric() -> Rubric:
    return load_rubric(Path(__file__).with_name("small_rubric.yaml"))
