"""The organisation registry (docs/registry.md) that goes with a world: every organisation
and all its accounts, so that ``maturity collect``/``assess`` can run against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from maturity.connectors.emulator.world import Platform, World


def registry_data(world: World) -> dict[str, Any]:
    """The registry as plain data; Reddit accounts name the subreddit they moderate."""
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
                "handle": acc.handle,
                "function": acc.function.value,
            }
            own = moderated.get(acc.handle.lower())
            if acc.platform == Platform.REDDIT and own is not None:
                entry["subreddit"] = own
            accounts.append(entry)
        orgs.append(
            {"id": org.id, "name": org.name, "sector": org.kind.value, "accounts": accounts}
        )
    return {"organisations": orgs}


def dump_registry(world: World, path: str | Path) -> Path:
    """Write the registry of ``world`` as YAML (or JSON for ``.json``)."""
    import json

    p = Path(path)
    data = registry_data(world)
    if p.suffix.lower() == ".json":
        p.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p
