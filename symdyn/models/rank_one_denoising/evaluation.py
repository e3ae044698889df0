"""Deterministic equivalents of the rank-one model at any precision (spec section 4).

Method
------
Every observable is a combination of integrals against the weighted spectral
measures ``nu_uu, nu_vv, nu_uv, mu1, mu2`` (spec 3.4, 4.2).  They are evaluated
as follows:

* **phi-substitution** ``lambda = 1 + c + 2 sqrt(c) cos(phi)``: every bulk integral
  becomes ``c * I[F]`` with ``I[F] = (2/pi) int_0^pi F sin^2(phi) dphi`` and ``F``
  analytic; the value at ``lambda = 0`` is split off (``h = (f - f(0))/lambda``),
  which also absorbs the zero atoms, so ``c = 1`` needs nothing special.
* **combined integrands**: ``N_u`` integrates ``alpha k_u h_C + kappa beta sigma/theta``
  against one pole ``1/(lambda* - lambda)`` (and likewise ``N_v``, ``Q_a``, ``Q_b``):
  one exponential per node feeds every integrand.
* **pole subtraction**: ``int g r/(lambda* - lambda) = int (g - g*) r/(lambda* - lambda)
  + g* G(lambda*)`` with the closed form ``G = ((lambda* - 1 - c) - R(lambda*))/2``.
  The remainder is entire, so the node count does not grow as ``theta -> theta_c``;
  ``lambda* - lambda`` is formed as ``delta + 4 sqrt(c) sin^2(phi/2)``.  The pole
  values ``g*`` are written through the critical combination ``a + b`` (module
  :mod:`.constants`), so they cancel exactly at the critical ratio.
* **outlier in factored form** (spec 4.3): ``A C* + B S* = ((A+B) e^{t s1} + (A-B) e^{-t s1})/2``.
* **scaling**: all growing quantities are computed times ``exp(-t s_ref)``
  (``s_ref = s1`` above threshold, ``s_+`` otherwise), so nothing overflows,
  also in the float64 fast path.
* **error estimate**: two independent evaluations, ``(N, dps + guard)`` and
  ``(1.25 N + 2, dps + guard + 10)`` nodes/digits; the reported error is their
  difference, never a rule's own estimate.  If they disagree beyond the requested
  precision the node count grows and the pair is recomputed.

Below threshold the subtracted pole value grows like ``exp(t (s1 - s_+))``
relative to the bulk; if that would cost more guard digits than the requested
precision, the rule integrates the pole directly with the node count it needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import mpmath as mp
import sympy as sp

from ...exact import to_mp
from ...numeric.arithmetic import MPFR, Arithmetic
from ...numeric.adaptive import GUARD_DIGITS, QuadratureKernel, error_method, evaluate_times
from ...numeric.rules import AngularRule, GaussChebyshev
from ...results import Trajectory
from ...tex import Prose, typeset
from .canonical import Canonical
from .constants import ExactConstants, exact_constants, numeric_constants

__all__ = ["evaluate", "Evaluator"]

MAX_DIRECT_ORDER = 4000
#: Digits of the exponent t s_ref that the ordinary guard digits absorb (t s_ref <= 1e4 needs nothing extra)
EXPONENT_SLACK = 4

# ----------------------------------------------------------------------------- kernel


@dataclass
class _NodeData:
    lam: list
    s: list
    inv_lam: list
    wd: list  # c * w / den (pole weight)
    w: list   # plain weight of I[.]


class Evaluator:
    """Evaluates the observables at one parameter set for many times.

    Holds the exact constants, converts them once per working precision, and
    caches node data per (rule order, precision).  Not part of the public API;
    use :func:`evaluate`.
    """

    def __init__(self, can: Canonical, ex: ExactConstants, arith: Arithmetic, rule: AngularRule):
        self.can = can
        self.ex = ex
        self.arith = arith
        self.rule = rule
        self.gd = can.gd
        self._consts: dict[int, dict[str, Any]] = {}
        self._nodes: dict[tuple[int, int], _NodeData] = {}
        self.s_ref_is_s1 = ex.above and ex.sign_kp != 0
        e = ex.exprs
        # node-count heuristics only, as floats of exact ratios: finite and NaN-free for any c, theta
        # (a huge constant gives inf, a tiny one 0, never inf/inf)
        f = lambda x: float(sp.N(x, 20))  # noqa: E731
        s_ref = e["s1"] if self.s_ref_is_s1 else e["s_plus"]
        self._f = {"edge_ratio": f(e["sqrt_c"] / e["s_plus"]), "gap": f(e["gap"]),
                   "pole": f(e["delta"] / (2 * e["sqrt_c"])), "log10_s_ref": _log10(s_ref)}
        if can.eta is not None:
            self._f["eta_edge"] = f(can.eta / (1 + can.eta * e["s_plus"]))
            self._f["eta_gap"] = f(can.eta * e["gap"] / (1 + can.eta * e["s_plus"]))

    # -- constants and nodes at a working precision
    def consts(self, dps: int) -> dict[str, Any]:
        if dps not in self._consts:
            mpc = numeric_constants(self.ex, dps + 5)
            with self.arith.workdps(dps):
                num = {k: self.arith.num(v) for k, v in mpc.items()}
                num["s_ref"] = num["s1"] if self.s_ref_is_s1 else num["s_plus"]
                if self.gd:
                    num["eta"] = self.arith.num(to_mp(self.can.eta, dps + 5))
                num["r0"] = self.arith.num(to_mp(self.can.r0, dps + 5))
            self._consts[dps] = num
        return self._consts[dps]

    def nodes(self, order: int, dps: int) -> _NodeData:
        key = (order, dps)
        if key not in self._nodes:
            K = self.consts(dps)
            a = self.arith
            with a.workdps(dps):
                lam, s, inv, wd, w = [], [], [], [], []
                four_sc = 4 * K["sqrt_c"]
                for sh2, ch2, wj in self.rule.nodes(order, a, dps):
                    # lambda = lambda_+ - 4 sqrt(c) sin^2(phi/2) = lambda_- + 4 sqrt(c) cos^2(phi/2):
                    # take the form without cancellation
                    lj = K["lam_plus"] - four_sc * sh2 if sh2 < 0.5 else K["lam_minus"] + four_sc * ch2
                    lam.append(lj)
                    s.append(a.sqrt(lj))
                    inv.append(1 / lj)
                    den = K["delta"] + four_sc * sh2  # lambda* - lambda, exactly positive
                    wd.append(K["c"] * wj / den)
                    w.append(wj)
            self._nodes[key] = _NodeData(lam, s, inv, wd, w)
        return self._nodes[key]

    # -- node counts
    def growth_rate(self, t: float) -> float:
        """Rate of exp(rate cos(phi)) bounding the integrands (for the node count)."""
        if self.gd:  # 2 t eta sqrt(c)/((1 + eta s+) s+)
            return 2.0 * t * self._f["eta_edge"] * self._f["edge_ratio"]
        return 2.0 * t * self._f["edge_ratio"]  # 2 t sqrt(c)/s+

    def exponent_digits(self, t: float) -> int:
        """Digits lost to the size of the exponents: ``t s`` (flow) or the power ``k`` (GD) multiplies
        the relative error of what it scales, so ``log10(t s_ref)`` (``log10 k``) guard digits keep
        ``exp(t (s - s_ref))`` (``((1 + eta s)/(1 + eta s_ref))^k``) at the working precision."""
        if t <= 0:
            return 0
        mag = math.log10(t) + (0.0 if self.gd else self._f["log10_s_ref"])
        return max(0, int(math.ceil(mag)) - EXPONENT_SLACK)

    def subtract_pole(self, t: float, dps: int) -> tuple[bool, int]:
        """(subtract?, extra guard digits) for time t."""
        guard = self.exponent_digits(t)
        if self.ex.sign_D >= 0:
            return True, guard
        if self.gd:
            loss = 2.0 * t * math.log1p(self._f["eta_gap"]) / math.log(10)
        else:
            loss = 2.0 * t * self._f["gap"] / math.log(10)
        if loss <= max(20.0, float(dps)):
            return True, int(math.ceil(loss)) + guard
        # direct integration of the pole: worth it only while its node count stays moderate;
        # otherwise pay the guard digits (cost grows like digits^1.6, nodes only like sqrt)
        if self.order(t, dps + GUARD_DIGITS + guard, False) <= MAX_DIRECT_ORDER or not math.isfinite(loss):
            return False, guard
        return True, int(math.ceil(loss)) + guard

    def order(self, t: float, digits: int, subtract: bool) -> int:
        pole = None if subtract else self._f["pole"]
        # GD: the subtracted integrands are polynomials of degree <= k in lambda
        degree = int(t) + 1 if (self.gd and subtract) else None
        return self.rule.order(self.growth_rate(t), digits, pole, degree)

    # -- the kernel
    def values(self, t_exact, order: int, dps: int, subtract: bool, want: frozenset[str]) -> dict[str, Any]:
        a = self.arith
        K = self.consts(dps)
        nd = self.nodes(order, dps)
        gd = self.gd
        with a.workdps(dps):
            t = a.num(to_mp(t_exact, dps + 5))
            s_ref = K["s_ref"]
            alpha, bh, rh = K["alpha"], K["beta_hat"], K["rho_hat"]
            th, c = K["theta"], K["c"]
            ku_al = alpha * K["ku"]
            kv_bh = bh * K["kv"]
            al2_ku = alpha * alpha * K["ku"]
            bh2_kv = bh * bh * K["kv"]
            sq_w = al2_ku + bh2_kv
            two_al_uvbh = 2 * alpha * bh / th
            uv_al = alpha / th
            uv_bh = bh / th
            al2, bh2 = alpha * alpha, bh * bh
            one_m_al2 = 1 - al2
            need_dQ = "dQa" in want
            need_IQ = "IQa" in want
            eps = a.num(10) ** (-dps - 2)
            # scaled "1": exp(-t s_ref) (flow) or (1 + eta s_ref)^-k (GD)
            if gd:
                eta = K["eta"]
                k = int(t_exact)
                base = 1 + eta * s_ref
                ref1 = 1 / base**k
            else:
                ref1 = a.exp(-t * s_ref)
            ref2 = ref1 * ref1
            # pole values (scaled), factored through kp = a + b and km = a - b.  The growing ep multiplies
            # only kp and A + B (a multiple of kp): when both are exact zeros it is not formed, since
            # exp(t (s1 - s+)) may overflow (far below threshold, at the critical ratio at large t)
            s1 = K["s1"]
            need_ep = self.ex.sign_kp != 0 and (subtract or self.ex.sign_D > 0)
            if gd:
                ep = ((1 + eta * s1) / base) ** k if need_ep else a.num(0)
                em = ((1 - eta * s1) / base) ** k
            else:
                ep = a.exp(t * (s1 - s_ref)) if need_ep else a.num(0)
                em = a.exp(-t * (s1 + s_ref))
            kp, km = K["kp"], K["km"]
            Xa = (kp * ep + km * em) / 2
            Xb = (kp * ep - km * em) / 2
            sums = dict(Nu=0, Nv=0, Qa=0, Qb=0, hC2=0, hL=0, dQa=0, mdQ=0, IQa=0, mIQ=0)
            if subtract:
                gNu = Xa / K["sqrt_cth"] - alpha * ref1 / (c + th * th)
                gNv = Xb / K["sqrt_oth"] - bh * ref1 / (1 + th * th)
                gQa = Xa * Xa - K["a"] * K["a"] * ref2
                gQb = Xb * Xb - K["b"] * K["b"] * ref2
                gdQ = 2 * s1 * Xa * Xb if need_dQ else 0
                if need_IQ:
                    two_s1 = 2 * s1
                    gIQ = ((kp * kp * (ep * ep - ref2) / two_s1 + 2 * (kp * km) * t * ref2
                            - km * km * (em * em - ref2) / two_s1) / 4 - K["a"] * K["a"] * t * ref2)
                else:
                    gIQ = 0
            else:
                gNu = gNv = gQa = gQb = gdQ = gIQ = 0
            if not gd:
                e_ref = ref1  # exp(-t s_ref)
                half_ref = a.exp(-t * s_ref / 2)
            for j in range(len(nd.lam)):
                sj, il = nd.s[j], nd.inv_lam[j]
                if gd:
                    P = ((1 + eta * sj) / base) ** k
                    M = ((1 - eta * sj) / base) ** k
                    C = (P + M) / 2
                    S = (P - M) / 2          # = s sigma_k, scaled
                    sig = S / sj
                    hC = (C - ref1) * il
                    hC2 = (C * C - ref2) * il
                    hL = sig * sig
                else:
                    ts = t * sj
                    A = a.exp((ts - t * s_ref) / 2)     # exp(t(s - s_ref)/2)
                    B = e_ref / A if A else A            # exp(-t(s + s_ref)/2) <= A (0 on underflow)
                    A2, B2 = A * A, B * B
                    C = (A2 + B2) / 2
                    S = (A2 - B2) / 2
                    if ts < 2:
                        # A - B = exp(-t s_ref/2) 2 sinh(ts/2) without cancellation
                        u = a.expm1(ts / 2)
                        d = half_ref * (u * (2 + u) / (1 + u))
                    else:
                        d = A - B
                    hC = d * d * il / 2           # 2 sinh^2(ts/2)/lambda, scaled
                    sig = S / sj
                    hL = sig * sig
                    hC2 = hL                      # (cosh^2 - 1)/lambda = sinh^2/lambda
                CS = C * sig
                wd = nd.wd[j]
                wj = nd.w[j]
                g = ku_al * hC + uv_bh * sig
                sums["Nu"] += wd * (g - gNu)
                g = uv_al * sig + kv_bh * hC
                sums["Nv"] += wd * (g - gNv)
                cross = two_al_uvbh * CS
                g = al2_ku * hC2 + cross + bh2_kv * hL
                sums["Qa"] += wd * (g - gQa)
                g = al2_ku * hL + cross + bh2_kv * hC2
                sums["Qb"] += wd * (g - gQb)
                sums["hC2"] += wj * hC2
                sums["hL"] += wj * hL
                if need_dQ:
                    twoCS = 2 * CS
                    g = sq_w * twoCS + two_al_uvbh * (S * S + C * C)
                    sums["dQa"] += wd * (g - gdQ)
                    sums["mdQ"] += wj * twoCS
                if need_IQ:
                    y = 2 * ts
                    if y < 1:
                        hI = 2 * t * t * t * _shc3_series(y, eps) * ref2
                    else:
                        hI = (2 * S * C - y * ref2) / (4 * sj) * il
                    g = sq_w * hI + alpha * uv_bh * hL
                    sums["IQa"] += wd * (g - gIQ)
                    sums["mIQ"] += wj * hI
            G = K["G"] if subtract else 0
            zu, zv = K["zeta_u"], K["zeta_v"]
            szu, szv = K["sqrt_zeta_u"], K["sqrt_zeta_v"]
            ApB, AmB = K["ApB"], K["AmB"]
            XU = (ApB * ep + AmB * em) / 2
            XV = (ApB * ep - AmB * em) / 2
            out: dict[str, Any] = {}
            out["Nu"] = alpha * (1 - zu) * ref1 + sums["Nu"] + gNu * G + szu * XU
            out["Nv"] = bh * (1 - zv) * ref1 + sums["Nv"] + gNv * G + szv * XV
            out["Qa"] = (al2 * (1 - zu) * ref2 + one_m_al2 * (ref2 + sums["hC2"]) + rh * c * sums["hL"]
                         + sums["Qa"] + gQa * G + XU * XU)
            out["Qb"] = (bh2 * (1 - zv) * ref2 + one_m_al2 * sums["hL"] + rh * (ref2 + c * sums["hC2"])
                         + sums["Qb"] + gQb * G + XV * XV)
            if need_dQ:
                out["dQa"] = ((one_m_al2 + rh * c) * sums["mdQ"] + sums["dQa"] + gdQ * G
                              + 2 * s1 * XU * XV)
            if need_IQ:
                two_s1 = 2 * s1
                IX = (ApB * ApB * (ep * ep - ref2) / two_s1 + 2 * (ApB * AmB) * t * ref2
                      - AmB * AmB * (em * em - ref2) / two_s1) / 4
                out["IQa"] = (al2 * t * (1 - zu) * ref2 + one_m_al2 * (t * ref2 + sums["mIQ"])
                              + rh * c * sums["mIQ"] + sums["IQa"] + gIQ * G + IX)
            out["ref1"] = ref1
            return out

    def observables(self, t_exact, order: int, dps: int, subtract: bool, names: Sequence[str]) -> dict[str, mp.mpf]:
        want = set()
        if "energy" in names:
            want.add("dQa")
        if "norm_sq" in names:
            want.add("IQa")
        v = self.values(t_exact, order, dps, subtract, frozenset(want))
        a = self.arith
        K = self.consts(dps)
        res: dict[str, Any] = {}
        with a.workdps(dps):
            log_scale = None
            for name in names:
                if name == "m_u":
                    res[name] = v["Nu"] / a.sqrt(v["Qa"])
                elif name == "m_v":
                    res[name] = v["Nv"] / a.sqrt(v["Qb"])
                elif name == "a_share":
                    res[name] = v["Qa"] / (v["Qa"] + v["Qb"])
                elif name == "energy":
                    res[name] = v["dQa"] / (2 * v["Qa"]) * self._x_scale(dps)
                elif name == "norm_sq":
                    xs = self._x_scale(dps)
                    r0 = K["r0"] / a.sqrt(xs)  # canonical initial norm
                    r02 = r0 * r0
                    res[name] = xs * r02 * v["Qa"] / (v["ref1"] * v["ref1"] + 2 * r02 * v["IQa"])
                else:  # N_u, N_v, Q_a, Q_b: undo the scaling (mpmath exponents are unbounded)
                    if log_scale is None:
                        log_scale = self._log_scale(t_exact, dps)
                    key = {"N_u": "Nu", "N_v": "Nv", "Q_a": "Qa", "Q_b": "Qb"}[name]
                    power = 2 if name.startswith("Q") else 1
                    res[name] = ("scaled", v[key], power)
        out: dict[str, mp.mpf] = {}
        for name, val in res.items():
            if isinstance(val, tuple):
                _, scaled, power = val
                with mp.workdps(dps):
                    out[name] = a.to_mp(scaled) * mp.exp(power * log_scale)
            else:
                out[name] = a.to_mp(val)
        return out

    def _x_scale(self, dps: int):
        with self.arith.workdps(dps):
            return self.arith.num(to_mp(self.can.x_scale, dps + 5))

    def _log_scale(self, t_exact, dps: int) -> mp.mpf:
        """log of the factor removed by the scaling: t s_ref (flow) or k log(1 + eta s_ref) (GD)."""
        with mp.workdps(dps + 5):
            key = "s1" if self.s_ref_is_s1 else "s_plus"
            s_ref = to_mp(self.ex.exprs[key], dps + 5)
            if self.gd:
                return int(t_exact) * mp.log1p(to_mp(self.can.eta, dps + 5) * s_ref)
            return to_mp(t_exact, dps + 5) * s_ref


def _log10(x: sp.Expr) -> float:
    """log10 of a positive exact constant, also beyond the float range (a float when it fits: faster)."""
    v = float(sp.N(x, 20))
    return math.log10(v) if 0 < v < math.inf else float(sp.N(sp.log(x, 10), 15))


def _shc3_series(y, eps):
    """``(sinh y - y)/y^3 = sum_j y^(2j)/(2j+3)!`` for ``|y| < 1``, to relative accuracy *eps*."""
    term = y * 0 + 1
    term = term / 6
    total = term
    y2 = y * y
    j = 0
    while abs(term) > eps * total:
        j += 1
        term = term * y2 / ((2 * j + 2) * (2 * j + 3))
        total += term
    return total


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
    """Deterministic equivalents of the observables at the given times.

    Parameters
    ----------
    model, params
        The rank-one model and its validated parameters (theta, alpha, beta needed).
    times
        Times ``t >= 0`` (flow) or step counts ``k`` (discrete GD, ``eta`` given), as
        text or numbers; parsed exactly.
    dps
        Requested correct digits (15..1000).  The float64 fast path caps at about 13.
    observables
        Names (default ``m_u, m_v`` plus the flow's extra observable).
    rule, arithmetic
        Quadrature rule strategy (default :class:`GaussChebyshev`; :class:`TanhSinh`
        for an independent cross-check) and number backend (default MPFR).

    Returns
    -------
    Trajectory
        Values with error estimates (difference of two independent evaluations),
        regime, method and node counts.
    """
    from ...params import check_dps

    dps = check_dps(dps)
    rule = GaussChebyshev() if rule is None else rule
    arith = MPFR if arithmetic is None else arithmetic
    can = model.canonical(params, need=("theta", "beta"))
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
        notes.append("below threshold at large t: the pole was integrated directly where subtracting it would "
                     "cost more guard digits than the requested precision")
    err = error_method(rule, arith)
    method = Prose(f"{rule.name} quadrature in phi (lambda = 1 + c + 2 sqrt(c) cos phi), combined integrands, "
                   f"pole subtraction with the closed-form Stieltjes transform, factored outlier; " + err,
                   f"{rule.name} quadrature in $\\varphi$ ($\\lambda = 1 + c + 2\\sqrt{{c}}\\cos\\varphi$), combined "
                   f"integrands, pole subtraction with the closed-form Stieltjes transform, factored outlier; "
                   + typeset(err))
    return Trajectory(
        model=model.name, params=params, dps=dps, times=tuple(times), time_name=model.time_name(params),
        observables=run.values, method=method, regime=ex.regime,
        nodes=run.orders, converged=run.converged, notes=tuple(notes),
    )
