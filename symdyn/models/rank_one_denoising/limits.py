"""Large-time limits of the rank-one model, regime by regime (spec section 5).

The regimes are split explicitly from exact signs, never by SymPy's ``limit``
(which returns wrong answers for parametric competing exponentials, e.g.
``limit(exp(a t)/(exp(a t) + exp(b t)), t, oo) = 0`` for ``a, b > 0``):

* ``theta^4 > c`` and ``alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v) != 0``: **above threshold**,
  ``m -> sgn(A + B) (sqrt(zeta_u), sqrt(zeta_v))``, approached like ``exp(-t (s1 - s_+)) t^(-3/2)``;
* ``theta^4 > c`` and ``A + B = 0`` exactly: **critical ratio**, ``m -> 0`` like ``K t^(-3/4)``;
* ``theta^4 = c``: **at threshold**, ``m -> 0`` like ``K t^(-1/4)``;
* ``theta^4 < c``: **below threshold**, ``m -> 0`` like ``K t^(-3/4)``.

Every limit carries a numerical cross-check: the evaluation at large time
(above threshold), or a Richardson extrapolation of ``t^p m(t)`` in ``1/t``
compared with the closed-form amplitude (power laws).
"""

from __future__ import annotations

import math

import mpmath as mp
import sympy as sp

from . import spectral as spikes
from ...asymptotics import not_checked, relaxation_check, richardson_check, round_up
from ...exact import to_mp
from ...laws.bbp import Regime
from ...results import Decay, Limit, NumericCheck
from ...symbols import alpha as A_, beta as B_, c as C_, kappa as K_, theta as T_
from ...tex import Prose
from .constants import exact_constants

__all__ = ["limit", "power_law_exponent"]

CHECK_DPS = 25
MAX_CHECK_TIME = 2.0e5
ABOVE_TOLERANCE = mp.mpf("1e-12")
POWER_TOLERANCE = mp.mpf("1e-4")


def power_law_exponent(regime: Regime) -> sp.Rational | None:
    return {Regime.BELOW: sp.Rational(-3, 4), Regime.CRITICAL_RATIO: sp.Rational(-3, 4),
            Regime.AT: sp.Rational(-1, 4)}.get(regime)


def _subs(expr, can):
    return sp.sympify(expr).subs({C_: can.c, T_: can.theta, A_: can.alpha, B_: can.beta, K_: can.kappa})


def limit(model, params, *, dps: int = 30, check: bool = True) -> Limit:
    """Large-time values, regime, decay law and a numerical cross-check.

    >>> import symdyn as sd
    >>> m = sd.model("rank-one-denoising")
    >>> lim = m.limit(m.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2"), dps=25, check=False)
    >>> str(lim.regime), sd.mp_to_decimal(lim.values["m_u"], 20)   # -sqrt(zeta_u) = -0.7505248259174656732053...
    ('above-threshold', '-0.75052482591746567321')
    """
    from ...params import check_dps

    dps = check_dps(dps)
    can = model.canonical(params, need=("theta", "beta"))
    params.require("alpha", purpose="the limit (its sign)")
    ex = exact_constants(can)
    regime = ex.regime
    e = ex.exprs
    exact: dict[str, sp.Expr] = {}
    if regime is Regime.ABOVE:
        sgn = sp.Integer(ex.sign_kp)
        exact["m_u"] = sgn * sp.sqrt(e["zeta_u"])
        exact["m_v"] = sgn * sp.sqrt(e["zeta_v"])
        top = e["s1"]
        rel = ">" if ex.sign_kp > 0 else "<"
        conditions = Prose(f"theta^4 > c and alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v) {rel} 0",
                           r"$\theta^4 > c$ and $\alpha\sqrt{\zeta_u} + \kappa\beta\sqrt{\zeta_v} " + rel + " 0$")
    else:
        exact["m_u"] = sp.Integer(0)
        exact["m_v"] = sp.Integer(0)
        top = e["s_plus"]
        conditions = {
            Regime.CRITICAL_RATIO: Prose("theta^4 > c and alpha/beta = -kappa sqrt((theta^2 + c)/(theta^2 + 1)) exactly",
                                         r"$\theta^4 > c$ and $\alpha/\beta = -\kappa\sqrt{(\theta^2 + c)/(\theta^2 + 1)}$ "
                                         r"exactly"),
            Regime.AT: Prose("theta^4 = c exactly", r"$\theta^4 = c$ exactly"),
            Regime.BELOW: Prose("theta^4 < c", r"$\theta^4 < c$"),
        }[regime]
    if not can.gd:
        if can.flow == "F1":
            exact["energy"] = can.x_scale * top
        if can.flow in ("F2", "F0"):
            exact["a_share"] = sp.Rational(1, 2)
        if can.flow == "F3":
            exact["norm_sq"] = can.x_scale * top
    else:
        exact["a_share"] = sp.Rational(1, 2)

    decay = _decay(can, ex, regime, dps)
    values = {k: to_mp(v, dps) for k, v in exact.items()}
    num_check = _numeric_check(model, params, can, ex, regime, values, decay) if check else None
    return Limit(model=model.name, params=params, dps=dps, regime=regime, values=values, exact=exact,
                 conditions=conditions, decay=decay, check=num_check)


