"""A figure, its floor and their ratio; percentiles; timing that interleaves target and floor.

>>> Figure("warm ask p50", 12.0, "ms", floor=10.0, floor_label="embed + query", target="<= 1.5").ratio
1.2
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured figure. ``target`` is ``"<= x"`` or ``">= x"`` on the ratio (or on the value when
    there is no floor)."""

    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_label: str = ""
    target: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor == 0:
            return None
        return round(self.value / self.floor, 3)

    @property
    def met(self) -> bool | None:
        if not self.target:
            return None
        operator, bound = self.target.split()
        subject = self.ratio if self.floor is not None else self.value
        if subject is None:
            return None
        return subject <= float(bound) if operator == "<=" else subject >= float(bound)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met}

    def line(self) -> str:
        value = _number(self.value)
        parts = [f"{self.name}: {value} {self.unit}".rstrip()]
        if self.floor is not None:
            parts.append(f"floor {_number(self.floor)} {self.unit} ({self.floor_label})".rstrip())
            parts.append(f"ratio {self.ratio:.2f}" if self.ratio is not None else "ratio n/a")
        if self.target:
            verdict = {True: "met", False: "MISSED", None: "?"}[self.met]
            parts.append(f"target {self.target} {verdict}")
        if self.note:
            parts.append(self.note)
        return " | ".join(parts)


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3g}"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation.

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95)
    (2.5, 3.85)
    """
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def interleaved(
    items: Sequence[Any], subject: Callable[[Any], object], floor: Callable[[Any], object]
) -> tuple[list[float], list[float]]:
    """Seconds per item for ``subject`` and for ``floor``, measured alternately.

    Alternating (and swapping which goes first) spreads the noise of a busy machine evenly over
    both series, so their ratio means something even when the absolute times wander.
    """
    subject_times: list[float] = []
    floor_times: list[float] = []
    for number, item in enumerate(items):
        order = ((subject, subject_times), (floor, floor_times))
        for function, times in order if number % 2 == 0 else reversed(order):
            start = time.perf_counter()
            function(item)
            times.append(time.perf_counter() - start)
    return subject_times, floor_times


def ms(seconds: Sequence[float], q: float) -> float:
    return round(1000 * percentile(seconds, q), 3)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
