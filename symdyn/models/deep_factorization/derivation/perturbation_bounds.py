"""Section E: the perturbation W^ = W* + E (Weyl, Davis-Kahan, the shifts, the sandwich, early stopping, the limit)."""

from __future__ import annotations

import sympy as sp

from ....derive import AllOf, Numeric, Points, Step, Symbolic
from . import routes
from .notation import Fprime, Nr, Q, nz, p, s, sd, x

SECTION = r"The perturbation $\hat W = W^\star + E$"


def steps() -> list[Step]:
    """The section's steps, in order."""
    steps: list[Step] = []
    add = steps.append
    pts_noise = Points({sd: (0, 10**6), nz: (Q(1, 100), Q(1, 3))}, count=3, label="seeded GOE $E$, $d = 12$")
    add(Step(
        "weyl-davis-kahan", "Weyl and Davis--Kahan",
        r"$|\hat\lambda_i - \sigma_i| \le \|E\|$ ($\sigma_i = 0$ for $i > r$) and "
        r"$\|\sin\Theta\| \le \|E\|/(\hat\lambda_r - \sigma_{r+1}) \le 2\|E\|/\sigma_r$ once $\|E\| \le \sigma_r/2$.",
        (r"|\hat\lambda_i - \sigma_i| \le \|E\|, \qquad \|\sin\Theta\| \le \frac{\|E\|}{\hat\lambda_r - \sigma_{r+1}}",),
        Numeric(routes.weyl_dk, pts_noise, tolerance=Q(1, 10**14), label="the excess over the bounds"),
        section=SECTION, stated=True,
    ))
    add(Step(
        "second-order-shift", "The second-order eigenvalue shift",
        r"$\hat\lambda_k - \sigma_k = E_{kk} + \sum_{j\ne k} E_{jk}^2/(\sigma_k - \sigma_j) + O(\|E\|^3)$, the sum including "
        r"the $d - r$ null directions ($\sigma_j = 0$).",
        (r"\hat\lambda_k - \sigma_k = E_{kk} + \sum_{j \ne k}\frac{E_{jk}^2}{\sigma_k - \sigma_j} + O(\|E\|^3)",),
        Numeric(routes.second_order, Points({sd: (0, 10**6), nz: (Q(1, 1000), Q(1, 20))}, count=3),
                tolerance=Q(1, 10**14), label=r"excess of the remainder over $8\|E\|^3$"),
        section=SECTION,
    ))
    add(Step(
        "T0-shift", "The first-order shift of $T_0$",
        r"$\tilde T_0(k) - T_0(k) \approx \frac{dT}{ds}(\sigma_k)(\hat\lambda_k - \sigma_k)$, with the exact derivative "
        r"$\frac{dT}{ds} = -pT/s + s^{-p-1}x_0F_N'(x_0)$ and its limit $-\alpha^{-(N-2)}/((N-2)s^2)$ "
        r"($-\log(1/\alpha)/s^2$ for $N = 2$); the relative error is $O(\|E\|)$.",
        (r"\tilde T_0(k) - T_0(k) = \frac{dT}{ds}(\sigma_k)\,(\hat\lambda_k - \sigma_k)\,(1 + O(\|E\|))",),
        Numeric(routes.t0_shift, Points({sd: (0, 10**6), nz: (Q(1, 1000), Q(1, 50))}, count=2), tolerance=Q(1, 10**14),
                label=r"relative error beyond $20\|E\|$"),
        section=SECTION,
    ))
    hx = -p * (sp.Symbol("F_theta") - sp.Function("F")(x)) + x ** (1 - p) / (Nr * (1 - x))
    hprime = sp.diff(hx, x).subs(sp.Derivative(sp.Function("F")(x), x), Fprime).doit()
    add(Step(
        "unimodal", "$T$ is unimodal in the target: the Weyl sandwich",
        r"$dT/ds$ has the sign of $h(x_0) = -p(F_N(\theta) - F_N(x_0)) + x_0^{1-p}/(N(1-x_0))$, $x_0 = \alpha^N/s$, and "
        r"$h' = x_0^{-p}/(N(1-x_0)^2) > 0$: $T$ rises from $0$ at $s = \alpha^N/\theta$ to one maximum and then decreases. "
        r"So $\tilde T_0(k) \le \max_{i\le k}\sup_{|s-\sigma_i|\le\|E\|}T(s; 1-\epsilon)$ and "
        r"$\tilde T_1(k) \ge \inf_{|s-\sigma_{k+1}|\le\|E\|}T(s;\epsilon)$ (guaranteed); the simpler endpoints "
        r"$T_0(\sigma_k - \|E\|)$, $T_1(\sigma_{k+1}+\|E\|)$ need $T$ decreasing there. For steps the comparison principle "
        r"in $z = w/s^{1/N}$ gives the same kind of bounds.",
        (r"h'(x_0) = \frac{x_0^{-p}}{N(1-x_0)^2} > 0",),
        AllOf(
            Symbolic(sp.simplify(hprime - x ** (-p) / (Nr * (1 - x) ** 2))),
            Numeric(routes.sandwich, pts_noise, tolerance=Q(1, 10**20), label="violations of the guaranteed bounds"),
        ),
        section=SECTION,
    ))
    add(Step(
        "noise-fitting", "The noise-fitting time",
        r"For $k = r$ the noiseless $T_1(r) = \infty$ becomes finite: $\tilde T_1(r) \approx \alpha^{-(N-2)}/((N-2)\eta\hat\lambda_{r+1})$ "
        r"steps ($\log(1/\alpha^2)/(2\eta\hat\lambda_{r+1})$ for $N = 2$): the leading term of the asymptotics at $s = \hat\lambda_{r+1}$.",
        (r"\tilde T_1(r) \approx \frac{\alpha^{-(N-2)}}{(N-2)\,\eta\,\hat\lambda_{r+1}}",),
        Numeric(lambda pt_, dps: routes.noise_fit(pt_), Points({sd: (0, 10**6)}, fixed={nz: Q(1, 5)}, count=2),
                tolerance=Q(1, 10**14), label=r"$|\tilde T_1 - \text{estimate}|\,\eta$ beyond $1.5(s^{-p}|F_N(\epsilon)| + 1)$"),
        section=SECTION,
    ))
    add(Step(
        "early-stopping", "The early-stopping error bound",
        r"Inside $I_r$: $\|W(n) - W^\star\| \le \max(\epsilon\hat\lambda_1, \epsilon\hat\lambda_{r+1}, \alpha^N) + "
        r"\|\hat W_r - W^\star\| \le 2\|E\| + \epsilon\hat\lambda_1 + \dots$",
        (r"\|W(n) - W^\star\| \le 2\|E\| + \epsilon\,\hat\lambda_1 \quad (n \in I_r)",),
        Numeric(routes.early_stopping, Points({sd: (0, 10**6), nz: (Q(1, 20), Q(1, 4))}, count=2), tolerance=Q(1, 10**14),
                label="excess over the bound along the decoupled trajectory"),
        section=SECTION,
    ))
    add(Step(
        "limit", "The limit $(\\hat W)_+$ and the final loss",
        r"Every positive eigenvalue of $\hat W$ is fitted and every negative one decays to $0$: "
        r"$\lim W = (\hat W)_+$ and the final loss is $\frac12\sum_{\hat\lambda_i < 0}\hat\lambda_i^2$.",
        (r"\lim_{t\to\infty} W(t) = (\hat W)_+, \qquad L_\infty = \frac12\sum_{\hat\lambda_i<0}\hat\lambda_i^2",),
        Numeric(routes.final_loss, Points({s: (Q(1, 10), 1)}, count=2), tolerance=Q(1, 10**30),
                label=r"loss after 4000 steps minus $\frac12\hat\lambda_-^2$ (a tolerance of the decay after "
                      r"4000 steps, $10^{-38}$ at $s = 1/10$, not of the precision)"),
        section=SECTION,
    ))
    return steps
