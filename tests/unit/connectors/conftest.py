from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

sys.path.insert(0, str(Path(__file__).parent))

from connector_pages import END, KEY, START

from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser


@pytest.fixture
def window() -> Window:
    return Window(START, END)


@pytest.fixture
def pseudo() -> Pseudonymiser:
    return Pseudonymiser(KEY)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """HTTP mocking that fails the test if any registered response was not requested."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock
