"""Numerical cross-checks of large-time limits, shared by the models' ``limits`` modules.

A symbolic large-time limit is never trusted blindly: each model's ``limit()``
attaches a :class:`~symdyn.results.NumericCheck` made here from its own
evaluation.

* :func:`relaxation_check` -- an exponential approach: the evaluation after
  :data:`RELAXATION_TIMES` relaxation times (the correction there is below
  ``exp(-40)``) against the limit values.
* :func:`richardson_check` -- a power law ``t^(-p)``: ``t^p m(t) = K + a/t + b/t^2``
  evaluated at ``T, 2T, 4T`` and extrapolated, ``(8 f(4T) - 6 f(2T) + f(T))/3``,
  against the closed-form amplitudes ``K``.
* :func:`order_check` -- an asymptotic formula in a small parameter (``alpha -> 0``
  rather than ``t -> infinity``): its deviation from the exact value at ``h, h/q, h/q^2``
  must scale like ``h^order`` (the observed log-log slopes against the stated order).
* :func:`round_up` -- readable check times; :func:`not_checked` -- the record of
  a check that could not be performed (``passed=None``) and why.

The model supplies the mathematics (the relaxation rate, the time ``T`` where its
power law holds, the tolerances); these functions only evaluate and compare, at
the precision the caller gives.

>>> round_up(87.2), round_up(1234.5)
(88, 1300)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import mpmath as mp
import sympy as sp

from .results import NumericCheck
from .tex import Prose

__all__ = ["RELAXATION_TIMES", "round_up", "not_checked", "relaxation_check", "richardson_check", "order_check"]

#: Relaxation times after which an exponential approach is compared with its limit.
RELAXATION_TIMES = 40


def round_up(x: float) -> int:
    """x rounded up to two significant digits (readable check times)."""
    if x <= 100:
        return int(math.ceil(x))
    mag = 10 ** (int(math.floor(math.log10(x))) - 1)
    return int(math.ceil(x / mag) * mag)


def not_checked(text: str) -> NumericCheck:
    """A check that was not performed; *text* says why."""
    return NumericCheck(description=text, times=(), predicted={}, observed={}, relative_deviation=None, passed=None)


def relaxation_check(model: Any, params: Any, values: Mapping[str, mp.mpf], *, rate: float, gd: bool,
                     rate_text: str, observables: Sequence[str], dps: int, tolerance: mp.mpf,
                     max_time: float) -> NumericCheck:
    """The limit *values* against the evaluation after :data:`RELAXATION_TIMES` relaxation times.

    Parameters
    ----------
    model, params
        The model and its parameters (``model.evaluate(params, times, dps=, observables=)``).
    values : mapping
        The limit of each observable in *observables* (nonzero).
    rate : float
        The relaxation rate: per GD step (``gd=True``; the check time is rounded up to a
        whole step) or per unit of the user's time.
    rate_text : str or Prose
        The rate as a formula, for the description (e.g. ``Prose("s1 - s+", r"s_1 - s_+")``; the LaTeX form is
        math without the ``$``).
    dps : int
        Precision of the evaluation and of the comparison.
    tolerance : mpf
        Largest relative deviation that passes.
    max_time : float
        Check times beyond this are not evaluated (the result says so).
    """
    n = RELAXATION_TIMES
    rate_tex = rate_text.latex if isinstance(rate_text, Prose) else r"\mathrm{rate}"
    if gd:
        t_check = math.ceil(n / rate)
        label = Prose(f"GD at k = {t_check} = {n} relaxation steps",
                      f"gradient descent at $k = {t_check}$, {n} relaxation steps")
    else:
        t_check = n / rate
        label = Prose(f"evaluation at t = {n}/({rate_text}) = {t_check:.6g}",
                      f"evaluation at $t = {n}/({rate_tex}) = {t_check:.6g}$")
    if not t_check <= max_time:
        return not_checked(f"not checked: the relaxation time is {t_check / n:.3g} (in the user's units), so "
                           "the limit is approached only for t >> that; evaluating there is out of range")
    t_str = str(int(t_check)) if gd else str(sp.Rational(f"{t_check:.6g}"))  # exact, also if t << 1
    traj = model.evaluate(params, [t_str], dps=dps, observables=list(observables))
    observed = {k: traj[k][0] for k in observables}
    with mp.workdps(dps):
        dev = max(abs(observed[k] - values[k]) / abs(values[k]) for k in observed)
    return NumericCheck(description=Prose(label + f"; the correction there is below exp(-{n})",
                                          label.latex + f"; the correction there is below $e^{{-{n}}}$"),
                        times=(t_str,), predicted={k: values[k] for k in observed}, observed=observed,
                        relative_deviation=dev, passed=bool(dev < tolerance))


def richardson_check(model: Any, params: Any, amplitudes: Mapping[str, mp.mpf], *, power: sp.Rational, T: int,
                     dps: int, tolerance: mp.mpf) -> NumericCheck:
    """Richardson extrapolation of ``t^power m(t)`` from ``T, 2T, 4T`` against the closed-form *amplitudes*.

    ``t^p m(t) = K + a/t + b/t^2 + ...``, so ``(8 f(4T) - 6 f(2T) + f(T))/3 = K + O(T^-3)``.
    The deviation is relative to ``K`` (absolute where ``K = 0``); the largest over the
    observables (the keys of *amplitudes*) is compared with *tolerance*.
    """
    ts = [sp.Integer(int(T) * j) for j in (1, 2, 4)]
    traj = model.evaluate(params, [str(x) for x in ts], dps=dps, observables=list(amplitudes))
    observed, predicted = {}, {}
    devs = []
    with mp.workdps(dps):
        for name, K in amplitudes.items():
            f = [mp.mpf(int(x)) ** mp.mpf(power) * v for x, v in zip(ts, traj[name])]
            extrap = (8 * f[2] - 6 * f[1] + f[0]) / 3
            observed[name], predicted[name] = extrap, K
            devs.append(abs(extrap - K) / abs(K) if K != 0 else abs(extrap))
        dev = max(devs)
    symbols = []
    for name in amplitudes:
        try:
            symbol = model.observable(name).latex_of(name)
        except Exception:   # a model without declarations: the name in words
            symbol = r"\mathrm{" + name.replace("_", r"\_") + "}"
        symbols.append(symbol[:-3] if symbol.endswith("(t)") else symbol)
    return NumericCheck(
        description=Prose(f"Richardson extrapolation of t^{power} m(t) (corrections in 1/t) from t = "
                          + ", ".join(str(x) for x in ts) + " against the closed-form amplitude",
                          f"Richardson extrapolation of $t^{{{power}}}\\, x(t)$ for $x = "
                          + ", ".join(symbols) + "$ (corrections in $1/t$) from $t = "
                          + ", ".join(str(x) for x in ts) + "$ against the closed-form amplitude"),
        times=tuple(ts), predicted=predicted, observed=observed, relative_deviation=dev,
        passed=bool(dev < tolerance))


def order_check(deviation: Callable[[Any], mp.mpf], points: Sequence[Any], *, order: float, name: str, dps: int,
                tolerance: float = 0.05, what: str = "the approximation") -> NumericCheck:
    """The error order of an asymptotic formula in a small parameter, measured.

    ``deviation(h)`` is ``exact(h) - approximation(h)`` at the small parameter *h* (e.g. ``alpha``);
    at the decreasing *points* ``h_1 > h_2 > ...`` its log-log slopes
    ``log(|dev_{j+1}|/|dev_j|)/log(h_{j+1}/h_j)`` must approach *order*: the check passes when the last
    slope is within ``tolerance * order`` of it.  The slopes are reported as ``observed``.

    >>> import mpmath as mp
    >>> c = order_check(lambda h: mp.exp(mp.mpf(h)) - 1 - mp.mpf(h), ["1/10", "1/20", "1/40"], order=2,
    ...                 name="x", dps=20)
    >>> c.passed, mp.nstr(c.observed["slope_2"], 4)
    (True, '2.012')
    """
    hs = [sp.Rational(h) for h in points]
    if len(hs) < 2 or any(b >= a or b <= 0 for a, b in zip(hs, hs[1:])):
        raise ValueError("order_check needs at least two decreasing positive points")
    with mp.workdps(dps):
        devs = [abs(mp.mpf(deviation(h))) for h in hs]
        if any(d == 0 for d in devs):
            return not_checked(f"not checked: {what} is exact at some {name} (zero deviation)")
        slopes = [mp.log(devs[j + 1] / devs[j]) / mp.log(mp.mpf(hs[j + 1].p) / hs[j + 1].q / (mp.mpf(hs[j].p) / hs[j].q))
                  for j in range(len(hs) - 1)]
        dev = abs(slopes[-1] - order) / abs(order)
    return NumericCheck(
        description=(f"error order of {what}: |exact - approximation| at {name} = "
                     + ", ".join(str(h) for h in hs) + f" scales like {name}^{order:g} (log-log slopes)"),
        times=tuple(hs), predicted={"order": mp.mpf(order)},
        observed={**{f"slope_{j + 1}": v for j, v in enumerate(slopes)},
                  **{f"deviation_{j + 1}": d for j, d in enumerate(devs)}},
        relative_deviation=dev, passed=bool(dev <= tolerance))
