r"""Discrete GD: exact first-hitting step counts of ``w <- w + eta w^(N-1) (s - w^N)``, ``w_0 = alpha``.

Each eigenvalue of the product is ``lambda_n = w_n^N`` (spec 3.2).  :func:`hitting_steps` returns the first
``n >= 0`` with ``w_n^N >= level * s`` for several levels at once, *proved*:

* The recursion runs in float64 (about 0.15 us per step in CPython), together with a rigorous bound ``e_n``
  on ``|log w^_n - log w_n|``.  With ``x = log w`` the map is ``psi(x) = log phi(e^x)`` and on ``w^N <= s``,
  under the stability condition ``eta N s^p < 2``,

  .. math:: |\psi'(x)| \le 1 + (N-2)\,\eta s\, w^{N-2},

  (:func:`log_lipschitz`), while one float evaluation of ``phi`` (including the rounding of ``eta`` and ``s``)
  has relative error at most ``delta = u (3N + 6 + (N+2)/(1 - theta))`` for ``w^N <= theta s``, ``u = 2^-53``.
  Hence ``e_{n+1} <= (1 + (N-2) eta s w^_n^{N-2} e^{(N-2) e_n}) e_n + delta/(1 - delta)``, accumulated in the loop
  with a safety factor.  A crossing is accepted only if ``w^_{n-1} e^{e_{n-1}} < omega <= w^_n e^{-e_n}``,
  ``omega = (level s)^{1/N}``, checked exactly in mpmath.
* An undecided crossing (the bound does not separate it, or ``alpha`` is outside float64's comfortable range)
  is re-run with gmpy2 ``mpfr`` numbers at 128, 256, ... bits with the same bound (``u = 2^-P``).

The baseline is the plain recursion (:func:`hitting_steps_plain`: mpmath numbers, no bound).  The
modified-equation estimate ``ceil(T/eta + (1/2) log(g(w_1)/g(w_0)))``, ``g(w) = w^{N-1}(s - w^N)`` (B3) is
:func:`modified_equation_steps`; the step-size condition (``eta N s_max^p <= 1`` monotone, ``< 2`` stable,
exact margins) is :func:`step_condition`.

>>> h = hitting_steps(3, ["9/10"], 2, "1/50", alpha="1/1000")
>>> h.steps, h.proved
((146,), True)
>>> modified_equation_steps(3, "9/10", 2, "1/50", alpha="1/1000").steps
146
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Sequence

import mpmath as mp
import sympy as sp

from ...errors import ParameterError, UnsupportedError
from ...exact import exact_sign, to_mp
from . import closed_forms as cf
from .inputs import check_dps, depth, level as _level, mpq, p_exponent, rational

__all__ = [
    "HittingSteps", "StepEstimate", "StepCondition",
    "hitting_steps", "hitting_steps_plain", "modified_equation_steps", "step_condition",
    "log_lipschitz", "iterate", "estimated_steps", "corrected_flow", "corrected_flow_eigenvalue",
    "recursion_trajectory", "bounded_run", "MAX_STEPS", "MAX_TRAJECTORY_STEPS",
]

MAX_STEPS = 200_000_000       # refuse longer runs (about a minute); the closed forms answer those
MAX_TRAJECTORY_STEPS = 20_000_000   # multiprecision trajectories (about 10 s per target and precision)
_SAFETY = 1.0 + 1e-6          # inflation of the float-accumulated bound (its own rounding is < 1e-8 relative)
_E_CAP = 1e-7                 # the bound must stay below this (it enters the Lipschitz constant)
_FLOAT_TINY = 1e-280


@dataclass(frozen=True)
class HittingSteps:
    """First-hitting steps of ``lambda_n = w_n^N >= level * s``.

    ``steps[i]`` is the step for ``levels[i]`` (0 if the start is already at the level).  ``proved`` is true
    when every count is certified by the error bound (``error_bound`` is the final bound on
    ``|log w^_n - log w_n|``, ``precision`` the arithmetic used).
    """

    s: sp.Rational
    N: int
    eta: sp.Rational
    lambda0: sp.Expr
    levels: tuple[sp.Rational, ...]
    steps: tuple[int, ...]
    proved: bool
    method: str
    precision: str
    error_bound: float
    seconds: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepEstimate:
    """The modified-equation estimate of a step count and its ingredients."""

    steps: int
    value: mp.mpf           # T/eta + (1/2) log(g(w1)/g(w0)) before the ceiling
    flow_steps: mp.mpf      # T/eta (the uncorrected estimate)
    correction: mp.mpf      # (1/2) log(g(w1)/g(w0))
    dps: int
    method: str


@dataclass(frozen=True)
class StepCondition:
    """``c = eta N s_max^p`` with exact margins ``1 - c`` (monotone iff >= 0) and ``2 - c`` (stable iff > 0).

    ``negative`` lists, for each negative target ``s``, the margin ``1 - eta alpha^(N-2)(|s| + alpha^N)``
    that keeps ``w`` positive and decreasing (its worst case is the first step).
    """

    value: mp.mpf
    exact: sp.Expr
    s_max: sp.Rational
    monotone: bool
    stable: bool
    margin_monotone: mp.mpf
    margin_stable: mp.mpf
    negative: tuple[tuple[sp.Rational, mp.mpf, bool], ...]
    dps: int


# ----------------------------------------------------------------------------- helpers


def _w0(alpha: Any, lambda0: Any, N: int) -> tuple[sp.Expr, sp.Expr]:
    """``(w0, lambda0)`` exactly (``w0 = lambda0^(1/N)`` when lambda0 is given)."""
    if (alpha is None) == (lambda0 is None):
        raise ParameterError("give exactly one of alpha (per layer) and lambda0 (= alpha^N, the product)")
    if alpha is not None:
        a = rational(alpha, "alpha", positive=True)
        return a, a**N
    l0 = rational(lambda0, "lambda0", positive=True)
    return sp.root(l0, N), l0


def log_lipschitz(w: float, s: float, eta: float, N: int) -> float:
    """The bound ``1 + (N-2) eta s w^(N-2)`` on ``|psi'|`` at ``w`` (valid for ``w^N <= s``, ``eta N s^p < 2``)."""
    return 1.0 + (N - 2) * eta * s * w ** (N - 2)


