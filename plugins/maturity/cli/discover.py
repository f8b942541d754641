"""``maturity discover ORG --website URL``: propose an organisation's official accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from maturity.cli.errors import handle_errors
from maturity.cli.options import Lang


@handle_errors
def discover_command(
    org: Annotated[str, typer.Argument(help="Organisation id for the registry, e.g. gemeente-x.")],
    website: Annotated[
        str, typer.Option("--website", help="The page of the website that lists its accounts.")
    ],
    function: Annotated[
        list[str] | None,
        typer.Option(
            "--function",
            help="Override a guessed function: HANDLE=FUNCTION (repeatable).",
        ),
    ] = None,
    resolve: Annotated[
        list[str] | None,
        typer.Option(
            "--resolve",
            help="Send a host's requests elsewhere: HOST=URL (repeatable), as curl's option.",
        ),
    ] = None,
    appview: Annotated[
        str, typer.Option("--appview", help="Bluesky AppView to ask (no login).")
    ] = "https://public.api.bsky.app",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the proposed registry entry here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the discovery as JSON.")] = False,
    lang: Lang = "en",
) -> None:
    """Find an organisation's official accounts from its website, each with its proof.

    Reads rel=me and profile links on the page, checks Mastodon profiles for a (verified) link
    back and Bluesky handles on the organisation's domain, guesses each account's function and
    prints a registry entry to review. Exit 0 when accounts are proposed, 1 when none are.
    """
    import json
    import re

    from rich.console import Console

    from maturity.discovery.discover import discover
    from maturity.discovery.hosts import HostMap
    from maturity.discovery.proposal import to_data, to_yaml
    from maturity.errors import InputError
    from maturity.registry import FUNCTIONS, ORG_ID_PATTERN

    if not re.fullmatch(ORG_ID_PATTERN.strip("^$"), org):
        raise InputError(
            f"'{org}' is not an organisation id",
            where="ORG",
            fix="use lower-case letters, digits and dashes, e.g. gemeente-duinwijk",
        )
    overrides: dict[str, str] = {}
    for entry in function or []:
        handle, sep, name = entry.partition("=")
        if not sep or not handle or name not in FUNCTIONS:
            raise InputError(
                f"'{entry}' is not HANDLE=FUNCTION",
                where="--function",
                fix=f"use one of the functions {list(FUNCTIONS)}, "
                "e.g. --function DuinwijkHelpt=service",
            )
        overrides[handle] = name
    found = discover(
        org,
        website,
        hosts=HostMap.parse(resolve or []),
        appview=appview,
        functions=overrides,
    )
    text = json.dumps(to_data(found), indent=2, ensure_ascii=False) + "\n" if as_json else None
    proposal = to_yaml(found, lang)
    if out is not None:
        out.write_text(proposal, encoding="utf-8")
    stdout = Console(soft_wrap=True, highlight=False, markup=False)
    stderr = Console(stderr=True, soft_wrap=True, highlight=False)
    if text is not None:
        stdout.out(text, end="")
    elif out is None:
        stdout.out(proposal, end="")
    n = len(found.proposed)
    skipped = len(found.candidates) - n
    summary = (
        f"{n} account(s) proposed, {skipped} not confirmed"
        if lang == "en"
        else f"{n} account(s) voorgesteld, {skipped} niet bevestigd"
    )
    stderr.print(summary + (f"; written to {out}" if out is not None else ""), markup=False)
    if n == 0:
        raise typer.Exit(code=1)
