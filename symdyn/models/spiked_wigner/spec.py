"""Declarations of the spiked Wigner model: parameters, observables, quantities, citations."""

from __future__ import annotations

from ...params import Choice, Interval, ParamSpec
from ...bibliography import cite
from ...tex import Prose as P
from ..base import ObservableSpec, QuantitySpec

CONVENTIONS = ("canonical", "noise-sigma", "bodin-macris")

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "theta", P("signal-to-noise ratio of Y = theta x x^T + W", r"signal-to-noise ratio of $Y = \theta x x^\top + W$"),
         Interval(lo=0, lo_closed=False), latex=r"\theta",
        words={"threshold": "theta = theta_c = 1 exactly (in canonical units)"},
        alternative="epsilon",
    ),
    ParamSpec(
        "epsilon", P("relative distance to the threshold: theta = theta_c (1 + epsilon)",
                     r"relative distance to the threshold: $\theta = \theta_c (1 + \varepsilon)$"),
        Interval(lo=-1, lo_closed=False), latex=r"\varepsilon", alternative="theta",
    ),
    ParamSpec("alpha", P("initial overlap <x, x0> of the unit start x0 = alpha x + sqrt(1 - alpha^2) g",
                          r"initial overlap $\langle x, x_0\rangle$ of the unit start "
                          r"$x_0 = \alpha x + \sqrt{1 - \alpha^2}\, g$"),
              Interval(lo=-1, hi=1), latex=r"\alpha"),
    ParamSpec("eta", P("step size of discrete gradient descent (given: times are step counts k)",
                        r"step size of discrete gradient descent (given: times are step counts $k$)"),
              Interval(lo=0, lo_closed=False), latex=r"\eta", optional=True),
    ParamSpec("convention", P("units of theta and t: canonical (noise variance 1/n), noise-sigma "
                              "(variance sigma^2/n), bodin-macris (Y = (lambda/n) x* x*^T + xi/sqrt(n), |x*|^2 = n: "
                              "theta = lambda)",
                              r"units of $\theta$ and $t$: canonical (noise variance $1/n$), noise-sigma (variance "
                              r"$\sigma^2/n$), bodin-macris ($Y = (\lambda/n)\, x^* x^{*\top} + \xi/\sqrt{n}$ with "
                              r"$|x^*|^2 = n$: $\theta = \lambda$)"),
              Choice(CONVENTIONS), default="canonical"),
    ParamSpec("sigma", P("noise standard deviation scale for convention noise-sigma (variance sigma^2/n)",
                          r"noise scale of the convention noise-sigma (variance $\sigma^2/n$)"),
              Interval(lo=0, lo_closed=False), default="1", latex=r"\sigma"),
    ParamSpec("time_scale", P("t_canonical = time_scale * t (a cost written with an extra factor)",
                               r"factor of the time: canonical time = time scale $\times\, t$ (a cost written with an "
                               r"extra factor)"),
              Interval(lo=0, lo_closed=False), default="1"),
)

OBSERVABLES: tuple[ObservableSpec, ...] = (
    ObservableSpec("m", P("overlap <x, x(t)> of the estimate with the spike",
                           r"overlap $\langle x, x(t)\rangle$ of the estimate with the spike"), r"m(t)"),
    ObservableSpec("energy", P("x(t)^T Y x(t) along the flow or GD (the cost is its negative)",
                                r"$x(t)^\top Y x(t)$ along the flow or gradient descent (the cost is its negative)"),
                   r"e(t)"),
    ObservableSpec("N", P("lim <x, e^{tY} x0> (unnormalised; (I + eta Y)^k x0 for GD)",
                           r"$\lim \langle x, e^{tY} x_0\rangle$ (unnormalised; $(I + \eta Y)^k x_0$ for gradient "
                           r"descent)"), r"N(t)", default=False),
    ObservableSpec("Q", P("lim |e^{tY} x0|^2 (unnormalised; (I + eta Y)^k x0 for GD)",
                           r"$\lim |e^{tY} x_0|^2$ (unnormalised; $(I + \eta Y)^k x_0$ for gradient descent)"),
                   r"Q(t)", default=False),
)

QUANTITIES: tuple[QuantitySpec, ...] = (
    QuantitySpec("threshold", P("BBP threshold theta_c = 1 (in the chosen convention's units)",
                               r"BBP threshold $\theta_c = 1$ (in the chosen convention's units)"), (), True,
                 latex=r"\theta_c"),
    QuantitySpec("outlier", P("top eigenvalue theta + 1/theta above threshold (the bulk edge 2 otherwise)",
                             r"top eigenvalue $\theta + 1/\theta$ above threshold (the bulk edge $2$ otherwise)"),
                 ("theta",), True),
    QuantitySpec("overlap", P("squared overlap <x, v1>^2 = 1 - theta^(-2) of the top eigenvector (0 below threshold)",
                              r"squared overlap $\langle x, v_1\rangle^2 = 1 - \theta^{-2}$ of the top eigenvector "
                              r"(0 below threshold)"), ("theta",), True),
    QuantitySpec("edge", "right edge 2 of the semicircle (in the convention's units)", (), True, latex=r"\lambda_+"),
    QuantitySpec("relaxation-time", P("1/(theta + 1/theta - 2) = theta/(theta - 1)^2, the time scale of the "
                                      "approach to the limit above threshold",
                                      r"$1/(\theta + 1/\theta - 2) = \theta/(\theta - 1)^2$, the time scale of the "
                                      r"approach to the limit above threshold"), ("theta",), True, latex=r"\tau"),
)

CITATIONS = cite("bodin_macris_2021", "bbp_2005", "feral_peche_2007", "benaych_georges_nadakuditi_2011",
                 "wigner_1958")
