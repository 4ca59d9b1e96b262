"""Latency: how long one question takes, as percentiles over a run.

>>> percentile([0.1, 0.2, 0.3, 0.4], 50), percentile([0.1, 0.2, 0.3, 0.4], 95)
(0.2, 0.4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile: with the n values sorted ascending, the value at rank ⌈percent/100 · n⌉.

    p50 is the median question time, p95 the time 95% of questions stay within. Nearest rank
    always returns a measured value (no interpolation); None when there are no values.

    >>> percentile([3.0, 1.0, 2.0], 50)
    2.0
    """
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in (0, 100], got {percent}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]
