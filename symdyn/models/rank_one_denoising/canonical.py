"""Resolution of user parameters into exact canonical values.

Users may write ``theta=threshold``, ``epsilon=1e-20`` (theta = theta_c (1 +
epsilon)), ``alpha=critical`` or ``ratio=-9/10`` (alpha = ratio * beta), and
may use any convention preset.  :func:`resolve` turns the special words and
alternatives into exact values in the user's units; :func:`canonical` maps
them to the canonical model.  Everything stays exact (rational or algebraic),
so ``theta**4 - c`` at ``epsilon = 1e-20`` and the outlier amplitude at the
critical ratio are computed without cancellation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ...errors import ParameterError
from ...exact import exact_sign
from ...params import Params
from . import spectral as spikes
from ...symbols import alpha as A_, beta as B_, c as C_, kappa as K_, theta as T_
from .conventions import CONVENTIONS

__all__ = ["Canonical", "resolve", "canonical", "NO_CRITICAL_RATIO"]

#: One rule for alpha=critical and the quantity critical-ratio: below threshold neither exists.
NO_CRITICAL_RATIO = ("below threshold (theta^4 < c) there is no outlier, hence no critical ratio; the signs of the "
                     "decaying overlaps are set by A_u and A_v instead (see 'symdyn limit')")


@dataclass(frozen=True)
class Canonical:
    """Exact canonical parameters; ``time_factor`` maps user times to canonical ones.

    For discrete GD ``eta`` is the canonical step (``eta' * time_factor``) and the
    times are step counts (unchanged).  ``x_scale`` is the factor between the
    user's matrix and the canonical one (``X_user = x_scale X_canonical``); it
    converts the energy ``a^T X b`` and the F3 norms back to the user's units.
    """

    c: sp.Expr
    theta: sp.Expr | None
    alpha: sp.Expr | None
    beta: sp.Expr | None
    kappa: sp.Expr
    flow: str
    eta: sp.Expr | None
    r0: sp.Expr
    time_factor: sp.Expr
    theta_scale: sp.Expr
    x_scale: sp.Expr
    convention: str

    @property
    def gd(self) -> bool:
        return self.eta is not None

    def symbols(self) -> dict[sp.Symbol, sp.Expr]:
        out = {C_: self.c, K_: self.kappa}
        if self.theta is not None:
            out[T_] = self.theta
        if self.alpha is not None:
            out[A_] = self.alpha
        if self.beta is not None:
            out[B_] = self.beta
        return out


def _scales(values: dict[str, Any]) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(theta_scale, time_factor, x_scale) of the user's convention."""
    conv = CONVENTIONS[values["convention"]]
    c = values["c"]
    x_scale = conv.time_scale(c, values["sigma"])
    return conv.theta_scale(c, values["sigma"]), x_scale * values["time_scale"], x_scale


def resolve(values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
    """Turn words (``threshold``, ``critical``) and alternatives (``epsilon``, ``ratio``)
    into exact values of ``theta`` and ``alpha`` in the user's units."""
    values = dict(values)
    conv = CONVENTIONS[values["convention"]]
    if "sigma" in given and not conv.uses_sigma:
        raise ParameterError(f"sigma is only used by convention=noise-sigma, not {conv.name}")
    if conv.kappa_of is not None and "kappa" in given:
        raise ParameterError(f"convention={conv.name} fixes kappa = c^(-1/2); do not give kappa")

    needs_c = [k for k in ("theta", "epsilon", "alpha", "ratio") if isinstance(values.get(k), str)]
    if "epsilon" in given:
        needs_c.append("epsilon")
    if needs_c and "c" not in values:
        raise ParameterError(f"missing parameter c (aspect ratio p/n): {needs_c[0]} needs it, e.g. c=1/2")

    if "epsilon" in given or values.get("theta") == "threshold":
        scale = _scales(values)[0]
        eps = values.get("epsilon", sp.Integer(0)) if "epsilon" in given else sp.Integer(0)
        values["theta"] = spikes.threshold().subs(C_, values["c"]) * (1 + eps) / scale

    wants_critical = values.get("alpha") == "critical" or values.get("ratio") == "critical"
    if "ratio" in given or wants_critical:
        for name in ("beta", "theta"):
            if name not in values:
                what = "the ratio" if "ratio" in given else "alpha=critical"
                raise ParameterError(f"missing parameter {name}: {what} needs it, e.g. {name}=1/2")
        if wants_critical:
            canon = canonical_values(values)
            if exact_sign(canon["theta"] ** 4 - canon["c"]) < 0:
                raise ParameterError(f"{'alpha' if values.get('alpha') == 'critical' else 'ratio'}=critical: "
                                     + NO_CRITICAL_RATIO)
            ratio = spikes.critical_ratio().subs({C_: canon["c"], T_: canon["theta"], K_: canon["kappa"]})
        else:
            ratio = values["ratio"]
        alpha = ratio * values["beta"]
        if sp.Abs(alpha) > 1:
            raise ParameterError(
                f"alpha = ratio * beta = {sp.N(alpha, 6)} has |alpha| > 1: choose |beta| <= 1/|ratio|"
            )
        values["alpha"] = alpha
    return values


def canonical_values(values: dict[str, Any]) -> dict[str, Any]:
    conv = CONVENTIONS[values["convention"]]
    theta_scale, time_factor, x_scale = _scales(values)
    kappa = conv.kappa_of(values["c"]) if conv.kappa_of is not None else values["kappa"]
    theta = values.get("theta")
    return {
        "c": values["c"],
        "theta": None if theta is None else sp.powsimp(theta * theta_scale),
        "kappa": kappa,
        "theta_scale": theta_scale,
        "time_factor": time_factor,
        "x_scale": x_scale,
    }


def canonical(params: Params, *, need: tuple[str, ...] = (), dynamics: bool = True) -> Canonical:
    """Exact canonical parameters; *need* lists parameters that must be present.

    With ``dynamics=False`` (static quantities such as boundaries) the flow/step
    consistency checks are skipped, since they concern only the dynamics.
    """
    params.require("c", *need)
    values = dict(params.values)
    cv = canonical_values(values)
    eta = values.get("eta")
    flow = values["flow"]
    if dynamics and eta is not None and "flow" in params.given:
        raise ParameterError("eta selects discrete GD, which has no flow choice: drop flow=... or eta=...")
    if dynamics and eta is None and flow in ("F1", "F3") and cv["kappa"] != 1:
        raise ParameterError(
            f"flow={flow} needs balanced initial norms (kappa = 1, spec 2.1) but kappa = {cv['kappa']}: "
            "use flow=F2 (joint sphere) or flow=F0 (linear)"
        )
    return Canonical(
        c=cv["c"],
        theta=cv["theta"],
        alpha=values.get("alpha"),
        beta=values.get("beta"),
        kappa=cv["kappa"],
        flow=flow,
        eta=None if eta is None else eta * cv["time_factor"],
        r0=values["r0"],
        time_factor=cv["time_factor"],
        theta_scale=cv["theta_scale"],
        x_scale=cv["x_scale"],
        convention=values["convention"],
    )
