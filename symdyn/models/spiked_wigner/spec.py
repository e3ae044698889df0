"""Declarations of the spiked Wigner model: parameters, observables, quantities, citations."""

from __future__ import annotations

from ...params import Choice, Interval, ParamSpec
from ...bibliography import cite
from ..base import ObservableSpec, QuantitySpec

CONVENTIONS = ("canonical", "noise-sigma", "bodin-macris")

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "theta", "signal-to-noise ratio of Y = theta x x^T + W", Interval(lo=0, lo_closed=False), latex=r"\theta",
        words={"threshold": "theta = theta_c = 1 exactly (in canonical units)"},
        alternative="epsilon",
    ),
    ParamSpec(
        "epsilon", "relative distance to the threshold: theta = theta_c (1 + epsilon)",
        Interval(lo=-1, lo_closed=False), latex=r"\varepsilon", alternative="theta",
    ),
    ParamSpec("alpha", "initial overlap <x, x0> of the unit start x0 = alpha x + sqrt(1 - alpha^2) g",
              Interval(lo=-1, hi=1), latex=r"\alpha"),
    ParamSpec("eta", "step size of discrete gradient descent (given: times are step counts k)",
              Interval(lo=0, lo_closed=False), latex=r"\eta", optional=True),
    ParamSpec("convention", "units of theta and t: canonical (noise variance 1/n), noise-sigma "
              "(variance sigma^2/n), bodin-macris (Y = (lambda/n) x* x*^T + xi/sqrt(n), |x*|^2 = n: theta = lambda)",
              Choice(CONVENTIONS), default="canonical"),
    ParamSpec("sigma", "noise standard deviation scale for convention noise-sigma (variance sigma^2/n)",
              Interval(lo=0, lo_closed=False), default="1", latex=r"\sigma"),
    ParamSpec("time_scale", "t_canonical = time_scale * t (a cost written with an extra factor)",
              Interval(lo=0, lo_closed=False), default="1"),
)

OBSERVABLES: tuple[ObservableSpec, ...] = (
    ObservableSpec("m", "overlap <x, x(t)> of the estimate with the spike", r"m(t)"),
    ObservableSpec("energy", "x(t)^T Y x(t) along the flow or GD (the cost is its negative)", r"e(t)"),
    ObservableSpec("N", "lim <x, e^{tY} x0> (unnormalised; (I + eta Y)^k x0 for GD)", r"N(t)", default=False),
    ObservableSpec("Q", "lim |e^{tY} x0|^2 (unnormalised; (I + eta Y)^k x0 for GD)", r"Q(t)", default=False),
)

QUANTITIES: tuple[QuantitySpec, ...] = (
    QuantitySpec("threshold", "BBP threshold theta_c = 1 (in the chosen convention's units)", (), True),
    QuantitySpec("outlier", "top eigenvalue theta + 1/theta above threshold (the bulk edge 2 otherwise)",
                 ("theta",), True),
    QuantitySpec("overlap", "squared overlap <x, v1>^2 = 1 - theta^(-2) of the top eigenvector (0 below "
                 "threshold)", ("theta",), True),
    QuantitySpec("edge", "right edge 2 of the semicircle (in the convention's units)", (), True),
    QuantitySpec("relaxation-time", "1/(theta + 1/theta - 2) = theta/(theta - 1)^2, the time scale of the "
                 "approach to the limit above threshold", ("theta",), True),
)

CITATIONS = cite("bodin_macris_2021", "bbp_2005", "feral_peche_2007", "benaych_georges_nadakuditi_2011",
                 "wigner_1958")