def _delta(N: int, theta: float, unit: float) -> float:
    """Relative error bound of one evaluation of ``phi`` (incl. the rounding of eta and s) for ``w^N <= theta s``."""
    return unit * (3 * N + 6 + (N + 2) / (1.0 - theta)) * (1 + 1e-9)


def estimated_steps(s: sp.Rational, level: sp.Rational, N: int, eta: sp.Rational, lambda0: sp.Expr) -> float:
    """``T/eta`` from the flow closed form (float accuracy), for planning and refusing."""
    if not lambda0 < level * s:
        return 0.0
    T = cf.flow_time(lambda0, level * s, s, N, dps=15)
    return float(T.value) / float(eta)


def _check_eta(s: sp.Rational, N: int, eta: sp.Rational) -> None:
    c = eta * N * s ** p_exponent(sp.Integer(N))
    if exact_sign(c - 2) >= 0:
        raise ParameterError(f"eta={eta} is unstable for the target s={s}: eta N s^(2-2/N) = "
                             f"{float(sp.N(c, 6)):.6g} must be < 2 (<= 1 for monotone convergence)")


# ----------------------------------------------------------------------------- the float / mpfr loops


def _block_bound(e: float, steps: int, x: float, D: float) -> float:
    """The bound after *steps* steps with Lipschitz factor ``<= 1 + x`` and local error ``<= D`` each."""
    if steps == 0:
        return e
    if x <= 0.0:
        return (e + steps * D) * _SAFETY
    g = math.expm1(steps * math.log1p(x))
    return (e * (1.0 + g) + D * (g / x)) * _SAFETY


