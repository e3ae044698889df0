r"""Closed forms of the scalar flow ``lambda' = N lambda^p (s - lambda)``, ``p = 2 - 2/N``, at any precision.

The time to go from ``l0`` to ``l1`` below a positive target ``s`` is

.. math:: T(l_0 \to l_1; s, N) = s^{-p}\,[F_N(l_1/s) - F_N(l_0/s)], \qquad F_N'(x) = \frac{1}{N x^p (1-x)},

with (spec section 3.3)

* ``F_2(x) = (1/2) log(x/(1-x))``;
* ``F_N(x) = -x^{-(N-2)/N}/(N-2) + (x^{2/N}/2) 2F1(1, 2/N; 1+2/N; x)`` for ``N > 2`` (also non-integer);
* the elementary forms in ``u = x^{1/N}`` for ``N = 2, 3, 4`` (:func:`F_elementary`, real branches);
* the Lerch form ``(1/N) x^a Phi(x, 1, a)``, ``a = 2/N - 1`` and the power series (:func:`F_lerch`, :func:`F_series`).

Precision.  Every argument is exact, so ``x`` *and* ``1 - x`` are formed exactly: near ``x = 1`` the
hypergeometric function is evaluated by its logarithmic connection series in ``y = 1 - x``
(:func:`phi1`), never from a rounded ``x``.  The singular part ``-x0^{-(N-2)/N}/(N-2)`` (or ``(1/2) log x0``)
is split off, so the ``O(1)`` part of ``T = 10^30 + F_3(1/2)`` is returned with all its digits
(:attr:`FlowTime.regular`) and the total with ``dps`` significant digits (the working precision is raised by
the digits of the magnitude).  Nothing here uses float64, so ``alpha^N = 10^-400`` is an ordinary number.

Other targets (spec 3.3): above the target (``l0 > s > 0``) the time uses ``H(v) = v^p/(N p) 2F1(1, p; 1+p; v)``
in ``v = s/l``; a negative target ``K(x) = x^{1-p}/(N(1-p)) 2F1(1, 1-p; 2-p; -x)`` in ``x = l/|s|``; a zero
target ``(l1^{-p} - l0^{-p})/(N p)``.  :func:`flow_eigenvalue` inverts every case (explicit logistic for
``N = 2``; otherwise a safeguarded Newton iteration in the logit / log variable with the exact derivative).

>>> T = time_to_reach(1, "1/2", 3, alpha="1e-30", dps=40)
>>> mp.nstr(T.value, 40), mp.nstr(T.regular, 25)
('999999999999999999999999999999.1497493079', '-0.8502506921408279245738504')
>>> t = time_to_reach(1, "1/2", 3, alpha="1e-30", dps=70).value   # 40 digits of the O(1) part
>>> mp.nstr(flow_eigenvalue(t, 1, 3, lambda0="1e-90", dps=30).value - mp.mpf(1) / 2, 3)
'0.0'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath as mp
import sympy as sp

from ...errors import ConvergenceError, ParameterError
from ...exact import to_mp
from .inputs import check_dps, depth, level as _level, mpq, p_exponent, rational

__all__ = [
    "FlowTime", "FlowEigenvalue", "Asymptotic", "DecayLaw",
    "phi1", "F", "F_singular", "F_regular", "F_hyp2f1", "F_elementary", "F_lerch", "F_series", "F_prime",
    "flow_time", "time_to_reach", "flow_time_quad", "flow_eigenvalue", "time_to_reach_asymptotic",
    "decay_law", "elementary_constant", "initial_eigenvalue",
]

GUARD = 12  # guard digits of every evaluation


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FlowTime:
    """A flow time with its evidence.

    ``value`` has ``dps`` significant digits.  For growth from a small start, ``singular`` is the part
    ``s^{-p}(-F_sing(x0))`` that diverges as ``l0 -> 0`` (``alpha^{-(N-2)}/((N-2) s)`` for ``lambda0 =
    alpha^N``, or ``log(s/l0)/(2s)`` for ``N = 2``) and ``regular = value - singular`` is the ``O(1)``
    part, each with ``dps`` digits of its own; both are ``None`` in the other cases.
    """

    value: mp.mpf
    dps: int
    method: str
    error: mp.mpf
    case: str
    singular: mp.mpf | None = None
    regular: mp.mpf | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlowEigenvalue:
    """``lambda(t)`` with ``gap = s - lambda(t)`` (accurate even when ``lambda`` is within ``10^-dps`` of ``s``)."""

    value: mp.mpf
    gap: mp.mpf
    dps: int
    method: str
    error: mp.mpf
    iterations: int = 0


@dataclass(frozen=True)
class Asymptotic:
    """The ``alpha -> 0`` expansion of a time, truncated after ``len(terms)`` terms.

    ``error_order`` names the order of the first omitted term and ``next_term`` is its value (so the
    difference to the exact time is ``next_term (1 + O(alpha^N/s))``).
    """

    value: mp.mpf
    terms: tuple[mp.mpf, ...]
    names: tuple[str, ...]
    error_order: str
    next_term: mp.mpf
    dps: int


@dataclass(frozen=True)
class DecayLaw:
    """How an eigenvalue with target ``s <= 0`` decays: ``lambda(t) ~ amplitude * law``."""

    law: str
    amplitude: mp.mpf | None
    exponent: sp.Rational | None
    rate: mp.mpf | None
    exact: str
    dps: int


# ----------------------------------------------------------------------------- hypergeometric kernel


def phi1(b: Any, x: mp.mpf, y: mp.mpf) -> mp.mpf:
    """``2F1(1, b; 1 + b; x)`` for ``0 <= x < 1`` with ``y = 1 - x`` given accurately (``b > 0``).

    For ``x <= 1/2``: mpmath's ``hyp2f1``.  For ``x > 1/2``: the logarithmic connection series
    (Abramowitz-Stegun 15.3.10 with ``c = a + b``, ``a = 1``)
    ``b sum_n (b)_n/n! [psi(n+1) - psi(b+n) - log y] y^n``, which needs ``y``, not ``x``.
    Works at the current mpmath precision.
    """
    b = mp.mpf(b)
    if x <= mp.mpf(1) / 2:
        return mp.hyp2f1(1, b, 1 + b, x)
    logy = mp.log(y)
    h = -mp.euler - mp.digamma(b)  # psi(1) - psi(b)
    c = mp.mpf(1)
    yn = mp.mpf(1)
    total = h - logy
    eps = mp.eps * 4
    n = 0
    small = 0
    while True:
        # h_{n+1} = h_n + 1/(n+1) - 1/(b+n)
        h += mp.mpf(1) / (n + 1) - 1 / (b + n)
        c *= (b + n) / (n + 1)
        yn *= y
        n += 1
        term = c * yn * (h - logy)
        total += term
        if abs(term) <= eps * abs(total):
            small += 1
            if small >= 2:
                break
        else:
            small = 0
        if n > 100_000:  # pragma: no cover - y <= 1/2 converges geometrically
            raise ConvergenceError("the connection series of 2F1 did not converge")
    return b * total


def _xy(x: Any) -> tuple[mp.mpf, mp.mpf]:
    """``(x, 1 - x)`` as mpf, with ``1 - x`` formed exactly for an exact *x* (rational or closed form)."""
    if isinstance(x, (sp.Rational, int)):
        q = sp.Rational(x)
        return mpq(q), mpq(1 - q)
    if isinstance(x, sp.Expr):
        return to_mp(x, mp.mp.dps), to_mp(1 - x, mp.mp.dps)
    x = mp.mpf(x)
    return x, 1 - x


def F_singular(x: mp.mpf, N: sp.Rational) -> mp.mpf:
    """The part of ``F_N`` that diverges at ``x -> 0``: ``-x^{-(N-2)/N}/(N-2)``, or ``(1/2) log x`` for ``N = 2``."""
    if N == 2:
        return mp.log(x) / 2
    return -mp.power(x, -mpq(N - 2) / mpq(N)) / mpq(N - 2)


def F_regular(x: mp.mpf, y: mp.mpf, N: sp.Rational) -> mp.mpf:
    """``F_N - F_singular``: ``(x^{2/N}/2) 2F1(1, 2/N; 1 + 2/N; x)``, or ``-(1/2) log(1 - x)`` for ``N = 2``."""
    if N == 2:
        return -mp.log(y) / 2
    b = mpq(sp.Rational(2) / N)
    return mp.power(x, b) / 2 * phi1(b, x, y)


def F(x: Any, N: Any, *, y: Any = None) -> mp.mpf:
    """``F_N(x)`` on ``(0, 1)`` at the current precision (*x* exact, or mpf with ``y = 1 - x`` given).

    >>> with mp.workdps(25):
    ...     mp.nstr(F(sp.Rational(1, 2), 3), 20), mp.nstr(F(sp.Rational(9, 10), 4), 20)
    ('-0.85025069214082792457', '0.38217695292130352308')
    """
    N = depth(N, integer=False)
    if y is None:
        xm, ym = _xy(x)
    else:
        xm, ym = mp.mpf(x), mp.mpf(y)
    return F_singular(xm, N) + F_regular(xm, ym, N)


def F_prime(x: mp.mpf, N: Any) -> mp.mpf:
    """``F_N'(x) = 1/(N x^p (1 - x))``."""
    N = depth(N, integer=False)
    return 1 / (mpq(N) * mp.power(x, mpq(p_exponent(N))) * (1 - x))


