"""C. The dynamics: propagators of flow and GD, the overlaps as spectral integrals, conservation."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....tex import equation, latex
from ....symbols import alpha, beta, c, eta, k, kappa, lam, t, theta
from .. import spectral as spikes
from ._notation import (
    Q,
    ABOVE,
    _ABOVE_TEXT,
    LSTAR,
    S1,
    ZU,
    ZV,
    WUV,
    BH,
    RH,
    _C,
    _S,
    SQ,
    C_FLOW,
    S_FLOW,
    C_GD,
    S_GD,
    mp_at,
    _xs,
    _shape,
)
from .routes import block_route, expm_route, gd_block_residual, observables_by_quadrature, scale2

__all__ = ["steps", "SECTION"]

SECTION = "Dynamics"


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_propagators(), *_observables()]


def _propagators() -> list[Step]:
    """Block propagators, their ODE and recursion, the time integrals."""
    steps: list[Step] = []
    add = steps.append
    mat_pts = [Points({**{x: (-1, 1) for x in _xs}, t: (Q(1, 10), Q(2))}, fixed={_shape: s}, count=1,
                      label=lbl) for s, lbl in ((0, r"$X$ of size $2\times 3$"), (1, r"$X$ of size $3\times 2$"))]
    gd_pts = [Points({**{x: (-1, 1) for x in _xs}, eta: (Q(1, 20), Q(1, 2)), k: (0, 9)}, fixed={_shape: s},
                     count=1, label=lbl) for s, lbl in ((0, r"$2\times 3$"), (1, r"$3\times 2$"))]
    add(Step(
        "propagator-blocks", "Block form of the propagators",
        r"For the Hermitisation $H$ of $X$, $e^{tH}$ and $(I + \eta H)^k$ have the block form below with "
        r"$C(\lambda) = \cosh(t\sqrt\lambda)$, $\sigma(\lambda) = \sinh(t\sqrt\lambda)/\sqrt\lambda$ and their "
        r"polynomial GD analogues $C_k$, $\sigma_k$.",
        (
            r"H = \begin{pmatrix} 0 & X \\ X^\top & 0 \end{pmatrix}, \qquad e^{tH} = \begin{pmatrix} "
            r"C(XX^\top) & \sigma(XX^\top) X \\ X^\top \sigma(XX^\top) & C(X^\top X) \end{pmatrix}",
            equation(sp.Symbol("C_k"), C_GD) + r", \qquad " + equation(sp.Symbol("sigma_k"), S_GD),
        ),
        AllOf(
            Agree(expm_route, block_route, mat_pts,
                  names=(r"\texttt{mpmath.expm}$(tH)$", "the block form (power series of $C$, $\\sigma$)")),
            Numeric(gd_block_residual, gd_pts,
                    label=r"$(I+\eta H)^k$ minus the block form with $C_k$, $\sigma_k$ (exact rational arithmetic)"),
        ),
        section=SECTION,
        remark=r"So $\tilde a(t) = C(XX^\top) a_0 + \sigma(XX^\top) X b_0$ and "
               r"$\tilde b(t) = X^\top \sigma(XX^\top) a_0 + C(X^\top X) b_0$; the flows F1--F3 share these "
               r"directions (spec \S2).",
    ))
    add(Step(
        "flow-propagators", "The flow propagators solve their ODE",
        r"$C' = \lambda\sigma$, $\sigma' = C$, $C(0) = 1$, $\sigma(0) = 0$ and $C^2 - \lambda\sigma^2 = 1$; "
        r"the squares obey $(C^2)' = (\lambda\sigma^2)' = 2\lambda C\sigma$, $(C\sigma)' = \lambda\sigma^2 + C^2$.",
        (
            r"\partial_t C = \lambda \sigma, \quad \partial_t \sigma = C, \quad C^2 - \lambda \sigma^2 = 1, \quad "
            r"\frac{C - 1}{\lambda} = \frac{t^2}{2}\,\mathrm{sinhc}\!\left(\frac{t\sqrt\lambda}{2}\right)^{2}",
        ),
        Symbolic([
            sp.diff(C_FLOW, t) - lam * S_FLOW, sp.diff(S_FLOW, t) - C_FLOW,
            C_FLOW.subs(t, 0) - 1, S_FLOW.subs(t, 0),
            C_FLOW**2 - lam * S_FLOW**2 - 1,
            (C_FLOW - 1) / lam - t**2 / 2 * (sp.sinh(t * SQ / 2) / (t * SQ / 2)) ** 2,
            sp.diff(C_FLOW**2, t) - 2 * lam * C_FLOW * S_FLOW,
            sp.diff(lam * S_FLOW**2, t) - 2 * lam * C_FLOW * S_FLOW,
            sp.diff(C_FLOW * S_FLOW, t) - (lam * S_FLOW**2 + C_FLOW**2),
        ]),
        section=SECTION,
    ))
    I_C2 = t / 2 + sp.sinh(2 * t * SQ) / (4 * SQ)
    I_L2 = -t / 2 + sp.sinh(2 * t * SQ) / (4 * SQ)
    I_CS = S_FLOW**2 / 2
    add(Step(
        "flow-integrals", "Time integrals for the Frobenius flow",
        r"$\int_0^t C^2 = t/2 + \sinh(2t\sqrt\lambda)/(4\sqrt\lambda)$, "
        r"$\int_0^t \lambda\sigma^2 = -t/2 + \sinh(2t\sqrt\lambda)/(4\sqrt\lambda)$ and "
        r"$\int_0^t C\sigma = \sigma^2/2$ (spec \S4.4).",
        (
            r"\int_0^t C^2 = " + latex(I_C2) + r", \qquad \int_0^t \lambda \sigma^2 = " + latex(I_L2) +
            r", \qquad \int_0^t C\sigma = \frac{\sigma^2}{2}",
        ),
        Symbolic([sp.diff(I_C2, t) - C_FLOW**2, I_C2.subs(t, 0), sp.diff(I_L2, t) - lam * S_FLOW**2,
                  I_L2.subs(t, 0), sp.diff(I_CS, t) - C_FLOW * S_FLOW, I_CS.subs(t, 0)]),
        section=SECTION,
        remark=r"They give the F3 norm $|a(t)|^2 = r_0^2 Q_a(t)/(1 + 2 r_0^2 \int_0^t Q_a)$ and the F1 energy "
               r"$e = Q_a'/(2Q_a)$.",
    ))
    add(Step(
        "gd-propagators", "The GD propagators solve their recursion",
        r"$C_{k+1} = C_k + \eta\lambda\sigma_k$, $\sigma_{k+1} = \sigma_k + \eta C_k$, $C_0 = 1$, $\sigma_0 = 0$, "
        r"$\sigma_k(0) = k\eta$, but $C_k^2 - \lambda\sigma_k^2 = (1 - \eta^2\lambda)^k$, not $1$.",
        (
            r"C_{k+1} = C_k + \eta \lambda \sigma_k, \qquad \sigma_{k+1} = \sigma_k + \eta C_k, \qquad "
            r"C_k^2 - \lambda \sigma_k^2 = \left(1 - \eta^2 \lambda\right)^k",
        ),
        AllOf(
            Symbolic([C_GD.subs(k, k + 1) - C_GD - eta * lam * S_GD, S_GD.subs(k, k + 1) - S_GD - eta * C_GD,
                      C_GD.subs(k, 0) - 1, S_GD.subs(k, 0), C_GD**2 - lam * S_GD**2 - (1 - eta**2 * lam) ** k]),
            Numeric(lambda pt, dps: {
                "sigma_k(0) - k eta": sp.expand(S_GD.subs({k: pt[k], eta: pt[eta]})).subs(lam, 0) - pt[k] * pt[eta],
                "C_k(0) - 1": sp.expand(C_GD.subs({k: pt[k], eta: pt[eta]})).subs(lam, 0) - 1,
                "not a polynomial": sp.Integer(0 if all(
                    sp.expand(f.subs({k: pt[k], eta: pt[eta]})).is_polynomial(lam) for f in (C_GD, S_GD)) else 1),
            }, Points({k: (0, 30), eta: (Q(1, 100), Q(1))}, count=4, label=r"integer $0 \le k \le 30$"),
                label=r"$\sigma_k(0) - k\eta$ and $C_k(0) - 1$ (exact; $C_k, \sigma_k$ polynomials in $\lambda$)"),
        ),
        section=SECTION,
        remark=r"Simultaneous GD with step $\eta$, $a \leftarrow a + \eta X b$, $b \leftarrow b + \eta X^\top a$, "
               r"is $w_k = (I + \eta H)^k w_0$; every formula of the flow holds with $(C, \sigma) \to "
               r"(C_k, \sigma_k)$ except those using $C^2 - \lambda\sigma^2 = 1$.",
    ))

    # observables as linear functionals
    return steps


def _observables() -> list[Step]:
    """Initial values, the factored outlier, the pole residues, the conservation law."""
    steps: list[Step] = []
    add = steps.append
    names = ("uu", "vv", "uv", "mu1", "mu2")
    F = {(m, f): sp.Symbol(f"<{f}>_{m}") for m in names for f in ("C", "S", "C2", "L2", "CS")}

    def observables(Fv):
        Nu = alpha * Fv[("uu", "C")] + BH * Fv[("uv", "S")]
        Nv = alpha * Fv[("uv", "S")] + BH * Fv[("vv", "C")]
        Qa = (alpha**2 * Fv[("uu", "C2")] + (1 - alpha**2) * Fv[("mu1", "C2")] + 2 * alpha * BH * Fv[("uv", "CS")]
              + BH**2 * Fv[("vv", "L2")] + RH * Fv[("mu2", "L2")])
        Qb = (alpha**2 * Fv[("uu", "L2")] + (1 - alpha**2) * Fv[("mu1", "L2")] + 2 * alpha * BH * Fv[("uv", "CS")]
              + BH**2 * Fv[("vv", "C2")] + RH * Fv[("mu2", "C2")])
        return Nu, Nv, Qa, Qb

    mass = {"uu": 1, "vv": 1, "uv": theta, "mu1": 1, "mu2": 1}
    at0 = {}
    for m in names:  # C(0) = 1, sigma(0) = 0: <C> = <C^2> = mass, the rest 0
        at0.update({F[(m, "C")]: mass[m], F[(m, "C2")]: mass[m], F[(m, "S")]: 0, F[(m, "L2")]: 0,
                    F[(m, "CS")]: 0})
    Nu0, Nv0, Qa0, Qb0 = (e.subs(at0) for e in observables(F))
    add(Step(
        "observables", "Overlaps as spectral integrals; initial values",
        r"With $\hat\beta = \kappa\beta$ and $\hat\rho = \kappa^2(1-\beta^2)$ the limits of $\langle u, \tilde a\rangle$, "
        r"$\langle v, \tilde b\rangle$, $|\tilde a|^2$, $|\tilde b|^2$ are the integrals below, and the unit "
        r"masses give $m_u(0) = \alpha$, $m_v(0) = \beta$.",
        (
            r"N_u = \alpha \langle C\rangle_{uu} + \hat\beta \langle \sigma\rangle_{uv}, \qquad "
            r"N_v = \alpha \langle \sigma\rangle_{uv} + \hat\beta \langle C\rangle_{vv}",
            r"Q_a = \alpha^2 \langle C^2\rangle_{uu} + (1-\alpha^2)\langle C^2\rangle_{\mu_1} + "
            r"2\alpha\hat\beta\langle C\sigma\rangle_{uv} + \hat\beta^2 \langle\lambda\sigma^2\rangle_{vv} + "
            r"\hat\rho \langle \lambda\sigma^2\rangle_{\mu_2}",
            r"Q_b = \alpha^2 \langle \lambda\sigma^2\rangle_{uu} + (1-\alpha^2)\langle \lambda\sigma^2\rangle_{\mu_1} + "
            r"2\alpha\hat\beta\langle C\sigma\rangle_{uv} + \hat\beta^2 \langle C^2\rangle_{vv} + "
            r"\hat\rho \langle C^2\rangle_{\mu_2}",
            r"m_u = \frac{N_u}{\sqrt{Q_a}}, \qquad m_v = \frac{N_v}{\sqrt{Q_b}}, \qquad m_u(0) = \alpha, "
            r"\quad m_v(0) = \beta",
        ),
        Symbolic([Nu0 / sp.sqrt(Qa0) - alpha, Nv0 / sp.sqrt(Qb0) - beta, Qa0 - 1, Qb0 - kappa**2]),
        section=SECTION,
        remark=r"Here $a_0 = \alpha u + \sqrt{1-\alpha^2} g_a$, $b_0 = \kappa(\beta v + \sqrt{1-\beta^2} g_b)$ with "
               r"$g_a, g_b$ uniformly random; cross terms with $g_a, g_b$ vanish and $g^\top f(XX^\top) g \to "
               r"\int f d\mu_1$.",
    ))

    A_, B_ = alpha * sp.sqrt(ZU), BH * sp.sqrt(ZV)
    Cst, Sst = sp.cosh(t * S1), sp.sinh(t * S1) / S1
    Ag, Bg = sp.symbols("A B", real=True)
    s1g = sp.Symbol("s_1", positive=True)
    add(Step(
        "outlier-factored", "The outlier terms in factored form",
        r"For any propagator pair $(C, \sigma)$ (flow or GD) the atom contributions at $\lambda_*$ collapse to "
        r"$\sqrt{\zeta_u}(A C + B s_1\sigma)$, $(A C + B s_1 \sigma)^2$ and their $v$, $b$ analogues, with "
        r"$A = \alpha\sqrt{\zeta_u}$, $B = \hat\beta\sqrt{\zeta_v}$ and $A + B$ proportional to the critical "
        r"combination.",
        (
            r"N_u \supset \alpha\zeta_u C + \hat\beta \tfrac{\theta^4-c}{\theta^3} \sigma = \sqrt{\zeta_u}\,(A C + B s_1\sigma), "
            r"\qquad N_v \supset \sqrt{\zeta_v}\,(A s_1 \sigma + B C)",
            r"Q_a \supset (A C + B s_1 \sigma)^2, \qquad Q_b \supset (A s_1 \sigma + B C)^2",
            r"A \cosh x + B \sinh x = \tfrac12\left((A+B) e^{x} + (A-B) e^{-x}\right)",
            r"A C_k + B s_1 \sigma_k = \tfrac12\left((A+B)(1+\eta s_1)^k + (A-B)(1-\eta s_1)^k\right)",
            r"A + B = \frac{\sqrt{\theta^4 - c}}{\theta}\left(\frac{\alpha}{\sqrt{c+\theta^2}} + "
            r"\frac{\kappa\beta}{\sqrt{1+\theta^2}}\right)",
        ),
        AllOf(
            Symbolic([  # for any propagator pair (C, sigma)
                alpha * ZU * _C + BH * WUV * _S - sp.sqrt(ZU) * (A_ * _C + B_ * S1 * _S),
                alpha**2 * ZU * _C**2 + 2 * alpha * BH * WUV * _C * _S + BH**2 * ZV * LSTAR * _S**2
                - (A_ * _C + B_ * S1 * _S) ** 2,
                alpha * WUV * _S + BH * ZV * _C - sp.sqrt(ZV) * (A_ * S1 * _S + B_ * _C),
                alpha**2 * ZU * LSTAR * _S**2 + 2 * alpha * BH * WUV * _C * _S + BH**2 * ZV * _C**2
                - (A_ * S1 * _S + B_ * _C) ** 2,
            ], substitute=ABOVE, regime=_ABOVE_TEXT),
            Symbolic([  # for any amplitudes A, B and any s_1 > 0
                Ag * sp.cosh(t * s1g) + Bg * sp.sinh(t * s1g) - ((Ag + Bg) * sp.exp(t * s1g) + (Ag - Bg) * sp.exp(-t * s1g)) / 2,
                Ag * C_GD.subs(lam, s1g**2) + Bg * s1g * S_GD.subs(lam, s1g**2)
                - ((Ag + Bg) * (1 + eta * s1g) ** k + (Ag - Bg) * (1 - eta * s1g) ** k) / 2,
            ]),
            Symbolic(spikes.amplitude() - sp.sqrt(theta**4 - c) / theta * spikes.critical_combination(),
                     substitute=ABOVE, regime=_ABOVE_TEXT),
        ),
        section=SECTION,
        remark=r"The factorisation makes the critical ratio $(\alpha/\beta)_{\rm crit} = -\kappa\sqrt{(\theta^2+c)/"
               r"(\theta^2+1)}$ exact: there $A + B = 0$ and the $e^{t s_1}$ terms cancel identically.",
    ))
    a_, b_ = alpha / sp.sqrt(c + theta**2), kappa * beta / sp.sqrt(1 + theta**2)
    add(Step(
        "pole-residues", "Pole residues of the combined bulk integrands",
        r"At $\lambda = \lambda_*$ the residues of the combined bulk integrands of $N_u$ and $Q_a$ are "
        r"$(aC + b s_1\sigma)/\sqrt{c+\theta^2} - \alpha/(c+\theta^2)$ and $(aC + b s_1 \sigma)^2 - a^2$ with "
        r"$a + b$ the critical combination, so at the critical ratio they are $O(e^{-t s_1})$.",
        (
            r"\frac{\alpha(1+\theta^2)}{\theta^2}\,\frac{C-1}{\lambda_*} + \frac{\kappa\beta\,\sigma}{\theta} = "
            r"\frac{a C + b s_1 \sigma}{\sqrt{c+\theta^2}} - \frac{\alpha}{c+\theta^2}, \qquad "
            r"a = \frac{\alpha}{\sqrt{c+\theta^2}}, \quad b = \frac{\kappa\beta}{\sqrt{1+\theta^2}}",
            r"\frac{\alpha^2(1+\theta^2)}{\theta^2}\,\frac{C^2-1}{\lambda_*} + \frac{2\alpha\kappa\beta\, C\sigma}{\theta}"
            r" + \frac{\kappa^2\beta^2(c+\theta^2)}{\theta^2}\,\sigma^2 = (a C + b s_1\sigma)^2 - a^2",
            r"C = \cosh(t s_1), \quad \sigma = \frac{\sinh(t s_1)}{s_1}, \qquad b = -a \;\Rightarrow\; "
            r"a C + b s_1 \sigma = a\, e^{-t s_1}",
        ),
        Symbolic([
            alpha * (1 + theta**2) / theta**2 * (Cst - 1) / LSTAR + kappa * beta * Sst / theta
            - ((a_ * Cst + b_ * S1 * Sst) / sp.sqrt(c + theta**2) - alpha / (c + theta**2)),
            alpha**2 * (1 + theta**2) / theta**2 * (Cst**2 - 1) / LSTAR + 2 * alpha * kappa * beta * Cst * Sst / theta
            + kappa**2 * beta**2 * (c + theta**2) / theta**2 * Sst**2 - ((a_ * Cst + b_ * S1 * Sst) ** 2 - a_**2),
            a_ + b_ - spikes.critical_combination(),
            (a_ * Cst + b_ * S1 * Sst).subs(beta, -a_ * sp.sqrt(1 + theta**2) / kappa) - a_ * sp.exp(-t * S1),
        ]),
        section=SECTION,
        remark=r"Writing $C = 1 + \lambda \cdot (C-1)/\lambda$ separates the masses; the remaining integrands have "
               r"the factor $r(\lambda)/(\lambda_* - \lambda)$ and the residues above at $\lambda_*$.",
    ))
    cons = {F[(m, "C2")]: F[(m, "L2")] + mass[m] for m in names}
    cons_pts = [
        Points({c: (Q(1, 10), Q(9, 10)), theta: (Q(1, 4), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1),
                kappa: (Q(1, 2), Q(2)), t: (Q(1, 4), Q(3))}, count=1, label="$c<1$"),
        Points({theta: (Q(1, 4), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1), kappa: (Q(1, 2), Q(2)),
                t: (Q(1, 4), Q(3))}, fixed={c: 1}, count=1, label="$c=1$"),
        Points({c: (Q(11, 10), Q(3)), theta: (Q(1, 4), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1),
                kappa: (Q(1, 2), Q(2)), t: (Q(1, 4), Q(3))}, count=2, label="$c>1$"),
    ]

    def cons_residual(pt, dps):
        o = observables_by_quadrature(pt, pt[t], dps)
        with mp.workdps(dps + 10):
            return (o["Q_a"] - o["Q_b"] - (1 - mp_at(kappa**2, pt, dps + 10)) * scale2(pt, dps)) / (o["Q_a"] + o["Q_b"])

    Qa_, Qb_ = observables(F)[2:]
    add(Step(
        "conservation", "Conservation law of the flow",
        r"Because $C^2 - \lambda\sigma^2 = 1$ and the measures $\nu_{uu}$, $\nu_{vv}$, $\mu_1$, $\mu_2$ have unit "
        r"mass, $Q_a - Q_b = 1 - \kappa^2$ at all times (the zero atoms included); for GD it fails.",
        (r"Q_a(t) - Q_b(t) = \alpha^2 + (1 - \alpha^2) - \hat\beta^2 - \hat\rho = 1 - \kappa^2",),
        AllOf(
            Symbolic((Qa_ - Qb_).subs(cons) - (1 - kappa**2)),
            Numeric(cons_residual, cons_pts,
                    label=r"$(Q_a - Q_b - (1 - \kappa^2))/(Q_a + Q_b)$ by quadrature of the measures"),
        ),
        section=SECTION,
        remark=r"The symbolic part uses only linearity and $\langle C^2\rangle_X = \langle\lambda\sigma^2\rangle_X + "
               r"X(\mathbb R)$; the numerical part integrates every term of $Q_a$ and $Q_b$ separately, so it "
               r"also checks the atoms at $0$ and at $\lambda_*$.",
    ))
    return steps
