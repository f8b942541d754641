"""The Wilson score interval for a proportion: small samples give wide intervals."""

from __future__ import annotations

import math

#: Two-sided 95% normal quantile.
Z95 = 1.959963984540054


def wilson_interval(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Return the Wilson interval ``(low, high)`` of a proportion ``p`` observed over ``n``.

    ``n == 0`` carries no information and gives ``(0.0, 1.0)``.
    """
    if n <= 0:
        return 0.0, 1.0
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"proportion {p} is outside [0, 1]")
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