def F_hyp2f1(x: Any, N: Any) -> mp.mpf:
    """``F_N`` through mpmath's ``hyp2f1`` at every ``x`` (no connection series): an independent route."""
    N = depth(N, integer=False)
    xm, _ = _xy(x)
    if N == 2:
        return (mp.log(xm) - mp.log(1 - xm)) / 2
    b = mpq(sp.Rational(2) / N)
    return -mp.power(xm, -mpq(N - 2) / mpq(N)) / mpq(N - 2) + mp.power(xm, b) / 2 * mp.hyp2f1(1, b, 1 + b, xm)


def elementary_constant(N: int) -> sp.Expr:
    """``F_N - G_N`` (exact) for the elementary antiderivatives ``G_N`` of :func:`F_elementary`."""
    return {2: sp.Integer(0), 3: sp.pi * sp.sqrt(3) / 18, 4: sp.Integer(0)}[int(N)]


def F_elementary(x: Any, N: int, *, y: Any = None, constant: bool = True) -> mp.mpf:
    r"""``F_N`` from the elementary antiderivatives ``G_N(u)``, ``u = x^{1/N}``, real branches (N = 2, 3, 4).

    ``G_2 = log u - (1/2) log(1 - u^2)``,
    ``G_3 = -1/u - (1/3) log(1 - u) + (1/6) log(u^2 + u + 1) - (1/sqrt 3) atan((2u + 1)/sqrt 3)``,
    ``G_4 = -1/(2u^2) + (1/2) atanh(u^2)``; ``log(1 - u)`` and ``atanh`` are written through ``y = 1 - u^N``
    so that no digit is lost near ``u = 1``.  ``F_N = G_N + C_N`` (:func:`elementary_constant`).
    """
    N = int(N)
    if N not in (2, 3, 4):
        raise ParameterError(f"N={N}: the elementary forms exist here for N = 2, 3, 4")
    if y is None:
        xm, ym = _xy(x)
    else:
        xm, ym = mp.mpf(x), mp.mpf(y)
    u = mp.root(xm, N)
    if N == 2:
        g = mp.log(u) - mp.log(ym) / 2
    elif N == 3:
        q = u * u + u + 1          # 1 - u = y/q
        r3 = mp.sqrt(3)
        g = -1 / u - (mp.log(ym) - mp.log(q)) / 3 + mp.log(q) / 6 - mp.atan((2 * u + 1) / r3) / r3
    else:
        u2 = u * u                 # 1 - u^2 = y/(1 + u^2)
        g = -1 / (2 * u2) + (2 * mp.log(1 + u2) - mp.log(ym)) / 4
    if constant:
        g += {2: 0, 3: mp.pi * mp.sqrt(3) / 18, 4: 0}[N]
    return g


