r"""The low-rank interval ``[T0(k), T1(k))`` and the spectral condition (spec 3.5).

With targets ``lam_1 >= lam_2 >= ...`` (eigenvalues of ``W^``; the noiseless case is ``lam = sigma``):

* ``T0(k)`` = first time with ``lambda_i >= (1 - eps_learn) lam_i`` for every ``i <= k`` (the largest of the
  individual hitting times; the component attaining it is reported);
* ``T1(k)`` = first time with ``lambda_{k+1} >= eps_small lam_{k+1}``; ``inf`` when ``lam_{k+1}`` is absent,
  ``<= 0``, or ``eps_small lam_{k+1} <= lambda0`` (the component never grows to that level from its start:
  the convention of the spec, which keeps ``T1 = inf`` for the noiseless ``k = r``).

In flow time they come from the closed forms of :mod:`.closed_forms`; with a step ``eta`` they are the exact
step counts of :func:`.steps.hitting_steps`.  :func:`interval_length` returns ``T1 - T0`` without cancellation:
the working precision is raised by the digits the difference loses (``sigma_{k+1} = 1 - 10^-25`` costs 25 more
digits, not a wrong 0).  :func:`condition` says whether the interval is nonempty, with the exact margin and the
asymptotic spectral condition (``N >= 3`` and ``N = 2`` forms of spec 3.5); :func:`asymptotic_length` is the
``alpha -> 0`` interval length with its ``O(alpha^2)`` error term (B9).

>>> st = setting([2, 1], 3, alpha="1e-3")
>>> L = interval_length(st, 1, dps=20)
>>> mp.nstr(L.value, 12), mp.nstr(asymptotic_length(st, 1, dps=20).value, 12)
('497.970867686', '497.970868061')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

import mpmath as mp
import sympy as sp

from ...errors import ParameterError
from ...exact import exact_sign
from . import closed_forms as cf
from . import steps as st_
from .inputs import check_dps, depth, mpq, p_exponent, rational

__all__ = [
    "Setting", "setting", "Approximation", "Endpoint", "IntervalLength", "Condition",
    "T0", "T1", "interval_length", "condition", "asymptotic_length", "hitting",
]

DEFAULT_EPS = sp.Rational(1, 10)


@dataclass(frozen=True)
class Setting:
    """A validated problem: targets, depth, initial eigenvalue, step, thresholds.

    ``lam`` is decreasing (entries may be ``<= 0``); ``lambda0 = alpha^N`` is the initial eigenvalue of the
    product; ``eta`` is None for the gradient flow.
    """

    lam: tuple[sp.Rational, ...]
    N: int
    lambda0: sp.Expr
    alpha: sp.Expr
    eta: sp.Rational | None
    eps_learn: sp.Rational
    eps_small: sp.Rational

    @property
    def positive(self) -> int:
        """The number of positive targets."""
        return sum(1 for v in self.lam if v > 0)

    def init(self) -> dict[str, Any]:
        """``{"alpha": ...}`` or ``{"lambda0": ...}`` for the closed-form / step functions."""
        return {"alpha": self.alpha} if self.alpha.is_Rational else {"lambda0": self.lambda0}

    def with_lam(self, lam: Sequence[Any]) -> "Setting":
        return replace(self, lam=_targets(lam))


def _eps(value: Any, name: str) -> sp.Rational:
    q = rational(value, name)
    if not 0 < q < sp.Rational(1, 2):
        raise ParameterError(f"{name}={q} is outside (0, 1/2)")
    return q


def _targets(lam: Any) -> tuple[sp.Rational, ...]:
    if isinstance(lam, str):
        lam = [v.strip() for v in lam.split(",")]
    vals = tuple(rational(v, f"lam[{i}]") for i, v in enumerate(lam, 1))
    if not vals:
        raise ParameterError("the target spectrum is empty")
    for i in range(1, len(vals)):
        if vals[i] > vals[i - 1]:
            raise ParameterError(f"the targets must be decreasing: entry {i + 1} ({vals[i]}) > entry {i} ({vals[i - 1]})")
    if not vals[0] > 0:
        raise ParameterError("the largest target eigenvalue must be positive")
    return vals


def setting(lam: Any, N: Any, *, alpha: Any = None, lambda0: Any = None, eta: Any = None, eps: Any = None,
            eps_learn: Any = None, eps_small: Any = None) -> Setting:
    """Validate and bundle the parameters (``eps`` sets both thresholds; ``eps_learn``/``eps_small`` override).

    Raises ParameterError for ``N < 2``, both or neither of ``alpha`` and ``lambda0``, ``eps`` outside
    ``(0, 1/2)``, an unsorted spectrum, or an unstable ``eta`` (``eta N lam_1^(2-2/N) >= 2``).
    """
    N = int(depth(N))
    vals = _targets(lam)
    if (alpha is None) == (lambda0 is None):
        raise ParameterError("give exactly one of alpha (per layer) and lambda0 (= alpha^N, the product)")
    if alpha is not None:
        a = rational(alpha, "alpha", positive=True)
        l0 = a**N
    else:
        l0 = rational(lambda0, "lambda0", positive=True)
        a = sp.root(l0, N)
    base = DEFAULT_EPS if eps is None else _eps(eps, "eps")
    el = base if eps_learn is None else _eps(eps_learn, "eps_learn")
    es = base if eps_small is None else _eps(eps_small, "eps_small")
    et = None
    if eta is not None:
        et = rational(eta, "eta", positive=True)
        c = et * N * vals[0] ** p_exponent(sp.Integer(N))
        if exact_sign(c - 2) >= 0:
            raise ParameterError(f"eta={et} is unstable: eta N lam_1^(2-2/N) = {float(sp.N(c, 6)):.6g} must be < 2 "
                                 "(<= 1 for monotone convergence)")
    return Setting(vals, N, l0, a, et, el, es)


@dataclass(frozen=True)
class Approximation:
    """A named alternative estimate with its description and error order."""

    name: str
    value: mp.mpf
    description: str
    error_order: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """``T0(k)`` or ``T1(k)``: a flow time (mpf) or an exact step count (int), ``mp.inf`` when never reached."""

    name: str
    k: int
    value: Any
    index: int | None
    level: sp.Rational | None
    target: sp.Rational | None
    in_steps: bool
    method: str
    dps: int
    approximations: tuple[Approximation, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def finite(self) -> bool:
        return not (isinstance(self.value, mp.mpf) and mp.isinf(self.value))


@dataclass(frozen=True)
class IntervalLength:
    """``T1(k) - T0(k)`` (negative when the interval is empty; ``inf`` when ``T1 = inf``)."""

    k: int
    value: Any
    T0: Endpoint
    T1: Endpoint
    in_steps: bool
    dps: int
    working_dps: int
    method: str
    asymptotic: Approximation | None = None


@dataclass(frozen=True)
class Condition:
    """Whether ``[T0(k), T1(k))`` is nonempty: the exact margin ``T1 - T0`` and the asymptotic condition.

    ``lhs > rhs`` is the spectral condition of spec 3.5 (``alpha -> 0``, error ``O(alpha^2)``); with a step,
    ``step`` is the step-size condition and ``nonempty`` refers to the exact step counts.
    """

    k: int
    nonempty: bool
    margin: Any
    asymptotic_nonempty: bool | None
    lhs: mp.mpf | None
    rhs: mp.mpf | None
    statement: str
    length: IntervalLength
    step: st_.StepCondition | None
    dps: int


# ----------------------------------------------------------------------------- hitting of one component


def _check_k(st: Setting, k: Any, *, for_T1: bool = False) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, sp.Integer)):
        raise ParameterError(f"k={k!r} must be a whole number")
    k = int(k)
    top = st.positive
    if not 1 <= k <= top:
        raise ParameterError(f"k={k} is out of range: 1 <= k <= {top} (the number of positive targets)")
    return k


def hitting(st: Setting, s: sp.Rational, level: sp.Rational, *, dps: int) -> tuple[Any, tuple[Approximation, ...], str]:
    """The time (flow) or exact step (GD) for a component with target ``s > 0`` to reach ``level * s``."""
    if st.eta is None:
        T = cf.time_to_reach(s, level, st.N, **st.init(), dps=dps)
        approx: tuple[Approximation, ...] = ()
        if st.lambda0 < level * s:
            a = cf.time_to_reach_asymptotic(s, level, st.N, **st.init(), dps=dps)
            approx = (Approximation("asymptotic", a.value, " + ".join(a.names), a.error_order),)
        return T.value, approx, T.method
    h = st_.hitting_steps(s, [level], st.N, st.eta, **st.init())
    me = st_.modified_equation_steps(s, level, st.N, st.eta, **st.init(), dps=dps)
    approx = (Approximation("modified-equation", mp.mpf(me.steps),
                            "ceil(T/eta + (1/2) log(g(w1)/g(w0)))", "+-1 step (O(eta))"),
              Approximation("flow", me.flow_steps, "T/eta (uncorrected flow time in steps)", "O(log(1/alpha)) steps"))
    return h.steps[0], approx, h.method


def T0(st: Setting, k: Any, *, dps: int = 30) -> Endpoint:
    """``T0(k) = max_{i <= k}`` of the time (or exact step) at which ``lambda_i`` reaches ``(1 - eps_learn) lam_i``."""
    dps = check_dps(dps)
    k = _check_k(st, k)
    lev = 1 - st.eps_learn
    best = None
    for i in range(k):
        v, approx, method = hitting(st, st.lam[i], lev, dps=dps)
        if best is None or v > best[0]:
            best = (v, i + 1, approx, method)
    v, idx, approx, method = best
    notes = () if idx == k else (f"the maximum is attained by component {idx}, not k = {k}",)
    return Endpoint("T0", k, v, idx, lev, st.lam[idx - 1], st.eta is not None, method, dps, approx, notes)


def T1(st: Setting, k: Any, *, dps: int = 30) -> Endpoint:
    """``T1(k)``: the time (or exact step) at which ``lambda_{k+1}`` reaches ``eps_small lam_{k+1}`` (or ``inf``)."""
    dps = check_dps(dps)
    k = _check_k(st, k)
    lev = st.eps_small
    if k >= len(st.lam) or st.lam[k] <= 0 or not lev * st.lam[k] > st.lambda0:
        why = ("there is no target k+1" if k >= len(st.lam) else
               f"lam_{k + 1} = {st.lam[k]} <= 0" if st.lam[k] <= 0 else
               f"eps_small lam_{k + 1} <= lambda0 (the component never grows to its level)")
        with mp.workdps(dps):
            return Endpoint("T1", k, mp.inf, None, lev, st.lam[k] if k < len(st.lam) else None,
                            st.eta is not None, f"infinite: {why}", dps, (), (why,))
    v, approx, method = hitting(st, st.lam[k], lev, dps=dps)
    return Endpoint("T1", k, v, k + 1, lev, st.lam[k], st.eta is not None, method, dps, approx)


# ----------------------------------------------------------------------------- the length and the condition


def _lost_digits(a: mp.mpf, b: mp.mpf) -> int:
    d = b - a
    big = max(abs(a), abs(b))
    if big == 0:
        return 0
    if d == 0:
        return 2 * int(mp.mp.dps)
    return max(0, int(mp.ceil(mp.log10(big / abs(d)))))


def asymptotic_length(st: Setting, k: Any, *, dps: int = 30) -> Approximation:
    r"""The ``alpha -> 0`` interval length (spec 3.5), its first omitted term as the error estimate.

    ``N >= 3``: ``lambda0^{-(N-2)/N}(1/lam_{k+1} - 1/lam_k)/(N-2) + lam_{k+1}^{-p} F_N(eps_small) -
    lam_k^{-p} F_N(1 - eps_learn)``; ``N = 2``: ``(1/2) log(1/lambda0)(1/lam_{k+1} - 1/lam_k) +
    (1/(2 lam_{k+1})) log(eps_small lam_{k+1}/(1 - eps_small)) - (1/(2 lam_k)) log((1 - eps_learn) lam_k/eps_learn)``.
    The difference to the exact length is ``-(lambda0^{2/N}/2)(lam_{k+1}^{-2} - lam_k^{-2}) + ...`` (``O(alpha^2)``).
    """
    dps = check_dps(dps)
    k = _check_k(st, k)
    if k >= len(st.lam) or st.lam[k] <= 0:
        raise ParameterError(f"T1({k}) is infinite: the interval length has no asymptotic expansion")
    s0, s1, N = st.lam[k - 1], st.lam[k], st.N
    p = p_exponent(sp.Integer(N))
    gap = (s0 - s1) / (s0 * s1)   # 1/s1 - 1/s0, exact
    wp = dps + 15

    def terms() -> tuple:
        """The leading term and the two O(1) corrections at the working precision."""
        l0 = mpq(st.lambda0)
        if N == 2:
            lead = mp.log(1 / l0) * mpq(gap) / 2
            c1 = (mp.log(mpq(st.eps_small * s1 / (1 - st.eps_small)))) / (2 * mpq(s1))
            c0 = (mp.log(mpq((1 - st.eps_learn) * s0 / st.eps_learn))) / (2 * mpq(s0))
        else:
            lead = mp.power(l0, -mp.mpf(N - 2) / N) * mpq(gap) / (N - 2)
            c1 = mp.power(mpq(s1), -mpq(p)) * cf.F(st.eps_small, N)
            c0 = mp.power(mpq(s0), -mpq(p)) * cf.F(1 - st.eps_learn, N)
        return l0, lead, c1, c0

    with mp.workdps(wp):
        _, lead, c1, c0 = terms()
        extra = max(0, int(mp.log10(abs(lead) + 1))) + _lost_digits(c0, c1)
    with mp.workdps(wp + extra):
        l0, lead, c1, c0 = terms()
        value = lead + c1 - c0
        nxt = -mp.power(l0, mp.mpf(2) / N) / 2 * mpq((s0**2 - s1**2) / (s0**2 * s1**2))
    with mp.workdps(dps):
        return Approximation("asymptotic", +value,
                             "singular part lambda0^{-(N-2)/N}(1/lam_{k+1} - 1/lam_k)/(N-2) (N = 2: log) + O(1) "
                             f"constants; next term {mp.nstr(nxt, 3)}", "O(alpha^2)")


def interval_length(st: Setting, k: Any, *, dps: int = 30) -> IntervalLength:
    """``T1(k) - T0(k)`` to *dps* significant digits (flow), or exactly in steps (GD)."""
    dps = check_dps(dps)
    k = _check_k(st, k)
    if st.eta is not None:
        a, b = T0(st, k, dps=dps), T1(st, k, dps=dps)
        with mp.workdps(dps):
            val = mp.inf if not b.finite else int(b.value) - int(a.value)
        return IntervalLength(k, val, a, b, True, dps, dps, "difference of exact step counts")
    a, b = T0(st, k, dps=dps), T1(st, k, dps=dps)
    if not b.finite:
        with mp.workdps(dps):
            return IntervalLength(k, mp.inf, a, b, False, dps, dps, "T1 is infinite")
    wp = dps
    with mp.workdps(dps):
        lost = _lost_digits(a.value, b.value)
    if lost > 0:
        wp = dps + lost + 5
        a, b = T0(st, k, dps=wp), T1(st, k, dps=wp)
        with mp.workdps(wp):
            lost2 = _lost_digits(a.value, b.value)
        if lost2 > lost:
            wp = dps + lost2 + 10
            a, b = T0(st, k, dps=wp), T1(st, k, dps=wp)
    with mp.workdps(wp):
        diff = b.value - a.value
    asym = None
    if st.lam[k] > 0:
        try:
            asym = asymptotic_length(st, k, dps=dps)
        except ParameterError:
            asym = None
    with mp.workdps(dps):
        return IntervalLength(k, +diff, a, b, False, dps, wp,
                              f"difference of the closed forms at {wp} digits (raised by the digits the "
                              "difference loses)", asym)


def condition(st: Setting, k: Any, *, dps: int = 30) -> Condition:
    """Whether the rank-``k`` interval is nonempty, with the exact margin and the asymptotic spectral condition.

    >>> c = condition(setting([2, 1], 3, alpha="1e-3"), 1, dps=20)
    >>> c.nonempty, c.asymptotic_nonempty
    (True, True)
    """
    dps = check_dps(dps)
    k = _check_k(st, k)
    L = interval_length(st, k, dps=dps)
    step = None
    if st.eta is not None:
        step = st_.step_condition(st.lam, st.N, st.eta, **st.init(), dps=dps)
    nonempty = bool(L.value > 0)
    lhs = rhs = None
    asym_ok = None
    N = st.N
    if k < len(st.lam) and st.lam[k] > 0:
        s0, s1 = st.lam[k - 1], st.lam[k]
        p = p_exponent(sp.Integer(N))
        with mp.workdps(dps + 10 + max(0, int(mp.log10(abs(mpq(st.lambda0)) ** -1 + 1)))):
            l0 = mpq(st.lambda0)
            gap = mpq((s0 - s1) / (s0 * s1))
            if N == 2:
                lhs = mp.log(1 / l0) * gap
                rhs = (mp.log(mpq((1 - st.eps_learn) * s0 / st.eps_learn)) / mpq(s0)
                       - mp.log(mpq(st.eps_small * s1 / (1 - st.eps_small))) / mpq(s1))
                statement = ("log(1/alpha^2)(1/lam_{k+1} - 1/lam_k) > (1/lam_k) log((1-eps) lam_k/eps) - "
                             "(1/lam_{k+1}) log(eps lam_{k+1}/(1-eps))")
            else:
                lhs = mp.power(l0, -mp.mpf(N - 2) / N) * gap / (N - 2)
                rhs = (mp.power(mpq(s0), -mpq(p)) * cf.F(1 - st.eps_learn, N)
                       - mp.power(mpq(s1), -mpq(p)) * cf.F(st.eps_small, N))
                statement = ("alpha^-(N-2)(1/lam_{k+1} - 1/lam_k)/(N-2) > lam_k^-p F_N(1-eps) - "
                             "lam_{k+1}^-p F_N(eps)")
            asym_ok = bool(lhs > rhs)
        with mp.workdps(dps):
            lhs, rhs = +lhs, +rhs
    else:
        statement = "T1 is infinite: the interval is nonempty"
    if st.eta is not None:
        statement += "; with eta: exact step counts and the step-size condition"
        nonempty = nonempty and step.stable
    return Condition(k, nonempty, L.value, asym_ok, lhs, rhs, statement, L, step, dps)
