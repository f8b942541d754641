"""Real tweepy and PRAW clients pointed at an :class:`~maturity.sandbox.emulator.Emulator`.

``tweepy_client(emu)`` mounts :class:`HostRewriteAdapter` (tweepy's host is fixed), and
``praw_reddit(emu)`` passes the emulator's OAuth and www URLs. The pytest fixtures that serve a
generated world are in :mod:`maturity.sandbox.pytest_plugin`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from requests.adapters import HTTPAdapter

from maturity.connectors.x import TWEEPY_HOSTS

if TYPE_CHECKING:
    import praw
    import requests
    import tweepy

    from maturity.sandbox.emulator.server import Emulator

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
