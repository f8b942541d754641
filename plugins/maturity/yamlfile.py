"""Read a YAML or JSON file and keep the line of every field, for errors that point at it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from maturity.errors import InputError

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """A parsed file and the 1-based line where each field path starts."""

    path: Path
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, key: PathKey) -> int | None:
        """The line of ``key`` or of its nearest ancestor that has one."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get(())

    def invalid(self, exc: ValidationError, fix: str, entries: str = "organisations") -> InputError:
        """The first error of ``exc`` as an :class:`InputError` naming file, line and field.

        When the field lies inside an entry of the list ``entries`` (for example
        ``organisations[3].metrics[1].value``), the message also names that entry's ``id``.
        """
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        msg = str(err["msg"]).removeprefix("Value error, ")
        owner = ""
        if len(loc) > 1 and loc[0] == entries and isinstance(loc[1], int):
            items = self.data.get(entries) if isinstance(self.data, dict) else None
            item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
            if isinstance(item, dict):
                owner = f"{entries.removesuffix('s')} '{item.get('id', '?')}', "
        return InputError(
            f"{owner}field '{dotted_path(loc)}': {msg}", where=self.where(loc), fix=fix
        )

    def where(self, key: PathKey) -> str:
        line = self.line_of(key)
        dotted = dotted_path(key)
        loc = f"{self.path}:{line}" if line else str(self.path)
        return f"{loc} ({dotted})" if dotted else loc


def dotted_path(key: PathKey) -> str:
    out = ""
    for part in key:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _index(node: yaml.Node, key: PathKey, lines: dict[PathKey, int]) -> None:
    lines[key] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k_node, v_node in node.value:
            _index(v_node, (*key, str(k_node.value)), lines)
            lines[(*key, str(k_node.value))] = k_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*key, i), lines)


def load_document(path: str | Path) -> Document:
    """Parse ``path`` (YAML, or JSON which YAML also reads) into a :class:`Document`.

    Raises :class:`InputError` naming the file and line when it cannot be read or parsed.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", where=str(p), fix="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", where=str(p)) from None
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"malformed JSON: {exc.msg}",
                where=f"{p}:{exc.lineno}",
                fix="correct the JSON syntax at that line",
            ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if p.suffix.lower() != ".json":
            data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            f"malformed YAML: {problem}",
            where=f"{p}{line}",
            fix="correct the YAML syntax at that line (indentation, quotes, colons)",
        ) from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        _index(node, (), lines)
    return Document(path=p, data=data, lines=lines)
