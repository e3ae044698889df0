"""Result objects: every number comes with the evidence that produced it.

A :class:`Trajectory` holds observable values with error estimates, the
precision and the method; a :class:`Limit` holds the large-time values with
their regime, decay law and a numerical cross-check; a :class:`Boundary` holds a
phase-boundary quantity with its exact closed form and, when certified, a
rigorous enclosure.  The command line, JSON and LaTeX only render these.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import mpmath as mp
import sympy as sp

from .exact import mp_to_decimal, mp_to_decimal_directed
from .params import Params

__all__ = [
    "Regime",
    "Estimate",
    "Trajectory",
    "Decay",
    "NumericCheck",
    "Limit",
    "Boundary",
]


class Regime(str, enum.Enum):
    """Large-time regime of a model at given parameters."""

    ABOVE = "above-threshold"
    AT = "at-threshold"
    BELOW = "below-threshold"
    CRITICAL_RATIO = "critical-ratio"

    def __str__(self) -> str:
        return self.value


def _dec(x: mp.mpf | None, dps: int) -> str | None:
    return None if x is None else mp_to_decimal(x, dps)


@dataclass(frozen=True)
class Estimate:
    """A value with an estimated absolute error (``None`` when exact)."""

    value: mp.mpf
    error: mp.mpf | None = None

    def to_json(self, dps: int) -> dict[str, str | None]:
        return {"value": _dec(self.value, dps), "error": _dec(self.error, 3)}


@dataclass(frozen=True)
class Trajectory:
    """Observables of a model along a list of times (or GD step counts).

    ``observables[name][i]`` is the :class:`Estimate` at ``times[i]``.  The error
    estimate is the difference of two independent evaluations (different node
    counts *and* precisions), never a quadrature rule's own estimate.
    """

    model: str
    params: Params
    dps: int
    times: tuple[sp.Rational, ...]
    time_name: str
    observables: Mapping[str, tuple[Estimate, ...]]
    method: str
    regime: Regime
    nodes: tuple[int, ...] = ()
    converged: bool = True
    notes: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> list[mp.mpf]:
        return [e.value for e in self.observables[name]]

    def errors(self, name: str) -> list[mp.mpf | None]:
        return [e.error for e in self.observables[name]]

    def max_error(self) -> mp.mpf:
        errs = [e.error for est in self.observables.values() for e in est if e.error is not None]
        return max(errs) if errs else mp.mpf(0)

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": self.params.to_json(),
            "dps": self.dps,
            "time_variable": self.time_name,
            "times": [str(t) for t in self.times],
            "observables": {
                k: [_dec(e.value, self.dps) for e in v] for k, v in self.observables.items()
            },
            "errors": {k: [_dec(e.error, 3) for e in v] for k, v in self.observables.items()},
            "regime": str(self.regime),
            "method": self.method,
            "nodes": list(self.nodes),
            "converged": self.converged,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Decay:
    """How the observables approach their limit: ``value ~ amplitude * law(t)``."""

    law: str  # e.g. "t^(-3/4)", "exp(-t (s1 - s+)) t^(-3/2)"
    exponent: sp.Rational | None
    amplitudes: Mapping[str, mp.mpf] = field(default_factory=dict)
    exact: Mapping[str, sp.Expr] = field(default_factory=dict)
    time_scale: mp.mpf | None = None  # relaxation time, when exponential
    note: str = ""


@dataclass(frozen=True)
class NumericCheck:
    """Evidence that an asymptotic statement holds: prediction vs evaluation."""

    description: str
    times: tuple[Any, ...]
    predicted: Mapping[str, mp.mpf]
    observed: Mapping[str, mp.mpf]
    relative_deviation: mp.mpf | None
    passed: bool | None  # None: not performed (see description)

    def to_json(self, dps: int) -> dict[str, Any]:
        return {
            "description": self.description,
            "times": [str(t) for t in self.times],
            "predicted": {k: _dec(v, dps) for k, v in self.predicted.items()},
            "observed": {k: _dec(v, dps) for k, v in self.observed.items()},
            "relative_deviation": _dec(self.relative_deviation, 3),
            "passed": self.passed,
        }


@dataclass(frozen=True)
class Limit:
    """The t -> infinity behaviour of a model's observables, regime by regime."""

    model: str
    params: Params
    dps: int
    regime: Regime
    values: Mapping[str, mp.mpf]
    exact: Mapping[str, sp.Expr]
    conditions: str
    decay: Decay | None = None
    check: NumericCheck | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "params": self.params.to_json(),
            "dps": self.dps,
            "regime": str(self.regime),
            "values": {k: _dec(v, self.dps) for k, v in self.values.items()},
            "exact": {k: sp.sstr(v) for k, v in self.exact.items()},
            "latex": {k: sp.latex(v) for k, v in self.exact.items()},
            "conditions": self.conditions,
        }
        if self.decay is not None:
            d = self.decay
            out["decay"] = {
                "law": d.law,
                "exponent": None if d.exponent is None else str(d.exponent),
                "amplitudes": {k: _dec(v, self.dps) for k, v in d.amplitudes.items()},
                "amplitudes_exact": {k: sp.sstr(v) for k, v in d.exact.items()},
                "time_scale": _dec(d.time_scale, self.dps),
                "note": d.note,
            }
        if self.check is not None:
            out["check"] = self.check.to_json(min(self.dps, 20))
        return out


