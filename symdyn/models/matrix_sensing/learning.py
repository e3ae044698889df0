"""Learning times and steps, plateaus, the step condition, critical points and the final state.

Everything for full observation; times are in the setting's units (the spec's time
divided by ``4 loss_scale``, see :mod:`.setting`), GD steps are step counts.

* :func:`learning_time` -- the exact first time with ``lambda_k(P(t)) = level sigma_k``,
  the root of the Riccati closed form (:mod:`.riccati`), bracketed: no crossing before
  the bracket (a Riccati comparison bound, then steps that the log-Lipschitz bound
  ``d log lambda_k / dtau <= 2 sigma_1`` proves crossing-free), then Anderson-Bjorck
  on ``log(lambda_k / (level sigma_k))``.  With the alpha -> 0 formula (spec 2.3) and its
  error order ``O(alpha^(2 gamma_k))``.
* :func:`learning_step` -- GD: the exact hitting step of the scalar map
  ``lambda <- lambda (1 + mu (sigma_k - lambda))^2`` from ``alpha^2 c_k`` (spec 2.4),
  with the flow, modified-equation, logarithmic and leading-order estimates.
* :func:`plateau_length`, :func:`plateau_loss`, :func:`step_condition`,
  :func:`critical_points`, :func:`final_state`.

A component ``k > r`` has ``c_k = 0`` and is never learned: value ``inf`` and a reason.

>>> from symdyn.models.matrix_sensing.setting import Setting
>>> s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
>>> lt = learning_time(s, 3, dps=40)
>>> mp.nstr(lt.value, 15), lt.gamma, bool(abs(lt.difference) < 1e-55)
('69.8759732840018', 1, True)
>>> plateau_loss(s, 2).value
1/4
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import mpmath as mp
import sympy as sp

from ...errors import ConvergenceError, ParameterError
from ...exact import to_mp
from ...tex import Prose
from . import scalar
from .instance import init_constants
from .riccati import MAX_WORKING_DPS, kernel
from .setting import EXACT, OVER, UNDER, Setting

__all__ = [
    "Approximation", "LearningTime", "LearningStep", "gamma", "learning_time", "learning_time_limit",
    "learning_step", "PlateauLength", "plateau_length", "ExactValue", "plateau_loss", "StepCondition",
    "step_condition", "CriticalPoint", "critical_points", "FinalState", "final_state",
]

Q = sp.Rational
_NEVER = "c_k = 0 exactly for k > r: b_1..b_k span at most R^r, so component k never grows (under-parameterized)"


@dataclass(frozen=True)
class Approximation:
    """A named alternative estimate of a quantity, with what it is and how wrong it may be."""

    name: str
    value: mp.mpf
    description: str
    order: str = ""


@dataclass(frozen=True)
class LearningTime:
    """The gradient-flow learning time of component k.

    Attributes
    ----------
    k : int
    value : mpf
        Exact first root (setting time units), ``mp.inf`` if never learned.
    error : mpf or None
        Estimate: the secant correction at 12 more working digits plus the last correction of the solver.
    limit : mpf or None
        The alpha -> 0 formula ``log(level sigma_k / ((1 - level) alpha^2 c_k)) / (2 sigma_k)``
        (divided by ``4 loss_scale``).
    difference : mpf or None
        ``value - limit``.
    gamma : sympy.Rational or None
        ``min(1 - sigma_(k+1)/sigma_k, sigma_(k-1)/sigma_k - 1)``; the limit is off by
        ``O(alpha^(2 gamma))``.
    bracket : (mpf, mpf) or None
        Final bracket of the root (setting units); no crossing before its left end.
    dps, working_dps : int
    method : str
    approximations : tuple of Approximation
    notes : tuple of str
    """

    k: int
    value: mp.mpf
    error: mp.mpf | None
    limit: mp.mpf | None
    difference: mp.mpf | None
    gamma: sp.Rational | None
    bracket: tuple[mp.mpf, mp.mpf] | None
    dps: int
    working_dps: int
    method: str
    evaluations: int = 0
    approximations: tuple[Approximation, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def learned(self) -> bool:
        return bool(mp.isfinite(self.value))


def gamma(sigma: tuple[sp.Rational, ...], k: int) -> sp.Rational:
    """Error exponent of the alpha -> 0 learning time (spec 2.3), ``sigma_0 = inf``, ``sigma_(r*+1) = 0``.

    >>> gamma((Q(3), Q(2), Q(1)), 1), gamma((Q(3), Q(2), Q(1)), 2), gamma((Q(3), Q(2), Q(1)), 3)
    (1/3, 1/2, 1)
    """
    s = tuple(sp.Rational(x) for x in sigma)
    nxt = s[k] if k < len(s) else sp.Integer(0)
    up = 1 - nxt / s[k - 1]
    if k == 1:
        return up
    return min(up, s[k - 2] / s[k - 1] - 1)


def _limit_tau(setting: Setting, k: int, ck: mp.mpf) -> mp.mpf:
    sk = to_mp(setting.sigma[k - 1], mp.mp.dps)
    lv = to_mp(setting.level, mp.mp.dps)
    a2 = to_mp(setting.alpha, mp.mp.dps) ** 2
    return mp.log(lv * sk / ((1 - lv) * a2 * ck)) / (2 * sk)


def learning_time_limit(setting: Setting, k: int, *, dps: int = 30) -> Approximation:
    """The alpha -> 0 learning time of component k (setting units), exact ``c_k``.

    ``t_k = log(level sigma_k / ((1 - level) alpha^2 c_k)) / (2 sigma_k)`` in the spec's time;
    it equals the logistic law's hitting time from the effective start ``alpha^2 c_k`` up to
    ``O(alpha^2)``, and the exact flow's up to ``O(alpha^(2 gamma_k))``.
    """
    k = setting.check_k(k)
    if k > setting.r:
        return Approximation("alpha->0", mp.inf, _NEVER)
    ck = init_constants(setting.d, setting.r, setting.r_star, setting.init_seed, dps=dps)
    with mp.workdps(dps + 10):
        c = to_mp(ck.exact[k - 1], dps + 10)
        val = _limit_tau(setting, k, c) / to_mp(setting.rate, dps + 10)
    g = gamma(setting.sigma, k)
    with mp.workdps(dps):
        return Approximation("alpha->0", +val,
                             "log(level sigma_k/((1-level) alpha^2 c_k))/(2 sigma_k), divided by 4 loss_scale",
                             f"O(alpha^({sp.sstr(2 * g)}))")


class _Lambda:
    """``log(lambda_k(tau) / target)`` at one working precision, counting evaluations."""

    def __init__(self, setting: Setting, k: int, prec: int) -> None:
        self.kern = kernel(setting, prec)
        self.k = k
        self.prec = prec
        with mp.workdps(prec):
            self.target = to_mp(setting.level, prec) * to_mp(setting.sigma[k - 1], prec)
        self.count = 0

    def __call__(self, tau: mp.mpf) -> mp.mpf:
        self.count += 1
        with mp.workdps(self.prec):
            lam = self.kern.eigenvalues(tau)[self.k - 1]
            return mp.log(lam / self.target)


class _Crossing(_Lambda):
    """``(-1)^(r-k) prod_j (lambda_j(tau) - target)`` (:meth:`.riccati.Kernel.crossing`): the same root inside a
    bracket that no other eigenvalue crosses, without an eigenvalue solver."""

    def __call__(self, tau: mp.mpf) -> mp.mpf:
        self.count += 1
        return self.kern.crossing(tau, self.target, self.k)


def _anderson_bjorck(g: _Lambda, a: mp.mpf, b: mp.mpf, ga: mp.mpf, gb: mp.mpf, tol: mp.mpf,
                     max_iter: int = 200) -> tuple[mp.mpf, mp.mpf, mp.mpf, mp.mpf]:
    """Bracketed root of *g* on ``[a, b]`` with ``ga < 0 < gb``.

    Returns ``(root, a, b, step)``: the final bracket and the size of the last secant
    correction ``|g(c)/g'(c)|`` (the convergence estimate; the bracket may stay wide on one side).
    """
    with mp.workdps(g.prec):
        side = 0
        prev = None
        for _ in range(max_iter):
            c = b - gb * (b - a) / (gb - ga)
            if not a < c < b:
                c = (a + b) / 2
            gc = g(c)
            if gc == 0:
                return c, c, c, mp.mpf(0)
            if prev is not None and prev[0] != c:
                slope = (gc - prev[1]) / (c - prev[0])
                step = abs(gc / slope) if slope != 0 else b - a
                if step <= tol * max(1, abs(c)):
                    return c, min(a, c), max(b, c), step
            prev = (c, gc)
            if gc < 0:
                if side == -1:
                    m = 1 - gc / ga
                    gb = gb * (m if m > 0 else mp.mpf(1) / 2)
                a, ga, side = c, gc, -1
            else:
                if side == 1:
                    m = 1 - gc / gb
                    ga = ga * (m if m > 0 else mp.mpf(1) / 2)
                b, gb, side = c, gc, 1
            if b - a <= tol * max(1, abs(c)):
                return c, a, b, b - a
        raise ConvergenceError("the learning-time root did not converge")


def _scan(setting: Setting, k: int, prec: int, tau_lo: mp.mpf) -> tuple[mp.mpf, mp.mpf, int, list[str]]:
    """A bracket ``[a, b]`` of the first crossing, scanning up from *tau_lo* (known crossing-free).

    Steps of ``delta / (2 sigma_1)`` with ``delta = log(level sigma_k / lambda_k)`` are crossing-free
    (``d log lambda_k / dtau <= 2 sigma_1``); once ``delta < 1`` a probe beyond the expected crossing
    looks for the sign change.  Runs at a modest precision (the values only need a few digits).
    """
    g = _Lambda(setting, k, prec)
    notes: list[str] = []
    with mp.workdps(prec):
        s1 = to_mp(setting.sigma[0], prec)
        sk = to_mp(setting.sigma[k - 1], prec)
        lv = to_mp(setting.level, prec)
        slack = mp.mpf(10) ** -8                  # the scan values are good to far better than this
        a = tau_lo
        ga = g(a)
        if ga >= 0:
            if a == 0:
                return a, a, g.count, ["lambda_k(0) >= level sigma_k: learned at t = 0"]
            raise ConvergenceError("the comparison bound failed (lambda_k above the level before the bound)")
        safe_until = a
        for _ in range(10_000):
            delta = -ga - slack
            safe = max(delta, mp.mpf(0)) / (2 * s1)     # no crossing in [a, a + safe)
            if delta > 1:
                a = a + safe
                ga = g(a)
                if ga >= 0:
                    raise ConvergenceError("the log-Lipschitz bound failed")
                safe_until = a
                continue
            b = a + max(safe, 2 * (-ga) / (2 * sk * (1 - lv)))  # probe beyond the expected crossing
            gb = g(b)
            if gb > 0:
                notes.append(f"no crossing before tau = {mp.nstr(safe_until, 8)} (proved: comparison bound and "
                             f"log-Lipschitz steps); the root is the sign change in [{mp.nstr(a, 8)}, {mp.nstr(b, 8)}]")
                return a, b, g.count, notes
            if gb < ga:
                notes.append(f"lambda_k decreased between tau = {mp.nstr(a, 8)} and {mp.nstr(b, 8)}")
            safe_until = max(safe_until, a + safe)
            a, ga = b, gb
        raise ConvergenceError("the learning-time scan did not reach the level")


def _root(setting: Setting, k: int, prec: int, a: mp.mpf, b: mp.mpf, tol: mp.mpf
          ) -> tuple[mp.mpf, mp.mpf, mp.mpf, mp.mpf, int, type]:
    """The root in ``[a, b]`` at working precision *prec* (the bracket is widened if rounding moved it).

    The root function is :class:`_Crossing` (no eigenvalue solver) when its signs bracket the root,
    else (another eigenvalue also crosses the level inside ``[a, b]``) ``log(lambda_k / target)``.
    Returns the root, the final bracket, the last correction, the evaluations and the function used.
    """
    g = _Crossing(setting, k, prec)
    with mp.workdps(prec):
        a, b = mp.mpf(a), mp.mpf(b)
        if a == b:
            return a, a, a, mp.mpf(0), g.count, _Crossing
        ga, gb = g(a), g(b)
        if not ga < 0 < gb:
            count = g.count
            g = _Lambda(setting, k, prec)
            g.count = count
            ga, gb = g(a), g(b)
        w = (b - a) / 100
        for _ in range(20):
            if ga < 0 < gb:
                break
            if ga >= 0:
                a -= w
                ga = g(a)
            if gb <= 0:
                b += w
                gb = g(b)
            w *= 2
        else:
            raise ConvergenceError("could not bracket the learning time at the working precision")
        root, ra, rb, step = _anderson_bjorck(g, a, b, ga, gb, tol)
        return root, ra, rb, step, g.count, type(g)


def learning_time(setting: Setting, k: Any, *, dps: int = 40) -> LearningTime:
    """The exact gradient-flow learning time of component *k* and its alpha -> 0 formula.

    Parameters
    ----------
    setting : Setting
    k : int
        Component ``1..r*``.
    dps : int
        Digits wanted.

    Examples
    --------
    >>> from symdyn.models.matrix_sensing.setting import Setting
    >>> s = Setting.of(sigma="3,2,1", d=6, r=2, alpha="1e-10")
    >>> learning_time(s, 3).value
    mpf('+inf')
    >>> lt = learning_time(s, 1, dps=20)
    >>> bool(abs(lt.difference) < 1e-5), lt.gamma
    (True, 1/3)
    """
    k = setting.check_k(k)
    g = gamma(setting.sigma, k)
    if k > setting.r:
        return LearningTime(k, mp.inf, None, mp.inf, None, g, None, dps, dps, "c_k = 0 (exact)", notes=(_NEVER,))
    rate = setting.rate
    with mp.workdps(30):
        lim30 = learning_time_limit(setting, k, dps=30)
        tau_guess = lim30.value * to_mp(rate, 30)
        # digits for the root to resolve the difference to the limit, O(alpha^(2 gamma))
        small = int(mp.ceil(2 * to_mp(g, 30) * mp.log10(1 / to_mp(setting.alpha, 30)))) if setting.alpha < 1 else 0
    lost = kernel(setting, 30).lost_digits(tau_guess)
    digits_t = max(0, int(mp.ceil(mp.log10(abs(tau_guess) + 1))))
    prec = dps + lost + digits_t + small + 10
    if prec > MAX_WORKING_DPS:
        raise ParameterError(f"the learning time needs about {prec} working digits (more than {MAX_WORKING_DPS})")
    lim = learning_time_limit(setting, k, dps=prec + 12)
    kernel(setting, prec + 12)                  # one base kernel serves the scan, the root and the estimate
    kern = kernel(setting, prec)
    with mp.workdps(prec):
        s_all = [to_mp(x, prec) for x in setting.sigma]
        target = to_mp(setting.level, prec) * s_all[k - 1]
        q0 = to_mp(setting.alpha, prec) ** 2 * kern.w2   # >= lambda_max(P0): Frobenius bound
        tau_lo = mp.mpf(0) if q0 >= target else min(
            scalar.logistic_time(sj, q0, target) for sj in s_all[k - 1:] if sj > target)
    a, b, count, notes = _scan(setting, k, lost + digits_t + 20, tau_lo)
    with mp.workdps(prec):
        tol = mp.mpf(10) ** -(dps + 5 + small)
    r1, a2, b2, step, n, func = _root(setting, k, prec, a, b, tol)
    count += n
    # error estimate: one secant correction of the root at 12 more digits
    p2 = prec + 12
    g2 = func(setting, k, p2)
    with mp.workdps(p2):
        h = max(abs(step), tol) * 1000
        v0, v1 = g2(r1), g2(r1 + h)
        r2 = r1 - v0 * h / (v1 - v0)
        count += g2.count
        rt = to_mp(rate, p2)
        err = (abs(r2 - r1) + abs(step) + mp.mpf(10) ** -prec * abs(r2)) / rt
        val = r2 / rt
        limit = lim.value
        diff = val - limit
    with mp.workdps(dps):
        return LearningTime(
            k, +val, +err, +limit, +diff, g, (+(a2 / rt), +(b2 / rt)), dps, p2,
            "first root of lambda_k(P(t)) = level sigma_k on the Riccati closed form (scaled pencil), bracketed "
            "Anderson-Bjorck on " + ("det(S_c - level sigma_k K_c)/det(K_c)" if func is _Crossing else
                                     "log(lambda_k/(level sigma_k))")
            + ", then one secant correction at 12 more digits (the error estimate)",
            count, (Approximation(lim.name, +lim.value, lim.description, lim.order),), tuple(notes))


@dataclass(frozen=True)
class LearningStep:
    """The predicted GD learning step of component k (full observation).

    Attributes
    ----------
    k : int
    value : int or mpf
        The exact hitting step of the scalar map from ``alpha^2 c_k`` (``mp.inf`` if never).
    mu : sympy.Rational
        The spec's step ``4 loss_scale eta``.
    before, at : mpf
        The map's ``lambda`` one step before and at the hitting step.
    margin : mpf
        Smallest relative distance of ``before``/``at`` to the level; the step is exact when it
        exceeds ``error_bound``.
    error_bound : mpf
        Bound on the relative error of the iterated ``lambda`` (jump and rounding).
    approximations : tuple of Approximation
        Flow ``t_k / eta``, modified equation, logarithmic and leading-order estimates.
    """

    k: int
    value: Any
    mu: sp.Rational
    before: mp.mpf | None
    at: mp.mpf | None
    margin: mp.mpf | None
    error_bound: mp.mpf | None
    dps: int
    method: str
    approximations: tuple[Approximation, ...] = ()
    notes: tuple[str, ...] = ()


def _hit_float(lam: float, s: float, mu: float, target: float, n0: int, max_steps: int) -> tuple[int, float, float]:
    prev = lam
    n = n0
    one_mu_s = 1.0 + mu * s
    while lam < target:
        if n - n0 > max_steps:
            raise ParameterError(f"the scalar map needs more than {max_steps} steps: use a larger eta or alpha")
        prev = lam
        f = one_mu_s - mu * lam
        lam = lam * f * f
        n += 1
    return n, prev, lam


def _hit_mp(lam: mp.mpf, s: mp.mpf, mu: mp.mpf, target: mp.mpf, n0: int, max_steps: int) -> tuple[int, mp.mpf, mp.mpf]:
    prev = lam
    n = n0
    while lam < target:
        if n - n0 > max_steps:
            raise ParameterError(f"the scalar map needs more than {max_steps} steps: use a larger eta or alpha")
        prev = lam
        lam = scalar.map_step(lam, s, mu)
        n += 1
    return n, prev, lam


def scalar_hitting_step(s: Any, lam0: Any, target: Any, mu: Any, *, dps: int = 30,
                        max_steps: int = 50_000_000) -> tuple[int, mp.mpf, mp.mpf, mp.mpf, mp.mpf, str]:
    """First ``n`` with ``lambda_n >= target`` for ``lambda <- lambda (1 + mu (s - lambda))^2``.

    The linear phase (``lambda`` below ``1e-9 s min(1, mu s)``) is jumped over in closed form,
    ``lambda_n = lambda_0 (1 + mu s)^(2n)`` up to a relative ``4 mu lambda_jump q / (q^2 - 1)``;
    the rest is iterated in float64 (rounding bound ``3e-16`` per step) and, if the
    margin to the level is not larger than the error bound, again in mpmath without the jump.

    Returns ``(n, before, at, margin, error_bound, method)``.
    """
    with mp.workdps(dps + 10):
        s, lam0, target, mu = (mp.mpf(x) if not isinstance(x, sp.Basic) else to_mp(x, dps + 10)
                               for x in (s, lam0, target, mu))
        if lam0 >= target:
            return 0, lam0, lam0, mp.mpf(1), mp.mpf(0), "already above the level"
        q = 1 + mu * s
        lam_sw = mp.mpf(10) ** -9 * s * min(1, mu * s)
        n_jump = 0
        lam = lam0
        if lam0 < lam_sw:
            n_jump = int(mp.floor(mp.log(lam_sw / lam0) / (2 * mp.log(q))))
            lam = lam0 * q ** (2 * n_jump)
        jump_err = 4 * mu * lam * q / (q * q - 1) if n_jump else mp.mpf(0)
        est = int(mp.ceil(mp.log(max(target, lam) / lam) / (2 * mp.log(q)) * 2)) + 10
        n, before, at = _hit_float(float(lam), float(s), float(mu), float(target), n_jump, max_steps)
        bound = jump_err + mp.mpf(3e-16) * (n - n_jump + 2) + mp.mpf(1e-15)
        before, at = mp.mpf(before), mp.mpf(at)
        margin = min((target - before) / target, (at - target) / target)
        method = f"closed-form jump over {n_jump} linear steps, then {n - n_jump} float64 steps"
        if margin > 10 * bound:
            return n, before, at, margin, bound, method
    # too close to call in float64: iterate every step in mpmath
    prec = dps + 20 + int(math.log10(est + 10))
    with mp.workdps(prec):
        s, lam0, target, mu = (mp.mpf(x) for x in (s, lam0, target, mu))
        n, before, at = _hit_mp(lam0, s, mu, target, 0, max_steps)
        bound = mp.mpf(10) ** (-prec + 2) * (n + 2)
        margin = min((target - before) / target, (at - target) / target)
        return n, before, at, margin, bound, f"{n} mpmath steps at {prec} digits"


def learning_step(setting: Setting, k: Any, eta: Any, *, dps: int = 30) -> LearningStep:
    """The predicted GD learning step of component *k*: the exact hitting step of the scalar map.

    Parameters
    ----------
    setting : Setting
    k : int
    eta : number
        GD step on ``f`` (``mu = 4 loss_scale eta``; refused if ``mu sigma_1 >= 1``).

    Examples
    --------
    >>> from symdyn.models.matrix_sensing.setting import Setting
    >>> s = Setting.of(sigma="3,2,1", d=60, r=5, alpha="1e-8")
    >>> [learning_step(s, k, Q(1, 100)).value for k in (1, 2, 3)]   # GD on this instance: 716, 1021, 1966
    [716, 1021, 1966]
    """
    k = setting.check_k(k)
    mu = setting.step(eta)
    eta_q = mu / setting.rate
    if k > setting.r:
        return LearningStep(k, mp.inf, mu, None, None, None, None, dps, "c_k = 0 (exact)", notes=(_NEVER,))
    ck = init_constants(setting.d, setting.r, setting.r_star, setting.init_seed, dps=dps + 10)
    with mp.workdps(dps + 10):
        c = to_mp(ck.exact[k - 1], dps + 10)
        sk = to_mp(setting.sigma[k - 1], dps + 10)
        a = to_mp(setting.alpha, dps + 10)
        lam0 = a * a * c
        target = to_mp(setting.level, dps + 10) * sk
        m = to_mp(mu, dps + 10)
        n, before, at, margin, bound, how = scalar_hitting_step(sk, lam0, target, m, dps=dps)
        tau_lim = _limit_tau(setting, k, c)
        approx = (
            Approximation("flow", tau_lim / m, "t_k / eta with the alpha -> 0 flow time t_k", "relative O(mu sigma_k)"),
            Approximation("modified-equation", scalar.modified_equation_steps(sk, lam0, target, m),
                          "T(alpha^2 c_k -> level sigma_k)/mu + log(g(w1)/g(w0))/2, g(w) = w (sigma_k - w^2)", "O(mu)"),
            Approximation("logarithmic", (mp.log(target / lam0) + mp.log((sk - lam0) / (sk - target))) / (2 * mp.log(1 + m * sk)),
                          "log(level sigma_k (sigma_k - lam0)/(lam0 (sigma_k - level sigma_k))) / (2 log(1 + mu sigma_k))",
                          "O(1) steps"),
            Approximation("leading", mp.log(1 / a) / (m * sk), "log(1/alpha) / (mu sigma_k)", "relative O(1/log(1/alpha))"),
        )
        if not lam0 < target:  # the two time formulas hold from below the level only
            approx = tuple(x for x in approx if x.name not in ("modified-equation", "logarithmic"))
    with mp.workdps(dps):
        return LearningStep(k, n, mu, +before, +at, +margin, +bound, dps,
                            f"hitting step of lambda <- lambda (1 + mu (sigma_k - lambda))^2 from alpha^2 c_k ({how})",
                            tuple(Approximation(x.name, +x.value, x.description, x.order) for x in approx),
                            (f"mu = 4 loss_scale eta = {mu} (eta = {eta_q})",))


@dataclass(frozen=True)
class PlateauLength:
    """``t_(k+1) - t_k`` (flow) or ``n_(k+1) - n_k`` (GD), with the alpha -> 0 forms."""

    k: int
    value: Any
    error: mp.mpf | None
    limit: mp.mpf | None
    leading: mp.mpf | None
    dps: int
    method: str
    notes: tuple[str, ...] = ()


def plateau_length(setting: Setting, k: Any, *, eta: Any = None, dps: int = 30) -> PlateauLength:
    """Length of the plateau after component *k* is learned (before ``k+1`` is).

    ``leading`` is ``log(1/alpha) (1/sigma_(k+1) - 1/sigma_k)`` (divided by ``4 loss_scale``,
    or by ``mu`` for GD); ``limit`` is the difference of the alpha -> 0 formulas.
    """
    k = setting.check_k(k)
    if k >= setting.r_star:
        raise ParameterError(f"k={k}: plateau-length needs k < len(sigma) = {setting.r_star} (t_(k+1) - t_k)")
    with mp.workdps(dps + 10):
        inv = 1 / to_mp(setting.sigma[k], dps + 10) - 1 / to_mp(setting.sigma[k - 1], dps + 10)
        lead_tau = mp.log(1 / to_mp(setting.alpha, dps + 10)) * inv
    if k + 1 > setting.r:
        return PlateauLength(k, mp.inf, None, mp.inf, mp.inf, dps, "c_(k+1) = 0 (exact)",
                             (f"component {k + 1} is never learned: " + _NEVER,))
    if eta is None:
        a, b = learning_time(setting, k, dps=dps), learning_time(setting, k + 1, dps=dps)
        with mp.workdps(dps + 10):
            val = b.value - a.value
            err = a.error + b.error
            lim = b.limit - a.limit
            lead = lead_tau / to_mp(setting.rate, dps + 10)
        method = "difference of exact flow learning times"
    else:
        a, b = learning_step(setting, k, eta, dps=dps), learning_step(setting, k + 1, eta, dps=dps)
        val = b.value - a.value
        err = None
        with mp.workdps(dps + 10):
            lim = b.approximations[0].value - a.approximations[0].value
            lead = lead_tau / to_mp(a.mu, dps + 10)
        method = "difference of exact scalar-map hitting steps"
    with mp.workdps(dps):
        return PlateauLength(k, val if eta is not None else +val, None if err is None else +err, +lim, +lead, dps, method)


@dataclass(frozen=True)
class ExactValue:
    """An exact closed-form value with its decimal evaluation."""

    value: sp.Expr
    numeric: mp.mpf
    dps: int
    method: str
    notes: tuple[str, ...] = ()


def plateau_loss(setting: Setting, k: Any, *, dps: int = 30) -> ExactValue:
    """Full-observation loss on the plateau after ``k`` components: ``loss_scale * sum_(i > k) sigma_i^2``.

    ``0 <= k <= min(r, r*)`` (``k = 0`` is the initial plateau, the loss at ``U = 0``).
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= setting.learnable:
        raise ParameterError(f"k={k!r}: plateau-loss needs a whole number 0 <= k <= min(r, r*) = {setting.learnable}")
    val = setting.loss_scale * sum((x ** 2 for x in setting.sigma[k:]), sp.Integer(0))
    return ExactValue(val, to_mp(val, dps), dps, "critical point P_{1..k} of the full-observation loss (exact)")


