"""The textbook route: spec section 6 evaluated literally, for cross-checks and baselines.

Each bracket ``<f>_nu`` or ``<f>_sc`` is one ``mpmath.quad`` (tanh-sinh) call over
``lambda in [-2, 2]`` with the density of spec 6, plus the outlier atom
``1 - theta^(-2)`` at ``theta + 1/theta`` (theta > 1) added *unfactored*.  Nothing
is shared with the fast evaluator (:mod:`.evaluation`): no angle substitution, no
pole subtraction, no Bessel closed form (the semicircle brackets are quadratures
too), no scaling.  It is slow and, near the threshold, loses the accuracy the
fast route keeps; it is the independent route the tests compare against.
"""

from __future__ import annotations

from typing import Callable

import mpmath as mp
import sympy as sp

from ...exact import to_mp
from .canonical import Canonical
from .constants import exact_constants

__all__ = ["reference_brackets", "reference_observables"]

Fn = Callable[[mp.mpf], mp.mpf]


def _quad(fn: Fn) -> mp.mpf:
    pts = [mp.mpf(-2), mp.mpf(0), mp.mpf(2)]
    try:
        return mp.quad(fn, pts)
    except ZeroDivisionError:  # identically zero integrand: mpmath's error estimate divides by zero
        return mp.quad(fn, pts, method="gauss-legendre")


def reference_brackets(can: Canonical, t, dps: int, *, guard: int = 15) -> dict[str, mp.mpf]:
    """``<f>_nu, <f^2>_nu, <lambda f^2>_nu, <f^2>_sc, <lambda f^2>_sc`` at ``dps + guard`` digits,
    with ``f = e^{t lambda}`` (flow) or ``(1 + eta lambda)^k`` (GD, ``t`` = step count)."""
    ex = exact_constants(can)
    with mp.workdps(dps + guard):
        th = to_mp(sp.sympify(can.theta), dps + guard)
        if can.gd:
            eta, k = to_mp(sp.sympify(can.eta), dps + guard), int(t)

            def f(lam):
                return (1 + eta * lam) ** k
        else:
            tt = to_mp(sp.sympify(t), dps + guard)

            def f(lam):
                return mp.exp(tt * lam)

        def rho_sc(lam):
            return mp.sqrt(max(4 - lam * lam, 0)) / (2 * mp.pi)

        def rho_nu(lam):
            return rho_sc(lam) / (1 + th * th - th * lam)

        atoms = []
        if ex.sign_D > 0:
            atoms.append((th + 1 / th, 1 - 1 / th**2))
        funcs = {"f": f, "f2": lambda lam: f(lam) ** 2, "lf2": lambda lam: lam * f(lam) ** 2}
        out = {}
        for name, fn in funcs.items():
            val = _quad(lambda lam: fn(lam) * rho_nu(lam))
            for loc, w in atoms:
                val += w * fn(loc)
            out[f"{name}|nu"] = val
        for name in ("f2", "lf2"):
            out[f"{name}|sc"] = _quad(lambda lam: funcs[name](lam) * rho_sc(lam))
        return out


def reference_observables(can: Canonical, t, dps: int, *, guard: int = 15) -> dict[str, mp.mpf]:
    """``m, energy, N, Q`` from :func:`reference_brackets` (canonical units; energy times ``x_scale``)."""
    b = reference_brackets(can, t, dps, guard=guard)
    with mp.workdps(dps + guard):
        al = to_mp(sp.sympify(can.alpha), dps + guard)
        N = al * b["f|nu"]
        Q = al**2 * b["f2|nu"] + (1 - al**2) * b["f2|sc"]
        E = al**2 * b["lf2|nu"] + (1 - al**2) * b["lf2|sc"]
        out = {"N": N, "Q": Q, "m": N / mp.sqrt(Q), "energy": to_mp(sp.sympify(can.x_scale), dps + guard) * E / Q}
    with mp.workdps(dps):
        return {k: +v for k, v in out.items()}
