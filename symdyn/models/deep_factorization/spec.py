"""Declarations of the deep-factorization model: parameters, observables, quantities, events, citations.

Initialization conventions (both accepted, exactly one given): ``alpha`` is the scale of *each layer*,
``W_j(0) = alpha I`` (this spec's and Chou, Gieshoff, Maly, Rauhut's convention); ``lambda0`` is the initial
eigenvalue of the *product*, ``W(0) = lambda0 I`` with ``lambda0 = alpha^N`` (Arora, Cohen, Hu, Luo's
``init_scale``: their code sets each layer to ``init_scale^(1/N) I``).
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ...bibliography import cite
from ...params import Choice, Integer, Interval, ParamSpec, Seed, Vector
from ...tex import Prose as P
from ..base import EventSpec, ObservableSpec, QuantitySpec

__all__ = ["PARAMETERS", "OBSERVABLES", "QUANTITIES", "EVENTS", "CITATIONS", "REGIMES", "GD_THEORIES"]

_POSITIVE = Interval(lo=0, lo_closed=False)
#: an initialization scale: exact decimals down to 1e-400 (the closed forms work in logs and at adaptive precision)
_SCALE = Interval(lo=0, lo_closed=False, max_digits=401)
_EPS = Interval(lo=0, hi=sp.Rational(1, 2), lo_closed=False, hi_closed=False)

#: How the observables are predicted at GD step counts (with ``eta``).
GD_THEORIES = ("recursion", "corrected-flow")

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec("N", P("depth: the number of d x d layers of W = W_N ... W_1 (N = 2 is the matrix-sensing flow)",
                     r"depth: the number of $d \times d$ layers of $W = W_N \cdots W_1$ ($N = 2$ "
                     r"is the matrix-sensing flow)"),
              Integer(2), latex="N"),
    ParamSpec("sigma", P("eigenvalues of the PSD target W* (r = len(sigma)); every digit is kept",
                         r"eigenvalues of the PSD target $W^*$ ($r$ of them); every digit is kept"),
              Vector(_POSITIVE, order="decreasing"), latex=r"\sigma"),
    ParamSpec("d", P("dimension of the layers (default r = len(sigma))",
                     r"dimension of the layers (default $r$, the number of entries of $\sigma$)"),
              Integer(1), latex="d"),
    ParamSpec("alpha", P("initial scale PER LAYER: W_j(0) = alpha I (CGMR/this spec); the product starts at "
                         "alpha^N I",
                         r"initial scale \emph{per layer}: $W_j(0) = \alpha I$ (Chou, Gieshoff, "
                         r"Maly, Rauhut and this spec); the product starts at $\alpha^N I$"),
              _SCALE, latex=r"\alpha", alternative="lambda0"),
    ParamSpec("lambda0", P("initial eigenvalue of the PRODUCT: W(0) = lambda0 I, lambda0 = alpha^N (Arora et al.'s "
                           "init_scale; each layer starts at lambda0^(1/N) I)",
                           r"initial eigenvalue of the \emph{product}: $W(0) = \lambda_0 I$, "
                           r"$\lambda_0 = \alpha^N$ (the initialization scale of Arora et al.; "
                           r"each layer starts at $\lambda_0^{1/N} I$)"), _SCALE, latex=r"\lambda_0",
              alternative="alpha"),
    ParamSpec("eta", P("GD step (given: times are step counts k and T0, T1 exact step counts; absent: the "
                       "gradient flow)",
                       r"gradient-descent step (given: times are step counts $k$ and $T_0$, $T_1$ "
                       r"exact step counts; absent: the gradient flow)"), _POSITIVE, latex=r"\eta", optional=True),
    ParamSpec("eps", P("threshold of the low-rank interval: sets eps_learn and eps_small",
                       r"threshold of the low-rank interval: sets $\varepsilon_{\mathrm{learn}}$ "
                       r"and $\varepsilon_{\mathrm{small}}$"), _EPS, default="1/10",
              latex=r"\varepsilon"),
    ParamSpec("eps_learn", P("T0: lambda_i >= (1 - eps_learn) lam_i for all i <= k (default eps)",
                             r"$T_0$: $\lambda_i \ge (1 - "
                             r"\varepsilon_{\mathrm{learn}})\,\hat\lambda_i$ for all $i \le k$ "
                             r"(default $\varepsilon$)"), _EPS,
              latex=r"\varepsilon_{\mathrm{learn}}", optional=True),
    ParamSpec("eps_small", P("T1: lambda_{k+1} >= eps_small lam_{k+1} (default eps)",
                             r"$T_1$: $\lambda_{k+1} \ge "
                             r"\varepsilon_{\mathrm{small}}\,\hat\lambda_{k+1}$ (default "
                             r"$\varepsilon$)"), _EPS,
              latex=r"\varepsilon_{\mathrm{small}}", optional=True),
    ParamSpec("noise", P("operator norm ||E|| of the symmetric perturbation (a GOE matrix from noise_seed scaled to "
                         "this norm)",
                         r"operator norm $\|E\|$ of the symmetric perturbation (a GOE matrix drawn"
                         r" from the noise seed, scaled to this norm)"),
              Interval(lo=0), default="0", latex=r"\|E\|", alternative="lam_hat"),
    ParamSpec("noise_seed", P("seed of E: numpy.random.default_rng(noise_seed).standard_normal((d, d)), "
                              "symmetrised",
                              r"seed of $E$: a $d \times d$ standard normal matrix from NumPy's "
                              r"default generator with this seed, symmetrised"),
              Seed(), default="0", latex=r"\mathrm{seed}_E"),
    ParamSpec("lam_hat", P("eigenvalues of W^ = W* + E given directly (d of them, decreasing) instead of noise; "
                           "the eigenvectors are then those of W* (E = diag(lam_hat) - diag(sigma, 0))",
                           r"eigenvalues $\hat\lambda$ of $\hat W = W^* + E$ given directly ($d$ "
                           r"of them, decreasing) instead of $\|E\|$; the eigenvectors are then "
                           r"those of $W^*$ ($E = \mathrm{diag}(\hat\lambda) - "
                           r"\mathrm{diag}(\sigma, 0)$)"),
              Vector(Interval(), order="decreasing", strict=False), latex=r"\hat\lambda", alternative="noise"),
    ParamSpec("k", P("rank of the low-rank interval [T0(k), T1(k)) (1 <= k <= the number of positive lam_hat)",
                     r"rank of the low-rank interval $[T_0(k), T_1(k))$ ($1 \le k \le$ the number "
                     r"of positive $\hat\lambda_i$)"),
              Integer(1), latex="k", optional=True),
    ParamSpec("s", P("target eigenvalue of time-to-reach",
                     r"target eigenvalue $s$ of the time to reach $\theta s$"), _POSITIVE, latex="s", optional=True),
    ParamSpec("level", P("level of time-to-reach: the time for lambda to reach level * s from lambda0",
                         r"level of the time to reach: the time for $\lambda$ to reach $\theta s$ "
                         r"from $\lambda_0$"),
              Interval(lo=0, hi=1, lo_closed=False, hi_closed=False), latex=r"\theta", optional=True),
    ParamSpec("preset", P("a named parameter set filling the parameters not given: arora2019 (Arora, Cohen, Hu, Luo "
                          "2019: N = 3, lambda0 = 1e-3 for the product, eta = 1e-2, a rank-5 target 5,4,3,2,1 in d = 100, full "
                          "observation instead of their matrix completion)",
                          r"a named parameter set filling the parameters not given: "
                          r"\emph{arora2019} (Arora, Cohen, Hu, Luo 2019: $N = 3$, $\lambda_0 = "
                          r"10^{-3}$ for the product, $\eta = 10^{-2}$, a rank-5 target $\sigma = "
                          r"(5, 4, 3, 2, 1)$ in $d = 100$, full observation instead of their "
                          r"matrix completion)"), Choice(("arora2019",)), latex=r"\mathrm{preset}",
              optional=True),
    ParamSpec("gd_theory", P("prediction at GD steps: recursion (the exact scalar recursion of the decoupled "
                             "dynamics) or corrected-flow (the flow at the modified-equation step, spec 3.4)",
                             r"prediction at gradient-descent steps: \emph{recursion} (the exact "
                             r"scalar recursion of the decoupled dynamics) or "
                             r"\emph{corrected-flow} (the flow at the modified-equation step, spec"
                             r" 3.4)"),
              Choice(GD_THEORIES), default="recursion", latex=r"\mathrm{gd}"),
)


def _perturbed(params: Any) -> bool:
    return bool(params.get("noise", 0) != 0 or "lam_hat" in params.given)


def _early_stopping(params: Any) -> bool:
    """The early-stopping optimum exists: a perturbation and a finite noise-fitting time T1~(r)."""
    if not _perturbed(params) or "sigma" not in params or params.get("eta") is None:
        return False
    from .canonical import canonical

    can = canonical(params, need=("sigma", "init"))
    r = len(can.sigma)
    lam = can.lam_hat
    return r < len(lam) and lam[r] > 0 and can.eps_small * lam[r] > can.lambda0


OBSERVABLES: tuple[ObservableSpec, ...] = (
    ObservableSpec("lambda", P("i-th eigenvalue of the product W = W_N ... W_1 (target lam_hat_i, the i-th eigenvalue "
                               "of W^ = W* + E)",
                               r"$i$-th eigenvalue of the product $W = W_N \cdots W_1$ (target "
                               r"$\hat\lambda_i$, the $i$-th eigenvalue of $\hat W = W^* + E$)"),
                   r"\lambda_{i}", index="i", size="d"),
    ObservableSpec("loss", P("(1/2) ||W - W^||_F^2",
                             r"$\frac12\|W - \hat W\|_F^2$"), r"\mathcal{L}"),
    ObservableSpec("error", P("||W - W*||_F, the distance to the unperturbed target",
                              r"$\|W - W^*\|_F$, the distance to the unperturbed target"), r"\|W - W^*\|_F"),
    ObservableSpec("layer_asymmetry", P("max_j ||W_j - W_1||_2 (the theory: 0, the layers stay equal)",
                                        r"$\max_j \|W_j - W_1\|_2$ (the theory: $0$, the layers "
                                        r"stay equal)"),
                   r"\max_j \|W_j - W_1\|_2"),
)

QUANTITIES: tuple[QuantitySpec, ...] = (
    QuantitySpec("time-to-reach", P("time (with eta: exact GD steps) for an eigenvalue with target s to go from "
                                    "lambda0 to level * s; closed form s^-p [F_N(level) - F_N(lambda0/s)]",
                                    r"time (with $\eta$: exact GD steps) for an eigenvalue with "
                                    r"target $s$ to go from $\lambda_0$ to $\theta s$; closed form"
                                    r" $s^{-p}\,[F_N(\theta) - F_N(\lambda_0/s)]$"),
                 ("s", "level", "N", "alpha|lambda0"), certifiable=True, latex=r"T(\lambda_0 \to \theta s)"),
    QuantitySpec("T0", P("first time (step) with lambda_i >= (1 - eps_learn) lam_i for every i <= k",
                         r"first time (step) with $\lambda_i \ge (1 - "
                         r"\varepsilon_{\mathrm{learn}})\,\hat\lambda_i$ for every $i \le k$"),
                 ("sigma", "N", "alpha|lambda0", "k"), index="k", latex=r"T_0(k)"),
    QuantitySpec("T1", P("first time (step) with lambda_{k+1} >= eps_small lam_{k+1}; inf when lam_{k+1} is absent, "
                         "<= 0 or eps_small lam_{k+1} <= lambda0",
                         r"first time (step) with $\lambda_{k+1} \ge "
                         r"\varepsilon_{\mathrm{small}}\,\hat\lambda_{k+1}$; $\infty$ when "
                         r"$\hat\lambda_{k+1}$ is absent, $\hat\lambda_{k+1} \le 0$ or "
                         r"$\varepsilon_{\mathrm{small}}\,\hat\lambda_{k+1} \le \lambda_0$"),
                 ("sigma", "N", "alpha|lambda0", "k"), index="k",
                 latex=r"T_1(k)"),
    QuantitySpec("interval-length", P("T1(k) - T0(k) (negative: the interval is empty; inf: T1 = inf)",
                                      r"$T_1(k) - T_0(k)$ (negative: the interval is empty; "
                                      r"$\infty$: $T_1 = \infty$)"),
                 ("sigma", "N", "alpha|lambda0", "k"), index="k", latex=r"T_1(k) - T_0(k)"),
    QuantitySpec("condition", P("whether [T0(k), T1(k)) is nonempty: the exact margin and the asymptotic spectral "
                                "condition (and the step-size condition with eta)",
                                r"whether $[T_0(k), T_1(k))$ is nonempty: the exact margin and the"
                                r" asymptotic spectral condition (and the step-size condition with"
                                r" $\eta$)"), ("sigma", "N", "alpha|lambda0", "k"),
                 index="k"),
    QuantitySpec("step-condition", P("c = eta N s_max^(2-2/N): monotone iff c <= 1, stable iff c < 2",
                                     r"$c = \eta N s_{\max}^{2-2/N}$: monotone iff $c \le 1$, "
                                     r"stable iff $c < 2$"),
                 ("sigma|s", "N", "eta"), latex=r"\eta N s_{\max}^{2-2/N}"),
    QuantitySpec("noise-fitting-time", P("T1~(r): when the largest noise eigenvalue lam_{r+1} is fitted to "
                                         "eps_small lam_{r+1}",
                                         r"$\tilde T_1(r)$: when the largest noise eigenvalue "
                                         r"$\hat\lambda_{r+1}$ is fitted to "
                                         r"$\varepsilon_{\mathrm{small}}\,\hat\lambda_{r+1}$"),
                 ("sigma", "N", "alpha|lambda0", "noise|lam_hat"), latex=r"\tilde T_1(r)"),
    QuantitySpec("weyl-interval", P("guaranteed bounds T0~(k) <= T0_upper and T1~(k) >= T1_lower for every E with "
                                    "||E|| <= noise (the Weyl sandwich)",
                                    r"guaranteed bounds $\tilde T_0(k) \le T_0^{\mathrm{upper}}$ "
                                    r"and $\tilde T_1(k) \ge T_1^{\mathrm{lower}}$ for every $E$ "
                                    r"with $\|E\|$ at most the given norm (the Weyl sandwich)"),
                 ("sigma", "N", "alpha|lambda0", "noise", "k"), index="k"),
    QuantitySpec("early-stopping", P("min_n ||W_n - W*||_F over 0 <= n <= T1~(r) from the decoupled dynamics, its "
                                     "step, and ||W^_r - W*||_F",
                                     r"$\min_n \|W_n - W^*\|_F$ over $0 \le n \le \tilde T_1(r)$ "
                                     r"from the decoupled dynamics, its step, and $\|\hat W_r - "
                                     r"W^*\|_F$"), ("sigma", "N", "alpha|lambda0", "eta", "noise|lam_hat")),
    QuantitySpec("T0-shift", P("T0~(k) - T0(k) against its first-order prediction (dT/ds)(sigma_k)(lam_k - sigma_k)",
                               r"$\tilde T_0(k) - T_0(k)$ against its first-order prediction "
                               r"$\frac{dT}{ds}(\sigma_k)\,(\hat\lambda_k - \sigma_k)$"),
                 ("sigma", "N", "alpha|lambda0", "noise|lam_hat", "k"), index="k"),
)

EVENTS: tuple[EventSpec, ...] = (
    EventSpec("T0", P("measured T0(k): first step with q_i^T W q_i >= (1 - eps_learn) lam_i for every i <= k",
                      r"measured $T_0(k)$: first step with $q_i^\top W q_i \ge (1 - "
                      r"\varepsilon_{\mathrm{learn}})\,\hat\lambda_i$ for every $i \le k$"),
              r"T_0(k)", index="k", size="sigma", quantity="T0"),
    EventSpec("T1", P("measured T1(k): first step with q_{k+1}^T W q_{k+1} >= eps_small lam_{k+1} (inf by the "
                      "convention of T1)",
                      r"measured $T_1(k)$: first step with $q_{k+1}^\top W q_{k+1} \ge "
                      r"\varepsilon_{\mathrm{small}}\,\hat\lambda_{k+1}$ ($\infty$ by the "
                      r"convention of $T_1$)"), r"T_1(k)", index="k", size="sigma", quantity="T1"),
    EventSpec("weyl_T0", P("measured T0~(k) against the guaranteed upper bound of the Weyl sandwich",
                           r"measured $\tilde T_0(k)$ against the guaranteed upper bound of the "
                           r"Weyl sandwich"),
              r"\tilde T_0(k)", index="k", size="sigma", quantity="weyl-interval", value="T0_upper", relation="<=",
              available=_perturbed),
    EventSpec("weyl_T1", P("measured T1~(k) against the guaranteed lower bound of the Weyl sandwich",
                           r"measured $\tilde T_1(k)$ against the guaranteed lower bound of the "
                           r"Weyl sandwich"),
              r"\tilde T_1(k)", index="k", size="sigma", quantity="weyl-interval", value="T1_lower", relation=">=",
              available=_perturbed),
    EventSpec("min_error", P("min_n ||W_n - W*||_F over the simulated steps",
                             r"$\min_n \|W_n - W^*\|_F$ over the simulated steps"), r"\min_n \|W_n - W^*\|_F",
              quantity="early-stopping", value="optimum", available=_early_stopping),
    EventSpec("argmin_error", "the step of that minimum", r"n^\star", quantity="early-stopping", value="argmin",
              available=_early_stopping),
    EventSpec("argmin_after_T0", P("the step of the minimum, at least T0~(r)",
                                   r"the step of the minimum, at least $\tilde T_0(r)$"), r"n^\star \geq \tilde T_0(r)",
              quantity="early-stopping", value="T0", relation=">=", available=_early_stopping),
    EventSpec("argmin_before_T1", P("the step of the minimum, at most T1~(r)",
                                    r"the step of the minimum, at most $\tilde T_1(r)$"), r"n^\star \leq \tilde T_1(r)",
              quantity="early-stopping", value="T1", relation="<=", available=_early_stopping),
)

#: Labels of the results' regimes: the limit (exact recovery, over-fitting of noise, the positive part only)
#: and the low-rank interval (nonempty or empty).
REGIMES = ("exact-recovery", "overfits-noise", "positive-part", "nonempty-interval", "empty-interval")

CITATIONS = cite("chou_wang_2026", "chou_gieshoff_maly_rauhut_2024", "arora_cohen_hu_luo_2019")
