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

from ... import spikes
from ...exact import to_mp
from ...laws.bbp import Regime
from ...results import Decay, Limit, NumericCheck
from ...symbols import alpha as A_, beta as B_, c as C_, kappa as K_, theta as T_
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
    >>> lim = m.limit(m.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2"), dps=20, check=False)
    >>> str(lim.regime), sd.mp_to_decimal(lim.values["m_u"], 20)
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
        conditions = ("theta^4 > c and alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v) "
                      + (">" if ex.sign_kp > 0 else "<") + " 0")
    else:
        exact["m_u"] = sp.Integer(0)
        exact["m_v"] = sp.Integer(0)
        top = e["s_plus"]
        conditions = {
            Regime.CRITICAL_RATIO: "theta^4 > c and alpha/beta = -kappa sqrt((theta^2 + c)/(theta^2 + 1)) exactly",
            Regime.AT: "theta^4 = c exactly",
            Regime.BELOW: "theta^4 < c",
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
            return Decay(law="((1 + eta s+)/(1 + eta s1))^k k^(-3/2)", exponent=None,
                         time_scale=scale,
                         note="relaxation over about -1/log((1 + eta s+)/(1 + eta s1)) steps")
        return Decay(law="exp(-t (s1 - s+)) t^(-3/2)", exponent=None,
                     time_scale=to_mp(1 / (e["gap"] * tf), dps),
                     note="time scale 1/(s1 - s+) (in the user's time units), diverging like (theta - theta_c)^-2")
    if regime is Regime.AT:
        amps = spikes.threshold_amplitudes()
        comb = _subs(amps["combination"], can)
        if ex.sign_kp == 0 or sp.simplify(comb) == 0:
            return Decay(law="faster than t^(-1/4)", exponent=None,
                         note="at threshold with alpha sqrt(v_uu) + kappa beta sqrt(v_vv) = 0 the leading "
                              "t^(-1/4) term cancels; the next order is not derived")
        p = sp.Rational(1, 4)
        Ku, Kv = _subs(amps["K_u"], can), _subs(amps["K_v"], can)
    else:
        amps = spikes.decay_amplitudes()
        p = sp.Rational(3, 4)
        Ku, Kv = _subs(amps["K_u"], can), _subs(amps["K_v"], can)
    if can.gd:
        # (1 + eta sqrt(lambda))^k ~ exp(tau sqrt(lambda)) near the edge with tau = k eta/(1 + eta s+)
        unit = can.eta / (1 + can.eta * e["s_plus"])
        law, note = f"k^(-{p})", "k = GD steps; effective time tau = k eta/(1 + eta s+)"
    else:
        unit = tf
        law, note = f"t^(-{p})", "amplitudes in the user's time units"
    Ku, Kv = Ku * unit ** (-p), Kv * unit ** (-p)
    return Decay(law=law, exponent=-p, amplitudes={"m_u": to_mp(Ku, dps), "m_v": to_mp(Kv, dps)},
                 exact={"m_u": Ku, "m_v": Kv}, note=note)


def _round_up(x: float) -> int:
    """x rounded up to two significant digits (readable check times)."""
    if x <= 100:
        return int(math.ceil(x))
    mag = 10 ** (int(math.floor(math.log10(x))) - 1)
    return int(math.ceil(x / mag) * mag)


def _numeric_check(model, params, can, ex, regime, values, decay) -> NumericCheck:
    e = ex.exprs
    if regime is Regime.ABOVE:
        if can.gd:
            rate = math.log1p(float(sp.N(can.eta * e["gap"] / (1 + can.eta * e["s_plus"]), 20)))  # no 1 + tiny
            t_check = math.ceil(40.0 / rate)
            label = f"GD at k = {t_check} = 40 relaxation steps"
        else:
            gap = float(sp.N(e["gap"], 20)) * float(can.time_factor)
            t_check = 40.0 / gap
            label = f"evaluation at t = 40/(s1 - s+) = {t_check:.6g}"
        if t_check > MAX_CHECK_TIME:
            return NumericCheck(
                description=(f"not checked: the relaxation time is {t_check / 40:.3g} (in the user's units), so the "
                             f"limit is approached only for t >> that; evaluating there is out of range"),
                times=(), predicted={}, observed={}, relative_deviation=None, passed=None)
        t_str = str(int(t_check)) if can.gd else str(sp.Rational(f"{t_check:.6g}"))  # exact, also if t << 1
        traj = model.evaluate(params, [t_str], dps=CHECK_DPS, observables=["m_u", "m_v"])
        observed = {k: traj[k][0] for k in ("m_u", "m_v")}
        with mp.workdps(CHECK_DPS):
            dev = max(abs(observed[k] - values[k]) / abs(values[k]) for k in observed)
        return NumericCheck(description=label + "; the correction there is below exp(-40)",
                            times=(t_str,), predicted={k: values[k] for k in observed}, observed=observed,
                            relative_deviation=dev, passed=bool(dev < ABOVE_TOLERANCE))
    if decay is None or not decay.amplitudes:
        return NumericCheck(description="not checked: no closed-form amplitude in this degenerate case",
                            times=(), predicted={}, observed={}, relative_deviation=None, passed=None)
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
        T = _round_up(T / unit)
    else:
        T = _round_up(T / float(can.time_factor))
    if not 4 * T <= MAX_CHECK_TIME * (1 if not can.gd else 1 / unit):
        return NumericCheck(description=f"not checked: the edge law needs t >> {T:.3g}, out of range",
                            times=(), predicted={}, observed={}, relative_deviation=None, passed=None)
    ts = [sp.Integer(int(T) * k) for k in (1, 2, 4)]
    traj = model.evaluate(params, [str(x) for x in ts], dps=CHECK_DPS, observables=["m_u", "m_v"])
    observed, predicted = {}, {}
    devs = []
    with mp.workdps(CHECK_DPS):
        for k in ("m_u", "m_v"):
            f = [mp.mpf(to_mp(x, CHECK_DPS)) ** mp.mpf(p) * v for x, v in zip(ts, traj[k])]
            extrap = (8 * f[2] - 6 * f[1] + f[0]) / 3
            observed[k] = extrap
            predicted[k] = decay.amplitudes[k]
            if predicted[k] != 0:
                devs.append(abs(extrap - predicted[k]) / abs(predicted[k]))
            else:
                devs.append(abs(extrap))
        dev = max(devs)
    return NumericCheck(
        description=(f"Richardson extrapolation of t^{p} m(t) (corrections in 1/t) from t = "
                     + ", ".join(str(x) for x in ts) + " against the closed-form amplitude"),
        times=tuple(ts), predicted=predicted, observed=observed, relative_deviation=dev,
        passed=bool(dev < POWER_TOLERANCE))
