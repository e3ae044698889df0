"""Large-time limits of the spiked Wigner model, regime by regime (spec section 6).

The regimes are split explicitly from exact signs, never by SymPy's ``limit``
(which returns wrong answers for parametric competing exponentials, e.g.
``limit(exp(a t)/(exp(a t) + exp(b t)), t, oo) = 0`` for ``a, b > 0``, and a wrong
0 for the outlier residue at a free positive ``theta``):

* ``theta > 1``: **above threshold**, ``m -> sgn(alpha) sqrt(1 - theta^(-2))`` and
  ``energy -> theta + 1/theta``, approached like ``exp(-t (lambda* - 2)) t^(-3/2)``
  (time scale ``theta/(theta - 1)^2``);
* ``theta = 1``: **at threshold**, ``m ~ sgn(alpha) (2/pi)^(1/4) t^(-1/4)``, energy -> 2;
* ``theta < 1``: **below threshold**, ``m ~ K t^(-3/4)`` with
  ``K = (2/pi)^(1/4) alpha/((1 - theta) sqrt(alpha^2 + (1 - alpha^2)(1 - theta)^2))``, energy -> 2.

``alpha = 0`` gives ``m(t) = 0`` at every ``t``.  For discrete GD the same limits
hold (``1 + eta (theta + 1/theta) > |1 + eta lambda|`` on ``[-2, 2]`` for every
``eta > 0``); near the edge ``(1 + eta lambda)^k ~ (1 + 2 eta)^k exp(-tau (2 - lambda))``
with ``tau = k eta/(1 + 2 eta)``, which converts the amplitudes.

Every limit carries a numerical cross-check: the evaluation at large time
(above threshold), or a Richardson extrapolation of ``t^p m(t)`` in ``1/t``
compared with the closed-form amplitude (power laws).
"""

from __future__ import annotations

import math

import mpmath as mp
import sympy as sp

from ...asymptotics import not_checked, relaxation_check, richardson_check, round_up
from ...exact import to_mp
from ...laws.bbp import Regime
from ...tex import Prose
from ...results import Decay, Limit, NumericCheck
from ...symbols import alpha as A_, theta as T_
from . import spectral
from .constants import exact_constants

__all__ = ["limit", "power_law_exponent", "amplitude_exact"]

CHECK_DPS = 25
MAX_CHECK_TIME = 2.0e5
ABOVE_TOLERANCE = mp.mpf("1e-12")
POWER_TOLERANCE = mp.mpf("1e-4")


def power_law_exponent(regime: Regime) -> sp.Rational | None:
    return {Regime.BELOW: sp.Rational(-3, 4), Regime.AT: sp.Rational(-1, 4)}.get(regime)


def amplitude_exact(theta: sp.Expr, alpha: sp.Expr, regime: Regime) -> sp.Expr:
    """Amplitude of the power law of ``m`` in canonical time (exact), below or at threshold."""
    if regime is Regime.AT:
        return spectral.threshold_amplitude()["K_closed"].subs(A_, alpha)
    if regime is Regime.BELOW:
        return spectral.decay_amplitude()["K_closed"].subs({T_: theta, A_: alpha})
    raise ValueError("power-law amplitudes exist only at and below threshold")


def limit(model, params, *, dps: int = 30, check: bool = True) -> Limit:
    """Large-time values, regime, decay law and a numerical cross-check.

    >>> import symdyn as sd
    >>> m = sd.model("spiked-wigner")
    >>> lim = m.limit(m.params(theta="2", alpha="-1/10"), dps=20, check=False)
    >>> str(lim.regime), sd.mp_to_decimal(lim.values["m"], 20)
    ('above-threshold', '-0.86602540378443864676')
    """
    from ...params import check_dps

    dps = check_dps(dps)
    can = model.canonical(params, need=("theta",))
    params.require("alpha", purpose="the limit (its sign)")
    ex = exact_constants(can)
    regime = ex.regime
    e = ex.exprs
    exact: dict[str, sp.Expr] = {}
    zero_alpha = ex.sign_alpha == 0
    if regime is Regime.ABOVE and not zero_alpha:
        exact["m"] = sp.Integer(ex.sign_alpha) * e["sqrt_weight"]
        exact["energy"] = can.x_scale * e["lam_star"]
        conditions = Prose("theta > 1 (theta_c = 1 in canonical units); the sign is that of alpha",
                           r"$\theta > 1$ ($\theta_c = 1$ in canonical units); the sign is that of $\alpha$")
    else:
        exact["m"] = sp.Integer(0)
        exact["energy"] = can.x_scale * 2
        conditions = {Regime.ABOVE: Prose("theta > 1", r"$\theta > 1$"),
                      Regime.AT: Prose("theta = 1 exactly", r"$\theta = 1$ exactly"),
                      Regime.BELOW: Prose("theta < 1", r"$\theta < 1$")}[regime]
        if zero_alpha:
            conditions = Prose(conditions + "; alpha = 0: m(t) = 0 for all t, and the energy tends to the bulk edge 2",
                               conditions.latex + r"; $\alpha = 0$: $m(t) = 0$ for all $t$, and the energy tends to "
                               r"the bulk edge $2$")
    decay = _decay(can, ex, regime, dps)
    values = {k: to_mp(v, dps) for k, v in exact.items()}
    num_check = _numeric_check(model, params, can, ex, regime, values, decay) if check else None
    return Limit(model=model.name, params=params, dps=dps, regime=regime, values=values, exact=exact,
                 conditions=conditions, decay=decay, check=num_check)


