"""Platform identifiers shared by connectors, metrics, rubric and warehouse."""

from __future__ import annotations

from typing import Final

X: Final = "x"
REDDIT: Final = "reddit"
MASTODON: Final = "mastodon"
BLUESKY: Final = "bluesky"

#: Platforms the product knows. A platform is listed here before its connector exists so that
#: rubric thresholds and registry entries can name it; coverage only counts measured ones.
KNOWN_PLATFORMS: Final[tuple[str, ...]] = (X, REDDIT, MASTODON, BLUESKY)

#: The platform value of an organisation-wide metric, aggregated over every measured platform.
ALL: Final = "all"


def known_platform(value: str, *, allow_all: bool = False) -> str:
    """``value`` when it is a known platform (or ``all`` when allowed), else a ``ValueError``
    that lists the valid ones: the check every input file's validator shares."""
    if value in KNOWN_PLATFORMS or (allow_all and value == ALL):
        return value
    valid = [ALL, *KNOWN_PLATFORMS] if allow_all else list(KNOWN_PLATFORMS)
    raise ValueError(f"unknown platform '{value}'; use one of {valid}")
