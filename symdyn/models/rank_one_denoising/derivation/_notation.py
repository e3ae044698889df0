"""Notation of the rank-one derivation: regimes, constants, display symbols, parameter points."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Mapping

import mpmath as mp
import sympy as sp

from ....derive import Points
from ....exact import to_mp
from ....laws import marchenko_pastur as mpl
from ....symbols import beta, c, eta, k, kappa, lam, t, theta, z
from .. import spectral as spikes

__all__: list[str] = []  # package-internal

Q = sp.Rational

# ----------------------------------------------------------------------------- notation

#: Parametrisations of the two regimes with a positive symbol ``p``: they make the
#: sign of ``theta^4 - c`` (and so the principal square roots) known to SymPy.
_p = sp.Symbol("p", positive=True)
ABOVE = {c: theta**4 / (1 + _p) ** 2}   # theta^4 = c (1 + p)^2 > c
BELOW = {c: theta**4 * (1 + _p) ** 2}   # theta^4 = c / (1 + p)^2 < c
_MOD_R_TEXT = r"$R^2 = (z - \lambda_-)(z - \lambda_+)$"
_ABOVE_TEXT = r"above threshold: $c = \theta^4/(1+p)^2$ with $p > 0$"
_BELOW_TEXT = r"below threshold: $c = \theta^4 (1+p)^2$ with $p > 0$"

R_ = mpl.R_symbol                       # the branch R(z), in algebra modulo R^2
r_ = sp.Symbol("r", positive=True)      # r(lambda) on the bulk
LM, LP = mpl.lambda_minus(), mpl.lambda_plus()
MOD_R = {R_: (z - LM) * (z - LP)}
LSTAR = spikes.outlier_eigenvalue()
S1 = spikes.outlier()
SPLUS = mpl.edge()
ZU, ZV, WUV = spikes.zeta_u(), spikes.zeta_v(), spikes.uv_atom()
BH = kappa * beta                       # beta-hat
RH = kappa**2 * (1 - beta**2)           # rho-hat

# display symbols (LaTeX only)
_lm, _lp, _ls = sp.Symbol("lambda_-"), sp.Symbol("lambda_+"), sp.Symbol("lambda_*")
_s1, _sp = sp.Symbol("s_1"), sp.Symbol("s_+")
_zu, _zv = sp.Symbol("zeta_u"), sp.Symbol("zeta_v")
_Rf, _Tf = sp.Function("R")(z), sp.Function("T")(z)
_m1f, _m2f = sp.Function("m_1")(z), sp.Function("m_2")(z)
_C, _S = sp.Symbol("C"), sp.Symbol("sigma")

# flow and GD propagators
SQ = sp.sqrt(lam)
C_FLOW = sp.cosh(t * SQ)
S_FLOW = sp.sinh(t * SQ) / SQ
C_GD = ((1 + eta * SQ) ** k + (1 - eta * SQ) ** k) / 2
S_GD = ((1 + eta * SQ) ** k - (1 - eta * SQ) ** k) / (2 * SQ)


def _resolvents(var: sp.Expr, Rv: sp.Expr) -> dict[str, sp.Expr]:
    """The library's three Woodbury entries (``spectral``) with the branch R replaced by *Rv*."""
    return {
        "uu": spikes.resolvent_uu(var).subs(mpl.R(var), Rv),
        "vv": spikes.resolvent_vv(var).subs(mpl.R(var), Rv),
        "uv": spikes.resolvent_uv(var).subs(mpl.R(var), Rv),
    }


# ----------------------------------------------------------------------------- parameter points

C_REGIONS = (("$c<1$", (Q(1, 10), Q(9, 10)), None), ("$c=1$", None, sp.Integer(1)),
              ("$c>1$", (Q(11, 10), Q(3)), None))


def regions(regime: str, count: int = 1, *, ranges: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
             fixed: Mapping[sp.Symbol, Any] | None = None, where: Callable[[dict], bool] | None = None,
             margin: sp.Rational = Q(6, 5), cs: tuple[str, ...] = ("$c<1$", "$c=1$", "$c>1$")) -> list[Points]:
    """Points for c < 1, c = 1, c > 1 in a regime ``above``/``below`` (with a margin) or ``any``."""
    out = []
    for label, c_range, c_fixed in C_REGIONS:
        if label not in cs:
            continue
        rng: dict[sp.Symbol, tuple[Any, Any]] = {theta: (Q(1, 4), Q(5, 2))}
        fix: dict[sp.Symbol, Any] = dict(fixed or {})
        if c_range is not None:
            rng[c] = c_range
        else:
            fix[c] = c_fixed
        rng.update(ranges or {})

        def cond(pt, regime=regime):
            if regime == "above" and not pt[theta] ** 4 > margin * pt[c]:
                return False
            if regime == "below" and not pt[theta] ** 4 * margin < pt[c]:
                return False
            return where is None or where(pt)

        text = {"above": r", $\theta^4 > c$", "below": r", $\theta^4 < c$", "any": ""}[regime]
        out.append(Points(rng, fixed=fix, count=count, where=cond, label=label + text))
    return out


def mp_at(expr: sp.Expr, point: Mapping, dps: int) -> mp.mpf:
    """An exact real constant at *point*, evaluated with adaptive precision."""
    return to_mp(sp.sympify(expr).subs(dict(point)), dps)


@lru_cache(maxsize=64)
def _lambdified(key: str) -> Callable:
    """mpmath functions (principal square roots) of the library's expressions."""
    Rp = mpl.R(z)
    table = {
        "uu": (spikes.resolvent_uu(z), (z, c, theta)),
        "vv": (spikes.resolvent_vv(z), (z, c, theta)),
        "uv": (spikes.resolvent_uv(z), (z, c, theta)),
        "m1": (mpl.m1(z), (z, c)),
        "m2": (mpl.m2(z), (z, c)),
        "T": (mpl.T_closed(z), (z, c)),
        "R": (Rp, (z, c)),
    }
    expr, args = table[key]
    return sp.lambdify(args, expr, modules="mpmath")


# ----------------------------------------------------------------------------- sampled symbols

_u = sp.Symbol("u", positive=True)   # position inside the bulk, lambda = lambda_- + u (lambda_+ - lambda_-)
_d = sp.Symbol("d", positive=True)   # distance to the bulk
_xs = sp.symbols("x_1:7", real=True)
_shape = sp.Symbol("shape", integer=True, nonnegative=True)   # a 2x3 or 3x2 exact matrix
_q = sp.Symbol("q", positive=True)   # theta = q, c = q^4: exactly at threshold
_zx, _zy = sp.Symbol("x_z", real=True), sp.Symbol("y_z", positive=True)
_zkind = sp.Symbol("zkind", integer=True, nonnegative=True)   # z beyond the edge, below 0, or complex
