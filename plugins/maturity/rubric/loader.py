"""Load, extend and validate rubric files.

A rubric file is YAML (or JSON). A custom file may say ``extends: default`` (or a path to
another rubric file). Its criteria then replace the base criteria with the same id field by
field, and add the new ones; ``remove`` lists base criterion ids to drop. Every error names the
file, the line, the criterion id and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maturity.errors import InputError
from maturity.phases import Phase
from maturity.rubric.model import Rubric
from maturity.yamlfile import Document, PathKey, dotted_path, load_document

DEFAULT_RUBRIC_PATH = Path(__file__).with_name("default.yaml")
#: Earlier versions of the default rubric, kept as data so that stored evidence can be scored
#: under them again (``maturity rescore --rubric 2026.11.0``).
VERSIONS_DIR = Path(__file__).with_name("versions")


def bundled_versions() -> dict[str, Path]:
    """The earlier versions of the default rubric that ship with the product, by version."""
    return {p.stem: p for p in sorted(VERSIONS_DIR.glob("*.yaml"))}


def rubric_path(ref: str | Path) -> Path:
    """A rubric file, or the version of a bundled earlier default rubric (``2026.11.0``)."""
    path = Path(ref)
    if path.exists():
        return path
    versions = bundled_versions()
    if str(ref) in versions:
        return versions[str(ref)]
    if str(ref) == "default":
        return DEFAULT_RUBRIC_PATH
    return path  # load_document says that it does not exist, naming it


@dataclass(frozen=True)
class _Origin:
    """Where a merged criterion or goal was written: its document and its path there."""

    doc: Document
    key: PathKey

    def where(self, field: tuple[str | int, ...] = ()) -> str:
        return self.doc.where((*self.key, *field))


def _entries(doc: Document, name: str) -> list[tuple[dict[str, Any], _Origin]]:
    raw = doc.data.get(name, [])
    if not isinstance(raw, list):
        raise InputError(f"'{name}' must be a list", where=doc.where((name,)))
    out: list[tuple[dict[str, Any], _Origin]] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict) or "id" not in entry:
            raise InputError(
                f"each entry of '{name}' must be a mapping with an 'id'",
                where=doc.where((name, i)),
            )
        cid = str(entry["id"])
        if cid in seen:
            raise InputError(
                f"duplicate id '{cid}' in '{name}' (first at line "
                f"{doc.line_of((name, seen[cid]))})",
                where=doc.where((name, i, "id")),
                fix="give every entry a unique id, or merge the two entries",
            )
        seen[cid] = i
        out.append((dict(entry), _Origin(doc, (name, i))))
    return out


def _resolve_base(doc: Document, seen: tuple[Path, ...]) -> Path:
    ref = doc.data["extends"]
    if ref == "default":
        return DEFAULT_RUBRIC_PATH
    base = (doc.path.parent / str(ref)).resolve()
    if base == doc.path.resolve():
        raise InputError("a rubric cannot extend itself", where=doc.where(("extends",)))
    if base in seen:
        chain = " -> ".join(str(p) for p in (*seen, base))
        raise InputError(
            f"'extends' forms a cycle: {chain}",
            where=doc.where(("extends",)),
            fix="make the chain of 'extends' end at a rubric without 'extends'",
        )
    if not base.is_file():
        raise InputError(
            f"the rubric it extends, {base}, does not exist",
            where=doc.where(("extends",)),
            fix="write 'extends: default' or a path relative to this file",
        )
    return base


def _merge(
    base: list[tuple[dict[str, Any], _Origin]],
    overlay: list[tuple[dict[str, Any], _Origin]],
    remove: set[str],
    doc: Document,
    name: str,
) -> list[tuple[dict[str, Any], _Origin]]:
    by_id = {str(e["id"]): (e, o) for e, o in base}
    unknown = sorted(remove - set(by_id))
    if unknown and name == "criteria":
        raise InputError(
            f"'remove' names ids the base rubric does not have: {unknown}",
            where=doc.where(("remove",)),
        )
    for entry, origin in overlay:
        cid = str(entry["id"])
        if cid in by_id:
            by_id[cid] = ({**by_id[cid][0], **entry}, origin)
        else:
            by_id[cid] = (entry, origin)
    return (
        [v for k, v in by_id.items() if k not in remove]
        if name == "criteria"
        else list(by_id.values())
    )


_Entries = list[tuple[dict[str, Any], _Origin]]


def _collect(
    path: Path, seen: tuple[Path, ...] = ()
) -> tuple[Document, dict[str, Any], _Entries, _Entries]:
    doc = load_document(path)
    if not isinstance(doc.data, dict):
        raise InputError("a rubric file must be a mapping at the top level", where=str(path))
    goals = _entries(doc, "goals")
    criteria = _entries(doc, "criteria")
    if "extends" not in doc.data:
        header = {k: v for k, v in doc.data.items() if k not in {"goals", "criteria"}}
        return doc, header, goals, criteria
    seen = (*seen, doc.path.resolve())
    _, base_header, base_goals, base_criteria = _collect(_resolve_base(doc, seen), seen)
    if not doc.data.get("rubric") or doc.data.get("rubric") == base_header.get("rubric"):
        raise InputError(
            "a rubric that extends another needs its own 'rubric' id",
            where=doc.where(("rubric",)),
            fix=f"add for example 'rubric: {base_header.get('rubric', 'base')}-sector' so its "
            "results are never mistaken for the base rubric's",
        )
    remove = doc.data.get("remove", []) or []
    if not isinstance(remove, list):
        raise InputError("'remove' must be a list of ids", where=doc.where(("remove",)))
    removed = {str(r) for r in remove}
    goal_ids = {str(e["id"]) for e, _ in base_goals}
    header = {**base_header}
    header.update(
        {k: v for k, v in doc.data.items() if k not in {"goals", "criteria", "extends", "remove"}}
    )
    return (
        doc,
        header,
        _merge(base_goals, goals, removed & goal_ids, doc, "goals"),
        _merge(base_criteria, criteria, removed - goal_ids, doc, "criteria"),
    )


_SINGULAR = {"criteria": "criterion", "goals": "goal"}


def _is_data_key(part: object) -> bool:
    return isinstance(part, str) and "[" not in part and part not in _TYPE_NAMES


def _field_path(loc: tuple[object, ...]) -> tuple[str | int, ...]:
    """The data path of a pydantic error location, without the union member names it adds."""
    return tuple(p for p in loc if isinstance(p, int) or (isinstance(p, str) and _is_data_key(p)))


_TYPE_NAMES = frozenset({"float", "int", "str", "bool", "dict", "list", "function-after"})


def _raise_validation(
    exc: ValidationError, doc: Document, origins: dict[str, list[_Origin]], data: dict[str, Any]
) -> None:
    err = exc.errors()[0]
    loc = _field_path(tuple(err["loc"]))
    msg = str(err["msg"]).removeprefix("Value error, ")
    if len(loc) > 1 and loc[0] in origins and isinstance(loc[1], int):
        name = str(loc[0])
        origin = origins[name][loc[1]]
        entry_id = data[name][loc[1]].get("id", "?")
        field = loc[2:]
        field_txt = dotted_path(field) or "(entry)"
        raise InputError(
            f"{_SINGULAR[name]} '{entry_id}', field '{field_txt}': {msg}",
            where=origin.where(field),
            fix="see docs/rubric.md for the fields of a criterion and their ranges",
        ) from None
    raise InputError(
        f"field '{dotted_path(loc)}': {msg}",
        where=doc.where(loc),
        fix="see docs/rubric.md for the layout of a rubric file",
    ) from None


def _check_coverage(rubric: Rubric, doc: Document, origins: dict[str, list[_Origin]]) -> None:
    goal_ids = {g.id for g in rubric.goals}
    cited: set[str] = set()
    for i, c in enumerate(rubric.criteria):
        for g in c.goals:
            if g not in goal_ids:
                raise InputError(
                    f"criterion '{c.id}', field 'goals': unknown goal '{g}'",
                    where=origins["criteria"][i].where(("goals",)),
                    fix=f"cite one of the rubric's goal ids: {sorted(goal_ids)}",
                )
            cited.add(g)
    for phase in Phase:
        crit = rubric.for_phase(phase)
        if not crit:
            raise InputError(
                f"phase {int(phase)} ({phase.label()}) has no criteria",
                where=doc.where(("criteria",)),
                fix="give every phase at least one criterion with role 'gate'",
            )
        if not any(c.role == "gate" for c in crit):
            raise InputError(
                f"phase {int(phase)} ({phase.label()}) has no criterion with role 'gate'",
                where=doc.where(("criteria",)),
                fix="mark at least one criterion of the phase as role: gate",
            )
    for i, goal in enumerate(rubric.goals):
        if goal.id not in cited:
            raise InputError(
                f"goal '{goal.id}' is not tested by any criterion",
                where=origins["goals"][i].where(()),
                fix="cite the goal in a criterion's 'goals', or remove the goal",
            )


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate a rubric file, following ``extends``."""
    doc, header, goals, criteria = _collect(rubric_path(path))
    data: dict[str, Any] = {
        **header,
        "goals": [e for e, _ in goals],
        "criteria": [e for e, _ in criteria],
    }
    origins = {"goals": [o for _, o in goals], "criteria": [o for _, o in criteria]}
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        _raise_validation(exc, doc, origins, data)
        raise  # unreachable: _raise_validation always raises
    _check_coverage(rubric, doc, origins)
    return rubric


@lru_cache(maxsize=1)
def load_default_rubric() -> Rubric:
    return load_rubric(DEFAULT_RUBRIC_PATH)
