"""Read, check and write world files (YAML or JSON).

:func:`load_world` validates the file with pydantic, then checks what a schema cannot (unique
handles and keys, references between posts, Reddit's titles and subreddits, chronology). Every
problem names the file, the line when it can be found cheaply, and the field path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from maturity.errors import InputError
from maturity.sandbox.emulator.world import (
    Inbound,
    InboundKind,
    Platform,
    PostType,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)
from maturity.yamlfile import PathKey, dotted_path, load_document

MAX_PROBLEMS = 25
LINE_LOOKUP_MAX_BYTES = 5_000_000
X_HANDLE = r"^[A-Za-z0-9_]{1,15}$"
REDDIT_NAME = r"^[A-Za-z0-9_-]{3,20}$"


class WorldFileError(InputError):
    """A world file that cannot be read or is not a valid world."""


@dataclass(frozen=True)
class Problem:
    path: PathKey
    message: str


@cache
def world_adapter() -> TypeAdapter[World]:
    return TypeAdapter(World)


def parse_world(data: Any) -> World:
    """Validate already-parsed data (raises pydantic's ``ValidationError``)."""
    return world_adapter().validate_python(data)


def world_to_json(world: World) -> bytes:
    """The canonical JSON form: same world, same bytes."""
    return world_adapter().dump_json(world, exclude_defaults=True)


def world_to_data(world: World) -> Any:
    return world_adapter().dump_python(world, mode="json", exclude_defaults=True)


def dump_world(world: World, path: str | Path) -> Path:
    """Write ``world`` as JSON (``.json``) or YAML (``.yaml``/``.yml``)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        p.write_bytes(world_to_json(world) + b"\n")
    elif suffix in {".yaml", ".yml"}:
        text = yaml.dump(
            world_to_data(world),
            Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=False,
            width=100,
        )
        p.write_text(text, encoding="utf-8")
    else:
        raise WorldFileError(
            f"unknown world file type '{p.suffix}'", where=str(p), fix="use .json, .yaml or .yml"
        )
    return p


def load_world(path: str | Path) -> World:
    """Read and check a world file; raise :class:`WorldFileError` naming file, line and field."""
    p = Path(path)
    data = _read(p)
    try:
        world = parse_world(data)
    except ValidationError as exc:
        problems = [
            Problem(tuple(err["loc"]), _message(err)) for err in exc.errors(include_url=False)
        ]
        raise _error(p, problems) from None
    problems = check_world(world)
    if problems:
        raise _error(p, problems)
    return world


def _message(err: Any) -> str:
    msg = str(err["msg"])
    if err["type"] == "unexpected_keyword_argument":
        return "unknown field"
    if err["type"] in ("missing", "missing_keyword_only_argument"):
        return "required field is missing"
    return msg


def _read(p: Path) -> Any:
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorldFileError("world file not found", where=str(p), fix="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorldFileError(f"cannot read world file: {exc}", where=str(p)) from None
    suffix = p.suffix.lower()
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise WorldFileError(
                f"malformed JSON: {exc.msg}",
                where=f"{p}:{exc.lineno}",
                fix="correct the JSON syntax at that line",
            ) from None
    if suffix in {".yaml", ".yml"}:
        try:
            return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise WorldFileError(
                f"malformed YAML: {getattr(exc, 'problem', None) or exc}",
                where=f"{p}{line}",
                fix="correct the YAML syntax at that line",
            ) from None
    raise WorldFileError(
        f"unknown world file type '{p.suffix}'", where=str(p), fix="use .json, .yaml or .yml"
    )


def _error(p: Path, problems: list[Problem]) -> WorldFileError:
    locate = _locator(p)
    lines = [f"{locate(pr.path)}: {pr.message}" for pr in problems[:MAX_PROBLEMS]]
    more = len(problems) - MAX_PROBLEMS
    if more > 0:
        lines.append(f"... and {more} more")
    what = f"invalid world file ({len(problems)} problem(s)):\n  " + "\n  ".join(lines)
    return WorldFileError(what, where=str(p), fix="see docs/emulator.md for the world file format")


def _locator(p: Path) -> Any:
    doc = None
    try:
        if p.stat().st_size <= LINE_LOOKUP_MAX_BYTES:
            doc = load_document(p)
    except (OSError, InputError):
        doc = None

    def locate(path: PathKey) -> str:
        if doc is not None:
            return doc.where(path)
        dotted = dotted_path(path)
        return f"{p} ({dotted})" if dotted else str(p)

    return locate


# --- checks a schema cannot express -------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    platform: Platform
    created_at: datetime
    path: PathKey
    handle: str
    submission: bool
    """Reddit: becomes a submission (t3) rather than a comment (t1)."""


def check_world(world: World) -> list[Problem]:
    """Cross-field problems of an already validated world, in file order."""
    problems: list[Problem] = []
    items = _collect_keys(world, problems)
    subs = {s.name.lower() for s in world.subreddits}
    _check_subreddits(world, problems)
    _check_orgs(world, problems)
    for i, org in enumerate(world.organisations):
        handles = {(a.platform, a.handle.lower()) for a in org.accounts}
        for j, acc in enumerate(org.accounts):
            base: PathKey = ("organisations", i, "accounts", j)
            _check_account(acc, base, problems)
            for k, post in enumerate(acc.posts):
                _check_post(acc, post, (*base, "posts", k), items, subs, problems)
            for k, msg in enumerate(acc.inbound):
                path: PathKey = (*base, "inbound", k)
                _check_inbound(acc, msg, path, items, subs, problems)
                if msg.response is not None:
                    _check_response(
                        org,
                        acc,
                        msg.response.by,
                        msg.response.delay,
                        (*path, "response"),
                        handles,
                        problems,
                    )
            if acc.pinned is not None:
                owner = items.get(acc.pinned)
                if owner is None or owner.handle != acc.handle or owner.platform != acc.platform:
                    problems.append(
                        Problem(
                            (*base, "pinned"), f"'{acc.pinned}' is not a post key of this account"
                        )
                    )
    return problems


def _collect_keys(world: World, problems: list[Problem]) -> dict[str, _Item]:
    items: dict[str, _Item] = {}

    def add(key: str | None, item: _Item) -> None:
        if key is None:
            return
        if key in items:
            problems.append(Problem((*item.path, "key"), f"key '{key}' is used twice"))
        else:
            items[key] = item

    for i, org in enumerate(world.organisations):
        for j, acc in enumerate(org.accounts):
            base: PathKey = ("organisations", i, "accounts", j)
            for k, post in enumerate(acc.posts):
                sub = post.type in (PostType.ORIGINAL, PostType.REPOST, PostType.QUOTE)
                add(
                    post.key,
                    _Item(acc.platform, post.created_at, (*base, "posts", k), acc.handle, sub),
                )
            for k, msg in enumerate(acc.inbound):
                path: PathKey = (*base, "inbound", k)
                add(
                    msg.key,
                    _Item(
                        acc.platform, msg.created_at, path, msg.author, msg.kind == InboundKind.POST
                    ),
                )
                if msg.response is not None:
                    add(
                        msg.response.key,
                        _Item(
                            acc.platform,
                            msg.created_at + msg.response.delay,
                            (*path, "response"),
                            msg.response.by or acc.handle,
                            False,
                        ),
                    )
    return items


def _check_orgs(world: World, problems: list[Problem]) -> None:
    seen_orgs: set[str] = set()
    seen_handles: dict[tuple[Platform, str], PathKey] = {}
    seen_ids: set[tuple[Platform, str]] = set()
    for i, org in enumerate(world.organisations):
        if org.id in seen_orgs:
            problems.append(
                Problem(("organisations", i, "id"), f"organisation id '{org.id}' is used twice")
            )
        seen_orgs.add(org.id)
        for j, acc in enumerate(org.accounts):
            path: PathKey = ("organisations", i, "accounts", j)
            hk = (acc.platform, acc.handle.lower())
            if hk in seen_handles:
                problems.append(
                    Problem(
                        (*path, "handle"), f"{acc.platform} handle '{acc.handle}' is used twice"
                    )
                )
            seen_handles.setdefault(hk, path)
            if acc.id is not None:
                if (acc.platform, acc.id) in seen_ids:
                    problems.append(Problem((*path, "id"), f"account id '{acc.id}' is used twice"))
                seen_ids.add((acc.platform, acc.id))


def _check_subreddits(world: World, problems: list[Problem]) -> None:
    seen: set[str] = set()
    for i, sub in enumerate(world.subreddits):
        if sub.name.lower() in seen:
            problems.append(
                Problem(("subreddits", i, "name"), f"subreddit '{sub.name}' is listed twice")
            )
        seen.add(sub.name.lower())


def _check_account(acc: WorldAccount, base: PathKey, problems: list[Problem]) -> None:
    pattern = REDDIT_NAME if acc.platform == Platform.REDDIT else X_HANDLE
    if not re.match(pattern, acc.handle):
        problems.append(
            Problem((*base, "handle"), f"'{acc.handle}' is not a valid {acc.platform} handle")
        )
    if acc.id is not None:
        reddit = acc.platform == Platform.REDDIT
        ok = re.match(r"^[0-9a-z]+$", acc.id) if reddit else acc.id.isdigit()
        if not ok:
            kind = "base-36 (0-9, a-z)" if reddit else "digits"
            problems.append(Problem((*base, "id"), f"an {acc.platform} account id is {kind}"))
    for k, msg in enumerate(acc.inbound):
        if not re.match(pattern, msg.author):
            problems.append(
                Problem(
                    (*base, "inbound", k, "author"),
                    f"'{msg.author}' is not a valid {acc.platform} handle",
                )
            )
        elif msg.author.lower() == acc.handle.lower():
            problems.append(
                Problem(
                    (*base, "inbound", k, "author"),
                    "an inbound message cannot come from the account itself",
                )
            )


def _check_target(
    target: str,
    created_at: datetime,
    platform: Platform,
    path: PathKey,
    items: dict[str, _Item],
    problems: list[Problem],
) -> _Item | None:
    item = items.get(target)
    if item is None:
        problems.append(Problem(path, f"no post or message has the key '{target}'"))
        return None
    if item.platform != platform:
        problems.append(Problem(path, f"'{target}' is on {item.platform}, not {platform}"))
        return None
    if item.created_at > created_at:
        problems.append(Problem(path, f"'{target}' was created after this item"))
    return item


def _check_post(
    acc: WorldAccount,
    post: WorldPost,
    path: PathKey,
    items: dict[str, _Item],
    subs: set[str],
    problems: list[Problem],
) -> None:
    needs_target = post.type != PostType.ORIGINAL
    if needs_target and post.target is None:
        problems.append(Problem((*path, "target"), f"a {post.type} needs a target"))
    if not needs_target and post.target is not None:
        problems.append(Problem((*path, "target"), "an original post has no target"))
    target = None
    if post.target is not None:
        target = _check_target(
            post.target, post.created_at, acc.platform, (*path, "target"), items, problems
        )
    if acc.platform != Platform.REDDIT:  # Mastodon and Bluesky posts are shaped as on X
        _reddit_only(post, ("title", "subreddit", "link"), path, problems)
    else:
        _check_reddit_post(acc, post, target, path, subs, problems)


def _reddit_only(
    item: WorldPost | Inbound, names: tuple[str, ...], path: PathKey, problems: list[Problem]
) -> None:
    for name in names:
        if getattr(item, name) is not None:
            problems.append(Problem((*path, name), f"'{name}' is for Reddit only"))


def _check_reddit_post(
    acc: WorldAccount,
    post: WorldPost,
    target: _Item | None,
    path: PathKey,
    subs: set[str],
    problems: list[Problem],
) -> None:
    if post.type == PostType.QUOTE:
        problems.append(Problem((*path, "type"), "Reddit has no quote posts"))
    if post.type == PostType.ORIGINAL and not post.title:
        problems.append(Problem((*path, "title"), "a Reddit submission needs a title"))
    if post.type == PostType.REPOST and target is not None and not target.submission:
        problems.append(Problem((*path, "target"), "a Reddit crosspost targets a submission"))
    if post.subreddit is not None:
        own = f"u_{acc.handle}".lower()
        if post.subreddit.lower() not in subs and post.subreddit.lower() != own:
            problems.append(
                Problem(
                    (*path, "subreddit"), f"subreddit '{post.subreddit}' is not in 'subreddits'"
                )
            )


def _check_inbound(
    acc: WorldAccount,
    msg: Inbound,
    path: PathKey,
    items: dict[str, _Item],
    subs: set[str],
    problems: list[Problem],
) -> None:
    if msg.target is not None:
        _check_target(msg.target, msg.created_at, acc.platform, (*path, "target"), items, problems)
    if msg.kind == InboundKind.REPLY and msg.target is None:
        problems.append(Problem((*path, "target"), "a reply needs the key of the post it answers"))
    if acc.platform != Platform.REDDIT:
        if msg.kind == InboundKind.POST:
            problems.append(Problem((*path, "kind"), "'post' is for Reddit only"))
        _reddit_only(msg, ("title", "subreddit"), path, problems)
    else:
        _check_reddit_inbound(msg, path, subs, problems)


def _check_reddit_inbound(
    msg: Inbound, path: PathKey, subs: set[str], problems: list[Problem]
) -> None:
    if msg.subreddit is not None and msg.subreddit.lower() not in subs:
        problems.append(
            Problem((*path, "subreddit"), f"subreddit '{msg.subreddit}' is not in 'subreddits'")
        )
    if msg.kind == InboundKind.POST:
        if msg.subreddit is None:
            problems.append(Problem((*path, "subreddit"), "a Reddit post needs a subreddit"))
        if not msg.title:
            problems.append(Problem((*path, "title"), "a Reddit post needs a title"))


def _check_response(
    org: WorldOrganisation,
    acc: WorldAccount,
    by: str | None,
    delay: timedelta,
    path: PathKey,
    handles: set[tuple[Platform, str]],
    problems: list[Problem],
) -> None:
    if delay < timedelta(0):
        problems.append(Problem((*path, "delay"), "the delay cannot be negative"))
    if by is not None and (acc.platform, by.lower()) not in handles:
        problems.append(
            Problem((*path, "by"), f"'{by}' is not a {acc.platform} account of '{org.id}'")
        )