def _run(w, s, eta, N: int, thresholds, e0: float, D: float, max_steps: int, *, mpfr: bool,
         block: int = 4096) -> list[tuple[int, Any, float, Any, float]]:
    """Iterate the recursion from *w* until each threshold is crossed (float64 or gmpy2 mpfr numbers).

    Returns ``(n, w_{n-1}, e, w_n, e)`` per threshold, ``e`` a bound on the log error at steps ``n - 1`` and
    ``n``.  The bound is updated once per block of steps with the Lipschitz factor at the block's last input
    (``w`` increases, so that factor is the largest of the block).
    """
    c = (N - 2) * float(eta) * float(s) * math.exp((N - 2) * _E_CAP) * _SAFETY
    if mpfr:
        import gmpy2

        fma, fms = gmpy2.fma, gmpy2.fms
        neta = -eta
    out = []
    n, e = 0, e0
    wp = w
    for thr in thresholds:
        while w < thr:
            if n >= max_steps:
                raise UnsupportedError(f"the recursion did not reach the level within {max_steps} steps")
            i = 0
            x = c * float(w) ** (N - 2)
            # short blocks where the Lipschitz factor varies (the bound uses the block's last factor)
            k = min(block if x <= 0 else max(16, min(block, int(0.01 / x))), max_steps - n)
            if mpfr:
                if N == 2:
                    while i < k and w < thr:
                        wp = w
                        w = fma(neta * w, fms(w, w, s), w)
                        i += 1
                elif N == 3:
                    while i < k and w < thr:
                        wp = w
                        w2 = w * w
                        w = fma(neta * w2, fms(w2, w, s), w)
                        i += 1
                elif N == 4:
                    while i < k and w < thr:
                        wp = w
                        w2 = w * w
                        w = fma(neta * w * w2, fms(w2, w2, s), w)
                        i += 1
                else:
                    while i < k and w < thr:
                        wp = w
                        q = w ** (N - 2)
                        w = fma(neta * w * q, fms(q * w, w, s), w)
                        i += 1
            else:
                if N == 2:
                    while i < k and w < thr:
                        wp = w
                        w = w + eta * w * (s - w * w)
                        i += 1
                elif N == 3:
                    while i < k and w < thr:
                        wp = w
                        w2 = w * w
                        w = w + eta * w2 * (s - w2 * w)
                        i += 1
                elif N == 4:
                    while i < k and w < thr:
                        wp = w
                        w2 = w * w
                        w = w + eta * w * w2 * (s - w2 * w2)
                        i += 1
                else:
                    while i < k and w < thr:
                        wp = w
                        q = w
                        for _ in range(N - 3):
                            q = q * w
                        w = w + eta * w * q * (s - q * w * w)
                        i += 1
            n += i
            e = _block_bound(e, i, c * float(wp) ** (N - 2), D)
        out.append((n, wp, e, w, e))
    return out


def bounded_run(w, s, eta, N: int, thresholds, *, theta: float, unit: float = 2.0**-53, e0: float = 0.0,
                max_steps: int = MAX_STEPS, mpfr: bool = False) -> list[tuple[int, Any, float, Any, float]]:
    """The recursion ``w <- w + eta w^(N-1) (s - w^N)`` in float64 (or gmpy2 mpfr numbers of unit roundoff
    *unit*) until each threshold is crossed, with a rigorous bound on its error in ``log w``.

    Returns ``(n, w_{n-1}, e, w_n, e)`` per threshold: the first step ``n`` with ``w_n >= threshold``, the
    iterates on either side and ``e``, a bound on ``|log w_computed - log w_exact|`` there.  The bound starts
    at *e0* (the error of the starting value), adds the relative error of one step of ``phi`` (valid while
    ``w^N <= theta s``) and grows with the Lipschitz factor ``1 + (N-2) eta s w^(N-2)`` of ``log w``.

    Examples
    --------
    >>> ((n, _, _, w, e),) = bounded_run(0.2, 1.5, 0.025, 3, [1.0], theta=0.8)
    >>> n, w >= 1.0, e < 1e-10
    (121, True, True)
    """
    delta = _delta(N, theta, unit)
    return _run(w, s, eta, N, thresholds, e0, delta / (1 - delta) * _SAFETY, max_steps, mpfr=mpfr)


def _mpf_of(x) -> mp.mpf:
    """An mpf equal to the float or mpfr *x* exactly."""
    if isinstance(x, float):
        return mp.mpf(x)
    man, exp = x.as_mantissa_exp()
    return mp.mpf(int(man)) * mp.mpf(2) ** int(exp)