@dataclass(frozen=True)
class StepCondition:
    """``mu sigma_1`` (``mu = 4 loss_scale eta``) against the stability (``< 1``) and monotonicity (``<= 1/2``) bounds."""

    product: sp.Rational
    stable: bool
    monotone: bool
    stability_margin: sp.Rational
    monotone_margin: sp.Rational
    eta_stable_below: sp.Rational
    eta_monotone_up_to: sp.Rational
    notes: tuple[str, ...] = ()


def step_condition(setting: Setting, eta: Any) -> StepCondition:
    """Exact step-size conditions of the scalar map (spec 2.4); does not refuse unstable steps.

    >>> from symdyn.models.matrix_sensing.setting import Setting
    >>> sc = step_condition(Setting.of(sigma="3,2,1", d=5, r=3, alpha=1), Q(1, 6))
    >>> sc.product, sc.stable, sc.monotone, sc.stability_margin
    (1/2, True, True, 1/2)
    """
    from ...params import parse_number

    eta = parse_number(eta)
    if not eta > 0:
        raise ParameterError(f"eta={eta} must be > 0")
    p = setting.rate * eta * setting.sigma[0]
    return StepCondition(p, p < 1, p <= Q(1, 2), 1 - p, Q(1, 2) - p, 1 / (setting.rate * setting.sigma[0]),
                         1 / (2 * setting.rate * setting.sigma[0]),
                         ("with sensing replace sigma_1 by (1 + delta) sigma_1 (RIP constant delta)",))


