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

from .exact import enclosure_decimals, enclosure_midpoint, mp_to_decimal, readable
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
    "table_text",
    "tex_name",
    "tex_number",
]


def _regime(regime: Any) -> str | None:
    return None if regime is None else str(regime)


def _dec(x: mp.mpf | None, dps: int) -> str | None:
    return None if x is None else mp_to_decimal(x, dps)


def _digits(x: mp.mpf) -> int:
    """The decimal digits an mpf carries (its mantissa's bits), at least 15."""
    man = x._mpf_[1] if isinstance(x, mp.mpf) else 0
    return max(15, int(int(man).bit_length() * 0.30103))


def table_text(title: str, columns: list[str], rows: list[list[str]]) -> str:
    """Plain aligned columns (full-precision numbers stay on one line, easy to copy)."""
    widths = [max(len(col), *(len(r[i]) for r in rows)) if rows else len(col) for i, col in enumerate(columns)]
    lines = [title, "  ".join(col.ljust(w) for col, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu", "nu",
          "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def tex_name(name: str) -> str:
    """A result's name in LaTeX: ``m_u`` -> ``m_{u}``, ``theta_c`` -> ``\\theta_{c}``, ``energy`` ->
    ``\\mathrm{energy}``.

    >>> print(tex_name("m_u"), tex_name("lambda_star"), tex_name("energy"))
    m_{u} \\lambda_{\\mathrm{star}} \\mathrm{energy}
    """
    base, _, sub = name.partition("_")

    def atom(w: str) -> str:
        if w in _GREEK:
            return "\\" + w
        return w if len(w) == 1 or w.isdigit() else r"\mathrm{" + w.replace("-", "\\text{-}") + "}"

    return atom(base) + ("" if not sub else "_{" + atom(sub) + "}")


def tex_number(text: str) -> str:
    """A decimal string in LaTeX: ``1.5e-20`` -> ``1.5 \\times 10^{-20}``; ``inf`` -> ``\\infty``."""
    if text in ("inf", "-inf"):
        return text.replace("inf", r"\infty")
    mant, e, exp = text.lower().partition("e")
    return mant if not e else f"{mant} \\times 10^{{{int(exp)}}}"


@dataclass(frozen=True)
class Estimate:
    """A value with an estimated absolute error (``None`` when exact)."""

    value: mp.mpf
    error: mp.mpf | None = None

    def to_json(self, dps: int) -> dict[str, str | None]:
        return {"value": _dec(self.value, dps), "error": _dec(self.error, 3)}

    def __str__(self) -> str:
        """Every digit the value carries, and the error estimate: ``0.2320...  (error 7.3e-54)``."""
        text = mp_to_decimal(self.value, _digits(self.value))
        return text if self.error is None else f"{text}  (error {mp.nstr(self.error, 2)})"

    def _repr_latex_(self) -> str:
        text = tex_number(mp_to_decimal(self.value, _digits(self.value)))
        if self.error is None:
            return f"${text}$"
        return f"${text} \\pm {tex_number(mp.nstr(self.error, 2))}$"


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

    def _rows(self) -> list[list[str]]:
        rows = []
        for i, t in enumerate(self.times):
            row = [str(t)] + [mp_to_decimal(self.observables[o][i].value, self.dps) for o in self.observables]
            errs = [e for e in (self.observables[o][i].error for o in self.observables) if e is not None]
            row.append(mp.nstr(max(errs), 2) if errs else "")
            rows.append(row)
        return rows

    def __str__(self) -> str:
        """The table ``symdyn eval`` prints: every value at ``dps`` digits, the largest error estimate."""
        regime = "" if self.regime is None else f"  regime: {self.regime}"
        lines = [table_text(f"{self.model}{regime}  ({self.dps} digits)",
                            [self.time_name] + list(self.observables) + ["max error"], self._rows()),
                 f"method: {self.method}"]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        names = list(self.observables)
        head = " & ".join([self.time_name] + [f"{tex_name(n)}({self.time_name})" for n in names]
                          + [r"\text{max error}"])
        body = r" \\ ".join(" & ".join([r[0]] + [tex_number(x) for x in r[1:-1]] + [tex_number(r[-1]) if r[-1] else ""])
                             for r in self._rows())
        regime = "" if self.regime is None else f", {self.regime}"
        return (f"$\\begin{{array}}{{r|{'l' * len(names)}|l}} {head} \\\\ \\hline {body} \\end{{array}}"
                f"\\quad \\text{{({self.model}{regime}, {self.dps} digits)}}$")

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "params": self.params.to_json(),
            "params_exact": self.params.exact_json(),
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

    def __str__(self) -> str:
        """What ``symdyn limit`` prints: regime, every value at ``dps`` digits with its closed form, the
        approach law with its amplitudes, the numerical check."""
        lines = []
        if self.regime is not None:
            lines.append(f"regime: {self.regime}   ({self.conditions})")
        elif self.conditions:
            lines.append(self.conditions)
        for k, v in self.values.items():
            exact = f"   [= {readable(self.exact[k])}]" if k in self.exact else ""
            lines.append(f"  {k}(inf) = {mp_to_decimal(v, self.dps)}{exact}")
        if self.decay is not None:
            d = self.decay
            lines.append(f"approach: {d.law}" + (f"   ({d.note})" if d.note else ""))
            lines += [f"  amplitude {k}: {mp_to_decimal(v, self.dps)}" for k, v in d.amplitudes.items()]
            if d.time_scale is not None:
                lines.append(f"  time scale: {mp_to_decimal(d.time_scale, self.dps)}")
        if self.check is not None:
            c = self.check
            status = {True: "passed", False: "FAILED", None: "not performed"}[c.passed]
            dev = "" if c.relative_deviation is None else f", relative deviation {mp.nstr(c.relative_deviation, 3)}"
            lines.append(f"numerical check {status}: {c.description}{dev}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = []
        for k, v in self.values.items():
            exact = f" = {sp.latex(self.exact[k])}" if k in self.exact and not self.exact[k].is_Float else ""
            rows.append(f"\\lim_{{t \\to \\infty}} {tex_name(k)}(t) &= {tex_number(mp_to_decimal(v, self.dps))}{exact}")
        if self.decay is not None and self.decay.exact:
            for k, v in self.decay.exact.items():
                rows.append(f"{tex_name(k)}(t) &\\sim {sp.latex(v)} \\cdot \\text{{{self.decay.law}}}")
        regime = "" if self.regime is None else f"\\quad \\text{{({self.regime})}}"
        return "$\\begin{aligned} " + r" \\ ".join(rows) + " \\end{aligned}" + regime + "$"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "params": self.params.to_json(),
            "params_exact": self.params.exact_json(),
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

    def __post_init__(self) -> None:
        if self.enclosures is not None:  # certified: each value is its enclosure's exact midpoint
            values = dict(self.values)
            for k, (lo, hi) in self.enclosures.items():
                if k in values:
                    values[k] = enclosure_midpoint(lo, hi)
            object.__setattr__(self, "values", values)

    @property
    def value(self) -> mp.mpf:
        return next(iter(self.values.values()))

    def decimals(self, name: str | None = None) -> dict[str, str]:
        """``{"value"}`` of one value as a decimal string, plus ``"lower"``, ``"upper"`` when certified
        (then ``dps + 5`` digits, endpoints rounded outward, the value inside them as decimals)."""
        name = next(iter(self.values)) if name is None else name
        if self.enclosures is not None and name in self.enclosures:
            value, lower, upper = enclosure_decimals(*self.enclosures[name], self.dps + 5)
            return {"value": value, "lower": lower, "upper": upper}
        return {"value": _dec(self.values[name], self.dps)}

    def __str__(self) -> str:
        """Readable text at full precision (what ``symdyn boundary`` prints)."""
        lines = []
        for k in self.values:
            d = self.decimals(k)
            lines.append(f"{k} = {d['value']}" + (f"   [= {readable(self.exact[k])}]" if k in self.exact else ""))
            if "lower" in d:
                lines.append(f"  certified in [{d['lower']}, {d['upper']}]")
        for a in self.approximations:
            vals = ", ".join(f"{k} = {mp_to_decimal(v, min(self.dps, 20))}" for k, v in a.values.items())
            lines.append(f"  {a.name}: {vals}   ({a.description}" + (f"; error {a.error}" if a.error else "") + ")")
        if self.regime is not None:
            lines.append(f"regime: {self.regime}")
        if self.note:
            lines.append(f"note: {self.note}")
        lines.append(f"method: {self.method}")
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        rows = []
        for k in self.values:
            d = self.decimals(k)
            exact = f" = {sp.latex(self.exact[k])}" if k in self.exact else ""
            rows.append(f"{tex_name(k)} &= {tex_number(d['value'])}{exact}")
            if "lower" in d:
                rows.append(f"&\\in [{tex_number(d['lower'])},\\ {tex_number(d['upper'])}]")
        regime = "" if self.regime is None else f"\\quad \\text{{({self.regime})}}"
        return "$\\begin{aligned} " + r" \\ ".join(rows) + " \\end{aligned}" + regime + "$"

    def to_json(self) -> dict[str, Any]:
        first = next(iter(self.values))
        out: dict[str, Any] = {
            "model": self.model,
            "quantity": self.quantity,
            "params": self.params.to_json(),
            "params_exact": self.params.exact_json(),
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
            # certified: values and outward-rounded bounds with the same digits, lower <= value <= upper
            texts = {k: self.decimals(k) for k in self.enclosures}
            for k, d in texts.items():
                out["values"][k] = d["value"]
            out["value"] = out["values"][first]
            if first in texts:
                out["lower"], out["upper"] = texts[first]["lower"], texts[first]["upper"]
            out["enclosures"] = {k: {"lower": d["lower"], "upper": d["upper"]} for k, d in texts.items()}
        return out


#: The former name of :class:`Quantity` (the command-line verb stays ``boundary``).
Boundary = Quantity
