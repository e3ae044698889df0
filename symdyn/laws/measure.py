"""Spectral measures: an absolutely continuous part on an interval plus point masses.

A :class:`SpectralMeasure` is symbolic (SymPy expressions in the spectral
variable and the model parameters).  ``substitute`` fixes parameter values and
``integrate`` evaluates ``int f dmu`` numerically with tanh-sinh on a
substitution that removes square-root edges, at a precision passed as an
argument.  It is the slow, independent route used to check the fast rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import mpmath as mp
import sympy as sp

from ..exact import to_mp

__all__ = ["Atom", "SpectralMeasure"]


@dataclass(frozen=True)
class Atom:
    """A point mass ``weight * delta(location)``, present iff ``condition`` holds."""

    location: sp.Expr
    weight: sp.Expr
    condition: sp.Basic = sp.true

    def subs(self, values: Mapping[sp.Symbol, sp.Expr]) -> "Atom":
        return Atom(
            sp.sympify(self.location).subs(values),
            sp.sympify(self.weight).subs(values),
            sp.sympify(self.condition).subs(values),
        )


@dataclass(frozen=True)
class SpectralMeasure:
    """``density(var) dvar`` on ``[lower, upper]`` plus ``atoms``.

    ``edge_substitution`` (optional) maps the angle ``phi in [0, pi]`` to the
    spectral variable so that the density times the Jacobian is smooth; for the
    Marchenko-Pastur family it is ``lambda = 1 + c + 2 sqrt(c) cos(phi)``.
    """

    name: str
    var: sp.Symbol
    density: sp.Expr
    lower: sp.Expr
    upper: sp.Expr
    atoms: tuple[Atom, ...] = ()
    latex_name: str = ""

    def subs(self, values: Mapping[sp.Symbol, sp.Expr]) -> "SpectralMeasure":
        return SpectralMeasure(
            self.name,
            self.var,
            sp.sympify(self.density).subs(values),
            sp.sympify(self.lower).subs(values),
            sp.sympify(self.upper).subs(values),
            tuple(a.subs(values) for a in self.atoms),
            self.latex_name,
        )

    def present_atoms(self) -> tuple[Atom, ...]:
        """Atoms whose condition is true (parameters must be substituted)."""
        out = []
        for a in self.atoms:
            cond = sp.sympify(a.condition)
            if cond not in (sp.true, sp.false):
                cond = sp.simplify(cond)
            if cond == sp.true:
                out.append(a)
            elif cond != sp.false:
                raise ValueError(f"cannot decide atom condition {cond}; substitute parameters")
        return tuple(out)

    def integrate(self, f: Callable[[mp.mpf], mp.mpf], dps: int) -> mp.mpf:
        """``int f dmu`` by tanh-sinh at ``dps`` (+ guard) digits, atoms added exactly.

        The density is integrated in the angle ``phi`` with ``var = mid + half
        cos(phi)``, which turns square-root edges into smooth endpoints.
        """
        with mp.workdps(dps + 10):
            lo, hi = to_mp(self.lower, dps + 10), to_mp(self.upper, dps + 10)
            half = (hi - lo) / 2
            dens = sp.lambdify(self.var, self.density, modules="mpmath")

            width = hi - lo

            def g(ph: mp.mpf) -> mp.mpf:
                # var = mid + half cos(phi), written without cancellation next to either edge
                # (at c = 1 the lower edge is 0 and the density has 1/lambda there)
                if ph <= mp.pi / 2:
                    v = hi - width * mp.sin(ph / 2) ** 2
                else:
                    v = lo + width * mp.cos(ph / 2) ** 2
                if v == lo or v == hi:
                    # tanh-sinh nodes that round onto an edge carry weights far below
                    # the working precision, and the phi-integrand is bounded there
                    return mp.mpf(0)
                # the square roots of the density may pick up a rounding-size imaginary
                # part next to an edge; the density is real on the support
                return f(v) * mp.re(dens(v)) * half * mp.sin(ph)

            total = mp.quad(g, [0, mp.pi / 2, mp.pi])
            for a in self.present_atoms():
                total += to_mp(a.weight, dps + 10) * f(to_mp(a.location, dps + 10))
        with mp.workdps(dps):
            return +total

    def mass(self, dps: int) -> mp.mpf:
        return self.integrate(lambda v: mp.mpf(1), dps)

    def moment(self, order: int, dps: int) -> mp.mpf:
        return self.integrate(lambda v: v**order, dps)
