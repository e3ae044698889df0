"""D. The large-time behaviour: regimes and signs, the ``t^(-3/4)`` and ``t^(-1/4)`` amplitudes."""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ....derive import Agree, AllOf, Numeric, Points, Step, Symbolic
from ....laws import marchenko_pastur as mpl
from ....symbols import alpha, beta, c, kappa, lam, t, theta
from .. import spectral as spikes
from ._notation import Q, LM, LP, LSTAR, S1, SPLUS, BH, RH, mp_at, _q
from .routes import at_threshold_point, decay_ratio, large_t_above

__all__ = ["steps", "SECTION"]

SECTION = "Large-time behaviour"


def _laplace(tau, weight, power):
    """``int_0^oo e^{-tau x/(2 s+)} (edge density) dx`` for a density ``weight x^power`` at the edge."""
    return sp.exp(tau * SPLUS) * weight * sp.gamma(power + 1) * (2 * SPLUS / tau) ** (power + 1)


def steps() -> list[Step]:
    """The steps of this section, in order."""
    return [*_regimes(), *_decay_amplitudes(), *_threshold_amplitude()]


def _regimes() -> list[Step]:
    """The regimes and signs of the large-time limit."""
    steps: list[Step] = []
    add = steps.append
    above_pts = []
    for sign, crange, lbl in ((1, (Q(1, 10), Q(9, 10)), r"$c<1$, $A+B>0$"), (-1, None, r"$c=1$, $A+B<0$"),
                              (-1, (Q(11, 10), Q(3)), r"$c>1$, $A+B<0$")):

        def cond(pt, sign=sign):
            if not pt[theta] ** 4 > 2 * pt[c]:
                return False
            return bool(sign * spikes.critical_combination().subs(dict(pt)) > Q(1, 10))

        rng_ = {theta: (Q(1, 2), Q(5, 2)), alpha: (-1, 1), beta: (-1, 1), kappa: (Q(1, 2), Q(2))}
        if crange is not None:
            rng_[c] = crange
        above_pts.append(Points(rng_, fixed={} if crange is not None else {c: 1}, count=1, where=cond,
                                label=lbl + r", $\theta^4 > 2c$"))
    below_pts = [Points({c: (Q(1, 5), Q(3)), theta: (Q(1, 4), Q(3, 2)), alpha: (Q(1, 5), 1), beta: (Q(1, 5), 1),
                         kappa: (Q(1, 2), Q(2))}, count=1, where=lambda pt: pt[theta] ** 4 < pt[c] / 2,
                        label=r"$\theta^4 < c/2$, $\alpha, \beta > 0$")]
    at_pts = [Points({_q: (Q(1, 2), Q(5, 4)), alpha: (Q(1, 5), 1), beta: (Q(1, 5), 1), kappa: (Q(1, 2), Q(2))},
                     count=1, label=r"$\theta = q$, $c = q^4$")]
    crit_pts = [Points({c: (Q(1, 5), Q(2)), theta: (Q(1, 2), Q(5, 2)), beta: (Q(1, 5), 1), kappa: (Q(1, 2), Q(2))},
                       count=1, where=lambda pt: pt[theta] ** 4 > 2 * pt[c] and bool(
                           abs(spikes.critical_ratio().subs(dict(pt)) * pt[beta]) < 1),
                       label=r"$\theta^4 > 2c$, $\alpha = (\alpha/\beta)_{\rm crit}\,\beta$")]
    at_route = decay_ratio(Q(-1, 4), 1000)
    add(Step(
        "large-t-regimes", "Large-time limit: regimes and signs",
        r"For $\theta^4 > c$ the atom at $\lambda_*$ dominates, $s_1 > s_+$, and "
        r"$m_u \to \operatorname{sgn}(A+B)\sqrt{\zeta_u}$, $m_v \to \operatorname{sgn}(A+B)\sqrt{\zeta_v}$; "
        r"at the critical ratio ($A+B=0$) and for $\theta^4 < c$ the overlaps decay like $t^{-3/4}$, and at "
        r"$\theta^4 = c$ like $t^{-1/4}$.",
        (
            r"s_1^2 - s_+^2 = \lambda_* - \lambda_+ = \frac{(\theta^2 - \sqrt c)^2}{\theta^2} > 0 \quad (\theta \ne \theta_c)",
            r"e^{-t s_1} N_u = \tfrac12\sqrt{\zeta_u}\left((A+B) + (A-B)e^{-2 t s_1}\right) + "
            r"O\!\left(e^{-t(s_1 - s_+)}\right)",
            r"e^{-2 t s_1} Q_a = \tfrac14 (A+B)^2 + O\!\left(e^{-t(s_1 - s_+)}\right)",
            r"\lim_{t\to\infty} m_u = \begin{cases} \operatorname{sgn}(A+B)\sqrt{\zeta_u} & \theta^4 > c,\ A + B \ne 0 \\"
            r" 0,\ m_u \sim K_u t^{-3/4} & \theta^4 < c \text{ or } A + B = 0 \\ 0,\ m_u \sim K_u t^{-1/4} & "
            r"\theta^4 = c \end{cases}",
        ),
        AllOf(
            Symbolic([S1**2 - SPLUS**2 - spikes.delta(), spikes.delta() - (theta**2 - sp.sqrt(c)) ** 2 / theta**2]),
            Symbolic(spikes.gap() - spikes.delta() / (S1 + SPLUS)),
            Numeric(large_t_above, above_pts,
                    label=r"$m(t) - \operatorname{sgn}(A+B)\sqrt{\zeta}$ at $t = \lceil (\mathrm{dps}+10)\ln 10/"
                          r"(s_1 - s_+)\rceil$, by quadrature of the unfactored measures"),
            Numeric(decay_ratio(Q(-3, 4), 1000), below_pts, tolerance=Q(1, 20),
                    label=r"$m(2000)/m(1000)\,/\,2^{-3/4} - 1$ below threshold"),
            Numeric(lambda pt, dps: at_route(at_threshold_point(pt), dps), at_pts, tolerance=Q(1, 20),
                    label=r"$m(2000)/m(1000)\,/\,2^{-1/4} - 1$ at threshold"),
            Numeric(decay_ratio(Q(-3, 4), 400, critical=True), crit_pts, tolerance=Q(1, 20),
                    label=r"$m(800)/m(400)\,/\,2^{-3/4} - 1$ at the critical ratio (factored atoms)"),
        ),
        section=SECTION,
        remark=r"SymPy's \texttt{limit} is never applied to these competing exponentials (with free positive rates "
               r"it returns wrong values); the regimes are split by the sign of $\theta^4 - c$ and of $A+B$, each "
               r"checked numerically at interior points. The power laws are checked through ratios, which do not "
               r"depend on the amplitudes; their $O(1/t)$ corrections set the tolerance.",
    ))
    return steps