@dataclass(frozen=True)
class CriticalPoint:
    """A full-observation critical point ``P_S = sum_(i in S) sigma_i v_i v_i^T`` (``|S| <= r``)."""

    support: tuple[int, ...]
    loss: sp.Expr
    kind: str                 # "minimum" or "strict saddle"
    escape_rate: sp.Expr      # fastest growth rate of lambda along an escape direction (spec time), 0 at the minimum
    escape: str


def critical_points(setting: Setting, *, max_points: int = 4096) -> tuple[CriticalPoint, ...]:
    """All critical points ``P_S`` of the full-observation loss with ``|S| <= r`` (spec 2.5).

    The only local minimum is ``S = {1..min(r, r*)}``; every other ``P_S`` is a strict saddle:
    with a free column (``|S| < r``) an unlearned ``v_j`` escapes at rate ``2 sigma_j`` (for
    ``lambda``), without one the escape is a rotation at rate ``2 (sigma_j - sigma_i)``
    (``j`` not in ``S``, ``i`` in ``S``, ``sigma_j > sigma_i``).  Rates are in the spec's time.

    >>> from symdyn.models.matrix_sensing.setting import Setting
    >>> pts = critical_points(Setting.of(sigma="3,2,1", d=5, r=2, alpha=1))
    >>> [(p.support, p.loss, p.kind) for p in pts if p.kind == "minimum"]
    [((1, 2), 1/4, 'minimum')]
    """
    n = setting.r_star
    total = sum(math.comb(n, j) for j in range(0, min(setting.r, n) + 1))
    if total > max_points:
        raise ParameterError(f"{total} critical points (len(sigma) = {n}): at most {max_points} are enumerated")
    out = []
    sig = setting.sigma
    for size in range(0, min(setting.r, n) + 1):
        for S in itertools.combinations(range(1, n + 1), size):
            loss = setting.loss_scale * sum((sig[i - 1] ** 2 for i in range(1, n + 1) if i not in S), sp.Integer(0))
            missing = [j for j in range(1, n + 1) if j not in S]
            rates = []
            if size < setting.r:
                rates += [(2 * sig[j - 1], f"free column: v_{j} grows at rate 2 sigma_{j}") for j in missing]
            rates += [(2 * (sig[j - 1] - sig[i - 1]), f"rotation of v_{i} towards v_{j}")
                      for i in S for j in missing if sig[j - 1] > sig[i - 1]]
            if rates:
                rate, how = max(rates, key=lambda x: x[0])
                out.append(CriticalPoint(S, loss, "strict saddle", rate, how))
            else:
                out.append(CriticalPoint(S, loss, "minimum", sp.Integer(0), "none (local and global minimum)"))
    return tuple(out)


