"""Resolution of user parameters into exact canonical values of the spiked Wigner model.

The canonical model is ``Y = theta x x^T + W`` with ``|x| = 1`` and ``W`` from the
GOE normalised so that ``E W_ij^2 = 1/n`` off the diagonal (semicircle on
``[-2, 2]``, BBP threshold ``theta_c = 1``).  Users may write
``theta=threshold`` (``theta = 1`` exactly) or ``epsilon=1e-20``
(``theta = theta_c (1 + epsilon)``), and choose a convention preset:

* ``canonical``;
* ``noise-sigma``: noise variance ``sigma^2/n``, ``Y' = theta' x x^T + sigma W``;
  then ``theta = theta'/sigma``, ``t = sigma t'`` and ``eta = sigma eta'``
  (``e^{t' Y'} = e^{t Y}``), and the energy ``x^T Y' x`` is ``sigma`` times the canonical one;
* ``bodin-macris``: ``Y_BM = (lambda/n) x* x*^T + xi/sqrt(n)`` with ``|x*|^2 = n``,
  which is exactly ``theta = lambda``, ``x = x*/sqrt(n)`` (spec 6); their time may
  differ by a constant factor from the cost normalisation: give it as ``time_scale``.

Everything stays exact (rational or algebraic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ...errors import ParameterError
from ...params import Params

__all__ = ["Canonical", "resolve", "canonical", "theta_scale", "x_scale"]


@dataclass(frozen=True)
class Canonical:
    """Exact canonical parameters.

    ``time_factor`` maps user times to canonical ones (``t = time_factor * t'``);
    for discrete GD ``eta`` is the canonical step (``eta' * time_factor``) and
    times are step counts.  ``x_scale`` converts the canonical energy to the
    user's units (``Y_user = x_scale * Y``).
    """

    theta: sp.Expr | None
    alpha: sp.Expr | None
    eta: sp.Expr | None
    time_factor: sp.Expr
    theta_scale: sp.Expr
    x_scale: sp.Expr
    convention: str

    @property
    def gd(self) -> bool:
        return self.eta is not None


def theta_scale(values: dict[str, Any]) -> sp.Expr:
    """``theta = theta_scale * theta_user`` for the user's convention."""
    return 1 / values["sigma"] if values["convention"] == "noise-sigma" else sp.Integer(1)


def x_scale(values: dict[str, Any]) -> sp.Expr:
    """``Y_user = x_scale * Y_canonical``."""
    return values["sigma"] if values["convention"] == "noise-sigma" else sp.Integer(1)


def resolve(values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
    """Turn ``theta=threshold`` and ``epsilon`` into an exact ``theta`` in the user's units."""
    values = dict(values)
    if "sigma" in given and values["convention"] != "noise-sigma":
        raise ParameterError(f"sigma is only used by convention=noise-sigma, not {values['convention']}")
    if "epsilon" in given or values.get("theta") == "threshold":
        eps = values["epsilon"] if "epsilon" in given else sp.Integer(0)
        values["theta"] = (1 + eps) / theta_scale(values)
    return values


def canonical(params: Params, *, need: tuple[str, ...] = (), dynamics: bool = True) -> Canonical:
    """Exact canonical parameters; *need* lists parameters that must be present.

    ``dynamics`` is accepted for the common interface; this model has no
    dynamics-only consistency rule.
    """
    params.require(*need)
    values = dict(params.values)
    ts = theta_scale(values)
    xs = x_scale(values)
    tf = xs * values["time_scale"]
    theta = values.get("theta")
    eta = values.get("eta")
    return Canonical(
        theta=None if theta is None else theta * ts,
        alpha=values.get("alpha"),
        eta=None if eta is None else eta * tf,
        time_factor=tf,
        theta_scale=ts,
        x_scale=xs,
        convention=values["convention"],
    )
