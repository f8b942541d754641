"""Requests, responses and a small router with route templates (``/2/users/:id/tweets``).

The route *name* (``GET /2/users/:id/tweets``) is what calls are counted by, faults are
programmed for and rate limits are kept per.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes = b""
    params: Mapping[str, str] = field(default_factory=dict)
    """Values of the route template's ``:name`` segments."""
    raw_query: str = ""
    """The query string as sent, for parameters given more than once (``reasons=a&reasons=b``)."""

    def query_all(self, name: str) -> list[str]:
        """Every value of the query parameter ``name``, in order."""
        return [v for k, v in parse_qsl(self.raw_query, keep_blank_values=True) if k == name]

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def form(self) -> dict[str, str]:
        """The body as ``application/x-www-form-urlencoded`` (last value wins)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(
        cls, status: int, payload: Any, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, body, headers=list(headers or []))

    @classmethod
    def text(
        cls, status: int, text: str, content_type: str = "text/html; charset=UTF-8"
    ) -> Response:
        return cls(status, text.encode("utf-8"), content_type=content_type)


Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Route:
    platform: str
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


def compile_template(template: str, *, json_suffix: bool) -> re.Pattern[str]:
    """``/user/:name/about`` → a regex with named groups; a trailing slash (and, for Reddit,
    a ``.json`` suffix) is optional."""
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith(":"):
            parts.append(f"(?P<{segment[1:]}>[^/]+?)")
        else:
            parts.append(re.escape(segment))
    suffix = r"(?:\.json)?" if json_suffix else ""
    return re.compile("^/" + "/".join(parts) + suffix + "/?$")


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, platform: str, method: str, template: str, handler: Handler) -> None:
        pattern = compile_template(template, json_suffix=platform == "reddit")
        self.routes.append(Route(platform, method, template, handler, pattern))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            m = route.pattern.match(path)
            if m is not None:
                return route, m.groupdict()
        return None

    def names(self) -> list[str]:
        return [r.name for r in self.routes]