def F_lerch(x: Any, N: Any) -> mp.mpf:
    """``F_N = (1/N) x^a Phi(x, 1, a)``, ``a = 2/N - 1`` (mpmath ``lerchphi``; ``N > 2``)."""
    N = depth(N, integer=False)
    if N == 2:
        raise ParameterError("the Lerch form needs N > 2 (a = 2/N - 1 = 0 for N = 2)")
    xm, _ = _xy(x)
    a = mpq(sp.Rational(2) / N - 1)
    return mp.power(xm, a) * mp.lerchphi(xm, 1, a) / mpq(N)


def F_series(x: Any, N: Any) -> mp.mpf:
    """``F_N = (1/N) sum_k x^{k-1+2/N}/(k-1+2/N)`` (direct summation; ``N > 2``, ``x < 1``)."""
    N = depth(N, integer=False)
    if N == 2:
        raise ParameterError("the power series form needs N > 2")
    xm, _ = _xy(x)
    a = mpq(sp.Rational(2) / N - 1)
    total = mp.mpf(0)
    xk = mp.power(xm, a)
    k = 0
    while True:
        term = xk / (k + a)
        total += term
        if k > 0 and abs(term) < mp.eps * abs(total) / 4:
            break
        k += 1
        xk *= xm
        if k > 10_000_000:  # pragma: no cover
            raise ConvergenceError("the series of F_N converges too slowly at this x")
    return total / mpq(N)


# ----------------------------------------------------------------------------- primitives of the other cases


def _H(v: mp.mpf, y: mp.mpf, N: sp.Rational) -> mp.mpf:
    """Primitive above the target in ``v = s/l``: ``int v^{p-1}/(N (1 - v)) dv = v^p/(N p) 2F1(1, p; 1+p; v)``."""
    p = mpq(p_exponent(N))
    return mp.power(v, p) / (mpq(N) * p) * phi1(p, v, y)


