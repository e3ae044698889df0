"""Spiked random-matrix quantities of the rectangular rank-one model X = theta u v^T + Z.

Everything here is an exact SymPy expression in ``c``, ``theta`` (and the
initial overlaps ``alpha``, ``beta`` and norm ratio ``kappa`` where relevant);
spec section 3 of ``rank_one_denoising.md``.  The three weighted spectral
measures ``nu_uu``, ``nu_vv``, ``nu_uv`` are :class:`~symdyn.laws.SpectralMeasure`
objects whose outlier atom is present iff ``theta**4 > c``.

>>> from symdyn.symbols import c, theta
>>> vals = {c: sp.Rational(1, 2), theta: sp.Rational(6, 5)}
>>> outlier_eigenvalue().subs(vals)
5917/1800
>>> sp.simplify(outlier_eigenvalue() - lambda_plus() - delta())
0
"""

from __future__ import annotations

import sympy as sp

from ...laws.marchenko_pastur import T_closed, edge, lambda_plus, m1, m2, r
from ...laws.measure import Atom, SpectralMeasure
from ...symbols import alpha, beta, c, kappa, lam, theta, z

__all__ = [
    "threshold", "outlier_eigenvalue", "outlier", "R_at_outlier", "delta", "gap",
    "zeta_u", "zeta_v", "uv_atom", "critical_ratio", "critical_combination", "amplitude",
    "resolvent_uu", "resolvent_vv", "resolvent_uv", "nu_uu", "nu_vv", "nu_uv",
    "edge_weights", "decay_amplitudes", "threshold_amplitudes", "lambda_plus",
]


def threshold() -> sp.Expr:
    """BBP threshold ``theta_c = c^(1/4)`` (noise variance 1/n)."""
    return c ** sp.Rational(1, 4)


def outlier_eigenvalue() -> sp.Expr:
    """``lambda* = (1 + theta^2)(c + theta^2)/theta^2``: the root of ``theta^2 T(z) = 1``."""
    return (1 + theta**2) * (c + theta**2) / theta**2


def outlier() -> sp.Expr:
    """Top singular value above threshold, ``s1 = sqrt(lambda*)``."""
    return sp.sqrt((1 + theta**2) * (c + theta**2)) / theta


def R_at_outlier() -> sp.Expr:
    """``R(lambda*) = |theta^4 - c|/theta^2`` (R > 0 to the right of the bulk)."""
    return sp.Abs(theta**4 - c) / theta**2


def delta() -> sp.Expr:
    """Distance of the pole to the edge, ``lambda* - lambda_+ = (theta^2 - sqrt c)^2/theta^2``."""
    return (theta**2 - sp.sqrt(c)) ** 2 / theta**2


def gap() -> sp.Expr:
    """``s1 - s_+``: the relaxation rate above threshold."""
    return outlier() - edge()


def zeta_u() -> sp.Expr:
    """Squared overlap ``<u, u1>^2 = (theta^4 - c)/(theta^2 (theta^2 + c))`` above threshold."""
    return (theta**4 - c) / (theta**2 * (theta**2 + c))


def zeta_v() -> sp.Expr:
    """Squared overlap ``<v, v1>^2 = (theta^4 - c)/(theta^2 (theta^2 + 1))`` above threshold."""
    return (theta**4 - c) / (theta**2 * (theta**2 + 1))


def uv_atom() -> sp.Expr:
    """Weight of the outlier in ``nu_uv``: ``(theta^4 - c)/theta^3 = s1 sqrt(zeta_u zeta_v)``."""
    return (theta**4 - c) / theta**3


def critical_ratio() -> sp.Expr:
    """``(alpha/beta)_crit = -kappa sqrt((theta^2 + c)/(theta^2 + 1))``."""
    return -kappa * sp.sqrt((theta**2 + c) / (theta**2 + 1))


def critical_combination() -> sp.Expr:
    """``alpha/sqrt(c + theta^2) + kappa beta/sqrt(1 + theta^2)``.

    It vanishes exactly at the critical ratio, and the outlier amplitude is
    ``A + B = alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v) = sqrt(theta^4 - c)/theta``
    times it.  Working with it keeps the cancellation exact.
    """
    return alpha / sp.sqrt(c + theta**2) + kappa * beta / sp.sqrt(1 + theta**2)


def amplitude() -> sp.Expr:
    """Outlier amplitude ``A + B = alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v)`` (above threshold)."""
    return alpha * sp.sqrt(zeta_u()) + kappa * beta * sp.sqrt(zeta_v())


# --------------------------------------------------------------------------- resolvent (Woodbury)


def resolvent_uu(var: sp.Expr = z) -> sp.Expr:
    """Limit of ``u^T (X X^T - z)^{-1} u = m1/(1 - theta^2 T)``."""
    return m1(var) / (1 - theta**2 * T_closed(var))


def resolvent_vv(var: sp.Expr = z) -> sp.Expr:
    """Limit of ``v^T (X^T X - z)^{-1} v = m2/(1 - theta^2 T)``."""
    return m2(var) / (1 - theta**2 * T_closed(var))


def resolvent_uv(var: sp.Expr = z) -> sp.Expr:
    """Limit of ``u^T (X X^T - z)^{-1} X v = -theta T/(1 - theta^2 T)``."""
    return -theta * T_closed(var) / (1 - theta**2 * T_closed(var))


# --------------------------------------------------------------------------- weighted measures

_ABOVE = sp.Gt(theta**4, c)


