"""Certified (rigorously enclosed) quantities of the rank-one model, with python-flint / arb.

Trajectories
------------
Every observable is assembled from a few integrals against the weighted
spectral measures (spec 3.4, 4.2).  Splitting off the value at ``lambda = 0``
(``h_f = (f - f(0))/lambda``, which also absorbs the zero atoms) leaves two kinds
of bulk integral, both taken in ``u = phi/pi in [0, 1]`` with
``lambda = 1 + c + 2 sqrt(c) cos(pi u)``:

* ``M[F] = int F r/(2 pi) dlambda = 2c int_0^1 F sin^2(pi u) du``;
* ``J[F] = int F r/(2 pi (lambda* - lambda)) dlambda
  = 2c int_0^1 F sin^2(pi u) / (delta + 4 sqrt(c) sin^2(pi u/2)) du``, with
  ``delta = lambda* - lambda_+`` exact; at ``theta = theta_c`` (``delta = 0``) the
  weight is replaced by its exact limit ``2 sqrt(c) cos^2(pi u/2)``.

The integrands are entire in ``u`` except for the poles of the weight (meromorphic,
so arb detects them by itself): the propagators are written through entire
hypergeometric functions, ``cosh(t sqrt(lambda)) = 0F1(;1/2;t^2 lambda/4)``,
``sinh(t sqrt(lambda))/sqrt(lambda) = t 0F1(;3/2;t^2 lambda/4)``,
``(cosh(t sqrt(lambda)) - 1)/lambda = (t^2/2) 0F1(;3/2;t^2 lambda/16)^2``,
``(sinh(y) - y)/y^3 = 1F2(1;2,5/2;y^2/4)/6`` (for discrete GD: the polynomials
``C_k``, ``sigma_k`` with ball coefficients), so no square root -- hence no
branch cut -- is ever evaluated.  Each integral is an ``acb.integral`` enclosure
checked on two subdivisions (:func:`symdyn.certify.integrate`).  The outlier
enters in factored form ``A C* + B S* = ((A+B) e^{t s1} + (A-B) e^{-t s1})/2`` with
``A + B`` set to an exact 0 at the critical ratio (decided exactly by SymPy), and
the enclosures propagate through ``N/sqrt(Q)``.  The working precision is raised
until every enclosure has relative width below ``10^-dps``.

Hitting time
------------
``hitting-time`` is the first ``t`` with ``m_u(t) = level``.  A scan with the fast
evaluator finds a sign change of ``m_u - level``; the root is refined
non-rigorously, then bracketed by sign-certified evaluations (bisection when
needed), so a crossing provably lies in ``[lower, upper]``.  That it is the *first*
crossing is proved when possible: ``m_u'`` is enclosed on a box ending at
``upper`` (certified monotone there) and ``[0, start of that box]`` is covered by
boxes of times on which ``m_u(t) - level`` has a certified sign, each enclosed in
the mean-value form ``f(mid) + f'(T)(T - mid)``.  Over a ball of times the
integrands are evaluated in a scaled form, ``exp(t (sqrt(lambda) - s_ref))`` with the
``analytic`` flag forwarded to the square root (where ``lambda >= 1 + c``), so that
``t`` enters each exponential once and the enclosures stay narrow.  If the cover
exceeds its budget the result says that the absence of an earlier crossing is
*assumed* (from the scan), not proved; if it finds the other sign earlier, it
raises (the scan missed a crossing).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import mpmath as mp
import sympy as sp

from ...certify import (
    CertifiedTrajectory, CertifiedValue, bits_for_dps, certified_sign, certify_closed_form, enclose,
    flint_module, from_arb, integrate, mpf_to_fraction, refine_crossing, workprec, GUARD_BITS, MAX_BITS,
)
from ...errors import CertificationError, ConvergenceError, UnsupportedError
from ...exact import exact_sign
from ...results import Quantity as Boundary
from .constants import exact_constants

__all__ = [
    "CertifiedRankOne", "certify_trajectory", "certify_limit", "hitting_time_boundary", "prove_first_crossing",
    "CERTIFIABLE_OBSERVABLES", "MAX_GD_STEPS",
]

CERTIFIABLE_OBSERVABLES = ("m_u", "m_v", "N_u", "N_v", "Q_a", "Q_b", "a_share", "energy", "norm_sq")
MAX_GD_STEPS = 4000          # degree of the GD propagator polynomials
#: Largest growth rate 2 t sqrt(c)/s+ (canonical time) of a certified flow: measured on the development
#: machine, t = 1e4 at c = 1/2 (rate 8.3e3) takes 6 s; t = 1e5 ran 20 s and could not enclose J_Qa.
MAX_CERTIFIED_RATE = 1.0e4
MAX_ATTEMPTS = 5             # precision escalations per time point
COVER_BITS = 96              # working precision of the first-crossing cover
COVER_BUDGET = 600           # interval evaluations allowed for the cover
COVER_TOL_BITS = 30          # relative tolerance of the cover's integrals (their time balls are wide anyway)
SCAN_DPS = 15
MAX_SCAN_TIME = 2000         # canonical time units


# ----------------------------------------------------------------------------- evaluator


def _weights(c, sc, delta, at_threshold: bool):
    """Weights in ``u = phi/pi`` of the pole integrals (``J``) and of the plain MP integrals (``M``).

    ``J``: ``2 c sin^2(pi u)/(delta + 4 sqrt(c) sin^2(pi u/2))``, with its exact limit
    ``2 sqrt(c) cos^2(pi u/2)`` at threshold (``delta = 0``); ``M``: ``2 c sin^2(pi u)``.
    """
    def wJ(u):
        if at_threshold:
            co = (u / 2).cos_pi()
            return 2 * sc * co * co
        sh = (u / 2).sin_pi()
        sn = u.sin_pi()
        return 2 * c * sn * sn / (delta + 4 * sc * sh * sh)

    def wM(u):
        sn = u.sin_pi()
        return 2 * c * sn * sn

    return wJ, wM


def _obs_needs(name: str, gd: bool) -> tuple[str, ...]:
    return {
        "m_u": ("Nu", "Qa"), "m_v": ("Nv", "Qb"), "N_u": ("Nu",), "N_v": ("Nv",),
        "Q_a": ("Qa",), "Q_b": ("Qb",), "a_share": ("Qa", "Qb"), "energy": ("dQa", "Qa"),
        "norm_sq": ("IQa", "Qa"), "dm_u": ("Nu", "Qa", "dNu", "dQa"),
    }[name]


# integrals needed by each assembled quantity
_INTEGRALS = {
    "Nu": ("J_Nu",), "Nv": ("J_Nv",), "Qa": ("J_Qa", "M_C2", "M_L"), "Qb": ("J_Qb", "M_C2", "M_L"),
    "dQa": ("J_dQ", "M_dQ"), "IQa": ("J_IQ", "M_IQ"), "dNu": ("J_dNu",),
}
# for the flows several integrands coincide (C^2 - 1 = lambda sigma^2): compute once
_FLOW_ALIAS = {"J_Qb": "J_Qa", "M_L": "M_C2"}


class CertifiedRankOne:
    """Rigorous enclosures of the rank-one observables at one parameter set.

    ``values(t, prec, names)`` returns arb balls of the named quantities at the user
    time (or GD step count) ``t`` -- an exact rational, or an arb ball of times, in
    which case every ball holds the quantity for *every* time in the ball.
    """

    def __init__(self, model, params):
        self.model = model
        self.params = params
        can = model.canonical(params, need=("theta", "beta"))
        if can.alpha is None:
            params.require("alpha", purpose="the trajectory")
        self.can = can
        self.ex = exact_constants(can)
        self.gd = can.gd
        self._consts: dict[int, dict[str, Any]] = {}
        self._polys: dict[tuple[int, int], dict[str, Any]] = {}

    # -- constants
    def consts(self, prec: int) -> dict[str, Any]:
        if prec in self._consts:
            return self._consts[prec]
        fl = flint_module()
        e, ex, can = self.ex.exprs, self.ex, self.can
        names = ("c", "sqrt_c", "theta", "ku", "kv", "alpha", "beta_hat", "rho_hat", "delta", "s1",
                 "zeta_u", "zeta_v", "sqrt_zeta_u", "sqrt_zeta_v", "ApB", "AmB")
        K = {}
        for n in names:
            expr = e[n]
            if n == "delta" and ex.sign_D == 0:
                expr = sp.Integer(0)
            if n in ("zeta_u", "zeta_v", "sqrt_zeta_u", "sqrt_zeta_v", "ApB", "AmB") and ex.sign_D <= 0:
                expr = sp.Integer(0)
            if n == "ApB" and ex.sign_kp == 0:  # exactly at the critical ratio (decided exactly)
                expr = sp.Integer(0)
            K[n] = enclose(expr, prec) if not (expr.is_Rational and expr == 0) else fl.arb(0)
        K["x_scale"] = enclose(can.x_scale, prec)
        K["time_factor"] = enclose(can.time_factor, prec)
        K["r0"] = enclose(can.r0, prec)
        if self.gd:
            K["eta"] = enclose(can.eta, prec)
        self._consts[prec] = K
        return K

    # -- GD propagator polynomials (ball coefficients)
    def _gd_polys(self, k: int, prec: int) -> dict[str, Any]:
        key = (k, prec)
        if key in self._polys:
            return self._polys[key]
        if k > MAX_GD_STEPS:
            raise CertificationError(f"certified GD is limited to k <= {MAX_GD_STEPS} steps (got k = {k})")
        fl = flint_module()
        K = self.consts(prec)
        eta = K["eta"]
        with workprec(prec):
            eta2 = eta * eta
            cC, cS = [], []
            p = fl.arb(1)
            for j in range(k // 2 + 1):
                cC.append(fl.arb(fl.fmpz(math.comb(k, 2 * j))) * p)
                cS.append(fl.arb(fl.fmpz(math.comb(k, 2 * j + 1))) * p * eta)
                p = p * eta2
            C = fl.arb_poly(cC)
            S = fl.arb_poly(cS)          # sigma_k
            polys = {
                "C": C, "sig": S,
                "hC": C.right_shift(1),            # (C_k - 1)/lambda  (C_k(0) = 1 exactly)
                "hC2": (C * C).right_shift(1),     # (C_k^2 - 1)/lambda
                "hL": S * S,                       # lambda sigma_k^2 / lambda
                "CS": C * S,
            }
        self._polys[key] = polys
        return polys

    # -- integrands
    def _integrand(self, kind: str, K: dict[str, Any], t, k: int | None, prec: int):
        fl = flint_module()
        c, sc, delta, th = K["c"], K["sqrt_c"], K["delta"], K["theta"]
        al, bh = K["alpha"], K["beta_hat"]
        ku, kv = K["ku"], K["kv"]
        at_threshold = self.ex.sign_D == 0
        half, three_half = fl.arb(fl.fmpq(1, 2)), fl.arb(fl.fmpq(3, 2))
        gd = self.gd
        polys = self._gd_polys(k, prec) if gd else None
        if not gd:
            t2 = t * t

        def basis(u):
            lam = 1 + c + 2 * sc * u.cos_pi()
            if gd:
                return {name: poly(lam) for name, poly in polys.items()}
            y = t2 * lam
            f = (y / 4).hypgeom_0f1(three_half)
            sig = t * f
            out = {"sig": sig, "L": sig * sig}
            if kind in ("J_Nu", "J_Nv"):
                g = (y / 16).hypgeom_0f1(three_half)
                out["hC"] = t2 / 2 * g * g
            if kind in ("J_Qa", "J_dQ", "M_dQ"):
                out["CS"] = t * y.hypgeom_0f1(three_half)
            if kind == "J_dNu":
                out["C"] = (y / 4).hypgeom_0f1(half)
            if kind == "J_dQ":
                out["cosh2"] = y.hypgeom_0f1(half)
            if kind in ("J_IQ", "M_IQ"):
                out["hI"] = t2 * t / 3 * y.hypgeom([1], [2, fl.fmpq(5, 2)])
            return out

        wJ, wM = _weights(c, sc, delta, at_threshold)

        a2ku_b2kv = al * al * ku + bh * bh * kv

        if gd:
            def h_C2(b):
                return b["hC2"]

            def h_L(b):
                return b["hL"]
        else:
            def h_C2(b):
                return b["L"]

            def h_L(b):
                return b["L"]

        forms = {
            "J_Nu": (wJ, lambda b: al * ku * b["hC"] + bh * b["sig"] / th),
            "J_Nv": (wJ, lambda b: al * b["sig"] / th + bh * kv * b["hC"]),
            "J_Qa": (wJ, lambda b: al * al * ku * h_C2(b) + 2 * al * bh * b["CS"] / th + bh * bh * kv * h_L(b)),
            "J_Qb": (wJ, lambda b: al * al * ku * h_L(b) + 2 * al * bh * b["CS"] / th + bh * bh * kv * h_C2(b)),
            "M_C2": (wM, h_C2),
            "M_L": (wM, h_L),
            "J_dQ": (wJ, lambda b: a2ku_b2kv * 2 * b["CS"] + 2 * al * bh * b["cosh2"] / th),
            "M_dQ": (wM, lambda b: 2 * b["CS"]),
            "J_IQ": (wJ, lambda b: a2ku_b2kv * b["hI"] + al * bh * b["L"] / th),
            "M_IQ": (wM, lambda b: b["hI"]),
            "J_dNu": (wJ, lambda b: al * ku * b["sig"] + bh * b["C"] / th),
        }
        weight, body = forms[kind]

        def f(u, analytic):
            # entire except for the poles of the J weight (meromorphic): no branch cut is evaluated,
            # so the analytic flag needs no action
            return weight(u) * body(basis(u))

        return f

    # -- assembly
    def canonical_time(self, t, prec: int):
        """Canonical time (flow) as an arb, from an exact user time or a ball of user times."""
        fl = flint_module()
        K = self.consts(prec)
        with workprec(prec):
            if isinstance(t, (Fraction, int, sp.Rational)):
                tt = fl.arb(fl.fmpq(int(sp.Rational(t).p), int(sp.Rational(t).q))) if not isinstance(t, Fraction) \
                    else fl.arb(fl.fmpq(t.numerator, t.denominator))
            else:
                tt = t
            return tt * K["time_factor"]

    def values(self, t, prec: int, names: Sequence[str], *, crosscheck: bool = True,
               tol_bits: int | None = None) -> dict[str, Any]:
        """arb enclosures of the observables *names* (and helpers ``dm_u``) at user time *t*."""
        fl = flint_module()
        K = self.consts(prec)
        needs: list[str] = []
        for n in names:
            for q in _obs_needs(n, self.gd):
                if q not in needs:
                    needs.append(q)
        kinds: list[str] = []
        for q in needs:
            for kind in _INTEGRALS[q]:
                if kind not in kinds:
                    kinds.append(kind)
        if self.gd:
            k = int(t)
            tt = None
        else:
            k = None
            tt = self.canonical_time(t, prec)
        with workprec(prec):
            I: dict[str, Any] = {}
            for kind in kinds:
                src = kind if self.gd else _FLOW_ALIAS.get(kind, kind)
                if src not in I:
                    f = self._integrand(src, K, tt, k, prec)
                    I[src] = integrate(f, 0, 1, prec=prec, crosscheck=crosscheck, tol_bits=tol_bits,
                                       what=f"integral {src}")
                I[kind] = I[src]
            al, bh, rh, c = K["alpha"], K["beta_hat"], K["rho_hat"], K["c"]
            zu, zv, szu, szv, s1 = K["zeta_u"], K["zeta_v"], K["sqrt_zeta_u"], K["sqrt_zeta_v"], K["s1"]
            ApB, AmB = K["ApB"], K["AmB"]
            if self.gd:
                eta = K["eta"]
                ep, em = (1 + eta * s1) ** k, (1 - eta * s1) ** k
            else:
                ep, em = (tt * s1).exp(), (-tt * s1).exp()
            XU = (ApB * ep + AmB * em) / 2
            XV = (ApB * ep - AmB * em) / 2
            al2 = al * al
            out: dict[str, Any] = {}
            if "Nu" in needs:
                out["Nu"] = al * (1 - zu) + I["J_Nu"] + szu * XU
            if "Nv" in needs:
                out["Nv"] = bh * (1 - zv) + I["J_Nv"] + szv * XV
            if "Qa" in needs:
                out["Qa"] = (al2 * (1 - zu) + (1 - al2) + I["J_Qa"] + (1 - al2) / c * I["M_C2"] + rh * I["M_L"]
                             + XU * XU)
            if "Qb" in needs:
                out["Qb"] = (bh * bh * (1 - zv) + rh + I["J_Qb"] + (1 - al2) / c * I["M_L"] + rh * I["M_C2"]
                             + XV * XV)
            if "dQa" in needs:
                out["dQa"] = I["J_dQ"] + ((1 - al2) / c + rh) * I["M_dQ"] + 2 * s1 * XU * XV
            if "dNu" in needs:
                out["dNu"] = I["J_dNu"] + szu * s1 * XV
            if "IQa" in needs:
                two_s1 = 2 * s1
                IX = (ApB * ApB * (ep * ep - 1) / two_s1 + 2 * ApB * AmB * tt
                      - AmB * AmB * (em * em - 1) / two_s1) / 4 if not (ApB.is_zero() and AmB.is_zero()) else fl.arb(0)
                out["IQa"] = (al2 * tt * (1 - zu) + (1 - al2) * tt + I["J_IQ"] + ((1 - al2) / c + rh) * I["M_IQ"] + IX)
            for q in ("Qa", "Qb"):
                if q in out and not out[q] > 0:
                    raise CertificationError(f"{q} could not be certified positive (working precision {prec} bits)")
            res: dict[str, Any] = {}
            for n in names:
                if n == "m_u":
                    res[n] = out["Nu"] / out["Qa"].sqrt()
                elif n == "m_v":
                    res[n] = out["Nv"] / out["Qb"].sqrt()
                elif n == "N_u":
                    res[n] = out["Nu"]
                elif n == "N_v":
                    res[n] = out["Nv"]
                elif n == "Q_a":
                    res[n] = out["Qa"]
                elif n == "Q_b":
                    res[n] = out["Qb"]
                elif n == "a_share":
                    res[n] = out["Qa"] / (out["Qa"] + out["Qb"])
                elif n == "energy":
                    res[n] = K["x_scale"] * out["dQa"] / (2 * out["Qa"])
                elif n == "norm_sq":
                    r0c2 = K["r0"] * K["r0"] / K["x_scale"]
                    res[n] = K["x_scale"] * r0c2 * out["Qa"] / (1 + 2 * r0c2 * out["IQa"])
                elif n == "dm_u":  # d m_u / d t_user
                    rq = out["Qa"].sqrt()
                    res[n] = (out["dNu"] - out["Nu"] * out["dQa"] / (2 * out["Qa"])) / rq * K["time_factor"]
            return res


    # -- scaled form for time balls (used by the first-crossing cover)
    def values_scaled(self, t, prec: int, names: Sequence[str], *, tol_bits: int | None = None) -> dict[str, Any]:
        """``m_u`` and ``dm_u`` (flows) from integrands scaled by ``exp(-t s_ref)``.

        Meant for a *ball* of times: writing ``cosh(t sqrt(lambda)) exp(-t s_ref)`` as
        ``(exp(t (sqrt(lambda) - s_ref)) + exp(-t (sqrt(lambda) + s_ref)))/2`` makes ``t`` appear
        once per exponential with a small rate near the edge, so the enclosure over a time
        ball stays narrow.  On ``u in [0, 1/2]`` (``lambda >= 1 + c``) the square root is
        evaluated with the ``analytic`` flag forwarded; on ``[1/2, 1]``, which may reach
        ``lambda = 0`` (``c = 1``), the entire hypergeometric forms times the scale are used.
        """
        from ...certify import sqrt as branch_sqrt

        if self.gd:
            raise CertificationError("the scaled form is for the continuous flows")
        fl = flint_module()
        K = self.consts(prec)
        tt = self.canonical_time(t, prec)
        want_d = "dm_u" in names
        kinds = ["J_Nu", "J_Qa", "M_C2"] + (["J_dQ", "M_dQ", "J_dNu"] if want_d else [])
        with workprec(prec):
            c, sc, delta, th = K["c"], K["sqrt_c"], K["delta"], K["theta"]
            al, bh, rh, ku, kv = K["alpha"], K["beta_hat"], K["rho_hat"], K["ku"], K["kv"]
            zu, szu, s1 = K["zeta_u"], K["sqrt_zeta_u"], K["s1"]
            ApB, AmB = K["ApB"], K["AmB"]
            s_ref = s1 if (self.ex.sign_D > 0 and self.ex.sign_kp != 0) else 1 + sc
            E = (-tt * s_ref).exp()
            E2 = E * E
            t2 = tt * tt
            half, three_half = fl.arb(fl.fmpq(1, 2)), fl.arb(fl.fmpq(3, 2))
            at_threshold = self.ex.sign_D == 0

            def basis(u, analytic, edge):
                lam = 1 + c + 2 * sc * u.cos_pi()
                if edge:  # lambda >= 1 + c > 0 here
                    r = branch_sqrt(lam, analytic)
                    ep, em = (tt * (r - s_ref)).exp(), (-tt * (r + s_ref)).exp()
                    C = (ep + em) / 2
                    sig = (ep - em) / (2 * r)
                    return {"hC": (C - E) / lam, "sig": sig, "L": sig * sig, "C": C,
                            "CS": (ep * ep - em * em) / (4 * r), "cosh2": (ep * ep + em * em) / 2}
                y = t2 * lam
                g = (y / 16).hypgeom_0f1(three_half)
                sig = tt * (y / 4).hypgeom_0f1(three_half) * E
                return {"hC": t2 / 2 * g * g * E, "sig": sig, "L": sig * sig,
                        "C": (y / 4).hypgeom_0f1(half) * E,
                        "CS": tt * y.hypgeom_0f1(three_half) * E2, "cosh2": y.hypgeom_0f1(half) * E2}

            wJ, wM = _weights(c, sc, delta, at_threshold)

            a2 = al * al * ku + bh * bh * kv
            forms = {
                "J_Nu": (wJ, lambda b: al * ku * b["hC"] + bh * b["sig"] / th),
                "J_Qa": (wJ, lambda b: a2 * b["L"] + 2 * al * bh * b["CS"] / th),
                "M_C2": (wM, lambda b: b["L"]),
                "J_dQ": (wJ, lambda b: a2 * 2 * b["CS"] + 2 * al * bh * b["cosh2"] / th),
                "M_dQ": (wM, lambda b: 2 * b["CS"]),
                "J_dNu": (wJ, lambda b: al * ku * b["sig"] + bh * b["C"] / th),
            }
            I = {}
            for kind in kinds:
                weight, body = forms[kind]
                total = fl.arb(0)
                for lo_, hi_, edge in ((Fraction(0), Fraction(1, 2), True), (Fraction(1, 2), Fraction(1), False)):
                    def f(u, analytic, weight=weight, body=body, edge=edge):
                        return weight(u) * body(basis(u, analytic, edge))
                    total = total + integrate(f, lo_, hi_, prec=prec, crosscheck=False, tol_bits=tol_bits,
                                              what=f"integral {kind} (scaled)")
                I[kind] = total
            XU = (ApB * (tt * (s1 - s_ref)).exp() + AmB * (-tt * (s1 + s_ref)).exp()) / 2
            XV = (ApB * (tt * (s1 - s_ref)).exp() - AmB * (-tt * (s1 + s_ref)).exp()) / 2
            Nu = al * (1 - zu) * E + I["J_Nu"] + szu * XU
            Qa = ((al * al * (1 - zu) + 1 - al * al) * E2 + I["J_Qa"] + ((1 - al * al) / c + rh) * I["M_C2"]
                  + XU * XU)
            if not Qa > 0:
                raise CertificationError(f"Qa could not be certified positive (working precision {prec} bits)")
            out = {}
            if "m_u" in names:
                out["m_u"] = Nu / Qa.sqrt()
            if want_d:
                dQa = I["J_dQ"] + ((1 - al * al) / c + rh) * I["M_dQ"] + 2 * s1 * XU * XV
                dNu = I["J_dNu"] + szu * s1 * XV
                out["dm_u"] = (dNu - Nu * dQa / (2 * Qa)) / Qa.sqrt() * K["time_factor"]
            return out


def _width_ok(x, bits: int) -> bool:
    """Relative radius <= 2^-bits, or (for values at zero) absolute radius <= 2^-bits."""
    if not x.is_finite():
        return False
    if x.is_exact():
        return True
    if x.rel_accuracy_bits() >= bits:
        return True
    fl = flint_module()
    return bool(x.contains(0) and x.rad() <= fl.arb(2) ** (-bits))


def _certifiable_names(model, params, observables: Sequence[str] | None) -> tuple[str, ...]:
    names = model.check_observables(params, observables)
    for n in names:
        if n not in CERTIFIABLE_OBSERVABLES:  # pragma: no cover - all available observables are certifiable
            raise CertificationError(f"observable {n} cannot be certified")
    return names


def _method(ev: CertifiedRankOne) -> str:
    basis = ("GD propagator polynomials C_k, sigma_k with ball coefficients" if ev.gd else
             "propagators as entire 0F1/1F2 hypergeometric functions (no branch cut)")
    return ("certified (python-flint/arb): acb.integral over phi = pi u of the pole-weighted integrands, "
            f"{basis}, each integral enclosed on two subdivisions and intersected; outlier in factored form "
            "(A+B exactly 0 at the critical ratio); enclosures propagated through N/sqrt(Q); precision raised "
            "until the relative width is below 10^-dps")


def certify_trajectory(model, params, times: Sequence[Any], *, dps: int = 30,
                       observables: Sequence[str] | None = None, progress=None) -> CertifiedTrajectory:
    """Certified enclosures of the observables at the given times (user units / GD steps)."""
    from ...progress import NULL_PROGRESS
    from ...params import check_dps

    dps = check_dps(dps)
    ev = CertifiedRankOne(model, params)
    names = _certifiable_names(model, params, observables)
    ts = model.parse_times(params, times)
    _check_range(ev, ts)
    target = bits_for_dps(dps) + GUARD_BITS
    progress = NULL_PROGRESS if progress is None else progress
    values: dict[str, list[CertifiedValue]] = {n: [] for n in names}
    method = _method(ev)
    with progress.task("certifying", total=len(ts)) as task:
        for t in ts:
            vals = _certified_point(ev, t, names, target, dps)
            for n in names:
                values[n].append(from_arb(n, vals[n], dps, method))
            task.advance()
    notes = []
    if ev.ex.sign_kp == 0:
        notes.append("exactly at the critical ratio: the outlier amplitude A + B is an exact zero")
    if ev.ex.sign_D == 0:
        notes.append("exactly at threshold: the J weight is its exact limit 2 sqrt(c) cos^2(phi/2)")
    return CertifiedTrajectory(model=model.name, params=params, dps=dps, times=tuple(ts),
                               time_name=model.time_name(params),
                               observables={n: tuple(v) for n, v in values.items()}, method=method,
                               regime=ev.ex.regime, notes=tuple(notes))


def _check_range(ev: CertifiedRankOne, ts: Sequence[Any]) -> None:
    """ParameterError, before any proof, for a time beyond the supported range of certification."""
    from ...errors import ParameterError

    name = ev.model.time_name(ev.params)
    if ev.gd:
        over = [k for k in ts if k > MAX_GD_STEPS]
        if over:
            raise ParameterError(f"{name}={over[0]}: certified GD is limited to k <= {MAX_GD_STEPS} steps (the degree "
                                 "of its propagator polynomials); drop --certify for the evaluator")
        return
    e = ev.ex.exprs
    per_time = 2 * float(sp.N(ev.can.time_factor * e["sqrt_c"] / e["s_plus"], 20))  # rate per unit user time
    over = [t for t in ts if float(t) * per_time > MAX_CERTIFIED_RATE]
    if over:
        raise ParameterError(
            f"{name}={over[0]} is beyond the supported range of certified evaluation (growth rate "
            f"2 t sqrt(c)/s+ <= {MAX_CERTIFIED_RATE:g}, here t <= {MAX_CERTIFIED_RATE / per_time:.3g}); drop --certify "
            "for the evaluator, or see symdyn limit for the large-time behaviour")


def _certified_point(ev: CertifiedRankOne, t, names, target: int, dps: int) -> dict[str, Any]:
    prec = target + 32
    for _attempt in range(MAX_ATTEMPTS):
        vals = ev.values(t, prec, names)
        if all(_width_ok(vals[n], target) for n in names):
            return vals
        prec = int(prec * 1.5) + 64
        if prec > MAX_BITS:
            break
    raise CertificationError(f"could not certify {', '.join(names)} at {ev.model.time_name(ev.params)} = {t} "
                             f"to {dps} digits (working precision up to {prec} bits)")


# ----------------------------------------------------------------------------- limits and amplitudes


def certify_limit(model, params, *, dps: int = 30) -> dict[str, CertifiedValue]:
    """Certified enclosures of the large-time limits and of the decay amplitudes.

    Keys: ``m_u``, ``m_v`` (and the flow's extra observable) for the limits, and
    ``K_m_u``, ``K_m_v`` for the amplitudes of the power laws (below threshold,
    at threshold, at the critical ratio).  The closed forms are those of
    :func:`symdyn.models.rank_one_denoising.limits.limit`; algebraic ones are
    certified through their minimal polynomial, the others (``pi^(1/4)`` in the
    amplitudes) by arb interval evaluation.
    """
    from ...params import check_dps

    dps = check_dps(dps)
    lim = model.limit(params, dps=dps, check=False)
    out = {k: certify_closed_form(v, dps, name=k) for k, v in lim.exact.items()}
    if lim.decay is not None:
        for k, v in lim.decay.exact.items():
            out[f"K_{k}"] = certify_closed_form(v, dps, name=f"K_{k}")
    return out


# ----------------------------------------------------------------------------- hitting time


def _frac(x: mp.mpf) -> Fraction:
    """The exact value of a finite mpf."""
    return mpf_to_fraction(x)


def _fraction_bounds(lo: Fraction, hi: Fraction) -> tuple[mp.mpf, mp.mpf]:
    """mpf numbers a <= lo and b >= hi (exact when dyadic; outward rounding otherwise)."""
    from mpmath.libmp import from_rational

    prec = 2 * max(lo.denominator.bit_length(), hi.denominator.bit_length(), 64) + 64
    a = mp.make_mpf(from_rational(lo.numerator, lo.denominator, prec, "f"))
    b = mp.make_mpf(from_rational(hi.numerator, hi.denominator, prec, "c"))
    return a, b


def _dyadic(x: Fraction, bits: int) -> Fraction:
    """A dyadic rational within 2^-bits (relative) of x."""
    if x == 0:
        return x
    e = x.numerator.bit_length() - x.denominator.bit_length()
    scale = Fraction(2) ** (bits - e)
    return Fraction(round(x * scale)) / scale


def _fast_m_u(model, params, ts: Sequence[Fraction], dps: int) -> list[mp.mpf]:
    traj = model.evaluate(params, [f"{t.numerator}/{t.denominator}" for t in ts], dps=dps, observables=["m_u"])
    return list(traj["m_u"])


def _scan(model, params, ev: CertifiedRankOne, level: sp.Rational, s0: int,
          certify: bool) -> tuple[Fraction, Fraction, Fraction | None]:
    """First grid interval [ta, tb] (user time) where the fast m_u - level changes sign from s0."""
    e = ev.ex.exprs
    tf = float(sp.N(ev.can.time_factor, 20))
    s_plus = float(sp.N(e["s_plus"], 20))
    t_max = MAX_SCAN_TIME
    if ev.ex.sign_D > 0:
        gap = float(sp.N(e["gap"], 20))
        t_max = min(MAX_SCAN_TIME * 5, max(50.0, 60.0 / gap))
    h0 = _dyadic(Fraction(0.25 / (s_plus * tf)), 8)
    grid: list[Fraction] = []
    t = Fraction(0)
    while float(t) * tf <= t_max:
        grid.append(t)
        t = _dyadic(t + h0 + t / 50, 16)
    L = mp.mpf(sp.Rational(level).p) / int(sp.Rational(level).q)
    prev = grid[0]
    chunk = 24
    for i in range(1, len(grid), chunk):
        part = grid[i:i + chunk]
        vals = _fast_m_u(model, params, part, SCAN_DPS)
        for t, v in zip(part, vals):
            d = v - L
            if (d > 0) != (s0 > 0) or d == 0:
                return prev, t, None
            prev = t
    error = CertificationError if certify else ConvergenceError
    raise error(
        f"m_u(t) does not reach level {level} for t <= {float(grid[-1]):.6g} (scan with the evaluator); "
        "no hitting time found")


def _refine_fast(model, params, level, ta: Fraction, tb: Fraction, s0: int, dps: int) -> mp.mpf:
    """Non-rigorous root of m_u(t) = level in [ta, tb] (Illinois method on the evaluator)."""
    work = dps + 8
    with mp.workdps(work + 10):
        L = mp.mpf(sp.Rational(level).p) / int(sp.Rational(level).q)
        a, b = mp.mpf(ta.numerator) / ta.denominator, mp.mpf(tb.numerator) / tb.denominator

        def g(x):
            v = _fast_m_u(model, params, [_frac(x)], work)[0]
            with mp.workdps(work + 10):
                return v - L

        fa, fb = g(a), g(b)
        side = 0
        tol = mp.mpf(10) ** (-(dps + 4)) * max(abs(b), 1)
        for _ in range(200):
            if abs(b - a) <= tol:
                break
            x = (a * fb - b * fa) / (fb - fa)
            if not (min(a, b) < x < max(a, b)):
                x = (a + b) / 2
            fx = g(x)
            if fx == 0:
                return x
            if (fx > 0) == (fb > 0):
                b, fb = x, fx
                if side == -1:
                    fa /= 2
                side = -1
            else:
                a, fa = x, fx
                if side == 1:
                    fb /= 2
                side = 1
        return (a + b) / 2


def _sign_fn(ev: CertifiedRankOne, level: sp.Rational, prec: int, crosscheck: bool = True):
    fl = flint_module()
    Lq = fl.fmpq(int(sp.Rational(level).p), int(sp.Rational(level).q))

    def sign_at(t) -> int | None:
        for p in (prec, 2 * prec):
            try:
                v = ev.values(t, p, ["m_u"], crosscheck=crosscheck)["m_u"]
            except CertificationError:
                continue
            with workprec(p):
                s = certified_sign(v - fl.arb(Lq))
            if s is not None:
                return s
        return None

    return sign_at


def prove_first_crossing(ev: CertifiedRankOne, level: sp.Rational, s0: int, lo: Fraction, hi: Fraction,
                         ta: Fraction) -> tuple[bool, str]:
    """Try to prove that a crossing of ``m_u = level`` in ``[lo, hi]`` is the first one.

    The proof has two parts: a box ``[m, hi]`` on which ``m_u'`` has the certified
    sign ``-s0`` (so ``m_u`` is strictly monotone there), and an interval cover of
    ``[0, m]`` by boxes on which ``m_u - level`` has the certified sign ``s0``.

    Parameters
    ----------
    ev : CertifiedRankOne
        The certified evaluator of the parameter point.
    level : sympy.Rational
        The level of ``m_u``.
    s0 : {1, -1}
        The sign of ``m_u(0) - level``.
    lo, hi : Fraction
        A proved bracket of the crossing (user time).
    ta : Fraction
        The left end of the scan interval the crossing was found in.

    Returns
    -------
    (bool, str)
        Whether the crossing is proved to be the first, and the sentence saying how
        (or why it is only assumed: the cover ran out of budget or of width).

    Raises
    ------
    CertificationError
        When ``m_u - level`` is certified of the other sign before ``lo``: the bracket
        is not the first crossing.

    Examples
    --------
    The upward crossing of 39/50 near t = 2 (spec 5.1's transient overshoot), from a
    certified bracket:

    >>> import sympy as sp, symdyn as sd
    >>> from fractions import Fraction
    >>> from symdyn.certify import mpf_to_fraction
    >>> m = sd.model("rank-one-denoising")
    >>> p = m.params(c="1/2", theta="6/5", alpha="1/2", beta="3/10", level="39/50")
    >>> b = m.boundary("hitting-time", p, dps=20, certify=True)
    >>> lo, hi = map(mpf_to_fraction, b.enclosures["time"])
    >>> proved, how = prove_first_crossing(CertifiedRankOne(m, p), sp.Rational(39, 50), -1, lo, hi, Fraction(7, 4))
    >>> proved, how.startswith("first crossing proved")
    (True, True)
    """
    fl = flint_module()
    Lq = fl.arb(fl.fmpq(int(sp.Rational(level).p), int(sp.Rational(level).q)))
    prec = COVER_BITS
    evals = 0

    def ball(a: Fraction, b: Fraction):
        with workprec(prec):
            A, B = fl.arb(fl.fmpq(a.numerator, a.denominator)), fl.arb(fl.fmpq(b.numerator, b.denominator))
            return A.union(B)

    # 1. a box [m, hi] on which m_u' has the certified sign -s0 (strictly monotone there)
    w = max(hi - ta, hi - lo)
    m = None
    for _ in range(24):
        evals += 1
        a = max(Fraction(0), hi - w)
        try:
            d = ev.values_scaled(ball(a, hi), prec, ["dm_u"], tol_bits=COVER_TOL_BITS)["dm_u"]
        except CertificationError:  # too wide to decide anything: shrink the box
            d = None
        if d is not None and certified_sign(d) == -s0:
            m = a
            break
        w /= 2
        if hi - w >= lo:
            break
    if m is None:
        return False, ("m_u' could not be certified of one sign next to the crossing, so an earlier crossing is "
                       "not excluded: the first crossing is assumed (from the evaluator scan), not proved")
    if m == 0:
        return True, "first crossing proved: m_u is certified strictly monotone on [0, upper]"
    # 2. cover [0, m] by boxes on which m_u - level has the certified sign s0, each enclosed in the
    #    mean-value form f(T) in f(mid) + f'(T) (T - mid): its width shrinks quadratically with the box
    a = Fraction(0)
    step = min(m, Fraction(1, 8))
    while a < m:
        if evals >= COVER_BUDGET:
            return False, (f"the interval cover of [0, {float(m):.6g}] exceeded its budget of {COVER_BUDGET} "
                           "evaluations: the first crossing is assumed (from the evaluator scan), not proved")
        b = min(m, a + step)
        mid = (a + b) / 2
        evals += 1
        ideal = None
        s_mid = None
        try:
            fm = ev.values_scaled(mid, prec, ["m_u"], tol_bits=COVER_TOL_BITS)["m_u"]
            with workprec(prec):
                s_mid = certified_sign(fm - Lq)
            d = ev.values_scaled(ball(a, b), prec, ["dm_u"], tol_bits=COVER_TOL_BITS)["dm_u"]
            with workprec(prec):
                enc = fm - Lq + d * (ball(a, b) - fl.arb(fl.fmpq(mid.numerator, mid.denominator)))
                s = certified_sign(enc)
                margin, slope = float((fm - Lq).abs_lower()), float(d.abs_upper())
            if slope > 0 and margin > 0:  # the box width the mean-value form can certify (heuristic)
                ideal = Fraction(2 * margin / slope).limit_denominator(2 ** 20)
        except CertificationError:  # e.g. Q_a not certified positive over a wide time ball: split
            s = None
        if s_mid is not None and s_mid != s0:
            raise CertificationError(
                f"m_u(t) - level has the other sign at t = {float(mid):.6g}, before the crossing the evaluator "
                "scan found: an earlier crossing was missed (two crossings within one scan step)")
        if s == s0:
            a = b
            step = step * 2 if ideal is None else max(min(step * 2, ideal * 3 / 4), step)
        else:
            step = step / 2 if ideal is None else min(step / 2, ideal / 2)
            if step < Fraction(1, 2 ** 40):
                return False, (f"m_u - level could not be certified of one sign near t = {float(a):.6g}: "
                               "the first crossing is assumed (from the evaluator scan), not proved")
    return True, (f"first crossing proved: m_u - level has a certified sign on [0, {float(m):.6g}] "
                  f"(interval cover in mean-value form) and m_u is certified strictly monotone on "
                  f"[{float(m):.6g}, upper] ({evals} interval evaluations)")


def _not_reached(model, params, level, s0: int, regime, dps: int, certify: bool, exc: Exception) -> Boundary:
    """The scan found no crossing: "never reached" (value inf) when the limit is on the start's side of
    the level; a ParameterError when the limit is beyond it (the crossing exists, past the scan)."""
    from ...errors import ParameterError

    limit = model.limit(params, dps=dps, check=False)
    side = exact_sign(limit.exact["m_u"] - level)
    where = f"m_u(inf) = {sp.sstr(limit.exact['m_u'])}"
    if side == -s0:
        raise ParameterError(f"{exc}; since {where} lies beyond the level, the crossing exists but after the "
                             "scan's range: choose a level nearer the start") from None
    if certify:
        raise CertificationError(f"{exc}; {where} is on the start's side of the level, but that m_u never reaches "
                                 "it cannot be certified") from None
    return Boundary(model=model.name, quantity="hitting-time", params=params, dps=dps, values={"time": mp.inf},
                    exact={}, method="scan of m_u(t) - level with the evaluator (no sign change) and the exact limit",
                    regime=regime,
                    note=(f"never reached: {exc}, and {where} is on the start's side of the level {level} (evidence, "
                          "not a proof: a crossing and return between two scan times is not excluded)"))


def hitting_time_boundary(model, params, *, dps: int = 30, certify: bool = False) -> Boundary:
    """First time ``t`` (user units) at which ``m_u(t) = level``; with ``certify`` a proved bracket."""
    from ...params import check_dps

    dps = check_dps(dps)
    params.require("level", purpose="the hitting time")
    ev = CertifiedRankOne(model, params)
    if ev.gd:
        raise UnsupportedError("hitting-time is defined for the continuous flows; drop eta=...")
    level = sp.Rational(params["level"])
    s0 = exact_sign(ev.can.alpha - level)
    regime = ev.ex.regime
    if s0 == 0:
        zero = mp.mpf(0)
        return Boundary(model=model.name, quantity="hitting-time", params=params, dps=dps,
                        values={"time": zero}, exact={"time": sp.Integer(0)},
                        method="m_u(0) = alpha = level exactly", regime=regime,
                        note="the level is the initial overlap", enclosures={"time": (zero, zero)} if certify else None)
    try:
        ta, tb, _ = _scan(model, params, ev, level, s0, certify)
    except (CertificationError, ConvergenceError) as exc:
        return _not_reached(model, params, level, s0, regime, dps, certify, exc)
    root = _refine_fast(model, params, level, ta, tb, s0, dps)
    with mp.workdps(dps):
        value = +root
    method = ("scan of m_u(t) - level with the evaluator (step 1/(4 s+) growing by 2%), then the Illinois "
              f"method on the evaluator at {dps + 8} digits")
    note = (f"first t with m_u(t) = {level}; the scan (first sign change between grid times {float(ta):.6g} "
            f"and {float(tb):.6g}) cannot see two crossings closer than its step")
    enclosures = None
    if certify:
        flint_module()
        target = bits_for_dps(dps) + GUARD_BITS
        sign_at = _sign_fn(ev, level, target + 32)
        if sign_at(ta) != s0 or sign_at(tb) != -s0:
            raise CertificationError("the sign change of m_u(t) - level found by the scan could not be certified")
        guess = _dyadic(_frac(root), target + 8)
        width = _dyadic(max(abs(guess), Fraction(1, 10**6)) / Fraction(10) ** (dps + 1), 64)
        lo, hi, n_eval = refine_crossing(sign_at, ta, tb, s0, width=width, guess=guess)
        proved, first_note = prove_first_crossing(ev, level, s0, lo, hi, ta)
        enclosures = {"time": _fraction_bounds(lo, hi)}
        with mp.workdps(dps + 10):
            value = (enclosures["time"][0] + enclosures["time"][1]) / 2
        with mp.workdps(dps):
            value = +value
        method = ("certified (python-flint/arb): sign-certified bracketing of m_u(t) - level "
                  f"({n_eval} certified evaluations; guess from the evaluator, bisection otherwise): a crossing "
                  "provably lies in [lower, upper]; " + first_note)
        note = (f"first t with m_u(t) = {level}; " +
                ("first crossing proved" if proved else "first crossing ASSUMED, not proved (see method)"))
    return Boundary(model=model.name, quantity="hitting-time", params=params, dps=dps, values={"time": value},
                    exact={}, method=method, regime=regime, note=note, enclosures=enclosures)