def _K(x: mp.mpf, N: sp.Rational) -> mp.mpf:
    """Primitive for a negative target in ``x = l/|s|``: ``int dx/(N x^p (1 + x))``."""
    if N == 2:
        return (mp.log(x) - mp.log1p(x)) / 2
    q = 1 - mpq(p_exponent(N))  # 1 - p = 2/N - 1 < 0
    return mp.power(x, q) / (mpq(N) * q) * mp.hyp2f1(1, q, 1 + q, -x)


# ----------------------------------------------------------------------------- flow times


def _digits(x: mp.mpf) -> int:
    if x == 0 or not mp.isfinite(x):
        return 0
    return max(0, int(mp.floor(mp.log10(abs(x)))) + 1)


def initial_eigenvalue(alpha: Any = None, lambda0: Any = None, N: Any = 2) -> sp.Rational | sp.Expr:
    """``lambda0`` of the product from ``alpha`` per layer (``alpha^N``) or given directly (exactly one)."""
    if (alpha is None) == (lambda0 is None):
        raise ParameterError("give exactly one of alpha (per layer) and lambda0 (= alpha^N, the product)")
    if lambda0 is not None:
        return rational(lambda0, "lambda0", positive=True)
    a = rational(alpha, "alpha", positive=True)
    return a ** depth(N, integer=False)


def _exact_positive(value: Any, name: str) -> sp.Expr:
    if isinstance(value, sp.Expr) and not isinstance(value, sp.Rational):
        if not value.is_positive:
            raise ParameterError(f"{name} must be positive")
        return value
    return rational(value, name, positive=True)


def flow_time(l0: Any, l1: Any, s: Any, N: Any, *, dps: int = 30) -> FlowTime:
    """The flow time from ``lambda = l0`` to ``lambda = l1`` with target ``s`` (all exact).

    Allowed: ``0 < l0 < l1 < s`` (growth), ``0 < s < l1 < l0`` (above the target), ``s <= 0`` with
    ``0 < l1 < l0`` (decay); ``l1 = l0`` gives 0.  Anything else is never reached (ParameterError).

    >>> mp.nstr(flow_time("1e-20", "1/2", 1, 2, dps=40).value, 30)
    '23.0258509299404568401749145468'
    """
    dps = check_dps(dps)
    N = depth(N, integer=False)
    l0 = _exact_positive(l0, "l0")
    l1 = _exact_positive(l1, "l1")
    s = rational(s, "s")
    if l0 == l1:
        with mp.workdps(dps):
            z = mp.mpf(0)
        return FlowTime(z, dps, "identical endpoints", z, "none")
    p = p_exponent(N)
    if s > 0 and l0 < l1 < s:
        case = "growth"
    elif s > 0 and s < l1 < l0:
        case = "above"
    elif s <= 0 and l1 < l0:
        case = "zero" if s == 0 else "negative"
    else:
        raise ParameterError(f"lambda cannot go from {l0} to {l1} when the target is s = {s}: "
                             "it moves monotonically from l0 towards s")
    wp = dps + GUARD
    for _ in range(6):
        with mp.workdps(wp):
            if case == "growth":
                x0, y0 = _xy(l0 / s)
                x1, y1 = _xy(l1 / s)
                scale = mp.power(mpq(s), -mpq(p))
                sing0 = F_singular(x0, N)
                sing1 = F_singular(x1, N)
                reg0, reg1 = F_regular(x0, y0, N), F_regular(x1, y1, N)
                singular = -sing0 * scale
                regular = (sing1 + reg1 - reg0) * scale
                value = singular + regular
                big = max(abs(singular), abs(regular))
                method = ("closed form s^-p [F_N(l1/s) - F_N(l0/s)], "
                          + ("F_2 = (1/2) log(x/(1-x))" if N == 2 else
                             "F_N by 2F1(1, 2/N; 1+2/N; x) (mpmath hyp2f1; connection series in 1 - x above 1/2)"))
            elif case == "above":
                v0, w0 = _xy(s / l0)
                v1, w1 = _xy(s / l1)
                scale = mp.power(mpq(s), -mpq(p))
                h0, h1 = _H(v0, w0, N), _H(v1, w1, N)
                value = (h1 - h0) * scale
                big = max(abs(h0), abs(h1)) * scale
                singular = regular = None
                method = "closed form s^-p [H(s/l1) - H(s/l0)], H(v) = v^p/(N p) 2F1(1, p; 1+p; v)"
            elif case == "negative":
                xa, xb = mpq(l0 / -s), mpq(l1 / -s)
                scale = mp.power(mpq(-s), -mpq(p))
                k0, k1 = _K(xa, N), _K(xb, N)
                value = (k0 - k1) * scale
                big = max(abs(k0), abs(k1)) * scale
                singular = regular = None
                method = ("closed form |s|^-p [K(l0/|s|) - K(l1/|s|)], " +
                          ("K = (1/2) log(x/(1+x))" if N == 2 else "K(x) = x^(1-p)/(N(1-p)) 2F1(1, 1-p; 2-p; -x)"))
            else:
                pm = mpq(p)
                a, b = mp.power(mpq(l1), -pm), mp.power(mpq(l0), -pm)
                value = (a - b) / (mpq(N) * pm)
                big = max(abs(a), abs(b)) / (mpq(N) * pm)
                singular = regular = None
                method = "closed form (l1^-p - l0^-p)/(N p) (zero target)"
            lost = _digits(big) - _digits(value) if value != 0 else wp
            need = dps + GUARD + max(0, lost) + max(0, _digits(value))
            if need <= wp:
                err = abs(big) * mp.mpf(10) ** (-(wp - 3)) + abs(value) * mp.mpf(10) ** (-(wp - 2))
                with mp.workdps(dps):
                    out = FlowTime(+value, dps, method, +err, case,
                                   None if singular is None else +singular,
                                   None if regular is None else +regular)
                return out
            wp = need
    raise ConvergenceError(f"the flow time lost too many digits to cancellation (working precision {wp})")


