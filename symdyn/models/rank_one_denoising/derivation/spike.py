"""B. The spiked resolvent (Woodbury), the outlier and its residues, the weighted spectral measures."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ....derive import Agree, AllOf, Numeric, Step, Symbolic
from ....tex import equation, latex
from ....laws import marchenko_pastur as mpl
from ....symbols import c, lam, theta, z
from .. import spectral as spikes
from ._notation import (
    Q,
    ABOVE,
    BELOW,
    MOD_R,
    _MOD_R_TEXT,
    _ABOVE_TEXT,
    _BELOW_TEXT,
    R_,
    r_,
    LP,
    LSTAR,
    S1,
    ZU,
    ZV,
    WUV,
    _lp,
    _ls,
    _s1,
    _zu,
    _zv,
    _resolvents,
    regions,
    mp_at,
    _lambdified,
    _u,
    _d,
)
from .routes import (
    closed_weights,
    contour_weights,
    densities_from_resolvent,
    densities_library,
    exact_residues,
    moments_closed,
    moments_quadrature,
    outlier_residual,
    pole_closed,
    pole_quadrature,
)

__all__ = ["steps", "SECTION"]

SECTION = "The spiked resolvent and the weighted spectral measures"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_resolvent_and_outlier(), *_weighted_measures()]


def _resolvent_and_outlier() -> list[Step]:
    """Woodbury, the outlier, the slope of ``T`` there, the residues."""
    steps: list[Step] = []
    add = steps.append
    w = sp.Symbol("w")
    M1, M2 = sp.symbols("m_1 m_2")
    D = sp.diag(w * M1, w * M2)
    J = sp.Matrix([[0, 1], [1, 0]])
    Winv = (D.inv() + theta * J).inv()
    Tw = w**2 * M1 * M2
    res = _resolvents(z, R_)
    m1R, m2R = mpl.m1(z, R_), mpl.m2(z, R_)
    TR = z * m1R * m2R
    add(Step(
        "woodbury", "The spiked resolvent (Woodbury)",
        r"With $H = H_0 + \theta U J U^\top$ and $U^\top (H_0 - w)^{-1} U \to D = \mathrm{diag}(w m_1(w^2), "
        r"w m_2(w^2))$, Woodbury gives $U^\top (H - w)^{-1} U \to (D^{-1} + \theta J)^{-1}$, whose entries "
        r"are the three limits below ($z = w^2$).",
        (
            r"U^\top (H - w)^{-1} U \to D - D\left(\theta^{-1} J + D\right)^{-1} D = \left(D^{-1} + \theta J\right)^{-1}",
            r"u^\top (XX^\top - z)^{-1} u \to " + latex(sp.Symbol("m_1") / (1 - theta**2 * sp.Symbol("T"))) +
            r", \qquad v^\top (X^\top X - z)^{-1} v \to " + latex(sp.Symbol("m_2") / (1 - theta**2 * sp.Symbol("T"))),
            r"u^\top (XX^\top - z)^{-1} X v \to " + latex(-theta * sp.Symbol("T") / (1 - theta**2 * sp.Symbol("T"))) +
            r", \qquad T = z\, m_1(z)\, m_2(z)",
        ),
        AllOf(
            Symbolic(D - D * (J / theta + D).inv() * D - Winv),
            Symbolic([Winv[0, 0] / w - M1 / (1 - theta**2 * Tw), Winv[1, 1] / w - M2 / (1 - theta**2 * Tw),
                      Winv[0, 1] + theta * Tw / (1 - theta**2 * Tw)]),
            Symbolic([res["uu"] - m1R / (1 - theta**2 * TR), res["vv"] - m2R / (1 - theta**2 * TR),
                      res["uv"] + theta * TR / (1 - theta**2 * TR)], modulo=MOD_R, modulo_text=_MOD_R_TEXT),
        ),
        section=SECTION,
        remark=r"The blocks of $(H-w)^{-1}$ are $w G(w^2)$, $G(w^2) X$, $X^\top G(w^2)$ and $w \tilde G(w^2)$ with "
               r"$G(z) = (XX^\top - z)^{-1}$; the last check compares the library's entries "
               r"(\texttt{rank\_one\_denoising.spectral}) with the Woodbury result, modulo $R^2 = (z-\lambda_-)(z-\lambda_+)$.",
    ))
    T_at = mpl.T_closed(LSTAR)
    add(Step(
        "outlier-equation", "The outlier",
        r"$\lambda_* = (1+\theta^2)(c+\theta^2)/\theta^2$ solves $\theta^2 T(\lambda_*) = 1$ with "
        r"$R(\lambda_*) = (\theta^4 - c)/\theta^2$ if and only if $\theta^4 > c$; below threshold "
        r"$\theta^2 T(\lambda_*) = \theta^4/c < 1$ and there is no outlier.",
        (
            equation(_ls, LSTAR) + r", \qquad \theta^2 T(\lambda_*) = 1, \qquad " +
            equation(sp.Function("R")(_ls), (theta**4 - c) / theta**2) + r" \quad (\theta^4 > c)",
            r"\theta^2 T(\lambda_*) = \frac{\theta^4}{c} < 1, \qquad R(\lambda_*) = \frac{c - \theta^4}{\theta^2}"
            r" \quad (\theta^4 < c), \qquad \theta_c = c^{1/4}",
        ),
        AllOf(
            Symbolic([theta**2 * T_at - 1, mpl.R(LSTAR) - (theta**4 - c) / theta**2,
                      mpl.R(LSTAR) - spikes.R_at_outlier()], substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([theta**2 * T_at - theta**4 / c, mpl.R(LSTAR) - spikes.R_at_outlier()],
                     substitute=BELOW, regime=_BELOW_TEXT),
            Numeric(lambda pt, dps: outlier_residual(pt, dps), [*regions("above"), *regions("below")],
                    label=r"$\theta^2 T(\lambda_*) - \min(1, \theta^4/c)$ (principal roots)"),
        ),
        section=SECTION,
        remark=r"This is the BBP transition \cite{bbp_2005} at $\theta_c = c^{1/4}$ for every $c$ "
               r"\cite{bgn_2012}.",
    ))
    Tprime = sp.diff(mpl.T_closed(z), z).subs(z, LSTAR)
    add(Step(
        "outlier-derivative", "Slope of $T$ at the outlier and the distance to the edge",
        r"Above threshold $T'(\lambda_*) = -1/(\theta^4 - c)$, $m_1(\lambda_*) = -1/(c+\theta^2)$, "
        r"$m_2(\lambda_*) = -1/(1+\theta^2)$, and $\lambda_* - \lambda_+ = (\theta^2 - \sqrt c)^2/\theta^2$, "
        r"so $s_1 - s_+$ is quadratic in $\theta - \theta_c$.",
        (
            r"T'(\lambda_*) = " + latex(-1 / (theta**4 - c)) +
            r", \qquad m_1(\lambda_*) = -\frac{1}{c + \theta^2}, \qquad m_2(\lambda_*) = -\frac{1}{1 + \theta^2}",
            equation(_ls - _lp, spikes.delta()) + r", \qquad " + equation(_s1, S1),
        ),
        AllOf(
            Symbolic([Tprime + 1 / (theta**4 - c), mpl.m1(LSTAR) + 1 / (c + theta**2),
                      mpl.m2(LSTAR) + 1 / (1 + theta**2)], substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([LSTAR - LP - spikes.delta(), S1**2 - LSTAR]),
            Agree(lambda pt, dps: -1 / mp_at(theta**4 - c, pt, dps + 10),
                  lambda pt, dps: mp.diff(lambda zz: _lambdified("T")(zz, mp_at(pt[c], pt, dps + 10)),
                                          mp_at(LSTAR, pt, dps + 10)),
                  regions("above"), names=(r"$-1/(\theta^4-c)$", "numerical differentiation of $T$"), loss=12),
        ),
        section=SECTION,
    ))
    add(Step(
        "residues", "Residues at the outlier: the overlaps",
        r"The weights of the atom at $\lambda_*$ in the three resolvent entries, "
        r"$\lim_{z\to\lambda_*}(\lambda_* - z)\,G(z)$, are $\zeta_u$, $\zeta_v$ and "
        r"$(\theta^4-c)/\theta^3 = s_1\sqrt{\zeta_u \zeta_v}$.",
        (
            equation(_zu, ZU) + r", \qquad " + equation(_zv, ZV),
            r"\langle u, \tilde u_1\rangle \langle \tilde v_1, v\rangle\, s_1 = " + latex(WUV) +
            r" = s_1 \sqrt{\zeta_u \zeta_v}",
        ),
        AllOf(
            Numeric(exact_residues, regions("above"),
                    label=r"SymPy's exact limit at numeric $(c, \theta)$ minus the closed form"),
            Agree(closed_weights, contour_weights, regions("above"),
                  names=("the closed forms", r"$-\frac{1}{2\pi i}\oint G\,dz$ around $\lambda_*$")),
            Symbolic(WUV - S1 * sp.sqrt(ZU * ZV), substitute=ABOVE, regime=_ABOVE_TEXT),
        ),
        section=SECTION,
        remark=r"With free symbols $c, \theta > 0$, SymPy's \texttt{limit} returns $0$ for these residues "
               r"(a wrong answer); the limit is therefore taken at exact numeric parameters above threshold, and "
               r"cross-checked by a contour integral inside the gap $(\lambda_+, \lambda_*)$. These are the "
               r"singular-vector overlaps of \cite{bgn_2012}.",
    ))
    return steps


def _weighted_measures() -> list[Step]:
    """Bulk densities, masses and moments, the pole-subtraction integral."""
    steps: list[Step] = []
    add = steps.append
    dens_lib = {n: m.density for n, m in (("uu", spikes.nu_uu()), ("vv", spikes.nu_vv()), ("uv", spikes.nu_uv()),
                                          ("mu1", mpl.mu1()), ("mu2", mpl.mu2()))}
    on_cut = dict(_resolvents(lam, sp.I * r_))
    on_cut["mu1"] = mpl.m1(lam, sp.I * r_)
    on_cut["mu2"] = mpl.m2(lam, sp.I * r_)
    im_res = []
    for name in ("uu", "vv", "uv", "mu1", "mu2"):
        im_part = on_cut[name].as_real_imag()[1]
        im_res.append(im_part / sp.pi - dens_lib[name].subs(mpl.r(lam), r_))
    rho = lambda expr: latex(expr.subs(mpl.r(lam), sp.Symbol("r")).subs(LSTAR, _ls))  # noqa: E731
    add(Step(
        "densities", "Bulk densities from the imaginary part",
        r"With $R(\lambda + i0) = i\, r(\lambda)$ and $r^2 = 4c - (\lambda - 1 - c)^2$, "
        r"$\frac{1}{\pi}\,\mathrm{Im}$ of the three entries and of $m_1, m_2$ gives the bulk densities of "
        r"$\nu_{uu}$, $\nu_{vv}$, $\nu_{uv}$, $\mu_1$, $\mu_2$.",
        (
            r"\frac{d\nu_{uu}}{d\lambda} = " + rho(dens_lib["uu"]) + r", \qquad \frac{d\nu_{vv}}{d\lambda} = "
            + rho(dens_lib["vv"]),
            r"\frac{d\nu_{uv}}{d\lambda} = " + rho(dens_lib["uv"]) + r", \qquad r(\lambda)^2 = " +
            latex(4 * c - (lam - 1 - c) ** 2),
        ),
        AllOf(
            Symbolic(im_res, modulo={r_: 4 * c - (lam - 1 - c) ** 2}),
            Symbolic(mpl.r(lam) ** 2 - (4 * c - (lam - 1 - c) ** 2)),
            Agree(densities_from_resolvent, densities_library,
                  [*regions("above", ranges={_u: (0, 1)}), *regions("below", ranges={_u: (0, 1)})],
                  names=(r"$\frac1\pi \mathrm{Im}\,G(\lambda + i\epsilon)$, principal roots",
                         r"the library's densities")),
        ),
        section=SECTION,
        remark=r"Atoms: $\nu_{uu}$, $\nu_{vv}$, $\nu_{uv}$ carry $\zeta_u$, $\zeta_v$, $(\theta^4-c)/\theta^3$ "
               r"at $\lambda_*$ iff $\theta^4>c$; at $0$, $\nu_{uu}$ carries $(c-1)/(c+\theta^2)$ if $c>1$, "
               r"$\nu_{vv}$ carries $(1-c)/(1+\theta^2)$ if $c<1$; $\nu_{uv}$ has none. The numerical check "
               r"confirms the sign $R(\lambda+i0) = +i r$ of the principal branch.",
    ))
    add(Step(
        "masses-moments", "Masses and first moments of the measures",
        r"$\nu_{uu}$, $\nu_{vv}$, $\mu_1$, $\mu_2$ have unit mass and $\nu_{uv}$ has mass $\theta$; the first "
        r"moments are $1+\theta^2$, $c+\theta^2$, $1$, $c$ and $\theta(1+\theta^2+c)$.",
        (
            r"\nu_{uu}(\mathbb R) = \nu_{vv}(\mathbb R) = \mu_1(\mathbb R) = \mu_2(\mathbb R) = 1, \qquad "
            r"\nu_{uv}(\mathbb R) = \theta",
            r"\int \lambda\, d\nu_{uu} = 1 + \theta^2, \quad \int \lambda\, d\nu_{vv} = c + \theta^2, \quad "
            r"\int \lambda\, d\nu_{uv} = \theta\,(1 + \theta^2 + c), \quad \int \lambda\, d\mu_1 = 1, \quad "
            r"\int \lambda\, d\mu_2 = c",
        ),
        Agree(moments_closed, moments_quadrature, [*regions("above"), *regions("below")],
              names=("the closed forms", "tanh-sinh quadrature of the library measures (atoms included)")),
        section=SECTION,
    ))
    add(Step(
        "pole-subtraction", "The Stieltjes integral used for pole subtraction",
        r"For $z > \lambda_+$, $\int_{\lambda_-}^{\lambda_+} r(\lambda)/(z-\lambda)\, d\lambda/(2\pi) = "
        r"((z - 1 - c) - R(z))/2$.",
        (r"\int_{\lambda_-}^{\lambda_+} \frac{r(\lambda)}{z - \lambda}\,\frac{d\lambda}{2\pi} = "
         r"\frac{(z - 1 - c) - R(z)}{2}, \qquad z > \lambda_+",),
        Agree(pole_closed, pole_quadrature,
              [*regions("any", ranges={_d: (Q(1, 100), Q(4))}, count=2)],
              names=("the closed form", r"quadrature in $\varphi$, $\lambda = 1 + c + 2\sqrt c \cos\varphi$")),
        section=SECTION,
        remark=r"The fast evaluator writes a bulk integrand with the factor $1/(\lambda_* - \lambda)$ as "
               r"$(f(\lambda) - f(\lambda_*))/(\lambda_* - \lambda) + f(\lambda_*)/(\lambda_* - \lambda)$ and "
               r"integrates the second term with this closed form, so its cost does not grow as "
               r"$\theta \to \theta_c$.",
    ))
    return steps
