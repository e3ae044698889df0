"""Declarations of the rank-one denoising model: parameters, observables, quantities, citations."""

from __future__ import annotations

from ...params import Choice, Interval, ParamSpec
from ...bibliography import cite
from ...tex import Prose as P
from ..base import ObservableSpec, QuantitySpec

FLOWS = ("F1", "F2", "F3", "F0")

CONVENTIONS = (
    "canonical", "noise-sigma", "balanced", "noise-1/p", "bgn",
    "signal-sqrt-pn", "signal-over-n", "spheres-sqrt",
)

PARAMETERS: tuple[ParamSpec, ...] = (
    ParamSpec("c", P("aspect ratio p/n of the p x n matrix", r"aspect ratio $p/n$ of the $p \times n$ matrix"), Interval(lo=0, lo_closed=False), latex="c"),
    ParamSpec(
        "theta", "signal-to-noise ratio", Interval(lo=0, lo_closed=False), latex=r"\theta",
        words={"threshold": "theta = theta_c = c^(1/4) exactly (in canonical units)"},
        alternative="epsilon",
    ),
    ParamSpec(
        "epsilon", P("relative distance to the threshold: theta = theta_c (1 + epsilon)",
          r"relative distance to the threshold: $\theta = \theta_c (1 + \varepsilon)$"),
        Interval(lo=-1, lo_closed=False), latex=r"\varepsilon", alternative="theta",
    ),
    ParamSpec(
        "alpha", P("initial left overlap <u, a0>/|a0|", r"initial left overlap $\langle u, a_0\rangle/|a_0|$"), Interval(lo=-1, hi=1), latex=r"\alpha",
        words={"critical": "alpha = (alpha/beta)_crit * beta, exactly at the critical ratio"},
        alternative="ratio",
    ),
    ParamSpec(
        "ratio", P("alpha/beta; sets alpha = ratio * beta", r"the ratio $\alpha/\beta$ (sets $\alpha$ from $\beta$)"), Interval(), latex=r"\alpha/\beta",
        words={"critical": "the critical ratio -kappa sqrt((theta^2 + c)/(theta^2 + 1))"},
        alternative="alpha",
    ),
    ParamSpec("beta", P("initial right overlap <v, b0>/|b0|", r"initial right overlap $\langle v, b_0\rangle/|b_0|$"), Interval(lo=-1, hi=1), latex=r"\beta"),
    ParamSpec("kappa", P("initial norm ratio |b0|/|a0|", r"initial norm ratio $|b_0|/|a_0|$"), Interval(lo=0, lo_closed=False), default="1", latex=r"\kappa"),
    ParamSpec("flow", "continuous dynamics: F1 two unit spheres, F2 joint sphere, F3 Frobenius "
              "(Burer-Monteiro), F0 linear", Choice(FLOWS), default="F1"),
    ParamSpec("eta", P("step size of discrete gradient descent (given: times are step counts k)",
                        r"step size of discrete gradient descent (given: times are step counts $k$)"),
              Interval(lo=0, lo_closed=False), latex=r"\eta", optional=True),
    ParamSpec("r0", P("initial norm |a0| = |b0| of the Frobenius flow F3",
                       r"initial norm $|a_0| = |b_0|$ of the Frobenius flow F3"), Interval(lo=0, lo_closed=False),
              default="1", latex="r_0"),
    ParamSpec("level", P("target value of m_u(t) for the quantity hitting-time",
                          r"target value of $m_u(t)$ for the hitting time"), Interval(lo=-1, hi=1),
              latex=r"\ell", optional=True),
    ParamSpec("convention", P("units of theta, t and kappa (spec 1.1 presets)",
                               r"units of $\theta$, $t$ and $\kappa$ (normalisation presets of the literature)"), Choice(CONVENTIONS),
              default="canonical"),
    ParamSpec("sigma", P("noise standard deviation scale for convention noise-sigma (variance sigma^2/n)",
                          r"noise scale of the convention noise-sigma (variance $\sigma^2/n$)"),
              Interval(lo=0, lo_closed=False), default="1", latex=r"\sigma"),
    ParamSpec("time_scale", P("t_canonical = time_scale * t (a cost written with an extra factor)",
                               r"factor of the time: canonical time = time scale $\times\, t$ (a cost written with an "
                               r"extra factor)"),
              Interval(lo=0, lo_closed=False), default="1"),
)

def _gd(p) -> bool:
    return p.get("eta") is not None


def _flow_is(*flows: str):
    """Predicate: continuous flow (no eta) and one of *flows*."""
    return lambda p: not _gd(p) and p["flow"] in flows