def _decay_amplitudes() -> list[Step]:
    """Below threshold: the ``t^(-3/4)`` amplitudes by Laplace's method."""
    steps: list[Step] = []
    add = steps.append
    ew = spikes.edge_weights()
    KK = spikes.decay_amplitudes()
    c4 = c ** Q(1, 4)
    x_ = sp.Symbol("x", positive=True)
    tau_ = sp.Symbol("tau", positive=True)
    L32 = lambda tau, wgt: _laplace(tau, wgt * 2 * c4, Q(1, 2))  # noqa: E731 - r ~ 2 c^(1/4) sqrt(lambda_+ - lambda)
    Nu_edge = (alpha * L32(t, ew["w_uu"]) + BH * L32(t, ew["w_uv"] / SPLUS)) / 2
    Nv_edge = (alpha * L32(t, ew["w_uv"] / SPLUS) + BH * L32(t, ew["w_vv"])) / 2
    Qa_edge = (alpha**2 * L32(2 * t, ew["w_uu"]) + (1 - alpha**2) * L32(2 * t, ew["w_1"])
               + 2 * alpha * BH * L32(2 * t, ew["w_uv"] / SPLUS) + BH**2 * L32(2 * t, ew["w_vv"])
               + RH * L32(2 * t, ew["w_2"])) / 4
    unit_N, unit_Q = L32(t, 1) / 2, L32(2 * t, 1) / 4
    pref = KK["K_u"] * sp.sqrt(KK["B"]) / KK["A_u"]
    dens = {"w_uu": spikes.nu_uu().density, "w_vv": spikes.nu_vv().density, "w_uv": spikes.nu_uv().density,
            "w_1": mpl.mu1().density, "w_2": mpl.mu2().density}
    add(Step(
        "decay-amplitudes", "Below threshold: the $t^{-3/4}$ amplitudes",
        r"Below threshold every density is $w(\lambda) r(\lambda)$ with $r \approx 2c^{1/4}\sqrt{\lambda_+ - \lambda}$, "
        r"and Laplace's method gives $m_u \approx K_u t^{-3/4}$, $m_v \approx K_v t^{-3/4}$ with the amplitudes "
        r"of \texttt{spectral.decay\_amplitudes}.",
        (
            r"\int_0^\infty e^{-\tau x} x^{1/2}\, dx = \frac{\sqrt\pi}{2\tau^{3/2}}, \qquad "
            r"\langle e^{\tau\sqrt\lambda} w r\rangle \approx e^{\tau s_+} w(\lambda_+)\sqrt\pi\, c^{1/4} "
            r"\left(\frac{2 s_+}{\tau}\right)^{3/2}",
            r"K_u = 2^{3/2}\pi^{1/4} c^{1/8} s_+^{3/4} \frac{A_u}{\sqrt{B}}, \qquad "
            r"K_v = 2^{3/2}\pi^{1/4} c^{1/8} s_+^{3/4} \frac{A_v}{\sqrt{B}}",
            r"A_u = \alpha w_{uu} + \kappa\beta \frac{w_{uv}}{s_+}, \qquad A_v = \alpha \frac{w_{uv}}{s_+} + "
            r"\kappa\beta w_{vv}",
            r"B = \alpha^2 w_{uu} + (1-\alpha^2) w_1 + 2\alpha\kappa\beta\frac{w_{uv}}{s_+} + \kappa^2\beta^2 w_{vv} + "
            r"\kappa^2(1-\beta^2) w_2",
            r"w_{uu} = \frac{1+\theta^2}{2\pi\theta^2\lambda_+\delta}, \quad w_{vv} = "
            r"\frac{c+\theta^2}{2\pi\theta^2\lambda_+\delta}, \quad w_{uv} = \frac{1}{2\pi\theta\delta}, \quad "
            r"w_1 = \frac{1}{2\pi c\lambda_+}, \quad w_2 = \frac{1}{2\pi\lambda_+}, \quad \delta = \lambda_* - \lambda_+",
        ),
        AllOf(
            Symbolic(lambda: [
                sp.integrate(sp.exp(-tau_ * x_) * sp.sqrt(x_), (x_, 0, sp.oo)) - sp.sqrt(sp.pi) / (2 * tau_ ** Q(3, 2)),
                (mpl.r(lam) ** 2 / (LP - lam)).cancel().subs(lam, LP) - (2 * c4) ** 2,
                sp.series(sp.sqrt(LP - x_), x_, 0, 2).removeO() - (SPLUS - x_ / (2 * SPLUS)),
                *[(dens[n] / mpl.r(lam)).subs(lam, LP) - ew[n] for n in ew],
                _laplace(tau_, 2 * c4, Q(1, 2)) - sp.exp(tau_ * SPLUS) * sp.sqrt(sp.pi) * c4 * (2 * SPLUS / tau_) ** Q(3, 2),
            ]),
            Symbolic([
                Nu_edge - unit_N * KK["A_u"], Nv_edge - unit_N * KK["A_v"], Qa_edge - unit_Q * KK["B"],
                t ** Q(3, 4) * unit_N / sp.sqrt(unit_Q) - pref,
                KK["K_v"] * sp.sqrt(KK["B"]) / KK["A_v"] - pref,
            ]),
            Agree(lambda pt, dps: mp.sqrt(mp.pi) / (2 * mp_at(pt[tau_], pt, dps + 10) ** mp.mpf(1.5)),
                  lambda pt, dps: mp.quad(lambda xx: mp.exp(-mp_at(pt[tau_], pt, dps + 10) * xx) * mp.sqrt(xx),
                                          [0, 1, mp.inf]),
                  Points({tau_: (Q(1, 10), Q(20))}, count=2), names=("the closed form", "quadrature")),
        ),
        section=SECTION,
        stated=True,
        remark=r"Checked here: the Laplace integral, the edge behaviour of $r$ and $\sqrt\lambda$, the edge weights "
               r"$w = \lim_{\lambda\to\lambda_+} \rho(\lambda)/r(\lambda)$ of the library densities, and the algebra "
               r"from the edge asymptotics $N_u \approx \frac12\langle e^{t\sqrt\lambda}\rangle$, "
               r"$Q_a \approx \frac14\langle e^{2t\sqrt\lambda}\rangle$ to $K_u$, $K_v$ (the same $B$ serves $Q_a$ "
               r"and $Q_b$ since $C^2 \approx \lambda\sigma^2$ at the edge). The comparison of $K_u t^{-3/4}$ with the "
               r"evaluation at large $t$ is done by the limits module; the zero atoms contribute $O(1)$, negligible.",
    ))
    return steps


