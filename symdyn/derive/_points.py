"""Seeded random exact rational parameter points (the sampler of the point-based checks)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import sympy as sp

__all__ = ["Points", "Point"]

Point = Mapping[sp.Symbol, sp.Rational]


def _check_exact(expr: Any, what: str) -> None:
    if isinstance(expr, sp.Basic) and expr.atoms(sp.Float):
        raise ValueError(f"{what} holds float literals {sorted(map(str, expr.atoms(sp.Float)))}: use sympy.Rational")


@dataclass(frozen=True)
class Points:
    """Seeded random exact rational parameter points.

    Parameters
    ----------
    ranges : mapping Symbol -> (lo, hi)
        Each symbol is drawn uniformly among rationals ``lo + (hi - lo) j/q`` with
        a random denominator ``q`` in ``[50, 500]`` and ``0 < j < q``; integer
        symbols (``is_integer``) are drawn among the integers ``lo..hi``.
    fixed : mapping Symbol -> number, optional
        Exact values held fixed (e.g. ``c = 1``).
    count : int
        Number of points.
    where : callable, optional
        Predicate on the point (exact); points that fail it are redrawn.
    label : str
        LaTeX-flavoured description of the region (e.g. ``"$\\theta^4 > c$, $c < 1$"``).

    >>> th = sp.Symbol("theta", positive=True)
    >>> pts = Points({th: (0, 2)}, count=2, where=lambda p: p[th] > 1, label="$\\\\theta > 1$")
    >>> all(p[th] > 1 for p in pts.sample(random.Random(0)))
    True
    """

    ranges: Mapping[sp.Symbol, tuple[Any, Any]]
    fixed: Mapping[sp.Symbol, Any] = field(default_factory=dict)
    count: int = 2
    where: Callable[[Point], bool] | None = None
    label: str = ""
    max_tries: int = 10_000

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("Points.count must be at least 1")
        for sym, (lo, hi) in self.ranges.items():
            if not sp.Rational(lo) < sp.Rational(hi):
                raise ValueError(f"empty range for {sym}: ({lo}, {hi})")
        for v in self.fixed.values():
            _check_exact(sp.sympify(v), "a fixed point value")

    def sample(self, rng: random.Random) -> list[dict[sp.Symbol, sp.Rational]]:
        out = []
        for _ in range(self.count):
            for _ in range(self.max_tries):
                point: dict[sp.Symbol, sp.Rational] = {s: sp.sympify(v) for s, v in self.fixed.items()}
                for sym, (lo, hi) in self.ranges.items():
                    lo, hi = sp.Rational(lo), sp.Rational(hi)
                    if sym.is_integer:
                        point[sym] = sp.Integer(rng.randint(int(sp.ceiling(lo)), int(sp.floor(hi))))
                    else:
                        q = rng.randint(50, 500)
                        point[sym] = lo + (hi - lo) * sp.Rational(rng.randint(1, q - 1), q)
                if self.where is None or bool(self.where(point)):
                    out.append(point)
                    break
            else:
                raise ValueError(f"no point satisfies the condition {self.label!r} after {self.max_tries} draws")
        return out


def _point_json(point: Point) -> dict[str, str]:
    return {str(k): str(v) for k, v in point.items()}


def _regions(points: Points | Sequence[Points]) -> tuple[Points, ...]:
    if isinstance(points, Points):
        return (points,)
    out = tuple(points)
    if not out or not all(isinstance(p, Points) for p in out):
        raise TypeError("points must be a Points object or a non-empty sequence of them")
    return out