def _decay(can, ex, regime: Regime, dps: int) -> Decay:
    e = ex.exprs
    tf = can.time_factor
    if regime is Regime.ABOVE:
        if can.gd:
            # -1/log((1 + eta s+)/(1 + eta s1)) = 1/log1p(u): SymPy's evalf fails on log(1 + tiny)
            u = to_mp(can.eta * e["gap"] / (1 + can.eta * e["s_plus"]), dps + 5)
            with mp.workdps(dps + 5):
                scale = 1 / mp.log1p(u)
            return Decay(law=Prose("((1 + eta s+)/(1 + eta s1))^k k^(-3/2)",
                                   r"$\bigl((1 + \eta s_+)/(1 + \eta s_1)\bigr)^k\, k^{-3/2}$"), exponent=None,
                         time_scale=scale,
                         note=Prose("relaxation over about -1/log((1 + eta s+)/(1 + eta s1)) steps",
                                    r"relaxation over about $-1/\log\bigl((1 + \eta s_+)/(1 + \eta s_1)\bigr)$ steps"))
        return Decay(law=Prose("exp(-t (s1 - s+)) t^(-3/2)", r"$e^{-t (s_1 - s_+)}\, t^{-3/2}$"), exponent=None,
                     time_scale=to_mp(1 / (e["gap"] * tf), dps),
                     note=Prose("time scale 1/(s1 - s+) (in the user's time units), diverging like (theta - theta_c)^-2",
                                r"time scale $1/(s_1 - s_+)$ (in the user's time units), diverging like "
                                r"$(\theta - \theta_c)^{-2}$"))
    if regime is Regime.AT:
        amps = spikes.threshold_amplitudes()
        comb = _subs(amps["combination"], can)
        if ex.sign_kp == 0 or sp.simplify(comb) == 0:
            return Decay(law=Prose("faster than t^(-1/4)", r"faster than $t^{-1/4}$"), exponent=None,
                         note=Prose("at threshold with alpha sqrt(v_uu) + kappa beta sqrt(v_vv) = 0 the leading "
                                    "t^(-1/4) term cancels; the next order is not derived",
                                    r"at threshold with $\alpha\sqrt{v_{uu}} + \kappa\beta\sqrt{v_{vv}} = 0$ the "
                                    r"leading $t^{-1/4}$ term cancels; the next order is not derived"))
        p = sp.Rational(1, 4)
        Ku, Kv = _subs(amps["K_u"], can), _subs(amps["K_v"], can)
    else:
        amps = spikes.decay_amplitudes()
        p = sp.Rational(3, 4)
        Ku, Kv = _subs(amps["K_u"], can), _subs(amps["K_v"], can)
    if can.gd:
        # (1 + eta sqrt(lambda))^k ~ exp(tau sqrt(lambda)) near the edge with tau = k eta/(1 + eta s+)
        unit = can.eta / (1 + can.eta * e["s_plus"])
        law = Prose(f"k^(-{p})", f"$k^{{-{p}}}$")
        note = Prose("k = GD steps; effective time tau = k eta/(1 + eta s+)",
                     r"$k$ gradient-descent steps; effective time $\tau = k\eta/(1 + \eta s_+)$")
    else:
        unit = tf
        law, note = Prose(f"t^(-{p})", f"$t^{{-{p}}}$"), "amplitudes in the user's time units"
    Ku, Kv = Ku * unit ** (-p), Kv * unit ** (-p)
    return Decay(law=law, exponent=-p, amplitudes={"m_u": to_mp(Ku, dps), "m_v": to_mp(Kv, dps)},
                 exact={"m_u": Ku, "m_v": Kv}, note=note)


def _numeric_check(model, params, can, ex, regime, values, decay) -> NumericCheck:
    e = ex.exprs
    if regime is Regime.ABOVE:
        if can.gd:
            rate = math.log1p(float(sp.N(can.eta * e["gap"] / (1 + can.eta * e["s_plus"]), 20)))  # no 1 + tiny
        else:
            rate = float(sp.N(e["gap"], 20)) * float(can.time_factor)
        return relaxation_check(model, params, values, rate=rate, gd=can.gd, rate_text=Prose("s1 - s+", "s_1 - s_+"),
                                observables=("m_u", "m_v"), dps=CHECK_DPS, tolerance=ABOVE_TOLERANCE,
                                max_time=MAX_CHECK_TIME)
    if decay is None or not decay.amplitudes:
        return not_checked("not checked: no closed-form amplitude in this degenerate case")
    # power laws: Richardson extrapolation of t^p m(t) = K + a/t + b/t^2 at T, 2T, 4T
    p = -decay.exponent
    s_plus = float(sp.N(e["s_plus"], 20))
    delta = float(sp.N(e["delta"], 20))
    if regime is Regime.AT:
        T = 3200.0
    else:
        T = max(400.0, 200.0 * s_plus / max(delta, 1e-300))  # the edge law needs t delta >> s+
    # ... and t >> 1/(width 2 sqrt(c) of the bulk of singular values)
    T = max(T, 200.0 / max(float(sp.N(e["sqrt_c"], 20)), 1e-300))
    if can.gd:
        unit = float(sp.N(can.eta / (1 + can.eta * e["s_plus"]), 20))
        T = round_up(T / unit)
    else:
        T = round_up(T / float(can.time_factor))
    if not 4 * T <= MAX_CHECK_TIME * (1 if not can.gd else 1 / unit):
        return not_checked(f"not checked: the edge law needs t >> {T:.3g}, out of range")
    return richardson_check(model, params, {k: decay.amplitudes[k] for k in ("m_u", "m_v")}, power=p, T=T,
                            dps=CHECK_DPS, tolerance=POWER_TOLERANCE)
