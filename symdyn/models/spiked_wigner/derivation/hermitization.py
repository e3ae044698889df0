"""E. The rectangular model through the Hermitization ``H = [[0, X], [X^T, 0]]``."""

from __future__ import annotations

import sympy as sp

from ....derive import Agree, AllOf, Points, Step, Symbolic
from ....laws import marchenko_pastur as mpl
from ....laws import semicircle as sc
from ....symbols import c, lam, theta, z
from ...rank_one_denoising import spectral as rectangular
from .. import spectral
from ._notation import Q, S_, s_, w_, LSTAR, WEIGHT
from .routes import h_resolvent_blocks, rect_residues, rect_weights, sc_stieltjes_pair

__all__ = ["steps", "SECTION"]

SECTION = "The rectangular model through the Hermitization"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_hermitization()]


def _hermitization() -> list[Step]:
    """The symmetrised singular-value law, the 2x2 family of measures, ``c = 1``."""
    steps: list[Step] = []
    add = steps.append
    M1, M2 = sp.symbols("m_1 m_2")
    D = sp.diag(w_ * M1, w_ * M2)
    J = sp.Matrix([[0, 1], [1, 0]])
    Winv = (D.inv() + theta * J).inv()
    Tw = w_**2 * M1 * M2
    gsym = sp.Symbol("g")
    Dg = sp.diag(gsym, gsym)
    P = sp.Matrix([[1, 1], [1, -1]]) / sp.sqrt(2)
    Rs = mpl.R_symbol
    c1 = {c: sp.Integer(1)}
    add(Step(
        "hermitization-law", "The symmetrised singular-value law",
        r"$H = \begin{pmatrix} 0 & X \\ X^\top & 0\end{pmatrix}$ has eigenvalues $\pm s_i$ (singular values of $X$) and "
        r"$|p-n|$ zeros; its diagonal resolvent blocks are $w\,m_1(w^2)$ and $w\,m_2(w^2)$, so its spectrum is the "
        r"law of $\pm\sqrt{\lambda}$, $\lambda$ Marchenko--Pastur: the semicircle's role is played by this "
        r"symmetrised singular-value law. At $c = 1$ it \emph{is} the semicircle: $|s|\rho_1(s^2) = "
        r"\sqrt{4-s^2}/(2\pi)$ and $w\,m_{1,2}(w^2) = g_{sc}(w)$ (with $R(w^2) = w\sqrt{w^2-4}$).",
        (
            r"(H - w)^{-1} = \begin{pmatrix} w\,G(w^2) & G(w^2) X \\ X^\top G(w^2) & w\,\tilde G(w^2) \end{pmatrix}, "
            r"\qquad G(z) = (XX^\top - z)^{-1}",
            r"c = 1: \quad |s|\, \frac{r(s^2)}{2\pi s^2} = \frac{\sqrt{4 - s^2}}{2\pi}, \qquad "
            r"w\, m_1(w^2) = w\, m_2(w^2) = \frac{-w + \sqrt{w^2 - 4}}{2}",
        ),
        AllOf(
            Symbolic(s_ * (mpl.r(s_**2) / (2 * sp.pi * s_**2)).subs(c1) - sc.density(s_)),
            Symbolic([(w_ * mpl.m1(w_**2, w_ * S_)).subs(c1) - (-w_ + S_) / 2,
                      (w_ * mpl.m2(w_**2, w_ * S_)).subs(c1) - (-w_ + S_) / 2,
                      ((w_ * S_) ** 2 - (w_**2 - mpl.lambda_minus()) * (w_**2 - mpl.lambda_plus())).subs(c1)],
                     modulo={S_: w_**2 - 4}),
            Agree(lambda pt, dps: h_resolvent_blocks(pt, dps), lambda pt, dps: sc_stieltjes_pair(pt, dps),
                  Points({w_: (Q(21, 10), Q(8))}, count=3, label="$c = 1$, real $w > 2$"),
                  names=(r"$w\,m_{1,2}(w^2)$ (principal roots)", r"$g_{sc}(w)$")),
        ),
        section=SECTION,
    ))
    add(Step(
        "hermitization-family", "The $2\\times 2$ family of measures and its single pole",
        r"The rectangular spike is $\theta U J U^\top$ with $U = [(u;0), (0;v)]$, $J = "
        r"\begin{pmatrix}0&1\\1&0\end{pmatrix}$, so the scalar Sherman--Morrison step becomes a $2\times 2$ "
        r"Woodbury step: $U^\top (H-w)^{-1} U \to (D^{-1} + \theta J)^{-1}$, $D = \mathrm{diag}(w m_1(w^2), w m_2(w^2))$. "
        r"Its entries (the resolvents of $\nu_{uu}$, $\nu_{vv}$, $\nu_{uv}$, \texttt{rank\_one\_denoising.spectral}) share the "
        r"denominator $1 - \theta^2 T(z)$, $z = w^2$: one pole $\lambda_*$ for the whole family, as the single "
        r"pole $1 + \theta g = 0$ of the spiked Wigner model. At $c = 1$ ($D = gI$) the basis "
        r"$e_\pm = (u; \pm v)/\sqrt2$ diagonalises it into two spiked Wigner resolvents with spikes $\pm\theta$.",
        (
            r"\left(D^{-1} + \theta J\right)^{-1} = \frac{1}{1 - \theta^2 T}\begin{pmatrix} w m_1 & -\theta T \\ "
            r"-\theta T & w m_2 \end{pmatrix}, \qquad T = w^2 m_1 m_2",
            r"c = 1: \quad P\left(g^{-1} I + \theta J\right)^{-1} P^\top = \mathrm{diag}\left(\frac{g}{1 + \theta g}, "
            r"\frac{g}{1 - \theta g}\right), \qquad P = \frac{1}{\sqrt 2}\begin{pmatrix}1&1\\1&-1\end{pmatrix}",
        ),
        AllOf(
            Symbolic([Winv[0, 0] - w_ * M1 / (1 - theta**2 * Tw), Winv[1, 1] - w_ * M2 / (1 - theta**2 * Tw),
                      Winv[0, 1] + theta * Tw / (1 - theta**2 * Tw)]),
            Symbolic([rectangular.resolvent_uu(z).subs(mpl.R(z), Rs) * (1 - theta**2 * mpl.T_closed(z, Rs))
                      - mpl.m1(z, Rs),
                      rectangular.resolvent_vv(z).subs(mpl.R(z), Rs) * (1 - theta**2 * mpl.T_closed(z, Rs))
                      - mpl.m2(z, Rs),
                      rectangular.resolvent_uv(z).subs(mpl.R(z), Rs) * (1 - theta**2 * mpl.T_closed(z, Rs))
                      + theta * mpl.T_closed(z, Rs)]),
            Symbolic(P * (Dg.inv() + theta * J).inv() * P.T
                     - sp.diag(gsym / (1 + theta * gsym), gsym / (1 - theta * gsym))),
        ),
        section=SECTION,
    ))
    add(Step(
        "hermitization-pole", "The shared pole and its residues at explicit numeric $(c, \\theta)$",
        r"Above threshold $1 - \theta^2 T(\lambda_*) = 0$ at $\lambda_* = (1+\theta^2)(c+\theta^2)/\theta^2$, and the "
        r"three residues there are the atoms $\zeta_u$, $\zeta_v$ and $(\theta^4-c)/\theta^3 = s_1\sqrt{\zeta_u\zeta_v}$, "
        r"computed as exact SymPy limits at explicit numeric parameters (a free positive $\theta$ would give a "
        r"wrong $0$, as in step \ref{step:nu-outlier}). At $c = 1$: $\lambda_* = (\theta + 1/\theta)^2$ and "
        r"$\zeta_u = \zeta_v = 1 - \theta^{-2}$, the square of the Wigner outlier and its weight.",
        (r"\mathrm{Res}_{\lambda_*}: \quad \zeta_u = \frac{\theta^4-c}{\theta^2(\theta^2+c)}, \quad "
         r"\zeta_v = \frac{\theta^4-c}{\theta^2(\theta^2+1)}, \quad \frac{\theta^4-c}{\theta^3}; \qquad "
         r"c = 1:\ \lambda_* = \left(\theta + \frac1\theta\right)^2,\ \zeta_u = \zeta_v = 1 - \theta^{-2}",),
        AllOf(
            Agree(lambda pt, dps: rect_residues(pt, dps), lambda pt, dps: rect_weights(pt, dps),
                  Points({c: (Q(1, 5), Q(3)), theta: (Q(1, 2), Q(3))}, count=3,
                         where=lambda pt: pt[theta] ** 4 > Q(6, 5) * pt[c], label=r"numeric $\theta^4 > c$"),
                  names=("SymPy's exact limits at the numeric point", "the closed-form atoms")),
            Symbolic([(rectangular.outlier_eigenvalue() - LSTAR**2).subs(c1), (rectangular.zeta_u() - WEIGHT).subs(c1),
                      (rectangular.zeta_v() - WEIGHT).subs(c1), (rectangular.uv_atom() - LSTAR * WEIGHT).subs(c1),
                      (rectangular.threshold() - spectral.threshold()).subs(c1)]),
        ),
        section=SECTION,
    ))
    rho_w = spectral.nu_x().density.subs(lam, s_)
    rho_wm = spectral.nu_x().density.subs(lam, -s_)
    lam_s = s_**2
    add(Step(
        "hermitization-c1", "At $c = 1$ the rectangular measures are pushforwards of $\\nu_x$",
        r"At $c = 1$, $e_+ = (u; v)/\sqrt 2$ carries the spiked Wigner measure $\nu_x$ of step "
        r"\ref{step:nu-density} in the singular-value variable $s$, and $e_-$ its mirror image; since "
        r"$(u;0) = (e_+ + e_-)/\sqrt2$, $\nu_{uu}$ is the pushforward of $\nu_x$ under $s \mapsto s^2$ and "
        r"$\nu_{uv}$ the pushforward of $s\,\nu_x$ (odd part). The densities and atoms match identically.",
        (r"\frac{d\nu_{uu}}{d\lambda}(s^2) = \frac{\rho_\nu(s) + \rho_\nu(-s)}{2s}, \qquad "
         r"\frac{d\nu_{uv}}{d\lambda}(s^2) = \frac{\rho_\nu(s) - \rho_\nu(-s)}{2}, \qquad c = 1",),
        Symbolic([
            (rectangular.nu_uu().density.subs(lam, lam_s).subs(c1) - (rho_w + rho_wm) / (2 * s_)),
            (rectangular.nu_uv().density.subs(lam, lam_s).subs(c1) - (rho_w - rho_wm) / 2),
        ]),
        section=SECTION,
        remark=r"So the symmetric model is the rectangular one at $c = 1$ seen through $H$ along $e_+$; for "
               r"$c \ne 1$ the semicircle becomes the symmetrised singular-value law and $\nu_x$ the $2\times 2$ family.",
    ))
    return steps