def _certify_crossing(item, omega: mp.mpf, digits: int = 60) -> bool:
    """``w^_{n-1} e^{e_{n-1}} < omega <= w^_n e^{-e_n}`` (checked at *digits* digits with outward margins;
    *omega* carries ``digits`` correct digits)."""
    n, wp, ep, w, e = item
    with mp.workdps(digits):
        margin = mp.mpf(10) ** -(digits - 8)
        lo_n = _mpf_of(w) * mp.exp(-mp.mpf(e)) * (1 - margin)
        hi_p = _mpf_of(wp) * mp.exp(mp.mpf(ep)) * (1 + margin)
        return bool(lo_n >= omega and (n == 0 or hi_p < omega))


# ----------------------------------------------------------------------------- public API


def hitting_steps(s: Any, levels: Sequence[Any], N: Any, eta: Any, *, alpha: Any = None, lambda0: Any = None,
                  max_steps: int = MAX_STEPS) -> HittingSteps:
    """Proved first-hitting steps ``min{n >= 0: w_n^N >= level s}`` of the GD recursion, one per level.

    Parameters
    ----------
    s : exact number > 0
        The target eigenvalue.
    levels : sequence of exact numbers in (0, 1)
    N : int >= 2
    eta : exact number > 0, with ``eta N s^(2 - 2/N) < 2`` (stable)
    alpha, lambda0 : exactly one; ``w_0 = alpha`` or ``lambda0^(1/N)``
    max_steps : int
        Refuse (ParameterError with the estimate) if the flow predicts more steps.

    >>> hitting_steps(1, ["1/10", "9/10"], 4, "3/200", alpha="3/20").steps
    (1389, 1508)
    """
    start = time.perf_counter()
    N = int(depth(N))
    s = rational(s, "s", positive=True)
    eta = rational(eta, "eta", positive=True)
    levs = tuple(_level(v, "level") for v in levels)
    if not levs:
        raise ParameterError("give at least one level")
    w0, l0 = _w0(alpha, lambda0, N)
    _check_eta(s, N, eta)
    order = sorted(range(len(levs)), key=lambda i: levs[i])
    todo = [i for i in order if l0 < levs[i] * s]
    result = [0] * len(levs)
    notes: list[str] = []
    if not todo:
        return HittingSteps(s, N, eta, l0, levs, tuple(result), True, "all levels reached at n = 0",
                            "exact", 0.0, time.perf_counter() - start)
    est = estimated_steps(s, levs[todo[-1]], N, eta, l0)
    if est > max_steps:
        raise ParameterError(
            f"the recursion needs about {est:.3g} steps (flow estimate T/eta; about {est * 2e-7:.3g} s), more "
            f"than max_steps={max_steps}: use the flow closed forms and the modified-equation estimate")
    theta = float(levs[todo[-1]]) * (1 + 1e-12)
    with mp.workdps(60):
        omegas = [mp.root(mpq(levs[i] * s), N) for i in todo]
        w0m = to_mp(w0, 60)
    thresholds_f = [float(o) for o in omegas]
    sf, etaf = float(s), float(eta)
    w0f = float(w0m)
    with mp.workdps(60):
        e0 = float(abs(mp.log(mp.mpf(w0f)) - mp.log(w0m)) * 2) + 1e-300
    delta_f = _delta(N, theta, 2.0**-53)
    predicted = est * delta_f * (thresholds_f[-1] / w0f) ** (N - 2) if w0f > 0 else math.inf
    use_float = (w0f > 0 and w0f ** (2 * N - 1) * etaf * sf > _FLOAT_TINY and sf < 1e100 and etaf < 1e100
                 and predicted < 1e-9)
    proved = False
    items = None
    precision = ""
    if use_float:
        items = bounded_run(w0f, sf, etaf, N, thresholds_f, theta=theta, e0=e0, max_steps=max_steps + 2)
        final_e = items[-1][4]
        proved = final_e < _E_CAP and all(_certify_crossing(it, om) for it, om in zip(items, omegas))
        precision = "float64"
        if not proved:
            notes.append(f"float64 bound {final_e:.2e} left a crossing undecided: re-run with mpfr")
    bits = 128
    while not proved:
        import gmpy2

        digits = int(bits * 0.302) + 30
        with mp.workdps(digits):
            w0m = to_mp(w0, digits)
            omegas = [mp.root(mpq(levs[i] * s), N) for i in todo]
            with gmpy2.context(precision=bits):
                w0g = gmpy2.mpfr(mp.nstr(w0m, digits))
                sg = gmpy2.mpfr(gmpy2.mpq(int(s.p), int(s.q)))
                etag = gmpy2.mpfr(gmpy2.mpq(int(eta.p), int(eta.q)))
                thr = [gmpy2.mpfr(mp.nstr(o, digits)) for o in omegas]
            e0 = float(abs(mp.log(_mpf_of(w0g)) - mp.log(w0m)) * 2) + 2.0 ** (-bits - 10)
        with gmpy2.context(precision=bits):
            items = bounded_run(w0g, sg, etag, N, thr, theta=theta, unit=2.0**-bits, e0=e0, max_steps=max_steps + 2,
                                mpfr=True)
        final_e = items[-1][4]
        proved = final_e < _E_CAP and all(_certify_crossing(it, om, digits) for it, om in zip(items, omegas))
        precision = f"mpfr {bits} bits"
        if not proved:
            if bits >= 1024:
                raise UnsupportedError("a crossing could not be decided at 1024 bits (an iterate may sit exactly "
                                       "on the level)")
            bits *= 2
    for i, it in zip(todo, items):
        result[i] = it[0]
    method = ("GD recursion with a rigorous log-error bound (|psi'| <= 1 + (N-2) eta s w^(N-2); per-step "
              f"rounding <= u(3N+6+(N+2)/(1-theta))), {precision}; crossings certified at 60 digits")
    return HittingSteps(s, N, eta, l0, levs, tuple(result), True, method, precision, float(items[-1][4]),
                        time.perf_counter() - start, tuple(notes))