@dataclass(frozen=True)
class Boundary:
    """A phase-boundary quantity (threshold, critical ratio, outlier, overlaps).

    ``values`` may hold several named numbers (``overlaps`` gives ``zeta_u`` and
    ``zeta_v``); ``value`` is the first.  ``enclosures`` is filled only by
    certified computations and then each interval provably contains the value.
    """

    model: str
    quantity: str
    params: Params
    dps: int
    values: Mapping[str, mp.mpf]
    exact: Mapping[str, sp.Expr]
    method: str
    regime: Regime | None = None
    note: str = ""
    enclosures: Mapping[str, tuple[mp.mpf, mp.mpf]] | None = None

    @property
    def value(self) -> mp.mpf:
        return next(iter(self.values.values()))

    def to_json(self) -> dict[str, Any]:
        first = next(iter(self.values))
        out: dict[str, Any] = {
            "model": self.model,
            "quantity": self.quantity,
            "params": self.params.to_json(),
            "dps": self.dps,
            "value": _dec(self.values[first], self.dps),
            "values": {k: _dec(v, self.dps) for k, v in self.values.items()},
            "exact": {k: sp.sstr(v) for k, v in self.exact.items()},
            "latex": {k: sp.latex(v) for k, v in self.exact.items()},
            "method": self.method,
        }
        if self.regime is not None:
            out["regime"] = str(self.regime)
        if self.note:
            out["note"] = self.note
        if self.enclosures is not None:
            # certified: the value is the enclosure's midpoint, printed with the same digits as
            # the outward-rounded bounds, so that lower <= value <= upper holds for the strings
            digits = self.dps + 5
            for k, (a, b) in self.enclosures.items():
                with mp.workdps(digits + 20):
                    mid = (a + b) / 2
                out["values"][k] = mp_to_decimal(mid, digits)
            out["value"] = out["values"][first]
            lo, hi = self.enclosures[first]
            out["lower"] = mp_to_decimal_directed(lo, self.dps + 5, "down")
            out["upper"] = mp_to_decimal_directed(hi, self.dps + 5, "up")
            out["enclosures"] = {
                k: {
                    "lower": mp_to_decimal_directed(a, self.dps + 5, "down"),
                    "upper": mp_to_decimal_directed(b, self.dps + 5, "up"),
                }
                for k, (a, b) in self.enclosures.items()
            }
        return out


def as_tuple(xs: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(xs)
