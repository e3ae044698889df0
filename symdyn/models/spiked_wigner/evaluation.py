"""Deterministic equivalents of the spiked Wigner model at any precision (spec section 6).

The observables are built from three integrals against the spectral measure
``nu_x`` and two against the semicircle:

    N = alpha <f>_nu,   Q = alpha^2 <f^2>_nu + (1 - alpha^2) <f^2>_sc,
    E = alpha^2 <lambda f^2>_nu + (1 - alpha^2) <lambda f^2>_sc,
    m = N/sqrt(Q),      energy = E/Q,

with ``f = e^{t lambda}`` (flow) or ``f = (1 + eta lambda)^k`` (discrete GD).

Method
------
* **semicircle brackets in closed form**: ``<e^{2t lambda}>_sc = I_1(4t)/(2t)`` and
  ``<lambda e^{2t lambda}>_sc = I_2(4t)/t`` (modified Bessel functions, evaluated once per
  time point by mpmath, scaled by ``e^{-2 t s_ref}``); for GD the exact Catalan sums
  ``<(1 + eta lambda)^(2k)>_sc = sum_j binom(2k, 2j) eta^(2j) C_j`` (positive terms).
* **angle substitution** ``lambda = 2 cos(phi)``: ``dsc = (2/pi) sin^2(phi) dphi``, the
  weight of the :mod:`symdyn.numeric.rules` rules; the integrands are analytic.
* **pole subtraction with the closed-form Stieltjes transform**: since
  ``1 + theta^2 - theta lambda = theta (lambda* - lambda)`` and
  ``int dsc/(lambda* - lambda) = min(theta, 1/theta)``, adding the outlier atom
  ``1 - theta^(-2)`` (theta > 1) gives in *every* regime

      <f>_nu = f(lambda*) + (1/theta) int (f(lambda) - f(lambda*))/(lambda* - lambda) dsc(lambda).

  The remainder is entire, so the node count does not grow as ``theta -> 1``.
  ``lambda* - lambda`` is formed as ``delta + 4 sin^2(phi/2)`` with the exact
  ``delta = (theta - 1)^2/theta``, and ``f(lambda)/f(lambda*) - 1`` with ``expm1``
  (``expm1(-t d)``; for GD ``expm1(k log1p(-eta d/(1 + eta lambda*)))``), so no digit is
  lost near the pole.
* **scaling**: everything is computed times ``exp(-t s_ref)`` (``s_ref = lambda*`` above
  threshold, 2 otherwise), or ``(1 + eta s_ref)^(-k)`` for GD: ``t = 10^4`` works, also
  in the float64 fast path.
* **error estimate**: two independent evaluations ``(N, dps + guard)`` and
  ``(1.25 N + 2, dps + guard + 10)``; the reported error is their difference.

Below threshold the subtracted pole value grows like ``exp(t delta)`` relative to
the bulk; while the guard digits that costs stay below the requested precision
the pole is subtracted, otherwise it is integrated directly (it is then far from
the edge on the scale ``t^(-1)`` of the edge layer) with the node count it needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import mpmath as mp
import sympy as sp

from ...exact import to_mp
from ...laws import semicircle as sc
from ...numeric.arithmetic import MPFR, MPMATH, Arithmetic
from ...numeric.adaptive import QuadratureKernel, error_method, evaluate_times
from ...numeric.rules import AngularRule, GaussChebyshev
from ...results import Trajectory
from ...tex import Prose, typeset
from .canonical import Canonical
from .constants import ExactConstants, exact_constants, numeric_constants

__all__ = ["evaluate", "Evaluator", "OBSERVABLES"]

FLOAT64_MAX_LOSS = 3
#: Digits of the exponent t s_ref that the ordinary guard digits absorb (t s_ref <= 1e4 needs nothing extra)
EXPONENT_SLACK = 4

OBSERVABLES = ("m", "energy", "N", "Q")


@dataclass
class _NodeData:
    lam: list   # lambda_j = 2 cos(phi_j)
    d: list     # lambda* - lambda_j = delta + 4 sin^2(phi_j/2) > 0 (0 only at theta = 1, phi = 0)
    den: list   # 1 + theta^2 - theta lambda_j = theta d_j
    w: list     # weights of int . dsc


class Evaluator:
    """Evaluates the observables at one parameter set for many times (internal; use :func:`evaluate`)."""

    def __init__(self, can: Canonical, ex: ExactConstants, arith: Arithmetic, rule: AngularRule):
        self.can = can
        self.ex = ex
        self.arith = arith
        self.rule = rule
        self.gd = can.gd
        self.has_spike_part = ex.sign_alpha != 0
        self.s_ref_is_outlier = ex.above and self.has_spike_part
        self._consts: dict[int, dict[str, Any]] = {}
        self._nodes: dict[tuple[int, int], _NodeData] = {}
        self._delta = float(sp.N(ex.exprs["delta"], 20))
        self._eta = None if can.eta is None else float(sp.N(can.eta, 20))
        s_ref = ex.exprs["lam_star" if self.s_ref_is_outlier else "edge"]
        v = float(sp.N(s_ref, 20))
        self._log10_s_ref = math.log10(v) if 0 < v < math.inf else float(sp.N(sp.log(s_ref, 10), 15))
        # the semicircle sums of GD run in mpmath for float64 (no underflow of (1 + eta s)^(-2k))
        self._sc_arith = MPMATH if arith.max_dps is not None else arith

    # -- constants and nodes at a working precision
    def consts(self, dps: int) -> dict[str, Any]:
        if dps not in self._consts:
            mpc = numeric_constants(self.ex, dps + 5)
            a = self.arith
            with a.workdps(dps):
                num = {k: a.num(v) for k, v in mpc.items()}
                num["s_ref"] = num["lam_star"] if self.s_ref_is_outlier else num["edge"]
                if self.gd:
                    num["eta"] = a.num(to_mp(sp.sympify(self.can.eta), dps + 5))
                num["x_scale"] = a.num(to_mp(sp.sympify(self.can.x_scale), dps + 5))
            self._consts[dps] = num
        return self._consts[dps]

    def nodes(self, order: int, dps: int) -> _NodeData:
        key = (order, dps)
        if key not in self._nodes:
            K = self.consts(dps)
            a = self.arith
            with a.workdps(dps):
                lam, d, den, w = [], [], [], []
                for sh2, ch2, wj in self.rule.nodes(order, a, dps):
                    # lambda = 2 - 4 sin^2(phi/2) = -2 + 4 cos^2(phi/2): the form without cancellation
                    lam.append(2 - 4 * sh2 if sh2 < 0.5 else 4 * ch2 - 2)
                    d.append(K["delta"] + 4 * sh2)
                    den.append(K["om2"] + 4 * K["theta"] * sh2)
                    w.append(wj)
            self._nodes[key] = _NodeData(lam, d, den, w)
        return self._nodes[key]

    # -- node counts and the subtraction decision
    def growth_rate(self, t: float) -> float:
        """Rate of ``exp(rate cos(phi))`` bounding the integrands (``f^2``)."""
        if self.gd:
            return 4.0 * t * self._eta / (1.0 + 2.0 * self._eta)
        return 4.0 * t

    def loss_digits(self, t: float) -> float:
        """Digits the subtraction loses below threshold: ``log10`` of ``(f(lambda*)/f(2))^2``."""
        if self.ex.sign_D >= 0:
            return 0.0
        if self.gd:
            return 2.0 * t * math.log1p(self._eta * self._delta / (1.0 + 2.0 * self._eta)) / math.log(10)
        return 2.0 * t * self._delta / math.log(10)

    def exponent_digits(self, t: float) -> int:
        """Digits lost to the size of the exponents: ``log10(t s_ref)`` (flow) or ``log10 k`` (GD)."""
        if t <= 0:
            return 0
        return max(0, int(math.ceil(math.log10(t) + (0.0 if self.gd else self._log10_s_ref))) - EXPONENT_SLACK)

    def subtract_pole(self, t: float, dps: int) -> tuple[bool, int]:
        """(subtract?, extra guard digits) at time t."""
        loss = self.loss_digits(t)
        guard = self.exponent_digits(t)
        limit = FLOAT64_MAX_LOSS if self.arith.max_dps is not None else max(20.0, float(dps))
        if loss <= limit:
            return True, int(math.ceil(loss)) + guard
        return False, guard

    def order(self, t: float, digits: int, subtract: bool) -> int:
        pole = None if subtract else self._delta / 2.0
        # GD: the subtracted integrands are polynomials of degree <= 2k in lambda
        degree = 2 * int(t) if (self.gd and subtract) else None
        return self.rule.order(self.growth_rate(t), digits, pole, degree)

    # -- the kernel
    def brackets(self, t_exact, order: int, dps: int, subtract: bool) -> dict[str, Any]:
        """Scaled brackets ``S1 = <f>_nu``, ``S2 = <f^2>_nu``, ``S3 = <lambda f^2>_nu``,
        ``M2 = <f^2>_sc``, ``M3 = <lambda f^2>_sc`` (times ``e^{-t s_ref}`` per power of f)."""
        a = self.arith
        K = self.consts(dps)
        gd = self.gd
        out: dict[str, Any] = {}
        with a.workdps(dps):
            s_ref = K["s_ref"]
            if gd:
                k = int(t_exact)
                eta = K["eta"]
                base = 1 + eta * s_ref
                b_star = 1 + eta * K["lam_star"]
            else:
                t = a.num(to_mp(sp.sympify(t_exact), dps + 5))
            # the semicircle part: closed forms, once per time
            out.update(self._semicircle(t_exact, dps))
            if not self.has_spike_part:
                zero = a.num(0)
                out.update(S1=zero, S2=zero, S3=zero)
                return out
            nd = self.nodes(order, dps)
            A1 = A2 = A3 = a.num(0)
            if subtract:
                th = K["theta"]
                if gd:
                    E1 = (b_star / base) ** k
                    half = a.num(1) / 2
                    for lj, dj, wj in zip(nd.lam, nd.d, nd.w):
                        y = eta * dj / b_star            # 1 - rho, rho = (1 + eta lambda)/(1 + eta lambda*)
                        if y < half:
                            r1 = a.expm1(k * a.log1p(-y))
                        else:
                            r1 = (1 - y) ** k - 1
                        r2 = r1 * (2 + r1)
                        q = wj / dj
                        A1 += q * r1
                        q2 = q * r2
                        A2 += q2
                        A3 += q2 * lj
                else:
                    E1 = a.exp(t * (K["lam_star"] - s_ref))
                    for lj, dj, wj in zip(nd.lam, nd.d, nd.w):
                        r1 = a.expm1(-t * dj)
                        r2 = r1 * (2 + r1)
                        q = wj / dj
                        A1 += q * r1
                        q2 = q * r2
                        A2 += q2
                        A3 += q2 * lj
                E2 = E1 * E1
                out["S1"] = E1 * (1 + A1 / th)
                out["S2"] = E2 * (1 + A2 / th)
                out["S3"] = E2 * (K["lam_star"] - K["inv_theta"] + A3 / th)
            else:
                # direct integration (below threshold only): no atom, pole far from the edge layer
                for lj, Dj, wj in zip(nd.lam, nd.den, nd.w):
                    f = ((1 + eta * lj) / base) ** k if gd else a.exp(t * (lj - s_ref))
                    q = wj / Dj
                    A1 += q * f
                    q2 = q * f * f
                    A2 += q2
                    A3 += q2 * lj
                out["S1"], out["S2"], out["S3"] = A1, A2, A3
        return out

    def _semicircle(self, t_exact, dps: int) -> dict[str, Any]:
        a = self.arith
        if self.gd:
            sa = self._sc_arith
            k = int(t_exact)
            with sa.workdps(dps):
                eta = sa.num(to_mp(sp.sympify(self.can.eta), dps + 5))
                s_ref = sa.num(to_mp(self.ex.exprs["lam_star" if self.s_ref_is_outlier else "edge"], dps + 5))
                base = 1 + eta * s_ref
                M2 = sc.gd_moment_scaled(eta, k, base, sa)
                M3 = sc.gd_lambda_moment_scaled(eta, k, base, sa)
                M2, M3 = sa.to_mp(M2), sa.to_mp(M3)
        else:
            with mp.workdps(dps + 5):
                t = to_mp(sp.sympify(t_exact), dps + 5)
                s_ref = to_mp(self.ex.exprs["lam_star" if self.s_ref_is_outlier else "edge"], dps + 5)
                # <e^{2t lambda}>_sc = I_1(4t)/(2t), <lambda e^{2t lambda}>_sc = 2 I_2(4t)/(2t): Bessel closed forms
                M2 = sc.mgf_scaled_numeric(2 * t, s_ref)
                M3 = sc.mgf_lambda_scaled_numeric(2 * t, s_ref)
        with a.workdps(dps):
            return {"M2": a.num(M2), "M3": a.num(M3)}

    def log_scale(self, t_exact, dps: int) -> mp.mpf:
        """log of the factor removed by the scaling: ``t s_ref`` (flow) or ``k log(1 + eta s_ref)`` (GD)."""
        with mp.workdps(dps + 5):
            s_ref = to_mp(self.ex.exprs["lam_star" if self.s_ref_is_outlier else "edge"], dps + 5)
            if self.gd:
                return int(t_exact) * mp.log1p(to_mp(sp.sympify(self.can.eta), dps + 5) * s_ref)
            return to_mp(sp.sympify(t_exact), dps + 5) * s_ref

    def observables(self, t_exact, order: int, dps: int, subtract: bool, names: Sequence[str]) -> dict[str, mp.mpf]:
        b = self.brackets(t_exact, order, dps, subtract)
        a = self.arith
        K = self.consts(dps)
        out: dict[str, mp.mpf] = {}
        with a.workdps(dps):
            al, al2, rest = K.get("alpha"), K.get("al2"), K.get("one_m_al2")
            N = al * b["S1"]
            Q = al2 * b["S2"] + rest * b["M2"]
            E = al2 * b["S3"] + rest * b["M3"]
            vals = {"m": N / a.sqrt(Q), "energy": K["x_scale"] * E / Q, "N": N, "Q": Q}
        log_scale = None
        for name in names:
            v = a.to_mp(vals[name])
            if name in ("N", "Q"):  # undo the scaling (mpmath exponents are unbounded)
                if log_scale is None:
                    log_scale = self.log_scale(t_exact, dps)
                with mp.workdps(dps):
                    v = v * mp.exp((2 if name == "Q" else 1) * log_scale)
            out[name] = v
        return out


# ----------------------------------------------------------------------------- public entry


def evaluate(
    model,
    params,
    times: Sequence[Any],
    *,
    dps: int = 30,
    observables: Sequence[str] | None = None,
    rule: AngularRule | None = None,
    arithmetic: Arithmetic | None = None,
    progress=None,
) -> Trajectory:
    """Deterministic equivalents of the spiked Wigner observables at the given times.

    Parameters
    ----------
    model, params
        The spiked Wigner model and its validated parameters (theta and alpha needed).
    times
        Times ``t >= 0`` (flow) or step counts ``k`` (discrete GD, ``eta`` given), as text
        or numbers; parsed exactly.
    dps
        Requested correct digits (15..1000).  The float64 fast path caps at about 13.
    observables
        Names out of ``m, energy, N, Q`` (default ``m, energy``).
    rule, arithmetic
        Quadrature rule strategy (default :class:`GaussChebyshev`; :class:`TanhSinh` for an
        independent cross-check) and number backend (default MPFR).

    Returns
    -------
    Trajectory
        Values with error estimates (difference of two independent evaluations), regime,
        method and node counts.

    >>> import symdyn as sd
    >>> m = sd.model("spiked-wigner")
    >>> tr = m.evaluate(m.params(theta="3/2", alpha="1/5"), ["0", "5"], dps=20)
    >>> [sd.mp_to_decimal(v, 12) for v in tr["m"]]
    ['0.200000000000', '0.742334378306']
    """
    from ...params import check_dps

    dps = check_dps(dps)
    rule = GaussChebyshev() if rule is None else rule
    arith = MPFR if arithmetic is None else arithmetic
    can = model.canonical(params, need=("theta",))
    if can.alpha is None:
        params.require("alpha", purpose="the trajectory")
    names = model.check_observables(params, observables)
    times = model.parse_times(params, times)
    ex = exact_constants(can)
    ev = Evaluator(can, ex, arith, rule)
    pairs = [(t, t if can.gd else t * can.time_factor) for t in times]
    run = evaluate_times(QuadratureKernel(ev), pairs, names, dps=dps, progress=progress)
    notes = list(run.notes)
    if run.direct_used:
        notes.append("below threshold at large t delta: the pole (distance delta = (theta - 1)^2/theta from the "
                     "edge) was integrated directly where subtracting it would cost more guard digits than the "
                     "requested precision")
    if ex.sign_alpha == 0:
        notes.append("alpha = 0: the start has no component along x, so m(t) = 0 for all t")
    what = "Catalan sums" if can.gd else "Bessel closed forms I_1(4t)/(2t), I_2(4t)/t"
    what_tex = "Catalan sums" if can.gd else r"Bessel closed forms $I_1(4t)/(2t)$, $I_2(4t)/t$"
    err = error_method(rule, arith)
    method = Prose(f"{rule.name} quadrature in phi (lambda = 2 cos phi) of nu_x with pole subtraction through the "
                   f"closed-form Stieltjes transform min(theta, 1/theta); semicircle brackets by {what}; " + err,
                   f"{rule.name} quadrature in $\\varphi$ ($\\lambda = 2\\cos\\varphi$) of $\\nu_x$ with pole "
                   f"subtraction through the closed-form Stieltjes transform $\\min(\\theta, 1/\\theta)$; semicircle "
                   f"brackets by {what_tex}; " + typeset(err))
    return Trajectory(
        model=model.name, params=params, dps=dps, times=tuple(times), time_name=model.time_name(params),
        observables=run.values, method=method, regime=ex.regime,
        nodes=run.orders, converged=run.converged, notes=tuple(notes),
    )
