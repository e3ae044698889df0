"""Declarations of the matrix-sensing model: parameters, observables, quantities, events, citations.

The contract of issue 10 (names, meanings and domains are binding): ``sigma`` (the nonzero
eigenvalues of ``X*``), ``d``, ``r``, ``alpha``, ``init_seed`` (the contract's ``Ubar``),
``m`` (symmetric Gaussian measurements or ``inf``), ``eta`` (GD step; absent: gradient flow),
``loss_scale`` (a time unit), ``level`` (the learning threshold) and ``k`` (a component).
"""

from __future__ import annotations

from ...bibliography import cite
from ...params import Integer, Interval, ParamSpec, Params, Seed, Vector
from ...tex import Prose as P
from ..base import EventSpec, ObservableSpec, QuantitySpec

__all__ = ["PARAMETERS", "OBSERVABLES", "QUANTITIES", "EVENTS", "CITATIONS", "r_star", "learnable"]

_POSITIVE = Interval(lo=0, lo_closed=False)
#: an initialization scale: exact decimals down to 1e-400 (the closed forms work in logs and at adaptive precision)
_SCALE = Interval(lo=0, lo_closed=False, max_digits=401)


def r_star(params: Params) -> int:
    """``len(sigma)``: the rank of ``X*``."""
    return len(params["sigma"])


def learnable(params: Params) -> int:
    """``min(r, r*)``: the components that are ever learned."""
    return min(int(params["r"]), len(params["sigma"]))


PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec("sigma", P("nonzero eigenvalues sigma_1 > ... > sigma_r* > 0 of the PSD ground truth "
                         "X* = diag(sigma, 0, ..., 0)",
                         r"nonzero eigenvalues $\sigma_1 > \dots > \sigma_{r^*} > 0$ of the PSD ground truth "
                         r"$X^* = \mathrm{diag}(\sigma, 0, \dots, 0)$"),
              Vector(_POSITIVE, order="decreasing"), latex=r"\sigma"),
    ParamSpec("d", P("dimension of X* (d >= len(sigma))",
                     r"dimension of $X^*$ ($d \ge r^*$, the number of entries of $\sigma$)"), Integer(1), latex="d"),
    ParamSpec("r", P("columns of U (r < len(sigma): under-parameterized)",
                     r"columns of $U$ ($r < r^*$: under-parameterized)"), Integer(1), latex="r"),
    ParamSpec("alpha", P("initialization scale: U0 = alpha Ubar", r"initialization scale: $U_0 = \alpha\bar U$"),
              _SCALE, latex=r"\alpha"),
    ParamSpec("init_seed", P("seed of Ubar = default_rng(init_seed).standard_normal((d, r))/sqrt(d), "
                             "in the eigenbasis of X*",
                             r"seed of $\bar U$: a $d \times r$ standard normal matrix from NumPy's default "
                             r"generator with this seed, divided by $\sqrt d$, in the eigenbasis of $X^*$"),
              Seed(), default="0", latex=r"s_{\mathrm{init}}"),
    ParamSpec("m", P("number of symmetric Gaussian measurements A_i = (G_i + G_i^T)/2 (drawn from each trial's seed "
                     "stream), or inf for full observation",
                     r"number of symmetric Gaussian measurements $A_i = (G_i + G_i^\top)/2$ (drawn from each "
                     r"trial's seed stream), or $\infty$ for full observation"), Integer(1), default="inf", latex="m",
              words={"inf": "full observation (A = identity)"}),
    ParamSpec("eta", P("GD step size (the paper's mu); given: times are step counts, absent: the gradient flow",
                       r"gradient-descent step size (the paper's $\mu$); given: times are step counts, absent: "
                       r"the gradient flow"), _POSITIVE, latex=r"\eta", optional=True),
    ParamSpec("loss_scale", P("f(U) = loss_scale ||A(UU^T) - y||^2; it only rescales time (the spec's 1/4: flow "
                              "time tau = 4 loss_scale t, GD step mu = 4 loss_scale eta)",
                              r"$f(U) = s\,\|\mathcal A(UU^\top) - y\|^2$; it only rescales time (the spec's "
                              r"$s = 1/4$: flow time $\tau = 4st$, gradient-descent step $\mu = 4s\eta$)"),
              _POSITIVE, default="1/4", latex="s"),
    ParamSpec("level", P("component k is learned at the first time with lambda_k(UU^T) >= level sigma_k",
                         r"component $k$ is learned at the first time with $\lambda_k(UU^\top) \ge \theta\sigma_k$"),
              Interval(lo=0, hi=1, lo_closed=False, hi_closed=False), default="1/2", latex=r"\theta"),
    ParamSpec("k", P("component index 1..len(sigma) of an indexed quantity",
                     r"component index $1, \dots, r^*$ of an indexed quantity"), Integer(1), latex="k", optional=True),
)