def hitting_steps_plain(s: Any, levels: Sequence[Any], N: Any, eta: Any, *, alpha: Any = None,
                        lambda0: Any = None, dps: int = 30, max_steps: int = MAX_STEPS) -> tuple[int, ...]:
    """The baseline: the plain recursion in mpmath at *dps* digits, no error bound (slow; for checks)."""
    N = int(depth(N))
    s = rational(s, "s", positive=True)
    eta = rational(eta, "eta", positive=True)
    levs = tuple(_level(v, "level") for v in levels)
    w0, l0 = _w0(alpha, lambda0, N)
    out = []
    with mp.workdps(dps):
        sm, em = mpq(s), mpq(eta)
        for lev in levs:
            thr = mpq(lev * s)
            w = to_mp(w0, dps)
            n = 0
            while w**N < thr:
                w = w + em * w ** (N - 1) * (sm - w**N)
                n += 1
                if n > max_steps:
                    raise UnsupportedError(f"more than {max_steps} steps")
            out.append(n)
    return tuple(out)


def _recursion_inputs(s: Any, N: Any, eta: Any, steps: Sequence[int], alpha: Any, lambda0: Any) -> tuple:
    """The recursion's checked inputs: depth, target, step, initial layer and product, sorted distinct steps."""
    N = int(depth(N))
    s = rational(s, "s")
    eta = rational(eta, "eta", positive=True)
    w0, l0 = _w0(alpha, lambda0, N)
    want = sorted(set(int(n) for n in steps))
    if want and want[0] < 0:
        raise ParameterError("steps must be >= 0")
    return N, s, eta, w0, l0, want


def iterate(s: Any, N: Any, eta: Any, steps: Sequence[int], *, alpha: Any = None, lambda0: Any = None,
            dps: int = 30) -> tuple[mp.mpf, ...]:
    """``lambda_n = w_n^N`` of the recursion at the requested (increasing) steps, any sign of ``s``, in mpmath."""
    N, s, eta, w0, l0, want = _recursion_inputs(s, N, eta, steps, alpha, lambda0)
    res: dict[int, mp.mpf] = {}
    with mp.workdps(dps):
        sm, em = mpq(s), mpq(eta)
        w = to_mp(w0, dps)
        n = 0
        for target in want:
            while n < target:
                w = w + em * w ** (N - 1) * (sm - w**N)
                n += 1
            res[target] = w**N
        return tuple(res[int(n)] for n in steps)


