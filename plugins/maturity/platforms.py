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