def time_to_reach(s: Any, level: Any, N: Any, *, alpha: Any = None, lambda0: Any = None, dps: int = 30) -> FlowTime:
    """The flow time for an eigenvalue with target ``s > 0`` to go from ``lambda0`` (or ``alpha^N``) to ``level*s``.

    ``level`` in ``(0, 1)``.  If the start is already at or above ``level * s`` the time is 0 (first
    time with ``lambda >= level s``).

    >>> mp.nstr(time_to_reach(1, "1/2", 4, lambda0="1e-20", dps=40).value, 40)
    '4999999999.733580012273223988215460300385'
    """
    s = rational(s, "s", positive=True)
    lev = _level(level)
    N = depth(N, integer=False)
    l0 = initial_eigenvalue(alpha, lambda0, N)
    target = lev * s
    if not l0 < target:
        dps = check_dps(dps)
        with mp.workdps(dps):
            z = mp.mpf(0)
        return FlowTime(z, dps, "already at the level at t = 0", z, "none",
                        notes=(f"lambda0 = {l0} >= level*s = {target}",))
    return flow_time(l0, target, s, N, dps=dps)


# ----------------------------------------------------------------------------- quadrature (independent route)


def flow_time_quad(l0: Any, l1: Any, s: Any, N: Any, *, dps: int = 30) -> mp.mpf:
    """``int_{l0}^{l1} d lambda / (N lambda^p (s - lambda))`` by tanh-sinh quadrature (growth, ``0 < l0 < l1 < s``).

    The independent route of B5.  In ``x = lambda/s`` the range is split at ``x = 1/2``; below, the
    variable is ``v = log x`` (the integrand varies like ``e^{(1-p) v}``) cut into unit-scale pieces;
    above, ``v = log(1 - x)``.  The pieces are summed at ``dps + 10`` digits.
    """
    dps = check_dps(dps)
    N = depth(N, integer=False)
    l0, l1, s = (rational(v, n) for v, n in ((l0, "l0"), (l1, "l1"), (s, "s")))
    if not (0 < l0 < l1 < s):
        raise ParameterError("flow_time_quad needs 0 < l0 < l1 < s")
    p = p_exponent(N)
    with mp.workdps(dps + 10):
        Nm, pm = mpq(N), mpq(p)
        half = sp.Rational(1, 2)
        x0, x1 = l0 / s, l1 / s
        total = mp.mpf(0)
        e = 1 - pm

        def low(v):  # x = e^v: dx/(N x^p (1-x)) = x^{1-p}/(N (1-x)) dv
            xx = mp.exp(v)
            return mp.exp(e * v) / (Nm * (1 - xx))

        def high(v):  # y = 1 - x = e^v: dx = -y dv; integrand 1/(N x^p)
            xx = -mp.expm1(v)
            return 1 / (Nm * mp.power(xx, pm))

        a, b = x0, min(x1, half)
        if a < b:
            va, vb = mp.log(mpq(a)), mp.log(mpq(b))
            width = max(mp.mpf(1), 2 / max(abs(e), mp.mpf(1) / 8))
            pts = [va]
            while pts[-1] + width < vb:
                pts.append(pts[-1] + width)
            pts.append(vb)
            total += mp.quad(low, pts)
        if x1 > half:
            ya, yb = mp.log(mpq(1 - max(x0, half))), mp.log(mpq(1 - x1))
            pts = [yb]
            while pts[-1] + 2 < ya:
                pts.append(pts[-1] + 2)
            pts.append(ya)
            total += mp.quad(high, pts)
        value = total * mp.power(mpq(s), -pm)
    with mp.workdps(dps):
        return +value


