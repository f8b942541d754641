"""Read a YAML or JSON file and keep the line of every field, for errors that point at it."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

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


#: Limits every loaded file is held to. A file beyond one is refused, naming the limit, so
#: that no input can exhaust memory or time ("billion laughs", deep nesting, huge files).
MAX_BYTES = 16 * 1024 * 1024
"""Largest file read, in bytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists."""
MAX_ALIASES = 100
"""Most aliases (``*name``) in one file."""
MAX_NODES = 1_000_000
"""Most values in the document with every alias expanded."""


class _Refused(Exception):
    """A limit or rule was broken at ``line`` (1-based, or None)."""

    def __init__(self, what: str, line: int | None, fix: str = "simplify the file") -> None:
        super().__init__(what)
        self.what = what
        self.line = line
        self.fix = fix


def _line(mark: Any) -> int | None:
    return mark.line + 1 if mark is not None else None


try:  # libyaml's parser when PyYAML was built with it: about five times faster
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _PyReader
    from yaml.scanner import Scanner as _PyScanner

    class _Parser(_PyReader, _PyScanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _PyReader.__init__(self, stream)
            _PyScanner.__init__(self)  # type: ignore[no-untyped-call]
            _PyParser.__init__(self)  # type: ignore[no-untyped-call]


class _Composer(Composer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc]
    """A safe loader that composes within :data:`MAX_DEPTH` and :data:`MAX_ALIASES`, refuses
    recursive aliases and impossible dates, and keeps the node tree for the line index.
    Events come from the parser above; composing and constructing are PyYAML's safe ones."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._depth = 0
        self._aliases = 0
        self._open: set[str] = set()

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Refused(
                    f"more than {MAX_ALIASES} aliases (limit on aliases)",
                    _line(event.start_mark),
                )
            if event.anchor in self._open:
                raise _Refused(
                    f"alias *{event.anchor} refers to itself (recursive alias)",
                    _line(event.start_mark),
                )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        nested = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep (limit on depth)",
                    _line(event.start_mark),
                )
            if anchor is not None:
                self._open.add(anchor)
        try:
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            if nested:
                self._depth -= 1
                self._open.discard(anchor)  # type: ignore[arg-type]

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise _Refused(
                f"'{node.value}' is not a valid date or time ({exc})",
                _line(node.start_mark),
                "write a date that exists, as YYYY-MM-DD",
            ) from None


_Composer.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _Composer.construct_yaml_timestamp
)

_MERGE = "tag:yaml.org,2002:merge"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _no_duplicate_keys(node: yaml.MappingNode) -> None:
    seen: set[tuple[str, str]] = set()
    for k_node, _ in node.value:
        if not isinstance(k_node, yaml.ScalarNode) or k_node.tag == _MERGE:
            continue
        key = (k_node.tag, k_node.value)
        if key in seen:
            raise _Refused(
                f"key '{k_node.value}' appears twice in the same mapping (duplicate key)",
                _line(k_node.start_mark),
                "keep one of the two; a later key never silently replaces an earlier one",
            )
        seen.add(key)


def _check_tree(root: yaml.Node) -> None:
    """Refuse duplicate mapping keys, and a document that is too big with aliases expanded.

    Aliases share nodes, so each node's expanded size is computed once (the tree is a DAG)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not done:
            if isinstance(node, yaml.MappingNode):
                _no_duplicate_keys(node)
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        size = 1 + sum(sizes[id(c)] for c in children)
        if size > MAX_NODES:
            raise _Refused(
                f"more than {MAX_NODES:,} values with its aliases expanded "
                "(limit on alias expansion)",
                _line(node.start_mark),
            )
        sizes[id(node)] = size


def _index(node: yaml.Node, key: PathKey, lines: dict[PathKey, int]) -> None:
    """The line of every field path; an alias's content is indexed once, where it is defined
    (paths through an alias fall back to the alias's own line)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, PathKey]] = [(node, key)]
    while stack:
        n, k = stack.pop()
        lines.setdefault(k, n.start_mark.line + 1)
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k_node, v_node in n.value:
                child = (*k, str(k_node.value))
                lines[child] = k_node.start_mark.line + 1
                stack.append((v_node, child))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((item, (*k, i)) for i, item in enumerate(n.value))


def _read(p: Path) -> str:
    """The text of ``p``: a regular file within :data:`MAX_BYTES`, checked before reading, so
    that a FIFO, a device or a huge file is refused rather than read."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError("file not found", where=str(p), fix="check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=str(p)) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            "not a regular file (a directory, pipe or device is never read)",
            where=str(p),
            fix="give the path of an ordinary file",
        )
    if st.st_size > MAX_BYTES:
        raise InputError(
            f"the file is {st.st_size:,} bytes, more than the limit of {MAX_BYTES:,} bytes "
            "(limit on size)",
            where=str(p),
            fix="split it into smaller files",
        )
    try:
        with p.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", where=str(p)) from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            f"the file is more than the limit of {MAX_BYTES:,} bytes (limit on size)",
            where=str(p),
            fix="split it into smaller files",
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot read file: not UTF-8 text (byte {exc.start})",
            where=str(p),
            fix="save the file as UTF-8",
        ) from None


def _no_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _Refused(
                f"key '{k}' appears twice in the same object (duplicate key)",
                None,
                "keep one of the two; a later key never silently replaces an earlier one",
            )
        out[k] = v
    return out


def load_document(path: str | Path) -> Document:
    """Parse ``path`` (YAML, or JSON which YAML also reads) into a :class:`Document`.

    Raises :class:`InputError` naming the file and line when it cannot be read or parsed,
    when it breaks one of the limits above (naming the limit), or has a duplicate key.
    """
    p = Path(path)
    text = _read(p)
    is_json = p.suffix.lower() == ".json"
    loader = _Composer(text)
    try:
        if is_json:
            data = json.loads(text, object_pairs_hook=_no_duplicate_json_keys)
        node = loader.get_single_node()
        if node is not None:
            _check_tree(node)
        if not is_json:
            data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        line = f":{exc.line}" if exc.line else ""
        raise InputError(exc.what, where=f"{p}{line}", fix=exc.fix) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg}",
            where=f"{p}:{exc.lineno}",
            fix="correct the JSON syntax at that line",
        ) from None
    except RecursionError:
        raise InputError(
            f"nested more than {MAX_DEPTH} levels deep (limit on depth)", where=str(p)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        if "nesting depth" in problem:  # libyaml's own, higher, limit met while scanning ahead
            raise InputError(
                f"nested more than {MAX_DEPTH} levels deep (limit on depth)",
                where=f"{p}{line}",
                fix="simplify the file",
            ) from None
        raise InputError(
            f"malformed YAML: {problem}",
            where=f"{p}{line}",
            fix="correct the YAML syntax at that line (indentation, quotes, colons)",
        ) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    if node is not None:
        _index(node, (), lines)
    return Document(path=p, data=data, lines=lines)
