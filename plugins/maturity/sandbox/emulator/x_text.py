"""Post text as X serves it: links shortened to t.co, and the entities found in the text.

Offsets are in code points of the served text (what Python indexes), as X documents them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from maturity.sandbox.emulator.ids import base62, stable_hash

URL_RE = re.compile(r"https?://[^\s<>\"]+")
_TRAILING = ".,;:!?)'\""
HASHTAG_RE = re.compile(r"(?<![\w#&])#(\w*[^\W\d_]\w*)")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@])")
DISPLAY_MAX = 26


@dataclass(frozen=True, slots=True)
class UrlEntity:
    start: int
    end: int
    url: str
    expanded_url: str
    display_url: str


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    urls: tuple[UrlEntity, ...]
    hashtags: tuple[tuple[int, int, str], ...]
    mentions: tuple[tuple[int, int, str], ...]

    def mentioned(self) -> list[str]:
        return [m[2] for m in self.mentions]

    def entities(self, user_ids: dict[str, int]) -> dict[str, Any] | None:
        """The ``entities`` object; mention ids come from ``user_ids`` (lower-case names)."""
        out: dict[str, Any] = {}
        if self.urls:
            out["urls"] = [
                {
                    "start": u.start,
                    "end": u.end,
                    "url": u.url,
                    "expanded_url": u.expanded_url,
                    "display_url": u.display_url,
                }
                for u in self.urls
            ]
        if self.hashtags:
            out["hashtags"] = [{"start": s, "end": e, "tag": t} for s, e, t in self.hashtags]
        if self.mentions:
            mentions = []
            for s, e, name in self.mentions:
                entry: dict[str, Any] = {"start": s, "end": e, "username": name}
                uid = user_ids.get(name.lower())
                if uid is not None:
                    entry["id"] = str(uid)
                mentions.append(entry)
            out["mentions"] = mentions
        return out or None


def tco(url: str) -> str:
    return "https://t.co/" + base62(stable_hash(url), 10)


def display_url(url: str) -> str:
    shown = re.sub(r"^https?://", "", url)
    return shown if len(shown) <= DISPLAY_MAX else shown[: DISPLAY_MAX - 1] + "…"


def render(text: str) -> Rendered:
    """Shorten every link in ``text`` to t.co and find urls, hashtags and mentions."""
    if "://" not in text and "#" not in text and "@" not in text:
        return Rendered(text, (), (), ())
    pieces: list[str] = []
    urls: list[UrlEntity] = []
    pos = 0
    length = 0
    for m in URL_RE.finditer(text) if "://" in text else ():
        url = m.group(0).rstrip(_TRAILING)
        before = text[pos : m.start()]
        pieces.append(before)
        length += len(before)
        short = tco(url)
        urls.append(UrlEntity(length, length + len(short), short, url, display_url(url)))
        pieces.append(short)
        length += len(short)
        pos = m.start() + len(url)
    pieces.append(text[pos:])
    served = "".join(pieces)
    hashtags = tuple(
        [(m.start(), m.end(), m.group(1)) for m in HASHTAG_RE.finditer(served)]
        if "#" in served
        else ()
    )
    mentions = tuple(
        [(m.start(), m.end(), m.group(1)) for m in MENTION_RE.finditer(served)]
        if "@" in served
        else ()
    )
    return Rendered(served, tuple(urls), hashtags, mentions)