def modified_equation_steps(s: Any, level: Any, N: Any, eta: Any, *, alpha: Any = None, lambda0: Any = None,
                            dps: int = 30) -> StepEstimate:
    """``ceil(T/eta + (1/2) log(g(w_1)/g(w_0)))``, ``g(w) = w^{N-1}(s - w^N)`` (spec 3.4, B3).

    ``g(w1)/g(w0) = (level s/lambda0)^{(N-1)/N} (1 - level) s/(s - lambda0)``.
    """
    dps = check_dps(dps)
    N = int(depth(N))
    s = rational(s, "s", positive=True)
    lev = _level(level)
    eta = rational(eta, "eta", positive=True)
    _w, l0 = _w0(alpha, lambda0, N)
    if not l0 < lev * s:
        with mp.workdps(dps):
            z = mp.mpf(0)
        return StepEstimate(0, z, z, z, dps, "already at the level")
    T = cf.flow_time(l0, lev * s, s, N, dps=dps + 5)
    with mp.workdps(dps + 5 + max(0, int(mp.log10(abs(T.value) + 1)))):
        flow = T.value / mpq(eta)
        ratio = mp.power(mpq(lev * s) / mpq(l0), mp.mpf(N - 1) / N) * mpq((1 - lev) * s) / mpq(s - l0)
        corr = mp.log(ratio) / 2
        val = flow + corr
        n = int(mp.ceil(val))
    with mp.workdps(dps):
        return StepEstimate(n, +val, +flow, +corr, dps,
                            "modified equation g - (eta/2) g g': n = T/eta + (1/2) log(g(w1)/g(w0)) + O(eta)")


def step_condition(lam: Sequence[Any], N: Any, eta: Any, *, alpha: Any = None, lambda0: Any = None,
                   dps: int = 30) -> StepCondition:
    """The step-size condition on the targets *lam* (eigenvalues of ``W^``; any signs).

    ``c = eta N s_max^{2-2/N}`` over the positive targets: monotone (no overshoot) iff ``c <= 1``, locally stable
    iff ``c < 2`` (spec 3.4).  Each negative target ``s`` also needs ``eta alpha^{N-2}(|s| + alpha^N) < 1`` so
    that ``w`` stays positive (``<= 1``: monotone); that margin is reported too.

    >>> c = step_condition([3, 2, 1], 2, "1/6", alpha="1/1000")
    >>> c.monotone, c.stable, mp.nstr(c.margin_monotone, 5)
    (True, True, '0.0')
    """
    dps = check_dps(dps)
    N = int(depth(N))
    eta = rational(eta, "eta", positive=True)
    vals = tuple(rational(v, "lam") for v in lam)
    pos = [v for v in vals if v > 0]
    if not pos:
        raise ParameterError("at least one target eigenvalue must be positive")
    w0, l0 = _w0(alpha, lambda0, N) if (alpha is not None or lambda0 is not None) else (None, None)
    s_max = max(pos)
    c = eta * N * s_max ** p_exponent(sp.Integer(N))
    neg = []
    with mp.workdps(dps + 10):
        cm = to_mp(c, dps + 10)
        for v in vals:
            if v < 0 and w0 is not None:
                m = 1 - eta * w0 ** (N - 2) * (-v + l0)
                neg.append((v, to_mp(m, dps + 10), exact_sign(m) > 0))
    with mp.workdps(dps):
        return StepCondition(+cm, c, s_max, exact_sign(1 - c) >= 0, exact_sign(2 - c) > 0, +(1 - cm), +(2 - cm),
                             tuple((v, +m, ok) for v, m, ok in neg), dps)


