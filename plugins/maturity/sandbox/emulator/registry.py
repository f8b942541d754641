"""The organisation registry (docs/registry.md) that goes with a world: every organisation
and all its accounts, so that ``maturity collect``/``assess`` can run against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from maturity.sandbox.emulator.mastodon_store import registry_handle
from maturity.sandbox.emulator.world import Platform, World


def registry_data(world: World, questionnaires: dict[str, str] | None = None) -> dict[str, Any]:
    """The registry as plain data; Reddit accounts name the subreddit they moderate, and an
    organisation with an entry in ``questionnaires`` points at that (relative) path."""
    moderated: dict[str, str] = {}
    for sub in world.subreddits:
        for name in sub.moderators:
            moderated.setdefault(name.lower(), sub.name)
    orgs = []
    for org in world.organisations:
        accounts: list[dict[str, Any]] = []
        for acc in org.accounts:
            entry: dict[str, Any] = {
                "platform": acc.platform.value,
                "handle": registry_handle(org, acc),
                "function": acc.function.value,
            }
            own = moderated.get(acc.handle.lower())
            if acc.platform == Platform.REDDIT and own is not None:
                entry["subreddit"] = own
            accounts.append(entry)
        entry_org: dict[str, Any] = {
            "id": org.id,
            "name": org.name,
            "sector": org.kind.value,
            "accounts": accounts,
        }
        if questionnaires and org.id in questionnaires:
            entry_org["questionnaire"] = questionnaires[org.id]
        orgs.append(entry_org)
    return {"organisations": orgs}


def dump_registry(world: World, path: str | Path, *, with_questionnaires: bool = False) -> Path:
    """Write the registry of ``world`` as YAML (or JSON for ``.json``).

    ``with_questionnaires`` also writes each organisation's generated questionnaire into a
    ``questionnaires/`` folder beside the registry and points the registry at it.
    """
    import json

    p = Path(path)
    paths: dict[str, str] = {}
    if with_questionnaires:
        from maturity.rubric import load_default_rubric
        from maturity.sandbox.emulator.questionnaires import dump_questionnaires

        written = dump_questionnaires(world, p.parent / "questionnaires", load_default_rubric())
        paths = {org_id: str(q.relative_to(p.parent)) for org_id, q in written.items()}
    data = registry_data(world, paths)
    if p.suffix.lower() == ".json":
        p.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p