# ----------------------------------------------------------------------------- the inverse lambda(t)


def _solve_increasing(f, fprime, target, z0, *, wp: int, digits: int | None = None,
                      maxiter: int = 400) -> tuple[mp.mpf, int]:
    """Root of the increasing function ``f(z) = target``: bracket by doubling from *z0*, then safeguarded Newton.

    *wp* is the working precision of ``f``; *digits* (default *wp*) the digits wanted in ``z``.  They differ when
    ``f`` is huge (``|F_N| ~ lambda0^(-p)`` at a tiny start): ``f`` then needs extra digits for its absolute
    resolution, while ``z`` (a logit, to which lambda's relative error is at most proportional) needs only the
    evaluation's; asking ``z`` for all of *wp* would chase rounding below ``f``'s accuracy.
    """
    tol = mp.mpf(10) ** (-((wp if digits is None else digits) - 4))
    fz = f(z0) - target
    step = mp.mpf(1)
    lo = hi = None
    if fz < 0:
        lo = z0
        z = z0
        while hi is None:
            z = z + step
            step *= 2
            if f(z) - target >= 0:
                hi = z
            else:
                lo = z
    elif fz > 0:
        hi = z0
        z = z0
        while lo is None:
            z = z - step
            step *= 2
            if f(z) - target <= 0:
                lo = z
            else:
                hi = z
    else:
        return z0, 0
    z = z0 if lo < z0 < hi else (lo + hi) / 2
    for it in range(1, maxiter + 1):
        fz = f(z) - target
        if fz == 0:
            return z, it
        if fz < 0:
            lo = z
        else:
            hi = z
        d = fprime(z)
        znew = z - fz / d if d > 0 else (lo + hi) / 2
        if d > 0 and abs(znew - z) <= tol * max(1, abs(z)):
            return znew, it  # converged, even where rounding puts the step on the bracket's end
        if not (lo < znew < hi):
            znew = (lo + hi) / 2
        if abs(znew - z) <= tol * max(1, abs(z)) or hi - lo <= tol * max(1, abs(z)):
            return znew, it
        z = znew
    raise ConvergenceError(f"lambda(t): Newton's method did not converge in {maxiter} iterations")