def corrected_flow(n: int, s: Any, N: Any, eta: Any, *, alpha: Any = None, lambda0: Any = None,
                   dps: int = 20, tol_steps: float = 1e-9) -> mp.mpf:
    """The flow eigenvalue at the corrected step (B4): ``lambda(t_n)`` with ``n = t_n/eta + (1/2) log(g(w(t_n))/g(w_0))``.

    The equation is solved by the fixed-point iteration ``t <- eta (n - (1/2) log(g(t)/g(0)))`` (a contraction
    with factor ``O(eta s)``); ``g(w) = w^{N-1}(s - w^N) = lambda^{(N-1)/N}(s - lambda)``, any sign of ``s``
    (``g(w)/g(w_0) > 0``: ``lambda`` moves monotonically towards ``s``).
    """
    dps = check_dps(dps)
    N = int(depth(N))
    s = rational(s, "s")
    eta = rational(eta, "eta", positive=True)
    _w, l0 = _w0(alpha, lambda0, N)
    init = {"alpha": alpha} if alpha is not None else {"lambda0": lambda0}
    with mp.workdps(dps + 10):
        em = mpq(eta)
        ex = mp.mpf(N - 1) / N
        g0 = mp.power(mpq(l0), ex) * mpq(s - l0)
        t = em * n
        for _ in range(200):
            lam = cf.flow_eigenvalue(t, s, N, **init, dps=dps + 5)
            g = mp.power(lam.value, ex) * lam.gap
            tn = max(mp.mpf(0), em * (n - mp.log(g / g0) / 2))
            if abs(tn - t) <= em * tol_steps:
                t = tn
                break
            t = tn
        val = cf.flow_eigenvalue(t, s, N, **init, dps=dps).value
    with mp.workdps(dps):
        return +val


def recursion_trajectory(s: Any, N: Any, eta: Any, steps: Sequence[int], *, alpha: Any = None, lambda0: Any = None,
                         dps: int = 30) -> tuple[tuple[mp.mpf, mp.mpf], ...]:
    """``(lambda_n, s - lambda_n)`` of the recursion at the requested steps (any order), in gmpy2 ``mpfr`` at
    about ``dps`` digits, without cancellation in the gap.

    While ``w < c/2`` (``c = s^(1/N)``, ``s > 0``) ``w`` itself is iterated and ``s - w^N`` formed directly;
    beyond, the distance ``delta = c - w`` is iterated, ``delta <- delta (1 - eta w^(N-1) P(w))`` with
    ``s - w^N = delta P(w)``, ``P(w) = sum_j c^(N-1-j) w^j``, so a gap of ``10^-80`` keeps its digits.  For
    ``s <= 0`` the gap ``s - w^N`` has no cancellation.  Longer runs than :data:`MAX_TRAJECTORY_STEPS` are refused.

    >>> [mp.nstr(v[0], 12) for v in recursion_trajectory(3, 2, "1/50", [0, 146], alpha="1/1000", dps=20)]
    ['1.0e-6', '2.72877100335']
    """
    import gmpy2

    dps = check_dps(dps)
    N, s, eta, w0, l0, want = _recursion_inputs(s, N, eta, steps, alpha, lambda0)
    if want and want[-1] > MAX_TRAJECTORY_STEPS:
        raise ParameterError(f"step {want[-1]} is beyond {MAX_TRAJECTORY_STEPS} steps of the multiprecision "
                             "recursion: use gd_theory=corrected-flow (the flow at the modified-equation step)")
    bits = int(dps * 3.33) + 16
    out: dict[int, tuple[mp.mpf, mp.mpf]] = {}
    with gmpy2.context(precision=bits), mp.workdps(dps + 5):
        def g(q: sp.Expr):
            return gmpy2.mpfr(mp.nstr(to_mp(q, dps + 10), dps + 10))
        sg, eg = gmpy2.mpfr(gmpy2.mpq(int(s.p), int(s.q))), gmpy2.mpfr(gmpy2.mpq(int(eta.p), int(eta.q)))
        w = g(w0)
        c = g(sp.root(s, N)) if s > 0 else None
        half = None if c is None else c / 2
        delta = None
        n = 0

        def P(wv):
            acc = gmpy2.mpfr(0)
            cp = gmpy2.mpfr(1)
            powers = [gmpy2.mpfr(1)]
            for _ in range(N - 1):
                powers.append(powers[-1] * wv)
            for j in range(N - 1, -1, -1):
                acc += cp * powers[j]
                cp *= c
            return acc

        for target in want:
            while n < target:
                if delta is None:
                    w = w + eg * w ** (N - 1) * (sg - w**N)
                    if half is not None and w >= half:
                        delta = c - w
                else:
                    delta = delta * (1 - eg * w ** (N - 1) * P(w))
                    w = c - delta
                n += 1
            gap = (sg - w**N) if delta is None else delta * P(w)
            out[target] = (_mpf_of(w**N), _mpf_of(gap))
    with mp.workdps(dps):
        return tuple((+out[int(n)][0], +out[int(n)][1]) for n in steps)