def nu_uu() -> SpectralMeasure:
    """Spectral measure of X X^T at u (mass 1)."""
    lst = outlier_eigenvalue()
    return SpectralMeasure(
        "nu_uu", lam,
        (1 + theta**2) * r(lam) / (2 * sp.pi * theta**2 * lam * (lst - lam)),
        (1 - sp.sqrt(c)) ** 2, lambda_plus(),
        (Atom(lst, zeta_u(), _ABOVE), Atom(sp.Integer(0), (c - 1) / (c + theta**2), sp.Gt(c, 1))),
        r"\nu_{uu}",
    )


def nu_vv() -> SpectralMeasure:
    """Spectral measure of X^T X at v (mass 1)."""
    lst = outlier_eigenvalue()
    return SpectralMeasure(
        "nu_vv", lam,
        (c + theta**2) * r(lam) / (2 * sp.pi * theta**2 * lam * (lst - lam)),
        (1 - sp.sqrt(c)) ** 2, lambda_plus(),
        (Atom(lst, zeta_v(), _ABOVE), Atom(sp.Integer(0), (1 - c) / (1 + theta**2), sp.Lt(c, 1))),
        r"\nu_{vv}",
    )


def nu_uv() -> SpectralMeasure:
    """Signed measure of ``u^T f(X X^T) X v`` (mass theta, no atom at 0)."""
    lst = outlier_eigenvalue()
    return SpectralMeasure(
        "nu_uv", lam,
        r(lam) / (2 * sp.pi * theta * (lst - lam)),
        (1 - sp.sqrt(c)) ** 2, lambda_plus(),
        (Atom(lst, uv_atom(), _ABOVE),),
        r"\nu_{uv}",
    )


# --------------------------------------------------------------------------- edge asymptotics


def edge_weights() -> dict[str, sp.Expr]:
    """Densities divided by ``r(lambda)`` at the edge ``lambda_+`` (spec 5.3), theta != theta_c."""
    lp, d = lambda_plus(), delta()
    return {
        "w_uu": (1 + theta**2) / (2 * sp.pi * theta**2 * lp * d),
        "w_vv": (c + theta**2) / (2 * sp.pi * theta**2 * lp * d),
        "w_uv": 1 / (2 * sp.pi * theta * d),
        "w_1": 1 / (2 * sp.pi * c * lp),
        "w_2": 1 / (2 * sp.pi * lp),
    }


def decay_amplitudes() -> dict[str, sp.Expr]:
    """Amplitudes of ``m_u ~ K_u t^(-3/4)``, ``m_v ~ K_v t^(-3/4)`` (below threshold or at the critical ratio)."""
    w = edge_weights()
    sp_ = edge()
    bh, rh = kappa * beta, kappa**2 * (1 - beta**2)
    A_u = alpha * w["w_uu"] + bh * w["w_uv"] / sp_
    A_v = alpha * w["w_uv"] / sp_ + bh * w["w_vv"]
    B_a = (alpha**2 * w["w_uu"] + (1 - alpha**2) * w["w_1"] + 2 * alpha * bh * w["w_uv"] / sp_
           + bh**2 * w["w_vv"] + rh * w["w_2"])
    B_b = (alpha**2 * w["w_uu"] + (1 - alpha**2) * w["w_1"] + 2 * alpha * bh * w["w_uv"] / sp_
           + bh**2 * w["w_vv"] + rh * w["w_2"])
    pref = 2 ** sp.Rational(3, 2) * sp.pi ** sp.Rational(1, 4) * c ** sp.Rational(1, 8) * sp_ ** sp.Rational(3, 4)
    return {"K_u": pref * A_u / sp.sqrt(B_a), "K_v": pref * A_v / sp.sqrt(B_b),
            "A_u": A_u, "A_v": A_v, "B": B_a}


def threshold_amplitudes() -> dict[str, sp.Expr]:
    """Amplitudes of ``m ~ K t^(-1/4)`` exactly at ``theta = theta_c`` (kappa beta-weighted).

    At threshold the edge densities of nu_uu, nu_vv, nu_uv diverge like
    ``v (lambda_+ - lambda)^(-1/2)`` with ``v_uu = (1 + theta^2) 2 c^(1/4)/(2 pi theta^2 lambda_+)``,
    ``v_vv = (c + theta^2) 2 c^(1/4)/(2 pi theta^2 lambda_+)``, ``v_uv = 2 c^(1/4)/(2 pi theta)``,
    and ``v_uv/s_+ = sqrt(v_uu v_vv)``, so the quadratic form in Q is a perfect square:
    ``K_u = sgn(alpha sqrt(v_uu) + kappa beta sqrt(v_vv)) sqrt(2 s_+^(1/2) pi^(1/2) v_uu)``.
    These expressions hold only after substituting ``theta = c^(1/4)``.
    """
    lp, sp_ = lambda_plus(), edge()
    q = 2 * c ** sp.Rational(1, 4)
    v_uu = (1 + theta**2) * q / (2 * sp.pi * theta**2 * lp)
    v_vv = (c + theta**2) * q / (2 * sp.pi * theta**2 * lp)
    comb = alpha * sp.sqrt(v_uu) + kappa * beta * sp.sqrt(v_vv)
    pref = sp.sqrt(2) * sp.pi ** sp.Rational(1, 4) * sp_ ** sp.Rational(1, 4)
    return {"K_u": sp.sign(comb) * pref * sp.sqrt(v_uu), "K_v": sp.sign(comb) * pref * sp.sqrt(v_vv),
            "combination": comb, "v_uu": v_uu, "v_vv": v_vv}