def _decay(can, ex, regime: Regime, dps: int) -> Decay:
    e = ex.exprs
    if ex.sign_alpha == 0:
        return Decay(law="identically 0", exponent=None,
                     note=Prose("alpha = 0: the start is orthogonal to x", r"$\alpha = 0$: the start is orthogonal to $x$"))
    if regime is Regime.ABOVE:
        if can.gd:
            ratio = (1 + can.eta * 2) / (1 + can.eta * e["lam_star"])
            return Decay(law=Prose("((1 + 2 eta)/(1 + eta lambda*))^k k^(-3/2)",
                                   r"$\bigl((1 + 2\eta)/(1 + \eta\lambda_*)\bigr)^k\, k^{-3/2}$"), exponent=None,
                         time_scale=to_mp(-1 / sp.log(ratio), dps),
                         note=Prose("relaxation over about -1/log((1 + 2 eta)/(1 + eta (theta + 1/theta))) steps",
                                    r"relaxation over about $-1/\log\bigl((1 + 2\eta)/(1 + \eta(\theta + 1/\theta))"
                                    r"\bigr)$ steps"))
        return Decay(law=Prose("exp(-t (lambda* - 2)) t^(-3/2)", r"$e^{-t (\lambda_* - 2)}\, t^{-3/2}$"), exponent=None,
                     time_scale=to_mp(1 / (e["delta"] * can.time_factor), dps),
                     note=Prose("time scale 1/(theta + 1/theta - 2) = theta/(theta - 1)^2 (in the user's time units), "
                                "diverging like (theta - 1)^-2",
                                r"time scale $1/(\theta + 1/\theta - 2) = \theta/(\theta - 1)^2$ (in the user's time "
                                r"units), diverging like $(\theta - 1)^{-2}$"))
    p = -power_law_exponent(regime)
    K = amplitude_exact(can.theta, can.alpha, regime)
    if can.gd:
        unit = can.eta / (1 + 2 * can.eta)
        law = Prose(f"k^(-{p})", f"$k^{{-{p}}}$")
        note = Prose("k = GD steps; effective time tau = k eta/(1 + 2 eta)",
                     r"$k$ gradient-descent steps; effective time $\tau = k\eta/(1 + 2\eta)$")
    else:
        unit = can.time_factor
        law, note = Prose(f"t^(-{p})", f"$t^{{-{p}}}$"), "amplitude in the user's time units"
    K = K * unit ** (-p)
    return Decay(law=law, exponent=-p, amplitudes={"m": to_mp(K, dps)}, exact={"m": K}, note=note)


def _numeric_check(model, params, can, ex, regime, values, decay) -> NumericCheck:
    e = ex.exprs
    if ex.sign_alpha == 0:
        traj = model.evaluate(params, ["1"], dps=CHECK_DPS, observables=["m"])
        ok = traj["m"][0] == 0
        return NumericCheck(description="alpha = 0: the evaluation at t = 1 is exactly 0", times=("1",),
                            predicted={"m": values["m"]}, observed={"m": traj["m"][0]},
                            relative_deviation=None, passed=bool(ok))
    if regime is Regime.ABOVE:
        if can.gd:
            rate = math.log1p(float(sp.N(can.eta * e["delta"] / (1 + 2 * can.eta), 20)))  # no 1 + tiny
        else:
            rate = float(sp.N(e["delta"], 20)) * float(can.time_factor)
        return relaxation_check(model, params, values, rate=rate, gd=can.gd, rate_text=Prose("lambda* - 2", r"\lambda_* - 2"),
                                observables=("m", "energy"), dps=CHECK_DPS, tolerance=ABOVE_TOLERANCE,
                                max_time=MAX_CHECK_TIME)
    # power laws: Richardson extrapolation of t^p m(t) = K + a/t + b/t^2 at T, 2T, 4T
    p = -decay.exponent
    delta = float(sp.N(e["delta"], 20))
    if regime is Regime.AT:
        T = 3200.0
    else:
        T = max(400.0, 400.0 / max(delta, 1e-300))  # the edge law needs t delta >> 1
    if can.gd:
        unit = float(sp.N(can.eta / (1 + 2 * can.eta), 20))
        T = round_up(T / unit)
        horizon = 4 * T * unit
    else:
        T = round_up(T / float(can.time_factor))
        horizon = 4 * T * float(can.time_factor)
    if horizon > MAX_CHECK_TIME:
        return not_checked(f"not checked: the edge law needs t >> 1/delta = {1 / max(delta, 1e-300):.3g}, "
                            "out of range")
    return richardson_check(model, params, {"m": decay.amplitudes["m"]}, power=p, T=T, dps=CHECK_DPS,
                            tolerance=POWER_TOLERANCE)