def flow_eigenvalue(t: Any, s: Any, N: Any, *, alpha: Any = None, lambda0: Any = None,
                    dps: int = 30) -> FlowEigenvalue:
    """``lambda(t)`` of the flow with target ``s`` (any sign) from ``lambda0`` (or ``alpha^N``).

    *t* >= 0 may be exact or an mpf.  ``N = 2``: the logistic law
    ``s l0/(l0 + (s - l0) e^{-2st})`` (also for ``s <= 0``).  ``N > 2``: solve the primitive of the case
    for the end point (logit of ``x = lambda/s`` for growth, of ``v = s/lambda`` above the target,
    ``log(lambda/|s|)`` for a negative target; explicit for ``s = 0``).
    """
    dps = check_dps(dps)
    N = depth(N, integer=False)
    s = rational(s, "s")
    l0 = initial_eigenvalue(alpha, lambda0, N)
    p = p_exponent(N)
    wp = dps + GUARD
    if isinstance(t, (int, sp.Rational)):
        with mp.workdps(wp + _digits(mp.mpf(sp.Rational(t).p) / max(1, int(sp.Rational(t).q)))):
            tm = mpq(t)
    else:
        tm = t if isinstance(t, mp.mpf) else mp.mpf(t)  # an mpf keeps all its digits
    with mp.workdps(wp):
        if tm < 0:
            raise ParameterError(f"t={t} must be >= 0")
        if tm == 0 or l0 == s:
            val = mpq(l0)
            return _eig(val, mpq(s - l0), dps, "initial value", 0)
        if N == 2:
            wp2 = wp + _digits(abs(mpq(s)) * tm)
            with mp.workdps(wp2):
                sm, lm = mpq(s), mpq(l0)
                if s > 0:
                    e = mp.exp(-2 * sm * tm)
                    den = lm + (sm - lm) * e
                    val = sm * lm / den
                    gap = sm * (sm - lm) * e / den
                elif s == 0:
                    val = lm / (1 + 2 * lm * tm)
                    gap = -val
                else:
                    e = mp.exp(2 * sm * tm)  # small
                    val = -sm * lm * e / (-sm + lm - lm * e)
                    gap = sm - val
                return _eig(val, gap, dps, "logistic law (N = 2)", 0)
        pm, Nm = mpq(p), mpq(N)
        if s == 0:
            with mp.workdps(wp + _digits(tm)):
                val = mp.power(mp.power(mpq(l0), -pm) + Nm * pm * tm, -1 / pm)
            return _eig(val, -val, dps, "closed form (l0^-p + N p t)^(-1/p) (zero target)", 0)
        sm = mpq(s)
        if s > 0 and l0 < s:
            x0, y0 = _xy(l0 / s)
            F0 = F(x0, N, y=y0)
            shift = mp.power(sm, pm) * tm
            wp2 = wp + max(_digits(F0), _digits(shift))
            with mp.workdps(wp2):
                pm, Nm = mpq(p), mpq(N)  # the exponent at the working precision, not the outer one
                x0, y0 = _xy(l0 / s)
                F0 = F(x0, N, y=y0)
                target = F0 + mp.power(mpq(s), pm) * tm

                def xy(z):
                    return 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))

                def f(z):
                    x, y = xy(z)
                    return F(x, N, y=y)

                def fp(z):
                    x, _ = xy(z)
                    return mp.power(x, 1 - pm) / Nm

                z0 = _growth_guess(target, N, pm)
                z, it = _solve_increasing(f, fp, target, z0, wp=wp2, digits=wp)
                x, y = xy(z)
                return _eig(mpq(s) * x, mpq(s) * y, dps, "Newton on F_N in logit(lambda/s)", it)
        if s > 0:  # above the target: v = s/lambda increases from v0 to 1
            v0, w0 = _xy(s / l0)
            H0 = _H(v0, w0, N)
            shift = mp.power(sm, pm) * tm
            wp2 = wp + max(_digits(H0), _digits(shift))
            with mp.workdps(wp2):
                pm, Nm = mpq(p), mpq(N)  # the exponent at the working precision, not the outer one
                v0, w0 = _xy(s / l0)
                target = _H(v0, w0, N) + mp.power(mpq(s), pm) * tm

                def vw(z):
                    return 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))

                def f(z):
                    v, w = vw(z)
                    return _H(v, w, N)

                def fp(z):
                    v, _ = vw(z)
                    return mp.power(v, pm) / Nm

                z0 = mp.log(v0 / w0)
                z, it = _solve_increasing(f, fp, target, z0, wp=wp2, digits=wp)
                v, w = vw(z)
                lam = mpq(s) / v
                return _eig(lam, -mpq(s) * w / v, dps, "Newton on H in logit(s/lambda)", it)
        # negative target: x = lambda/|s| decreases; K increasing in log x
        xa = mpq(l0 / -s)
        K0 = _K(xa, N)
        shift = mp.power(-sm, pm) * tm
        wp2 = wp + max(_digits(K0), _digits(shift))
        with mp.workdps(wp2):
            pm, Nm = mpq(p), mpq(N)
            xa = mpq(l0 / -s)
            target = _K(xa, N) - mp.power(-mpq(s), pm) * tm

            def f(z):
                return _K(mp.exp(z), N)

            def fp(z):
                x = mp.exp(z)
                return mp.power(x, 1 - pm) / (Nm * (1 + x))

            # K ~ -x^{1-p}/(N(p-1)) as x -> 0: initial guess from that
            q = pm - 1
            guess = mp.log(mp.power(-target * Nm * q, -1 / q)) if target < 0 else mp.log(xa)
            z, it = _solve_increasing(f, fp, target, guess, wp=wp2, digits=wp)
            lam = -mpq(s) * mp.exp(z)
            return _eig(lam, mpq(s) - lam, dps, "Newton on K in log(lambda/|s|) (negative target)", it)


def _growth_guess(target: mp.mpf, N: sp.Rational, pm: mp.mpf) -> mp.mpf:
    half = F(sp.Rational(1, 2), N)
    if target <= half:
        # F ~ -x^{-(N-2)/N}/(N-2): x ~ (-(N-2) target)^{-N/(N-2)}
        q = mpq(N - 2) / mpq(N)
        x = mp.power(-mpq(N - 2) * target, -1 / q) if target < 0 else mp.mpf(1) / 4
        x = min(x, mp.mpf(1) / 2)
        return mp.log(x) - mp.log1p(-x)
    # F ~ -(1/N) log y + C, with C from x = 1/2
    C = half + mp.log(mp.mpf(1) / 2) / mpq(N)
    return mpq(N) * (target - C)  # logit ~ -log y


def _eig(val: mp.mpf, gap: mp.mpf, dps: int, method: str, iterations: int) -> FlowEigenvalue:
    err = abs(val) * mp.mpf(10) ** (-(dps + GUARD - 4))
    with mp.workdps(dps):
        return FlowEigenvalue(+val, +gap, dps, method, +err, iterations)


# ----------------------------------------------------------------------------- asymptotics