@dataclass(frozen=True)
class FinalState:
    """The ``t -> infinity`` state of the full-observation flow from a generic small init."""

    regime: str
    eigenvalues: tuple[sp.Expr, ...]
    loss: sp.Expr
    description: str
    notes: tuple[str, ...] = ()


def final_state(setting: Setting) -> FinalState:
    """Regime, limit eigenvalues of ``UU^T`` and the exact final loss (full observation).

    >>> from symdyn.models.matrix_sensing.setting import Setting
    >>> fs = final_state(Setting.of(sigma="3,2,1", d=30, r=2, alpha="1e-8"))
    >>> fs.regime, fs.eigenvalues, fs.loss
    ('under-parameterized', (3, 2), 1/4)
    """
    s = setting
    lam = tuple(s.sigma[: s.learnable]) + (sp.Integer(0),) * (s.r - s.learnable)
    loss = s.loss_scale * sum((x ** 2 for x in s.sigma[s.r:]), sp.Integer(0))
    never = (f"component {s.r_star} is" if s.r + 1 == s.r_star else f"components {s.r + 1}..{s.r_star} are")
    never_tex = (f"component ${s.r_star}$ is" if s.r + 1 == s.r_star else
                 f"components ${s.r + 1}, \\dots, {s.r_star}$ are")
    desc = {
        OVER: Prose("UU^T -> X* (the extra columns stay at O(alpha) and decay like 1/(2t))",
                    r"$UU^\top \to X^*$ (the extra columns stay at $O(\alpha)$ and decay like $1/(2t)$)"),
        EXACT: Prose("UU^T -> X*", r"$UU^\top \to X^*$"),
        UNDER: Prose(f"UU^T -> the top-{s.r} truncation of X*; {never} never learned",
                     f"$UU^\\top$ tends to the top-${s.r}$ truncation of $X^*$; {never_tex} never learned"),
    }[s.regime]
    note = Prose("full observation; with sensing the limit is the sensing minimizer Z_r (glrl.sensing_minimizer) and "
                 "its loss f(Z_r)", r"full observation; with sensing the limit is the rank-$r$ sensing minimizer "
                 r"$Z_r$ and its loss $f(Z_r)$")
    return FinalState(s.regime, lam, loss, desc, (note,))