OBSERVABLES: tuple[ObservableSpec, ...] = (
    ObservableSpec("m_u", P("overlap <u, a(t)>/|a(t)| of the left estimate with u",
                             r"overlap $\langle u, a(t)\rangle/|a(t)|$ of the left estimate with $u$"), r"m_u(t)", group="m"),
    ObservableSpec("m_v", P("overlap <v, b(t)>/|b(t)| of the right estimate with v",
                             r"overlap $\langle v, b(t)\rangle/|b(t)|$ of the right estimate with $v$"), r"m_v(t)", group="m"),
    ObservableSpec("N_u", P("lim <u, a~(t)> along the linear flow F0 (a~ = first block of e^{tH} w0)",
                             r"$\lim \langle u, \tilde a(t)\rangle$ along the linear flow F0 ($\tilde a$ = first block of "
                             r"$e^{tH} w_0$)"), r"N_u(t)",
                   default=False, group="N"),
    ObservableSpec("N_v", P("lim <v, b~(t)> along the linear flow F0", r"$\lim \langle v, \tilde b(t)\rangle$ along the linear flow F0"),
                   r"N_v(t)", default=False, group="N"),
    ObservableSpec("Q_a", P("lim |a~(t)|^2 along the linear flow F0", r"$\lim |\tilde a(t)|^2$ along the linear flow F0"), r"Q_a(t)", default=False, group="Q"),
    ObservableSpec("Q_b", P("lim |b~(t)|^2 along the linear flow F0", r"$\lim |\tilde b(t)|^2$ along the linear flow F0"), r"Q_b(t)", default=False, group="Q"),
    ObservableSpec("energy", P("a^T X b along the spherical flow F1 (the cost is its negative)",
                                r"$a^\top X b$ along the spherical flow F1 (the cost is its negative)"), r"e(t)",
                   available=_flow_is("F1")),
    ObservableSpec("a_share", P("|a|^2/(|a|^2 + |b|^2) along the joint-sphere flow F2",
                                 r"$|a|^2/(|a|^2 + |b|^2)$ along the joint-sphere flow F2"), r"Q_a/(Q_a+Q_b)",
                   available=lambda p: _gd(p) or p["flow"] in ("F2", "F0"), default=_flow_is("F2")),
    ObservableSpec("norm_sq", P("|a(t)|^2 = |b(t)|^2 along the Frobenius flow F3",
                                 r"$|a(t)|^2 = |b(t)|^2$ along the Frobenius flow F3"), r"|a(t)|^2",
                   available=_flow_is("F3")),
)

QUANTITIES: tuple[QuantitySpec, ...] = (
    QuantitySpec("threshold", P("BBP threshold theta_c = c^(1/4) (in the chosen convention's units)",
                               r"BBP threshold $\theta_c = c^{1/4}$ (in the chosen convention's units)"), ("c",), True,
                 latex=r"\theta_c"),
    QuantitySpec("critical-ratio", P("(alpha/beta)_crit = -kappa sqrt((theta^2 + c)/(theta^2 + 1)), where the "
                                    "outlier amplitude vanishes",
                                    r"$(\alpha/\beta)_{\mathrm{crit}} = -\kappa \sqrt{(\theta^2 + c)/(\theta^2 + 1)}$, where "
                                    r"the outlier amplitude vanishes"), ("c", "theta"), True,
                 latex=r"(\alpha/\beta)_{\mathrm{crit}}"),
    QuantitySpec("outlier", P("top singular value s1 = sqrt((1 + theta^2)(c + theta^2))/theta above threshold "
                             "(the bulk edge 1 + sqrt(c) otherwise)",
                             r"top singular value $s_1 = \sqrt{(1 + \theta^2)(c + \theta^2)}/\theta$ above threshold "
                             r"(the bulk edge $1 + \sqrt{c}$ otherwise)"), ("c", "theta"), True),
    QuantitySpec("overlaps", P("squared singular-vector overlaps zeta_u, zeta_v (0 below threshold)",
                              r"squared singular-vector overlaps $\zeta_u$, $\zeta_v$ (0 below threshold)"),
                 ("c", "theta"), True),
    QuantitySpec("edge", P("bulk edge s+ = 1 + sqrt(c) of the noise singular values",
                          r"bulk edge $s_+ = 1 + \sqrt{c}$ of the noise singular values"), ("c",), True,
                 latex=r"s_+"),
    QuantitySpec("relaxation-time", P("1/(s1 - s+), the time scale of the approach to the limit above threshold",
                                     r"$1/(s_1 - s_+)$, the time scale of the approach to the limit above threshold"),
                 ("c", "theta"), True, latex=r"\tau"),
    QuantitySpec("hitting-time", P("first time t (user units) at which m_u(t) reaches level (root of an integral "
                                  "equation; --certify: sign-certified bracket)",
                                  r"first time $t$ (user units) at which $m_u(t)$ reaches the level $\ell$ (root of an "
                                  r"integral equation; certified: a bracket with proved signs)"),
                 ("c", "theta", "alpha", "beta", "level"), True, latex=r"t_\ell"),
)

CITATIONS = cite("rankone_gd_2026", "bodin_macris_2021", "bbp_2005", "bgn_2012", "marchenko_pastur_1967")
