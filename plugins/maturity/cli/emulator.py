"""``maturity emulator`` (serve a world on loopback) and ``maturity emulator-world`` (write one).

Only typer and pathlib are imported at module level; the emulator loads inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from maturity.cli.errors import handle_errors

if TYPE_CHECKING:
    from datetime import datetime

    from maturity.sandbox.emulator import World

WorldOption = Annotated[
    Path | None,
    typer.Option(
        "--world",
        help="World file (YAML or JSON, see docs/emulator.md). Default: generate one.",
        show_default=False,
    ),
]
OrgsOption = Annotated[
    int, typer.Option("--orgs", min=0, help="Organisations to generate (without --world).")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the generated world.")]
DaysOption = Annotated[
    int, typer.Option("--days", min=1, help="Length of the generated period in days.")
]
EndOption = Annotated[
    str | None,
    typer.Option(
        "--end",
        help="End of the generated period (ISO date, UTC). Default: today. "
        "Give it to get the same bytes on another day.",
        show_default=False,
    ),
]


def _period(days: int, end: str | None) -> tuple[datetime, datetime]:
    from datetime import UTC, datetime, timedelta

    from maturity.errors import InputError

    if end is None:
        stop = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        try:
            stop = datetime.fromisoformat(end)
        except ValueError:
            raise InputError(
                f"'{end}' is not an ISO date", where="--end", fix="write e.g. 2026-11-02"
            ) from None
        stop = stop.replace(tzinfo=UTC) if stop.tzinfo is None else stop.astimezone(UTC)
    return stop - timedelta(days=days), stop


def _world(world: Path | None, orgs: int, seed: int, days: int, end: str | None) -> World:
    from maturity.sandbox.emulator import generate_world, load_world

    if world is not None:
        return load_world(world)
    start, stop = _period(days, end)
    return generate_world(orgs, seed, start, stop)


@handle_errors
def emulator_command(
    world: WorldOption = None,
    orgs: OrgsOption = 12,
    seed: SeedOption = 1,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port; 0 picks a free one.")
    ] = 0,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    days: DaysOption = 91,
    end: EndOption = None,
    limits: Annotated[
        Literal["realistic", "generous"],
        typer.Option(
            "--limits",
            help="realistic: the published per-app limits; generous: never runs out.",
        ),
    ] = "realistic",
    bearer_token: Annotated[
        str, typer.Option("--bearer-token", help="X bearer token clients must send.")
    ] = "emulator-bearer-token",
    reddit_client_id: Annotated[str, typer.Option("--reddit-client-id")] = "emulator-client-id",
    reddit_client_secret: Annotated[
        str, typer.Option("--reddit-client-secret")
    ] = "emulator-client-secret",
    reddit_password: Annotated[
        str,
        typer.Option("--reddit-password", help="Password of every organisation's Reddit account."),
    ] = "emulator-password",
    seconds: Annotated[
        float,
        typer.Option("--seconds", min=0, help="Stop after this many seconds; 0 runs until Ctrl-C."),
    ] = 0,
) -> None:
    """Serve X API v2 and Reddit's OAuth API for a world on a loopback port until Ctrl-C."""
    import json
    import time

    from maturity.sandbox.emulator import GENEROUS, REALISTIC, Emulator

    served = _world(world, orgs, seed, days, end)
    emu = Emulator(
        served,
        bearer_token=bearer_token,
        reddit_client_id=reddit_client_id,
        reddit_client_secret=reddit_client_secret,
        reddit_password=reddit_password,
        limits=GENEROUS if limits == "generous" else REALISTIC,
        host=host,
        port=port,
    ).start()
    source = str(world) if world is not None else f"generated: {orgs} organisations, seed {seed}"
    period = f"{served.start:%Y-%m-%d} .. {served.end:%Y-%m-%d}" if served.start else "-"
    lines = [
        f"Emulator serving {len(served.organisations)} organisations ({source}; {period})",
        f"  X API v2      {emu.x_base_url}/2/...    bearer token: {bearer_token}",
        f"  Reddit OAuth  {emu.reddit_oauth_url}     token endpoint: "
        f"{emu.reddit_www_url}/api/v1/access_token",
        f"  Control       {emu.url}/_emulator/health   (calls, faults, limits, reset)",
        "Point the connectors at it:",
    ]
    lines += [f"  export {k}='{v}'" for k, v in emu.connection_env().items()]
    lines.append(
        '  (Reddit inbox: add "username" and "password": '
        f"{json.dumps(reddit_password)} to the Reddit extra)"
    )
    lines.append("Ctrl-C stops." if not seconds else f"Stopping after {seconds:g} s.")
    typer.echo("\n".join(lines))
    try:
        if seconds:
            time.sleep(seconds)
        else:
            emu.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    calls = emu.calls
    typer.echo(f"Stopped after {sum(calls.values())} calls.")


@handle_errors
def emulator_world_command(
    out: Annotated[Path, typer.Argument(help="File to write: .json, .yaml or .yml.")],
    orgs: OrgsOption = 12,
    seed: SeedOption = 1,
    days: DaysOption = 91,
    end: EndOption = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Also write the organisation registry of the world (YAML, or .json).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Generate a world (every maturity phase, fictional organisations) and write it to a file."""
    from collections import Counter

    from maturity.sandbox.emulator import dump_world
    from maturity.sandbox.emulator.registry import dump_registry

    world = _world(None, orgs, seed, days, end)
    path = dump_world(world, out)
    if registry is not None:
        written = dump_registry(world, registry, with_questionnaires=True)
        typer.echo(f"Wrote {written}: the registry of this world, with its questionnaires.")
    phases = Counter(org.phase for org in world.organisations)
    posts = sum(len(a.posts) for a in world.accounts())
    inbound = sum(len(a.inbound) for a in world.accounts())
    spread = ", ".join(f"phase {p}: {phases[p]}" for p in sorted(phases, key=lambda p: p or 0))
    typer.echo(
        f"Wrote {path}: {len(world.organisations)} organisations ({spread}), "
        f"{posts} posts, {inbound} inbound messages, {len(world.subreddits)} subreddits."
    )
