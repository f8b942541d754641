"""A loopback emulator of X API v2 and Reddit's OAuth API for tests, the demo and benchmarks.

It serves a :class:`World` (read from a world file or made by :func:`generate_world`) in the
platforms' real wire formats, so that tweepy and PRAW run unmodified against it, with rate
limits, call counts and programmable faults. docs/emulator.md is the manual.
"""

from __future__ import annotations

from maturity.sandbox.emulator.faults import Fault, FaultKind
from maturity.sandbox.emulator.generator import generate_world
from maturity.sandbox.emulator.ratelimits import GENEROUS, REALISTIC, EmulatedLimit
from maturity.sandbox.emulator.server import Emulator
from maturity.sandbox.emulator.world import (
    AccountFunction,
    AccountStatus,
    Inbound,
    InboundKind,
    Metrics,
    OrgAnswer,
    OrgKind,
    Platform,
    PostType,
    Subreddit,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)
from maturity.sandbox.emulator.worldfile import (
    WorldFileError,
    check_world,
    dump_world,
    load_world,
    world_to_json,
)

__all__ = [
    "GENEROUS",
    "REALISTIC",
    "AccountFunction",
    "AccountStatus",
    "EmulatedLimit",
    "Emulator",
    "Fault",
    "FaultKind",
    "Inbound",
    "InboundKind",
    "Metrics",
    "OrgAnswer",
    "OrgKind",
    "Platform",
    "PostType",
    "Subreddit",
    "World",
    "WorldAccount",
    "WorldFileError",
    "WorldOrganisation",
    "WorldPost",
    "check_world",
    "dump_world",
    "generate_world",
    "load_world",
    "world_to_json",
]
