"""The textbook route: spec section 4.2 evaluated literally, for cross-checks and baselines.

Each bracket ``<f>_nu`` is one ``mpmath.quad`` (tanh-sinh) call over
``lambda in [lambda_-, lambda_+]`` with the density of the table of spec 3.4,
plus the atoms (outlier and zero atoms) added *unfactored*.  Nothing here is
shared with the fast evaluator (:mod:`.evaluation`): no angle substitution, no
pole subtraction, no factored outlier, no scaling.  It is slow (one quadrature
per bracket and time) and, near the threshold or at the critical ratio, loses
the accuracy the fast route keeps; it is the independent route the tests and
the benchmark baseline compare against.
"""

from __future__ import annotations

from typing import Callable

import mpmath as mp

from ...exact import to_mp
from .canonical import Canonical
from .constants import exact_constants, numeric_constants

__all__ = ["reference_brackets", "reference_observables"]

Fn = Callable[[mp.mpf], mp.mpf]


def _basis(t, gd_eta=None, k=None):
    """(C, sigma) as functions of lambda: flow (cosh/sinh) or GD (C_k, sigma_k)."""
    if gd_eta is None:
        def C(lam):
            return mp.cosh(t * mp.sqrt(lam))

        def sig(lam):
            s = mp.sqrt(lam)
            return t if s == 0 else mp.sinh(t * s) / s
    else:
        eta = gd_eta

        def C(lam):
            s = mp.sqrt(lam)
            return ((1 + eta * s) ** k + (1 - eta * s) ** k) / 2

        def sig(lam):
            s = mp.sqrt(lam)
            if s == 0:
                return k * eta
            return ((1 + eta * s) ** k - (1 - eta * s) ** k) / (2 * s)
    return C, sig


def reference_brackets(can: Canonical, t, dps: int, *, guard: int = 15, energy: bool = True) -> dict[str, mp.mpf]:
    """The twelve brackets of spec 4.2 (plus those of the energy), one quadrature each,
    at ``dps + guard`` working digits."""
    ex = exact_constants(can)
    with mp.workdps(dps + guard):
        K = numeric_constants(ex, dps + guard)
        c, th = K["c"], K["theta"]
        lm, lp, lst = K["lam_minus"], K["lam_plus"], K["lam_star"]
        above = ex.sign_D > 0
        t = mp.mpf(t)
        if can.gd:
            C, sig = _basis(None, to_mp(can.eta, dps + guard), int(t))
        else:
            C, sig = _basis(t)

        def r(lam):
            return mp.sqrt(max((lp - lam) * (lam - lm), 0))

        dens = {
            "uu": lambda lam: (1 + th**2) * r(lam) / (2 * mp.pi * th**2 * lam * (lst - lam)),
            "vv": lambda lam: (c + th**2) * r(lam) / (2 * mp.pi * th**2 * lam * (lst - lam)),
            "uv": lambda lam: r(lam) / (2 * mp.pi * th * (lst - lam)),
            "m1": lambda lam: r(lam) / (2 * mp.pi * c * lam),
            "m2": lambda lam: r(lam) / (2 * mp.pi * lam),
        }
        atoms = {
            "uu": ([(lst, K["zeta_u"])] if above else []) + ([(0, (c - 1) / (c + th**2))] if c > 1 else []),
            "vv": ([(lst, K["zeta_v"])] if above else []) + ([(0, (1 - c) / (1 + th**2))] if c < 1 else []),
            "uv": [(lst, (th**4 - c) / th**3)] if above else [],
            "m1": [(0, 1 - 1 / c)] if c > 1 else [],
            "m2": [(0, 1 - c)] if c < 1 else [],
        }
        funcs: dict[str, Fn] = {
            "C": C,
            "sig": sig,
            "C2": lambda lam: C(lam) ** 2,
            "L": lambda lam: lam * sig(lam) ** 2,
            "CS": lambda lam: C(lam) * sig(lam),
            "LCS": lambda lam: 2 * lam * C(lam) * sig(lam),
            "LpC": lambda lam: lam * sig(lam) ** 2 + C(lam) ** 2,
        }

        def bracket(f: str, nu: str) -> mp.mpf:
            fn, d = funcs[f], dens[nu]
            try:
                val = mp.quad(lambda lam: fn(lam) * d(lam), [lm, (lm + lp) / 2, lp])
            except ZeroDivisionError:
                # mpmath's error estimator divides by zero when successive levels agree
                # exactly (an identically zero integrand, e.g. lambda sigma^2 at t = 0)
                val = mp.quad(lambda lam: fn(lam) * d(lam), [lm, (lm + lp) / 2, lp], method="gauss-legendre")
            for loc, w in atoms[nu]:
                val += w * fn(mp.mpf(loc))
            return val

        needed = [("C", "uu"), ("sig", "uv"), ("C", "vv"), ("C2", "uu"), ("C2", "m1"), ("CS", "uv"),
                  ("L", "vv"), ("L", "m2"), ("L", "uu"), ("L", "m1"), ("C2", "vv"), ("C2", "m2")]
        if energy and not can.gd:
            needed += [("LCS", "uu"), ("LCS", "m1"), ("LpC", "uv"), ("LCS", "vv"), ("LCS", "m2")]
        return {f"{f}|{nu}": bracket(f, nu) for f, nu in needed}


def reference_observables(can: Canonical, t, dps: int, *, guard: int = 15, energy: bool = True) -> dict[str, mp.mpf]:
    """N_u, N_v, Q_a, Q_b, m_u, m_v (and the F1 energy) from :func:`reference_brackets`."""
    b = reference_brackets(can, t, dps, guard=guard, energy=energy)
    ex = exact_constants(can)
    with mp.workdps(dps + guard):
        K = numeric_constants(ex, dps + guard)
        al, bh, rh = K["alpha"], K["beta_hat"], K["rho_hat"]
        out = {
            "N_u": al * b["C|uu"] + bh * b["sig|uv"],
            "N_v": al * b["sig|uv"] + bh * b["C|vv"],
            "Q_a": al**2 * b["C2|uu"] + (1 - al**2) * b["C2|m1"] + 2 * al * bh * b["CS|uv"]
            + bh**2 * b["L|vv"] + rh * b["L|m2"],
            "Q_b": al**2 * b["L|uu"] + (1 - al**2) * b["L|m1"] + 2 * al * bh * b["CS|uv"]
            + bh**2 * b["C2|vv"] + rh * b["C2|m2"],
        }
        out["m_u"] = out["N_u"] / mp.sqrt(out["Q_a"])
        out["m_v"] = out["N_v"] / mp.sqrt(out["Q_b"])
        if energy and not can.gd:
            dQa = (al**2 * b["LCS|uu"] + (1 - al**2) * b["LCS|m1"] + 2 * al * bh * b["LpC|uv"]
                   + bh**2 * b["LCS|vv"] + rh * b["LCS|m2"])
            out["energy"] = dQa / (2 * out["Q_a"])
    with mp.workdps(dps):
        return {k: +v for k, v in out.items()}
