"""Result objects: every number comes with the evidence that produced it.

A :class:`Trajectory` holds observable values with error estimates, the
precision and the method; a :class:`Limit` holds the final (large-time) values
with their regime, approach law and a numerical cross-check; a :class:`Quantity`
holds a named scalar (a threshold, a learning time, an interval end) with its
exact closed form, alternative approximations with their error orders and, when
certified, a rigorous enclosure.  Regimes are the model's own labels (strings;
see ``Model.regimes``).  The command line, JSON and LaTeX only render these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import mpmath as mp
import sympy as sp

from .exact import mp_to_decimal, mp_to_decimal_directed
from .params import Params
from .tex import latex

__all__ = [
    "Estimate",
    "Trajectory",
    "Decay",
    "NumericCheck",
    "Limit",
    "Approximation",
    "Quantity",
    "Boundary",
]


def _regime(regime: Any) -> str | None:
    return None if regime is None else str(regime)


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
    regime: str | None = None
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
            "regime": _regime(self.regime),
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
    """The final state of a model's dynamics (t -> infinity), with its regime.

    ``values`` are the limits of observables or of other named final quantities (e.g. the
    final loss); ``decay`` says how they are approached, ``check`` is the numerical evidence.
    """

    model: str
    params: Params
    dps: int
    regime: str | None
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
            "regime": _regime(self.regime),
            "values": {k: _dec(v, self.dps) for k, v in self.values.items()},
            "exact": {k: sp.sstr(v) for k, v in self.exact.items()},
            "latex": {k: latex(v) for k, v in self.exact.items()},
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
class Approximation:
    """An alternative estimate of a quantity: an asymptotic formula, a flow estimate of a step
    count, a modified-equation correction, with what it neglects (``error``, e.g.
    ``"O(alpha^(2 gamma_k)) with gamma_k = 1/3"``) and, when known, its deviation from the value."""

    name: str
    values: Mapping[str, mp.mpf]
    description: str
    error: str = ""
    exact: Mapping[str, sp.Expr] = field(default_factory=dict)
    deviation: Mapping[str, mp.mpf] = field(default_factory=dict)

    def to_json(self, dps: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "values": {k: _dec(v, dps) for k, v in self.values.items()},
            "description": self.description,
            "error": self.error,
        }
        if self.exact:
            out["exact"] = {k: sp.sstr(v) for k, v in self.exact.items()}
        if self.deviation:
            out["deviation"] = {k: _dec(v, 5) for k, v in self.deviation.items()}
        return out


@dataclass(frozen=True)
class Quantity:
    """A named scalar quantity (threshold, critical ratio, learning time, interval end, ...).

    ``values`` may hold several named numbers (``overlaps`` gives ``zeta_u`` and
    ``zeta_v``); ``value`` is the first.  A value may be ``mp.inf`` (a component that
    is never learned), printed ``"inf"``.  ``enclosures`` is filled only by certified
    computations and then each interval provably contains the value.
    ``approximations`` are alternative estimates with their error orders; ``check``
    is numerical evidence for an asymptotic statement.
    """

    model: str
    quantity: str
    params: Params
    dps: int
    values: Mapping[str, mp.mpf]
    exact: Mapping[str, sp.Expr]
    method: str
    regime: str | None = None
    note: str = ""
    enclosures: Mapping[str, tuple[mp.mpf, mp.mpf]] | None = None
    approximations: tuple[Approximation, ...] = ()
    check: NumericCheck | None = None

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
            "latex": {k: latex(v) for k, v in self.exact.items()},
            "method": self.method,
        }
        if self.regime is not None:
            out["regime"] = str(self.regime)
        if self.note:
            out["note"] = self.note
        if self.approximations:
            out["approximations"] = {a.name: a.to_json(self.dps) for a in self.approximations}
        if self.check is not None:
            out["check"] = self.check.to_json(min(self.dps, 20))
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


#: The former name of :class:`Quantity` (the command-line verb stays ``boundary``).
Boundary = Quantity