def corrected_flow_eigenvalue(n: Any, s: Any, N: Any, eta: Any, *, alpha: Any = None, lambda0: Any = None,
                              dps: int = 30) -> "cf.FlowEigenvalue":
    """The flow eigenvalue at the corrected step (B4), ``lambda`` with
    ``n = T(lambda0 -> lambda)/eta + (1/2) log(g(lambda)/g(lambda0))``, ``g = lambda^((N-1)/N) (s - lambda)``.

    Growth targets (``0 < lambda0 < s``): Newton in ``z = logit(lambda/s)`` on
    ``f(z) = s^-p (F_N(x) - F_N(x0))/eta + (1/2) log(g/g0)``, increasing when ``eta N s^p < 2``
    (``f' = s^-p x^(1-p)/(N eta) + ((N-1)/N (1-x) - x)/2``).  Other targets: :func:`corrected_flow`.
    """
    dps = check_dps(dps)
    Nq = depth(N)
    s_ = rational(s, "s")
    eta_ = rational(eta, "eta", positive=True)
    _w, l0 = _w0(alpha, lambda0, int(Nq))
    n = int(n)
    init = {"alpha": alpha} if alpha is not None else {"lambda0": lambda0}
    if n == 0 or not (s_ > 0 and l0 < s_):
        if n == 0:
            return cf.flow_eigenvalue(0, s_, Nq, **init, dps=dps)
        lam = corrected_flow(n, s_, Nq, eta_, **init, dps=dps)
        with mp.workdps(dps):
            return cf.FlowEigenvalue(lam, mpq(s_) - lam, dps, "corrected flow (fixed point)", mp.mpf(0))
    p = p_exponent(Nq)
    wp = dps + cf.GUARD
    with mp.workdps(wp):
        x0, y0 = cf._xy(l0 / s_)
        F0 = cf.F(x0, Nq, y=y0)
        extra = max(cf._digits(F0), cf._digits(mp.mpf(n)))
    wp += extra
    with mp.workdps(wp):
        x0, y0 = cf._xy(l0 / s_)
        F0 = cf.F(x0, Nq, y=y0)
        sp_ = mp.power(mpq(s_), -mpq(p))
        em, Nm, pm = mpq(eta_), mpq(Nq), mpq(p)
        ex = (Nm - 1) / Nm
        lg0 = ex * mp.log(x0) + mp.log(y0)

        def xy(z):
            return 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))

        def f(z):
            x, y = xy(z)
            return sp_ * (cf.F(x, Nq, y=y) - F0) / em + (ex * mp.log(x) + mp.log(y) - lg0) / 2

        def fp(z):
            x, y = xy(z)
            return sp_ * mp.power(x, 1 - pm) / (Nm * em) + (ex * y - x) / 2

        guess = cf.flow_eigenvalue(em * n, s_, Nq, **init, dps=min(dps, 20))
        xg = guess.value / mpq(s_)
        yg = guess.gap / mpq(s_)
        z0 = mp.log(xg) - mp.log(yg) if xg > 0 and yg > 0 else mp.mpf(0)
        z, it = cf._solve_increasing(f, fp, mp.mpf(n), z0, wp=wp)
        x, y = xy(z)
        lam, gap = mpq(s_) * x, mpq(s_) * y
    with mp.workdps(dps):
        return cf.FlowEigenvalue(+lam, +gap, dps, "Newton on the corrected step relation in logit(lambda/s)",
                                 mp.mpf(10) ** -(dps + cf.GUARD - 4) * abs(lam), it)
