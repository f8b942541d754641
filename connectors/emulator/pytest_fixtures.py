"""pytest fixtures and client helpers for tests that talk to the emulator.

Use from a test module or a ``conftest.py``::

    from maturity.connectors.emulator.pytest_fixtures import emulator, emulator_world  # noqa

or from the root ``conftest.py``::

    pytest_plugins = ["maturity.connectors.emulator.pytest_fixtures"]

``emulator_world`` is a small generated world (12 organisations over 91 days, every phase
present), built once per session. ``emulator`` serves it on a fresh port for each test, with
rate limits that never run out; a test that wants real limits or faults sets them on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from requests.adapters import HTTPAdapter

from maturity.connectors.emulator.generator import generate_world
from maturity.connectors.emulator.ratelimits import GENEROUS
from maturity.connectors.emulator.server import Emulator
from maturity.connectors.emulator.world import World
from maturity.connectors.x import TWEEPY_HOSTS

if TYPE_CHECKING:
    import praw
    import requests
    import tweepy

WORLD_START = datetime(2026, 8, 3, tzinfo=UTC)
WORLD_END = datetime(2026, 11, 2, tzinfo=UTC)
WORLD_ORGS = 12
WORLD_SEED = 7
X_HOSTS = TWEEPY_HOSTS


class HostRewriteAdapter(HTTPAdapter):
    """Sends requests for ``hosts`` to ``base_url`` instead (tweepy's host is fixed)."""

    def __init__(self, base_url: str, hosts: tuple[str, ...] = X_HOSTS) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.hosts = hosts

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = request.url or ""
        for host in self.hosts:
            if url.startswith(host):
                request.url = self.base_url + url[len(host) :]
                break
        return super().send(request, *args, **kwargs)


def tweepy_client(
    emu: Emulator, *, bearer_token: str | None = None, **kwargs: Any
) -> tweepy.Client:
    """A real ``tweepy.Client`` whose requests go to ``emu``."""
    import tweepy

    client = tweepy.Client(bearer_token=bearer_token or emu.bearer_token, **kwargs)
    client.session.mount("https://", HostRewriteAdapter(emu.x_base_url))
    return client


def praw_reddit(emu: Emulator, *, username: str | None = None, **kwargs: Any) -> praw.Reddit:
    """A real ``praw.Reddit`` against ``emu``: read-only, or as ``username`` (password grant)."""
    import praw

    auth: dict[str, Any] = {}
    if username is not None:
        auth = {"username": username, "password": emu.reddit_password}
    options: dict[str, Any] = {
        "client_id": emu.reddit_client_id,
        "client_secret": emu.reddit_client_secret,
        "user_agent": "python:maturity-emulator-tests:0 (by u/maturity)",
        "oauth_url": emu.reddit_oauth_url,
        "reddit_url": emu.reddit_www_url,
        "check_for_updates": False,
        "check_for_async": False,
        **auth,
        **kwargs,
    }
    return praw.Reddit(**options)


@pytest.fixture(scope="session")
def emulator_world() -> World:
    return generate_world(WORLD_ORGS, WORLD_SEED, WORLD_START, WORLD_END)


@pytest.fixture
def emulator(emulator_world: World) -> Iterator[Emulator]:
    with Emulator(emulator_world, limits=GENEROUS) as emu:
        yield emu
