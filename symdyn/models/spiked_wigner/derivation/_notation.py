"""Notation of the spiked Wigner derivation: regimes, constants, display symbols, parameter points."""

from __future__ import annotations

from typing import Any, Mapping

import mpmath as mp
import sympy as sp

from ....derive import Points
from ....exact import to_mp
from ....symbols import alpha, theta, z
from .. import spectral

__all__: list[str] = []  # package-internal

Q = sp.Rational

# ----------------------------------------------------------------------------- notation

#: Parametrisations of the regimes by a positive symbol ``p``: they fix the sign of
#: ``theta - 1`` so that SymPy can take principal square roots.
_p = sp.Symbol("p", positive=True)
ABOVE = {theta: 1 + _p}
BELOW = {theta: 1 / (1 + _p)}
_ABOVE_TEXT = r"above threshold: $\theta = 1 + p$, $p > 0$"
_BELOW_TEXT = r"below threshold: $\theta = 1/(1 + p)$, $p > 0$"

S_ = sp.Symbol("S")                    # the branch sqrt(z^2 - 4) in algebra modulo S^2 = z^2 - 4
r_ = sp.Symbol("r", positive=True)     # sqrt(4 - lambda^2) on the bulk
u_ = sp.Symbol("u", positive=True)     # distance 2 - lambda to the edge
s_ = sp.Symbol("s", positive=True)     # a singular value
w_ = sp.Symbol("w")
LSTAR = spectral.outlier_eigenvalue()
WEIGHT = spectral.outlier_weight()
G_S = (-z + S_) / 2                    # g_sc with the branch symbol

# display symbols (LaTeX only)
_ls = sp.Symbol("lambda_*")
_g = sp.Function("g")(z)
_nu = sp.Symbol("nu")


def mp_at(expr: Any, point: Mapping, dps: int) -> mp.mpf:
    """An exact real constant at *point*, evaluated with adaptive precision."""
    return to_mp(sp.sympify(expr).subs(dict(point)), dps)


def theta_regions(count: int = 2, *, extra: Mapping[sp.Symbol, tuple[Any, Any]] | None = None,
                   at: bool = True, fixed: Mapping[sp.Symbol, Any] | None = None) -> list[Points]:
    """Points below threshold, at threshold (theta = 1 exactly) and above threshold."""
    ranges = dict(extra or {})
    fix = dict(fixed or {})
    out = [Points({theta: (Q(1, 5), Q(4, 5)), **ranges}, fixed=fix, count=count, label=r"$\theta < 1$")]
    if at:
        out.append(Points(ranges or {alpha: (Q(-9, 10), Q(9, 10))}, fixed={theta: sp.Integer(1), **fix},
                          count=1, label=r"$\theta = 1$"))
    out.append(Points({theta: (Q(6, 5), Q(3)), **ranges}, fixed=fix, count=count, label=r"$\theta > 1$"))
    return out


# ----------------------------------------------------------------------------- sampled symbols

_ys = sp.symbols("y_1:7", real=True)
_x0s = sp.symbols("x0_1:4", real=True)
_as = sp.symbols("a_0:16", real=True)
_xs4 = sp.symbols("v_1:5", real=True)