def _threshold_amplitude() -> list[Step]:
    """At threshold: the ``t^(-1/4)`` amplitude."""
    steps: list[Step] = []
    add = steps.append
    c4 = c ** Q(1, 4)
    x_ = sp.Symbol("x", positive=True)
    tau_ = sp.Symbol("tau", positive=True)
    thrq = {theta: _q, c: _q**4}  # exactly at threshold, with every radical rational in q
    TA = spikes.threshold_amplitudes()
    v_uv = 2 * c4 / (2 * sp.pi * theta)
    v = {"uu": TA["v_uu"], "vv": TA["v_vv"], "uv": v_uv}
    sqrt_split = {mpl.r(lam): sp.sqrt(LP - lam) * sp.sqrt(lam - LM)}

    def thr_composed(pt, dps):
        """t^(1/4) N_u/sqrt(Q_a) from the edge asymptotics with x^(-1/2) Laplace integrals."""
        vals = {c: pt[_q] ** 4, theta: pt[_q], alpha: pt[alpha], beta: pt[beta], kappa: pt[kappa]}
        L12 = lambda tau, wgt: _laplace(tau, wgt, -Q(1, 2))  # noqa: E731
        Nu = (alpha * L12(t, v["uu"]) + BH * L12(t, v["uv"] / SPLUS)) / 2
        Nv = (alpha * L12(t, v["uv"] / SPLUS) + BH * L12(t, v["vv"])) / 2
        Qa = (alpha**2 * L12(2 * t, v["uu"]) + 2 * alpha * BH * L12(2 * t, v["uv"] / SPLUS)
              + BH**2 * L12(2 * t, v["vv"])) / 4
        tt = Q(7, 3)  # any time: the t-dependence cancels exactly
        return {"K_u": (t ** Q(1, 4) * Nu / sp.sqrt(Qa)).subs(vals).subs(t, tt),
                "K_v": (t ** Q(1, 4) * Nv / sp.sqrt(Qa)).subs(vals).subs(t, tt)}

    def thr_library(pt, dps):
        vals = {c: pt[_q] ** 4, theta: pt[_q], alpha: pt[alpha], beta: pt[beta], kappa: pt[kappa]}
        return {"K_u": TA["K_u"].subs(vals), "K_v": TA["K_v"].subs(vals)}

    thr_pts = [Points({_q: (Q(1, 2), Q(3, 2)), alpha: (-1, 1), beta: (-1, 1), kappa: (Q(1, 2), Q(2))}, count=3,
                      label=r"$\theta = q$, $c = q^4$")]
    add(Step(
        "threshold-amplitude", "At threshold: the $t^{-1/4}$ amplitude",
        r"At $\theta = c^{1/4}$ the edge densities diverge like $v\,(\lambda_+ - \lambda)^{-1/2}$ with "
        r"$v_{uv}/s_+ = \sqrt{v_{uu}v_{vv}}$, so the quadratic form of $Q_a$ is a perfect square and "
        r"$m_u \approx K_u t^{-1/4}$ with $K_u = \operatorname{sgn}(\alpha\sqrt{v_{uu}} + \kappa\beta\sqrt{v_{vv}})"
        r"\sqrt{2}\,\pi^{1/4} s_+^{1/4}\sqrt{v_{uu}}$.",
        (
            r"v_{uu} = \frac{(1+\theta^2)\, 2c^{1/4}}{2\pi\theta^2\lambda_+}, \quad v_{vv} = "
            r"\frac{(c+\theta^2)\, 2c^{1/4}}{2\pi\theta^2\lambda_+}, \quad v_{uv} = \frac{2c^{1/4}}{2\pi\theta}, "
            r"\qquad \frac{v_{uv}}{s_+} = \sqrt{v_{uu} v_{vv}}",
            r"\int_0^\infty e^{-\tau x} x^{-1/2}\, dx = \sqrt{\frac{\pi}{\tau}}, \qquad "
            r"K_{u,v} = \operatorname{sgn}\!\left(\alpha\sqrt{v_{uu}} + \kappa\beta\sqrt{v_{vv}}\right)"
            r"\sqrt{2}\,\pi^{1/4} s_+^{1/4} \sqrt{v_{uu,vv}}",
        ),
        AllOf(
            Symbolic(lambda: [
                LSTAR.subs(thrq) - LP.subs(thrq),
                (v["uv"] / SPLUS - sp.sqrt(v["uu"] * v["vv"])).subs(thrq),
                sp.integrate(sp.exp(-tau_ * x_) / sp.sqrt(x_), (x_, 0, sp.oo)) - sp.sqrt(sp.pi / tau_),
                *[((dens_m.subs(sqrt_split) * sp.sqrt(LP - lam)).subs(thrq).cancel().subs(lam, LP.subs(thrq))
                   - v[n].subs(thrq)) for n, dens_m in (("uu", spikes.nu_uu().density),
                                                        ("vv", spikes.nu_vv().density),
                                                        ("uv", spikes.nu_uv().density))],
            ], regime=r"at threshold, written with $c = q^4$, $\theta = q$, $q > 0$"),
            Agree(thr_composed, thr_library, thr_pts,
                  names=("the edge asymptotics composed with the Laplace integral",
                         r"\texttt{spectral.threshold\_amplitudes}")),
        ),
        section=SECTION,
        stated=True,
        remark=r"Derived by the team; checked here: the edge divergence of the three densities at $\theta = c^{1/4}$, "
               r"the perfect-square identity, the $x^{-1/2}$ Laplace integral and the algebra from the edge "
               r"asymptotics to $K_u$, $K_v$ (at exact random points; the $\mu_1$, $\mu_2$ terms are "
               r"$O(t^{-3/2})$ and drop out). The comparison with evaluation at large $t$ is done elsewhere.",
    ))
    return steps