OBSERVABLES: tuple[ObservableSpec, ...] = (
    ObservableSpec("lambda", P("i-th largest eigenvalue of UU^T", r"$i$-th largest eigenvalue of $UU^\top$"),
                   r"\lambda_{i}", index="i", size="r"),
    ObservableSpec("loss", P("f(U) = loss_scale ||A(UU^T) - y||^2", r"$f(U) = s\,\|\mathcal A(UU^\top) - y\|^2$"),
                   r"f(U)"),
    ObservableSpec("erank", P("entropy effective rank exp(-sum p_i log p_i), p = lambda/sum(lambda)",
                              r"entropy effective rank $\exp(-\sum_i p_i \log p_i)$, $p_i = \lambda_i/\sum_j \lambda_j$"),
                   r"\mathrm{erank}(UU^\top)"),
    ObservableSpec("rank", P("thresholded rank: the number of components k <= min(r, r*) with "
                             "lambda_k >= level sigma_k",
                             r"thresholded rank: the number of components $k \le \min(r, r^*)$ with "
                             r"$\lambda_k \ge \theta\sigma_k$"), r"\#\{k : \lambda_k \geq \theta\sigma_k\}"),
    ObservableSpec("truncation_distance", P(
        "||UU^T - X*_s||_F, the distance to the top-s truncation of X* with s the "
        "thresholded rank (on a plateau: 0 under full observation, ||Z_s - X*_s||_F under sensing)",
        r"$\|UU^\top - X^*_s\|_F$, the distance to the top-$s$ truncation of $X^*$ with $s$ the thresholded rank "
        r"(on a plateau: $0$ under full observation, $\|Z_s - X^*_s\|_F$ under sensing)"),
                   r"\|UU^\top - X^*_s\|_F"),
)

QUANTITIES: tuple[QuantitySpec, ...] = (
    QuantitySpec("learning-time", P("first time (flow, exact Riccati root) or GD step (exact hitting step of the "
                                    "scalar map from alpha^2 c_k) with lambda_k = level sigma_k; inf if never learned",
                                    r"first time (flow: the exact root of the Riccati closed form) or GD step (the "
                                    r"exact hitting step of the scalar map from $\alpha^2 c_k$) with "
                                    r"$\lambda_k = \theta\sigma_k$; $\infty$ if never learned"),
                 ("sigma", "d", "r", "alpha", "k"), index="k", latex="t_k", size=r_star),
    QuantitySpec("plateau-length", P("t_(k+1) - t_k (flow) or n_(k+1) - n_k (GD): the plateau after component k",
                                     r"$t_{k+1} - t_k$ (flow) or $n_{k+1} - n_k$ (GD): the plateau after component $k$"),
                 ("sigma", "d", "r", "alpha", "k"), index="k", latex=r"t_{k+1} - t_k",
                 size=lambda p: len(p["sigma"]) - 1),
    QuantitySpec("init-constants", P("c_k = det G_k / det G_(k-1) of b_k = Ubar^T e_k (exactly 0 for k > r)",
                                     r"$c_k = \det G_k/\det G_{k-1}$ of $b_k = \bar U^\top e_k$ (exactly $0$ for "
                                     r"$k > r$)"),
                 ("sigma", "d", "r"), latex="c_k"),
    QuantitySpec("plateau-loss", P("full-observation loss on the plateau after k components, "
                                   "loss_scale sum_(i > k) sigma_i^2",
                                   r"full-observation loss on the plateau after $k$ components, "
                                   r"$s\sum_{i > k} \sigma_i^2$"),
                 ("sigma", "r", "k"), index="k", latex=r"f(P_{\{1..k\}})",
                 size=learnable),
    QuantitySpec("step-condition", P("mu sigma_1 with mu = 4 loss_scale eta: stable if < 1, monotone if <= 1/2",
                                     r"$\mu\sigma_1$ with $\mu = 4s\eta$: stable if $\mu\sigma_1 < 1$, monotone if "
                                     r"$\mu\sigma_1 \le 1/2$"),
                 ("sigma", "eta"), latex=r"\mu\sigma_1"),
)

EVENTS: tuple[EventSpec, ...] = (
    EventSpec("learning_step", P("first GD step (flow: time) with lambda_k >= level sigma_k in the simulation "
                                 "(inf: not within the simulated horizon)",
                                 r"first GD step (flow: time) with $\lambda_k \ge \theta\sigma_k$ in the simulation "
                                 r"($\infty$: not within the simulated horizon)"),
              "n_{k}", index="k", size=r_star, quantity="learning-time"),
)

CITATIONS = cite("jin_et_al_2023", "li_luo_lyu_2021", "gissin_et_al_2020")
