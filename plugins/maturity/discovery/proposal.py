"""A discovery as registry entries to review (YAML) or as data (JSON).

The YAML is a registry file (docs/registry.md) with one organisation: the proposed accounts,
each preceded by a comment with its proofs and why it got its function. Every account passes the
registry's own validation before it is written, so the file loads as it is.
"""

from __future__ import annotations

from typing import Any

import yaml

from maturity.discovery.discover import Candidate, Discovery
from maturity.registry import Account, Organisation

HEADER = {
    "en": "Proposed by `maturity discover`: check every account and its proof before use.",
    "nl": "Voorgesteld door `maturity discover`: controleer elk account en het bewijs.",
}


def _comment(text: str) -> str:
    # Comments hold text from the website and profiles: one line, no YAML can break out.
    return "# " + " ".join(text.replace("\r", " ").replace("\n", " ").split())


def account_entry(c: Candidate) -> dict[str, str]:
    entry = {"platform": c.platform, "handle": c.handle, "function": c.classification.function}
    if c.subreddit:
        entry["subreddit"] = c.subreddit
    Account.model_validate(entry)  # the registry's rules, before anything is written
    return entry


def to_yaml(discovery: Discovery, lang: str = "en") -> str:
    title = (discovery.title or discovery.org_id).strip()
    org = {"id": discovery.org_id, "name": title}
    Organisation.model_validate({**org, "accounts": [account_entry(c) for c in discovery.proposed]})
    lines = [_comment(HEADER[lang]), _comment(f"website: {discovery.website}")]
    lines += [_comment(n) for n in discovery.notes]
    lines.append("organisations:")
    head = yaml.safe_dump([org], sort_keys=False, allow_unicode=True, width=1000)
    lines += ["  " + line for line in head.rstrip().splitlines()]
    lines.append("    accounts:")
    for c in discovery.proposed:
        proofs = "; ".join(f"{p.label(lang)} ({p.detail})" for p in c.proofs)
        lines.append("      " + _comment(f"{c.strength}: {proofs}"))
        lines.append("      " + _comment(f"function: {c.classification.reason()}"))
        flow = yaml.safe_dump(account_entry(c), default_flow_style=True, sort_keys=False)
        lines.append("      - " + flow.strip())
    for c in discovery.candidates:
        if c.status != "proposed":
            lines.append(_comment(f"not proposed: {c.platform} {c.handle}: {c.reason}"))
    return "\n".join(lines) + "\n"


def to_data(discovery: Discovery) -> dict[str, Any]:
    return {
        "org_id": discovery.org_id,
        "website": discovery.website,
        "title": discovery.title,
        "notes": list(discovery.notes),
        "candidates": [
            {
                "platform": c.platform,
                "handle": c.handle,
                "status": c.status,
                "reason": c.reason or None,
                "strength": c.strength if c.status == "proposed" else None,
                "function": c.classification.function,
                "function_reason": c.classification.reason(),
                "subreddit": c.subreddit,
                "proofs": [{"kind": p.kind, "detail": p.detail} for p in c.proofs],
            }
            for c in discovery.candidates
        ],
    }
