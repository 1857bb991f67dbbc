"""How much a recommend still counts as it ages: the site's aging rule, as a value.

Two shapes are known from the sites we follow: an exponential decay with a half-life
(Daily Kos's current list, default 2 h) and a step table (the older Daily Kos rule: full
weight under 5 minutes, then 0.75, 0.5, 0.25, 0.1 up to a day). Both answer the two
questions the score needs: the weight of a rec of a given age, and the mean weight of recs
spread evenly over an age span (recs already present at a diary's first poll).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Literal

MIN_HALF_LIFE_HOURS = 1 / 60
# The older Daily Kos table: (age under which the weight applies, in hours; weight).
DAILY_KOS_STEPS: tuple[tuple[float, float], ...] = (
    (5 / 60, 1.0), (1.0, 0.75), (3.0, 0.5), (8.0, 0.25), (24.0, 0.1))


@dataclass(frozen=True)
class Curve:
    kind: Literal["exp", "step"] = "exp"
    half_life_hours: float = 2.0
    steps: tuple[tuple[float, float], ...] = DAILY_KOS_STEPS

    @staticmethod
    def exponential(half_life_hours: float) -> Curve:
        # Under a minute (zero, negative, NaN) is treated as one minute: scores stay finite.
        ok = half_life_hours if half_life_hours > MIN_HALF_LIFE_HOURS else MIN_HALF_LIFE_HOURS
        return Curve("exp", ok)

    @staticmethod
    def step(steps: tuple[tuple[float, float], ...] = DAILY_KOS_STEPS) -> Curve:
        return Curve("step", 0.0, tuple(sorted(steps)))

    @property
    def rate(self) -> float:
        return math.log(2) / max(self.half_life_hours, MIN_HALF_LIFE_HOURS)

    @property
    def horizon_hours(self) -> float:
        """Age past which a rec no longer counts (exponential: where it is under 1 %)."""
        if self.kind == "step":
            return self.steps[-1][0] if self.steps else 0.0
        return self.half_life_hours * math.log2(100)

    def weight(self, age_hours: float) -> float:
        age = max(age_hours, 0.0)
        if self.kind == "exp":
            return math.exp(-self.rate * age)
        for under, w in self.steps:
            if age < under:
                return w
        return 0.0

    def mean_weight(self, young: float, old: float) -> float:
        """Mean weight of recs spread evenly between ages ``young`` and ``old`` (hours)."""
        young, old = max(young, 0.0), max(old, 0.0)
        span = old - young
        if span <= 1e-9:
            return self.weight(young)
        if self.kind == "exp":
            x = self.rate * span
            # Mean of exp(-u) over [0, x], scaled to where the span starts.
            return self.weight(young) * (-math.expm1(-x) / x if x > 1e-9 else 1.0)
        total, start = 0.0, 0.0
        for under, w in self.steps:
            lo, hi = max(start, young), min(under, old)
            if hi > lo:
                total += w * (hi - lo)
            start = under
        return total / span

    def to_json(self) -> str:
        if self.kind == "exp":
            return json.dumps({"kind": "exp", "half_life_hours": self.half_life_hours})
        return json.dumps({"kind": "step", "steps": [list(s) for s in self.steps]})

    @staticmethod
    def from_json(text: str | None) -> Curve | None:
        """The curve ``to_json`` wrote; None for nothing or anything else (a stored value we
        cannot read falls back to the configured curve rather than break the board)."""
        try:
            data = json.loads(text) if text else None
            if not isinstance(data, dict):
                return None
            if data.get("kind") == "exp":
                return Curve.exponential(float(data["half_life_hours"]))
            if data.get("kind") == "step":
                steps = tuple((float(u), float(w)) for u, w in data["steps"])
                return Curve.step(steps) if steps else None
        except (ValueError, TypeError, KeyError):
            return None
        return None

    def describe(self) -> str:
        if self.kind == "exp":
            return f"half-life {self.half_life_hours:g} h"
        return "steps: " + ", ".join(f"{w:g} under {_span(under)}" for under, w in self.steps)


def _span(hours: float) -> str:
    return f"{hours * 60:g} min" if hours < 1 else f"{hours:g} h"