def time_to_reach_asymptotic(s: Any, level: Any, N: Any, *, alpha: Any = None, lambda0: Any = None,
                             dps: int = 30, terms: int = 2) -> Asymptotic:
    """The ``alpha -> 0`` expansion of :func:`time_to_reach` (spec 3.3), ``x0 = lambda0/s``.

    ``N > 2``: ``x0^{-(N-2)/N}/((N-2) s) + s^{-p} F_N(level)`` then ``- s^{-p} x0^{2/N}/2``
    (``= -alpha^2/(2 s^2)`` for ``lambda0 = alpha^N``); ``N = 2``: ``(1/(2s))[log(1/x0) + log(level/(1-level))]``
    then ``-x0/(2s)``.  ``terms`` = 2 or 3; the first omitted term is returned as ``next_term``.
    """
    dps = check_dps(dps)
    if terms not in (2, 3):
        raise ParameterError(f"terms={terms}: use 2 or 3")
    s = rational(s, "s", positive=True)
    lev = _level(level)
    N = depth(N, integer=False)
    l0 = initial_eigenvalue(alpha, lambda0, N)
    p = p_exponent(N)
    with mp.workdps(dps + GUARD + 5):
        x0 = mpq(l0 / s)
        scale = mp.power(mpq(s), -mpq(p))
        wp_extra = _digits(-F_singular(x0, N) * scale)
    with mp.workdps(dps + GUARD + wp_extra):
        x0 = mpq(l0 / s)
        scale = mp.power(mpq(s), -mpq(p))
        lead = -F_singular(x0, N) * scale
        const = F(lev, N) * scale
        if N == 2:
            c2 = -x0 / 2 * scale
            c3 = -x0**2 / 4 * scale
            names = ("(1/(2s)) log(s/lambda0)", "(1/(2s)) log(level/(1-level))", "-lambda0/(2 s^2)")
            orders = ("O(lambda0/s^2) = O(alpha^2/s^2)", "O(lambda0^2/s^3) = O(alpha^4/s^3)")
        else:
            b = mpq(sp.Rational(2) / N)
            c2 = -mp.power(x0, b) / 2 * scale
            c3 = -mp.power(x0, b + 1) / (mpq(N) * (1 + b)) * scale
            names = ("alpha^-(N-2)/((N-2) s)", "s^-p F_N(level)", "-s^-p (lambda0/s)^(2/N)/2")
            orders = ("O(alpha^2/s^2)", "O(alpha^(N+2)/s^3)")
        parts = (lead, const, c2)[:terms]
        nxt = (c2, c3)[terms - 2]
        value = sum(parts)
    with mp.workdps(dps):
        return Asymptotic(+value, tuple(+v for v in parts), names[:terms], orders[terms - 2], +nxt, dps)


# ----------------------------------------------------------------------------- zero and negative targets


def decay_law(s: Any, N: Any, *, alpha: Any = None, lambda0: Any = None, dps: int = 30) -> DecayLaw:
    """The approach of ``lambda(t)`` to 0 for a target ``s <= 0`` (spec 3.3; ``lambda`` never changes sign).

    ``s = 0``: exactly ``(lambda0^{-p} + (2N - 2) t)^{-N/(2N-2)} ~ ((2N-2) t)^{-N/(2N-2)}``;
    ``s < 0``, ``N = 2``: ``~ |s| lambda0/(|s| + lambda0) e^{-2|s| t}``;
    ``s < 0``, ``N > 2``: ``~ ((N-2) |s| t)^{-N/(N-2)}``.
    """
    dps = check_dps(dps)
    N = depth(N, integer=False)
    s = rational(s, "s")
    if s > 0:
        raise ParameterError(f"s={s} > 0 is fitted, not decaying: use time_to_reach / flow_eigenvalue")
    l0 = initial_eigenvalue(alpha, lambda0, N)
    with mp.workdps(dps + GUARD):
        if s == 0:
            ex = -N / (2 * N - 2)
            amp = mp.power(mpq(2 * N - 2), mpq(ex))
            out = DecayLaw(f"t^({ex})", amp, ex, None, "(lambda0^-p + (2N-2) t)^(-N/(2N-2))", dps)
        elif N == 2:
            a = mpq(-s)
            lm = mpq(l0)
            out = DecayLaw("exp(-2|s| t)", a * lm / (a + lm), None, 2 * a,
                           "|s| lambda0 e^(-2|s|t)/(|s| + lambda0 (1 - e^(-2|s|t)))", dps)
        else:
            ex = -N / (N - 2)
            amp = mp.power(mpq((N - 2) * (-s)), mpq(ex))
            out = DecayLaw(f"t^({ex})", amp, ex, None, "inverse of the primitive K (flow_eigenvalue)", dps)
    with mp.workdps(dps):
        return DecayLaw(out.law, None if out.amplitude is None else +out.amplitude, out.exponent,
                        None if out.rate is None else +out.rate, out.exact, dps)
