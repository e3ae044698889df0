"""Resolution and cross-checks of the matrix-sensing parameters, and the canonical instance.

:func:`resolve` runs on every parameter set before any work: ``d >= len(sigma)``,
``r <= d``, ``k`` in ``1..len(sigma)``, ``m`` a whole number or ``inf``, and a stable step
(``4 loss_scale eta sigma_1 < 1``; the refusal states the bound on ``eta``).  Every error
is one line.  :func:`canonical` turns validated parameters into a
:class:`~.setting.Setting` (exact rationals, the contract's ``Ubar``) plus the dynamics:
the step ``eta`` and the spec's step ``mu = 4 loss_scale eta``, ``m`` (``None`` for full
observation) and ``k``.

>>> import symdyn as sd
>>> m = sd.model("matrix-sensing")
>>> c = m.canonical(m.params(sigma="3,2,1", d="30", r="5", alpha="1e-30", eta="1/100"))
>>> c.setting.regime, c.mu, c.m
('over-parameterized', 1/100, None)
>>> m.params(sigma="3,2,1", d="30", r="5", alpha="1e-8", eta="1/2")
Traceback (most recent call last):
...
symdyn.errors.ParameterError: eta=1/2 makes GD unstable: need 4 loss_scale eta sigma_1 < 1, i.e. eta < 1/3 (loss_scale = 1/4, sigma_1 = 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ...errors import ParameterError
from ...params import Params
from .setting import Setting

__all__ = ["Canonical", "resolve", "canonical", "setting_of"]


@dataclass(frozen=True)
class Canonical:
    """A validated instance: the exact :class:`Setting` and the dynamics run on it.

    ``eta`` is the GD step (``None``: the gradient flow), ``mu = 4 loss_scale eta`` the spec's
    step, ``m`` the number of measurements (``None``: full observation), ``k`` a component.
    """

    setting: Setting
    eta: sp.Rational | None
    mu: sp.Rational | None
    m: int | None
    k: int | None

    @property
    def gd(self) -> bool:
        return self.eta is not None

    @property
    def sensing(self) -> bool:
        return self.m is not None


def resolve(values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
    """Cross-parameter rules (one-line :class:`ParameterError` for each violation)."""
    sigma = values.get("sigma")
    d, r = values.get("d"), values.get("r")
    if sigma is not None and d is not None and d < len(sigma):
        raise ParameterError(f"d={d} is smaller than len(sigma)={len(sigma)}: X* = diag(sigma, 0, ...) must fit in "
                             f"d dimensions (use d >= {len(sigma)})")
    if r is not None and d is not None and r > d:
        raise ParameterError(f"r={r} exceeds d={d}: U is d x r with r <= d")
    k = values.get("k")
    if k is not None and sigma is not None and k > len(sigma):
        raise ParameterError(f"k={k} is out of range: components are 1..{len(sigma)} (len(sigma))")
    eta = values.get("eta")
    if eta is not None and sigma is not None:
        scale = values["loss_scale"]
        bound = 1 / (4 * scale * sigma[0])
        if not eta < bound:
            raise ParameterError(f"eta={eta} makes GD unstable: need 4 loss_scale eta sigma_1 < 1, i.e. eta < {bound} "
                                 f"(loss_scale = {scale}, sigma_1 = {sigma[0]})")
    return values


def setting_of(params: Params) -> Setting:
    """The exact :class:`Setting` of *params* (``sigma``, ``d``, ``r``, ``alpha`` required)."""
    params.require("sigma", "d", "r", "alpha", purpose="an instance of matrix sensing")
    return _setting(tuple(params["sigma"]), int(params["d"]), int(params["r"]), params["alpha"],
                    int(params["init_seed"]), params["loss_scale"], params["level"])


_CACHE: dict[tuple, Setting] = {}


def _setting(*key: Any) -> Setting:
    if key not in _CACHE:
        if len(_CACHE) > 256:
            _CACHE.clear()
        sigma, d, r, alpha, seed, scale, level = key
        _CACHE[key] = Setting(sigma=sigma, d=d, r=r, alpha=alpha, init_seed=seed, loss_scale=scale, level=level)
    return _CACHE[key]


def canonical(params: Params, *, need: tuple[str, ...] = (), dynamics: bool = True) -> Canonical:
    """The canonical instance of *params*; *need* lists parameters that must be present."""
    params.require(*need, purpose="this computation")
    setting = setting_of(params)
    eta = params.get("eta") if dynamics else None
    mu = None if eta is None else setting.step(eta)
    m = params.get("m")
    k = params.get("k")
    return Canonical(setting, eta, mu, None if m in (None, "inf") else int(m), None if k is None else int(k))
