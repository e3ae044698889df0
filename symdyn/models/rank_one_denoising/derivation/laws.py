"""A. The Marchenko-Pastur laws: self-consistency, Stieltjes transforms, the D-transform ``T``."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....tex import equation, latex
from ....laws import marchenko_pastur as mpl
from ....symbols import c, z
from ._notation import Q, MOD_R, _MOD_R_TEXT, R_, LP, _lm, _lp, _Rf, _Tf, _m1f, _m2f, mp_at, _lambdified
from .routes import stieltjes_closed, stieltjes_quadrature, stieltjes_regions

__all__ = ["steps", "SECTION"]

SECTION = "Marchenko--Pastur laws"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_mp_laws()]


def _mp_laws() -> list[Step]:
    """Self-consistency, the branch of the Stieltjes transforms, ``T = z m_1 m_2``."""
    steps: list[Step] = []
    add = steps.append
    add(Step(
        "mp-equation", "Self-consistent equation of the Marchenko--Pastur law",
        r"The Stieltjes transform $m_1$ of $\mu_1$ solves $c z m^2 + (z + c - 1) m + 1 = 0$ and "
        r"$m_2 = c\, m_1 - (1-c)/z$, where $R(z)$ is any root of $R^2 = (z-\lambda_-)(z-\lambda_+)$.",
        (
            equation(_m1f, mpl.m1(z, _Rf)) + r", \qquad " + equation(_m2f, mpl.m2(z, _Rf)),
            equation(_Rf**2, (z - _lm) * (z - _lp)) + r", \qquad \lambda_\pm = \left(1 \pm \sqrt{c}\right)^{2}",
            equation(mpl.self_consistency(_m1f), 0) + r", \qquad " + equation(_m2f, c * _m1f - (1 - c) / z),
        ),
        AllOf(
            Symbolic(mpl.self_consistency(mpl.m1(z, R_)), modulo=MOD_R, modulo_text=_MOD_R_TEXT),
            Symbolic(mpl.m2(z, R_) - (c * mpl.m1(z, R_) - (1 - c) / z)),
        ),
        section=SECTION,
        remark=r"The noise $Z$ is $p\times n$ with entries $\mathcal N(0, 1/n)$ and $c = p/n$; "
               r"$\mu_1$ and $\mu_2$ are the limit spectra of $ZZ^\top$ and $Z^\top Z$ "
               r"\cite{marchenko_pastur_1967}.",
    ))
    add(Step(
        "mp-stieltjes", "The branch: Stieltjes transforms of the measures",
        r"On the branch $R(z) = \sqrt{z-\lambda_-}\,\sqrt{z-\lambda_+}$ (principal roots, $R \sim z$ at "
        r"infinity) $m_1$ and $m_2$ are $\int d\mu(\lambda)/(\lambda - z)$ of $\mu_1$ and $\mu_2$, zero atoms "
        r"$(1-1/c)\,\delta_0$ for $c>1$ and $(1-c)\,\delta_0$ for $c<1$ included.",
        (
            r"m_1(z) = \int \frac{d\mu_1(\lambda)}{\lambda - z}, \qquad d\mu_1 = "
            r"\frac{r(\lambda)}{2\pi c \lambda}\, d\lambda + \left(1 - \tfrac1c\right)_+ \delta_0",
            r"m_2(z) = \int \frac{d\mu_2(\lambda)}{\lambda - z}, \qquad d\mu_2 = "
            r"\frac{r(\lambda)}{2\pi \lambda}\, d\lambda + (1 - c)_+ \delta_0, \qquad "
            r"r(\lambda) = \sqrt{(\lambda_+ - \lambda)(\lambda - \lambda_-)}",
        ),
        Agree(
            lambda pt, dps: stieltjes_closed(pt, dps), lambda pt, dps: stieltjes_quadrature(pt, dps),
            [*stieltjes_regions()], names=("the closed forms", "tanh-sinh quadrature of the measures"),
        ),
        section=SECTION,
    ))
    add(Step(
        "T-identity", "The D-transform $T = z m_1 m_2$",
        r"$T(z) = z\, m_1(z) m_2(z) = (z - 1 - c - R(z))/(2c)$; at the edge $T(\lambda_+) = 1/\sqrt{c}$, and "
        r"$T(0) = -1$ for $c<1$, $T(0) = -1/c$ for $c>1$.",
        (
            equation(_Tf, z * _m1f * _m2f) + " = " + latex(mpl.T_closed(z, _Rf)),
            equation(sp.Function("T")(_lp), 1 / sp.sqrt(c)) + r", \qquad T(0) = "
            r"\begin{cases} -1 & c < 1 \\ -1/c & c > 1 \end{cases}",
        ),
        AllOf(
            Symbolic(z * mpl.m1(z, R_) * mpl.m2(z, R_) - mpl.T_closed(z, R_), modulo=MOD_R, modulo_text=_MOD_R_TEXT),
            Symbolic(mpl.T_closed(LP, 0) - 1 / sp.sqrt(c)),
            Numeric(lambda pt, dps: _lambdified("T")(mp.mpf(0), mp_at(pt[c], pt, dps))
                    - (-1 if pt[c] < 1 else -1 / mp_at(pt[c], pt, dps)),
                    [Points({c: (Q(1, 10), Q(9, 10))}, count=2, label="$c<1$"),
                     Points({c: (Q(11, 10), Q(5))}, count=2, label="$c>1$")],
                    label=r"$T(0)$ (principal roots) minus its value"),
        ),
        section=SECTION,
        remark=r"$T(s^2)$ is the $D$-transform of Benaych-Georges and Nadakuditi \cite{bgn_2012}; "
               r"it decreases on $(\lambda_+, \infty)$ from $1/\sqrt c$ to $0$.",
    ))
    return steps
