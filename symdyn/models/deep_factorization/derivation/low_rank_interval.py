"""Section D: the low-rank interval (its asymptotic length and the spectral condition)."""

from __future__ import annotations

from ....derive import Numeric, Points, Step
from . import routes
from .notation import Ni, Q, al, s

SECTION = "The low-rank interval"


def steps() -> list[Step]:
    """The section's steps, in order."""
    steps: list[Step] = []
    add = steps.append
    add(Step(
        "interval", "The low-rank interval and its asymptotic length (B9)",
        r"$T_0(k) = \max_{i\le k} T(\alpha^N \to (1-\epsilon)\hat\lambda_i)$, $T_1(k) = T(\alpha^N \to \epsilon\hat\lambda_{k+1})$ "
        r"($\infty$ when $\hat\lambda_{k+1} \le 0$ or $\epsilon\hat\lambda_{k+1} \le \alpha^N$). For $\alpha \to 0$ the length is "
        r"$\frac{\alpha^{-(N-2)}}{N-2}(\frac1{\lambda_{k+1}} - \frac1{\lambda_k}) + \lambda_{k+1}^{-p}F_N(\epsilon) - "
        r"\lambda_k^{-p}F_N(1-\epsilon)$ with error $-\frac{\alpha^2}{2}(\lambda_{k+1}^{-2} - \lambda_k^{-2})(1 + \dots)$.",
        (r"T_1(k) - T_0(k) = \frac{\alpha^{-(N-2)}}{N-2}\left(\frac{1}{\lambda_{k+1}} - \frac{1}{\lambda_k}\right) + "
         r"\lambda_{k+1}^{-p}F_N(\epsilon) - \lambda_k^{-p}F_N(1-\epsilon) + O(\alpha^2)",),
        Numeric(routes.interval_asym, Points({s: (Q(1, 2), 2), al: (Q(1, 10**6), Q(1, 10**5)), Ni: (2, 4)}, count=3),
                tolerance=Q(1, 10**3), label=r"(exact $-$ asymptotic length)/(predicted $O(\alpha^2)$ term) $- 1$"),
        section=SECTION,
    ))
    add(Step(
        "spectral-condition", "The spectral condition",
        r"The interval is nonempty iff $T_0(k) < T_1(k)$; as $\alpha \to 0$ this is "
        r"$\alpha^{-(N-2)}(\frac1{\lambda_{k+1}} - \frac1{\lambda_k})/(N-2) > \lambda_k^{-p}F_N(1-\epsilon) - \lambda_{k+1}^{-p}F_N(\epsilon)$ "
        r"($N \ge 3$) and $\log\frac1{\alpha^2}(\frac1{\lambda_{k+1}} - \frac1{\lambda_k}) > \frac1{\lambda_k}\log\frac{(1-\epsilon)\lambda_k}{\epsilon} "
        r"- \frac1{\lambda_{k+1}}\log\frac{\epsilon\lambda_{k+1}}{1-\epsilon}$ ($N = 2$): a smallness condition on $\alpha^{N-2}$ relative to the gap.",
        (r"\frac{\alpha^{-(N-2)}}{N-2}\left(\frac{1}{\lambda_{k+1}} - \frac{1}{\lambda_k}\right) > \lambda_k^{-p}F_N(1-\epsilon) - \lambda_{k+1}^{-p}F_N(\epsilon)",),
        Numeric(routes.condition_consistent, Points({s: (Q(1, 2), 2), al: (Q(1, 100), Q(1, 10)), Ni: (2, 4)}, count=3),
                loss=8, label=r"(LHS $-$ RHS) (halved for $N = 2$) minus the asymptotic length"),
        section=SECTION,
    ))
    return steps
