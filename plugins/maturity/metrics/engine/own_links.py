"""Links between an organisation's own accounts, and where each was read.

A link goes from one registered account to another of the same organisation, on any
platform, and is read from

* ``post``: an ``@mention`` of the other account in a post (mentions name accounts of the
  poster's platform); ``pinned`` when that post is the account's pinned post;
* ``bio``: the bio (latest snapshot): a profile link (``x.com/<handle>``,
  ``twitter.com/<handle>``, ``reddit.com/user/<name>``, ``reddit.com/r/<subreddit>``) in its
  text or its expanded links (X ``entities.description.urls``), ``@handle`` in an X bio,
  ``u/name`` or ``r/subreddit`` in any bio;
* ``url``: the profile's website field, when it is such a profile link.

So an X bio that links the Reddit account is a link from the X account to the Reddit one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from maturity.metrics.engine.scopes import Scopes

POST, PINNED, BIO, URL = "post", "pinned", "bio", "url"

_PROFILE = re.compile(
    r"(?:^|[\s/.(])(?:(?:twitter|x)\.com/@?(?P<x>[A-Za-z0-9_]{1,15})(?![A-Za-z0-9_])"
    r"|reddit\.com/(?:u|user)/(?P<user>[A-Za-z0-9_-]{3,20})"
    r"|reddit\.com/r/(?P<sub>[A-Za-z0-9_]{2,21}))",
    re.IGNORECASE,
)
_REDDIT_NAME = re.compile(r"(?<![\w/.])/?(?P<kind>u|r)/(?P<name>[A-Za-z0-9_-]{2,21})")
_AT = re.compile(r"(?<![\w@])@(?P<name>[A-Za-z0-9_]{1,15})")
#: Paths of x.com that are not profiles.
_NOT_PROFILES = frozenset({"home", "i", "intent", "search", "hashtag", "share", "explore"})


def profile_targets(text: str, platform: str) -> Iterator[tuple[str, str]]:
    """The (platform, handle) of each own-account reference in a bio or URL text."""
    for m in _PROFILE.finditer(text):
        if m["x"] and m["x"].lower() not in _NOT_PROFILES:
            yield "x", m["x"]
        elif m["user"]:
            yield "reddit", m["user"]
        elif m["sub"]:
            yield "reddit", f"r/{m['sub']}"
    stripped = _PROFILE.sub(" ", text)
    for m in _REDDIT_NAME.finditer(stripped):
        yield "reddit", m["name"] if m["kind"].lower() == "u" else f"r/{m['name']}"
    if platform == "x":
        for m in _AT.finditer(stripped):
            yield "x", m["name"]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def profile_links(scopes: Scopes, accounts: pd.DataFrame, readable: np.ndarray) -> pd.DataFrame:
    """Links read from the bios and website fields of readable accounts (a loop over
    accounts, never over records): ``source``, ``target``, ``via``."""
    rows: list[tuple[int, int, str]] = []
    # the columns as plain lists once: a frame lookup per account and column cost more than
    # reading the texts
    org_ids = scopes.accounts["org_id"].tolist()
    platforms = scopes.accounts["platform"].tolist()
    descriptions = accounts["description"].tolist()
    bio_urls = accounts["bio_urls"].tolist()
    urls = accounts["url"].tolist()
    for a in np.flatnonzero(readable).tolist():
        org_id, platform = org_ids[a], platforms[a]
        bio = "\n".join((_text(descriptions[a]), _text(bio_urls[a])))
        for via, text in ((BIO, bio), (URL, _text(urls[a]))):
            for target_platform, handle in profile_targets(text, platform):
                target = scopes.find(org_id, target_platform, handle)
                if target >= 0 and target != a:
                    rows.append((a, target, via))
    return pd.DataFrame(rows, columns=["source", "target", "via"]).astype(
        {"source": "int64", "target": "int64", "via": "str"}
    )


def post_links(posts: pd.DataFrame, mentions: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Links read from posts' mentions of own accounts: ``source``, ``target``, ``via``."""
    post = mentions["post"].to_numpy(dtype=np.int64)
    target = mentions["account"].to_numpy(dtype=np.int64)
    source = posts["acc"].to_numpy(dtype=np.int64)[post]
    own = (target >= 0) & (target != source)
    post, source, target = post[own], source[own], target[own]
    pinned = np.asarray(accounts["pinned_post_id"].to_numpy(dtype=object))[source]
    item = np.asarray(posts["item_id"].to_numpy(dtype=object))[post]
    via = np.where(pd.notna(pinned) & (pinned == item), PINNED, POST)
    return pd.DataFrame({"source": source, "target": target, "via": via})
