"""Which links on a website are accounts: a URL in, ``(platform, handle)`` out.

X and Reddit live on their own hosts. Bluesky profiles are ``bsky.app/profile/HANDLE``.
Mastodon runs on any host, so every ``https://HOST/@user`` (or ``/users/user``) link elsewhere is
a Mastodon *candidate*: only the lookup on that host (``lookups``) says whether it is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from maturity.platforms import BLUESKY, MASTODON, REDDIT, X

X_HOSTS = frozenset({"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"})
REDDIT_HOSTS = frozenset({"reddit.com", "old.reddit.com", "new.reddit.com", "np.reddit.com"})
BLUESKY_HOSTS = frozenset({"bsky.app"})
# Paths on x.com that are pages, not accounts.
X_RESERVED = frozenset(
    {"home", "i", "intent", "share", "search", "hashtag", "explore", "settings", "tos", "privacy"}
)
_X_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
_REDDIT_NAME = re.compile(r"[A-Za-z0-9_-]{3,20}")
_SUBREDDIT = re.compile(r"[A-Za-z0-9_]{3,21}")
_MASTODON_USER = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,28}[A-Za-z0-9_])?")
_BLUESKY_HANDLE = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


@dataclass(frozen=True)
class ProfileRef:
    """A link that names an account. ``subreddit`` is set for an ``r/NAME`` link instead."""

    platform: str
    handle: str
    url: str
    host: str
    scheme: str = "https"
    subreddit: str | None = None

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.handle.lower()}"


def _host(netloc_host: str | None) -> str:
    host = (netloc_host or "").lower()
    return host.removeprefix("www.")


def _x(url: str, host: str, segments: list[str]) -> ProfileRef | None:
    if segments and segments[0].lower() not in X_RESERVED:
        handle = segments[0].removeprefix("@")
        if _X_HANDLE.fullmatch(handle):
            return ProfileRef(X, handle, url, host)
    return None


def _reddit(url: str, host: str, segments: list[str]) -> ProfileRef | None:
    if len(segments) < 2:
        return None
    kind, name = segments[0], segments[1]
    if kind in ("user", "u") and _REDDIT_NAME.fullmatch(name):
        return ProfileRef(REDDIT, name, url, host)
    if kind == "r" and _SUBREDDIT.fullmatch(name):
        return ProfileRef(REDDIT, "", url, host, subreddit=name)
    return None


def _bluesky(url: str, host: str, segments: list[str]) -> ProfileRef | None:
    if len(segments) >= 2 and segments[0] == "profile":
        handle = segments[1].lower()
        if _BLUESKY_HANDLE.fullmatch(handle) or handle.startswith("did:"):
            return ProfileRef(BLUESKY, handle, url, host)
    return None


def _mastodon(url: str, scheme: str, server: str, segments: list[str]) -> ProfileRef | None:
    user = None
    if len(segments) == 1 and segments[0].startswith("@"):
        user = segments[0][1:]
    elif len(segments) == 2 and segments[0] == "users":
        user = segments[1]
    if user and "@" not in user and _MASTODON_USER.fullmatch(user):
        return ProfileRef(MASTODON, f"{user}@{server}", url, server, scheme=scheme)
    return None


def profile_ref(url: str) -> ProfileRef | None:
    """The account a link names, or None when it names none."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    host = _host(parts.hostname)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if host in X_HOSTS:
        return _x(url, host, segments)
    if host in REDDIT_HOSTS:
        return _reddit(url, host, segments)
    if host in BLUESKY_HOSTS:
        return _bluesky(url, host, segments)
    return _mastodon(url, parts.scheme, (parts.hostname or "").lower(), segments)


def host_of(link: str) -> str:
    """The host a link (or a bare domain in a bio) points at, without ``www.``."""
    if "://" not in link:
        link = f"https://{link}"
    return (urlsplit(link).hostname or "").lower().removeprefix("www.")
