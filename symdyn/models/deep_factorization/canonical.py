"""Resolution and cross-validation of the deep-factorization parameters; the canonical problem.

:func:`resolve` runs when the parameters are parsed (after filling a ``preset``'s parameters the user did
not give) (before any work) and raises one-line
:class:`~symdyn.errors.ParameterError` for: ``d < r``, ``lam_hat`` without ``sigma`` or of a length other
than ``d``, ``noise_seed`` with ``lam_hat``, ``k`` out of range (``1 <= k <=`` the number of positive
eigenvalues of ``W^``), an unstable ``eta`` (``eta N lam_1^(2-2/N) >= 2``, the bound stated) and an ``eta``
that makes a negative target overshoot zero (``eta alpha^(N-2)(|s| + alpha^N) >= 1``).  It fills ``d = r``,
``eps_learn = eps_small = eps`` and, for a given ``lam_hat``, ``noise = max_i |lam_hat_i - sigma_i|`` (the
norm of ``E = diag(lam_hat) - diag(sigma, 0)``).

:func:`canonical` turns validated parameters into a :class:`Canonical`: the exact ``lambda0 = alpha^N`` (or
``alpha = lambda0^(1/N)``), the perturbation (the seeded draw of :func:`.perturbation.draw`, cached), and the
:class:`.interval.Setting` objects of the perturbed targets ``lam_hat`` and of the noiseless ``sigma``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy as sp

from ...errors import ParameterError
from ...exact import exact_sign, to_mp
from ...params import Params
from . import interval as iv
from . import perturbation as pt
from .inputs import p_exponent

__all__ = ["Canonical", "resolve", "canonical", "perturbation_of", "MAX_DRAW_D", "MAX_D"]

#: Largest dimension of a drawn perturbation (a d x d eigendecomposition in float64).
MAX_DRAW_D = 2000
#: Largest dimension at all: the target, its eigenvectors and W* are held as d x d float64 matrices
#: (d = 5000 measured 9.6 s and 1.1 GB for one evaluation).
MAX_D = 5000


@dataclass(frozen=True)
class Canonical:
    """The exact problem: depth, targets, initialization, step, thresholds, perturbation."""

    N: int
    sigma: tuple[sp.Rational, ...] | None
    d: int | None
    alpha: sp.Expr | None
    lambda0: sp.Expr | None
    eta: sp.Rational | None
    eps_learn: sp.Rational
    eps_small: sp.Rational
    perturbation: pt.Perturbation | None
    gd_theory: str
    s: sp.Rational | None
    level: sp.Rational | None
    k: int | None

    @property
    def gd(self) -> bool:
        return self.eta is not None

    @property
    def r(self) -> int:
        return 0 if self.sigma is None else len(self.sigma)

    @property
    def lam_hat(self) -> tuple[sp.Rational, ...]:
        """Eigenvalues of ``W^ = W* + E``, decreasing (``sigma`` padded with zeros without a perturbation)."""
        if self.perturbation is None:
            raise ParameterError("this needs the target: give sigma=...")
        return self.perturbation.lam_hat

    @property
    def perturbed(self) -> bool:
        return self.perturbation is not None and self.perturbation.noise != 0

    def init(self) -> dict[str, Any]:
        """``{"alpha": ...}`` when alpha is a rational, else ``{"lambda0": ...}`` (for the closed forms)."""
        self.require_init()
        return {"alpha": self.alpha} if self.alpha.is_Rational else {"lambda0": self.lambda0}

    def require_init(self) -> None:
        if self.lambda0 is None:
            raise ParameterError("missing parameter alpha (the initial scale per layer, W_j(0) = alpha I): give "
                                 "alpha=VALUE, or lambda0=VALUE for the product's initial eigenvalue")

    def setting(self) -> iv.Setting:
        """The interval problem of the perturbed targets ``lam_hat`` (``sigma`` padded with zeros if noiseless)."""
        return _setting(self.lam_hat, self.N, self.eta, self.eps_learn, self.eps_small, **self.init())

    def setting_sigma(self) -> iv.Setting:
        """The interval problem of the noiseless targets ``sigma`` (for the Weyl sandwich and shifts)."""
        if self.sigma is None:
            raise ParameterError("this needs the target: give sigma=...")
        return _setting(self.sigma, self.N, self.eta, self.eps_learn, self.eps_small, **self.init())


@lru_cache(maxsize=64)
def _setting(lam, N, eta, eps_learn, eps_small, alpha=None, lambda0=None) -> iv.Setting:
    return iv.setting(lam, N, alpha=alpha, lambda0=lambda0, eta=eta, eps_learn=eps_learn, eps_small=eps_small)


@lru_cache(maxsize=32)
def _draw(sigma: tuple, d: int, noise: sp.Rational, seed: int) -> pt.Perturbation:
    return pt.draw(sigma, d, noise, seed)


def _diagonal(sigma: tuple, d: int, lam_hat: tuple) -> pt.Perturbation:
    """``W^ = diag(lam_hat)`` with ``E = diag(lam_hat) - diag(sigma, 0)``: the given spectrum with the
    eigenvectors of ``W*`` (``Q = I``)."""
    pad = sigma + (sp.Integer(0),) * (d - len(sigma))
    E = np.diag([float(a - b) for a, b in zip(lam_hat, pad)])
    nz = max(abs(a - b) for a, b in zip(lam_hat, pad))
    return pt.Perturbation(sigma, d, nz, None, E, tuple(lam_hat), np.eye(d), float(nz), 0.0,
                           "lam_hat given exactly; eigenvectors those of W* (E = diag(lam_hat) - diag(sigma, 0))")


def perturbation_of(values: dict[str, Any], given: frozenset[str]) -> pt.Perturbation | None:
    """The perturbation of validated values (None without ``sigma``)."""
    sigma = values.get("sigma")
    if sigma is None:
        return None
    d = int(values["d"])
    if d > MAX_D:
        raise ParameterError(f"d={d} needs d x d float64 matrices (the target, its eigenvectors, W*: about "
                             f"{8 * 3 * d * d / 2**30:.3g} GiB): at most d = {MAX_D}")
    if "lam_hat" in given:
        return _diagonal(tuple(sigma), d, tuple(values["lam_hat"]))
    noise = values.get("noise", sp.Integer(0))
    if noise == 0:
        return _diagonal(tuple(sigma), d, tuple(sigma) + (sp.Integer(0),) * (d - len(sigma)))
    if d > MAX_DRAW_D:
        raise ParameterError(f"d={d} with noise needs a {d} x {d} float64 eigendecomposition (about "
                             f"{8 * 3 * d * d / 2**20:.0f} MiB): at most d = {MAX_DRAW_D}, or give lam_hat")
    return _draw(tuple(sigma), d, noise, int(values["noise_seed"]))


def _float(x: sp.Expr) -> float:
    return float(to_mp(x, 20))


def resolve(values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
    """Cross-parameter rules and defaults (see the module docstring); one-line errors."""
    values = dict(values)
    if values.get("preset") is not None:
        _apply_preset(values, given)
    N = int(values["N"]) if "N" in values else None
    sigma = values.get("sigma")
    if sigma is None:
        for name in ("lam_hat", "d"):
            if name in given:
                raise ParameterError(f"{name} needs the target: give sigma=... (the eigenvalues of W*)")
        if values.get("noise", 0) != 0:
            raise ParameterError("noise needs the target: give sigma=... (the eigenvalues of W*)")
        if "k" in given:
            raise ParameterError("k needs the target: give sigma=... (the eigenvalues of W*)")
    else:
        r = len(sigma)
        if "d" not in values:
            values["d"] = sp.Integer(r)
        elif values["d"] < r:
            raise ParameterError(f"d={values['d']} is smaller than r = len(sigma) = {r}: the dimension must hold "
                                 "the target (d >= r)")
        if "lam_hat" in given:
            if "noise_seed" in given:
                raise ParameterError("noise_seed goes with noise, not with lam_hat (a given spectrum has no seed)")
            if len(values["lam_hat"]) != values["d"]:
                raise ParameterError(f"lam_hat has {len(values['lam_hat'])} entries: it must have d = {values['d']} "
                                     "(the eigenvalues of W^ = W* + E)")
    for name in ("eps_learn", "eps_small"):
        if name not in values:
            values[name] = values["eps"]
    P = perturbation_of(values, given)
    if P is not None and "lam_hat" in given:
        values["noise"] = P.noise
    lam = None if P is None else P.lam_hat
    if lam is not None and not lam[0] > 0:
        raise ParameterError(f"the largest eigenvalue of W^ = W* + E is {float(lam[0]):.6g} <= 0: nothing is "
                             "learned (noise must stay below sigma_1)")
    if "k" in given and lam is not None:
        top = sum(1 for v in lam if v > 0)
        if values["k"] > top:
            raise ParameterError(f"k={values['k']} is out of range: 1 <= k <= {top} (the number of positive "
                                 "eigenvalues of W^ = W* + E)")
    eta = values.get("eta")
    if eta is not None and N is not None:
        _check_eta(eta, N, lam if lam is not None else ((values["s"],) if "s" in values else ()), values)
    return values


_ALTERNATIVES = {"alpha": "lambda0", "lambda0": "alpha", "noise": "lam_hat", "lam_hat": "noise"}


def _apply_preset(values: dict[str, Any], given: frozenset[str]) -> None:
    """Fill the parameters the user did not give (nor their alternative) from the named preset."""
    from .presets import preset

    for name, value in preset(values["preset"]).params.items():
        if name in given or _ALTERNATIVES.get(name) in given:
            continue
        values[name] = sp.Integer(value) if isinstance(value, int) else value


def _check_eta(eta: sp.Rational, N: int, targets: tuple, values: dict[str, Any]) -> None:
    pos = [v for v in targets if v > 0]
    if pos:
        s_max = max(pos)
        p = p_exponent(sp.Integer(N))
        c = eta * N * s_max**p
        if exact_sign(c - 2) >= 0:
            bound = 2 / (N * s_max**p)
            raise ParameterError(
                f"eta={eta} is unstable: eta N s_max^(2-2/N) = {_float(c):.6g} must be < 2 (<= 1 for monotone GD), "
                f"s_max = {_float(s_max):.6g}: use eta < {_float(bound):.6g}")
    neg = [v for v in targets if v < 0]
    l0 = values.get("lambda0")
    a = values.get("alpha")
    if neg and (a is not None or l0 is not None):
        w0 = a if a is not None else sp.root(l0, N)
        l0 = a**N if a is not None else l0
        worst = -min(neg)
        m = 1 - eta * w0 ** (N - 2) * (worst + l0)
        if exact_sign(m) <= 0:
            raise ParameterError(
                f"eta={eta} overshoots the negative eigenvalue {_float(-worst):.6g} of W^: a negative target needs "
                f"eta alpha^(N-2) (|s| + alpha^N) < 1, here {_float(1 - m):.6g}")


def canonical(params: Params, *, need: tuple[str, ...] = (), dynamics: bool = True) -> Canonical:
    """The exact canonical problem of *params*; *need* lists the parameters that must be present
    (``"init"``: alpha or lambda0).

    ``dynamics`` is accepted for the common interface (no dynamics-only rule here).
    """
    for name in need:
        if name == "init":
            if "alpha" not in params and "lambda0" not in params:
                raise ParameterError("missing parameter alpha (the initial scale per layer, W_j(0) = alpha I): give "
                                     "alpha=VALUE, or lambda0=VALUE for the product's initial eigenvalue")
        else:
            params.require(name)
    v = params.values
    N = int(v["N"]) if "N" in v else None
    if N is None and need:
        params.require("N")
    alpha, lambda0 = v.get("alpha"), v.get("lambda0")
    if N is not None:
        if alpha is not None:
            lambda0 = alpha**N
        elif lambda0 is not None:
            alpha = sp.root(lambda0, N)
    P = perturbation_of(dict(v), params.given)
    return Canonical(
        N=N, sigma=v.get("sigma"), d=None if v.get("d") is None else int(v["d"]), alpha=alpha, lambda0=lambda0,
        eta=v.get("eta"), eps_learn=v["eps_learn"], eps_small=v["eps_small"], perturbation=P,
        gd_theory=v["gd_theory"], s=v.get("s"), level=v.get("level"),
        k=None if v.get("k") is None else int(v["k"]))
