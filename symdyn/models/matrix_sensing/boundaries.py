"""The quantities of the matrix-sensing model (``symdyn boundary matrix-sensing QUANTITY ...``).

* ``learning-time`` (``k``): without ``eta`` the exact first root of ``lambda_k(P(t)) = level
  sigma_k`` of the Riccati closed form (:func:`.learning.learning_time`), with the alpha -> 0
  formula and its error order ``O(alpha^(2 gamma_k))`` as an approximation (its deviation is
  the exact minus limit difference); with ``eta`` the exact hitting step of the scalar map
  ``lambda <- lambda (1 + mu (sigma_k - lambda))^2`` from ``alpha^2 c_k``
  (:func:`.learning.learning_step`) with the flow, modified-equation, logarithmic and
  leading-order estimates.  A component ``k > r`` has ``c_k = 0``: the value is ``inf`` with
  a note saying why.
* ``plateau-length`` (``k``), ``init-constants``, ``plateau-loss`` (``k``), ``step-condition``.

All are full-observation quantities; with ``m`` measurements they are the ``delta -> 0``
values and a note says so (the per-draw predictions come from ``symdyn check``).

>>> import symdyn as sd
>>> m = sd.model("matrix-sensing")
>>> q = m.boundary("learning-time", m.params(sigma="3,2,1", d="12", r="2", alpha="1e-6", k="3"))
>>> q.to_json()["value"], q.note[:9]
('inf', 'c_k = 0 e')
"""

from __future__ import annotations

from typing import Any

import mpmath as mp
import sympy as sp

from ...results import Approximation, Quantity
from . import learning
from .instance import init_constants

__all__ = ["COMPUTED", "boundary_exact"]

_SHORT = 60  # exact rationals longer than this (the c_k of a float64 Ubar) are given by their value only


def _approx(a: learning.Approximation, key: str, value: Any = None, dps: int = 30) -> Approximation:
    dev = {}
    if value is not None and mp.isfinite(a.value) and mp.isfinite(value):
        with mp.workdps(dps + 5):
            dev = {key: value - a.value}
    return Approximation(a.name, {key: a.value}, a.description, a.order, deviation=dev)


def _sensing_note(can) -> str:
    if not can.sensing:
        return ""
    return (f"full-observation value (the limit of sensing as delta -> 0); with m = {can.m} measurements the "
            "per-draw prediction is the GLRL race, compared by `symdyn check`")


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def learning_time(model, params, *, dps: int = 30, certify: bool = False) -> Quantity:
    can = model.canonical(params, need=("k",))
    s, k = can.setting, can.k
    if can.gd:
        st = learning.learning_step(s, k, can.eta, dps=dps)
        learned = mp.isfinite(st.value)
        value = mp.mpf(st.value) if learned else mp.inf
        g = learning.gamma(s.sigma, k)
        approx = tuple(_approx(a, "step", value, dps) for a in st.approximations)
        approx = tuple(Approximation(a.name, a.values, a.description, a.error + (
            f", plus O(alpha^({sp.sstr(2 * g)})) of the alpha -> 0 formula (gamma_k = {g})" if a.name == "flow" else ""),
            deviation=a.deviation) for a in approx)
        return Quantity(model=model.name, quantity="learning-time", params=params, dps=dps, values={"step": value},
                        exact={"step": sp.Integer(st.value)} if learned else {}, method=st.method, regime=s.regime,
                        note=_join(*st.notes, _sensing_note(can)), approximations=approx)
    lt = learning.learning_time(s, k, dps=dps)
    if not lt.learned:
        return Quantity(model=model.name, quantity="learning-time", params=params, dps=dps, values={"time": mp.inf},
                        exact={}, method=lt.method, regime=s.regime, note=_join(*lt.notes, _sensing_note(can)))
    approx = tuple(_approx(a, "time", lt.value, dps) for a in lt.approximations)
    approx = tuple(Approximation(a.name, a.values, a.description, f"{a.error} with gamma_k = {lt.gamma}",
                                 deviation=a.deviation) for a in approx)
    note = (f"error estimate {mp.nstr(lt.error, 3)}; exact minus alpha -> 0 limit = {mp.nstr(lt.difference, 5)} "
            f"(predicted order alpha^(2 gamma_k), gamma_k = {lt.gamma}); {lt.evaluations} evaluations at "
            f"{lt.working_dps} working digits")
    return Quantity(model=model.name, quantity="learning-time", params=params, dps=dps,
                    values={"time": lt.value, "error_estimate": lt.error, "difference_to_limit": lt.difference},
                    exact={}, method=lt.method, regime=s.regime, note=_join(note, *lt.notes, _sensing_note(can)),
                    approximations=approx)


def plateau_length(model, params, *, dps: int = 30, certify: bool = False) -> Quantity:
    can = model.canonical(params, need=("k",))
    pl = learning.plateau_length(can.setting, can.k, eta=can.eta, dps=dps)
    key = "steps" if can.gd else "length"
    value = mp.mpf(pl.value) if mp.isfinite(pl.value) else mp.inf
    approx = ()
    if mp.isfinite(value):
        approx = (Approximation("alpha->0", {key: pl.limit}, "difference of the alpha -> 0 formulas "
                                "(GD: of the flow estimates t_k/eta)", "O(1)",
                                deviation={key: value - pl.limit}),
                  Approximation("leading", {key: pl.leading}, "log(1/alpha) (1/sigma_(k+1) - 1/sigma_k), divided by "
                                "4 loss_scale (GD: by mu)", "relative O(1/log(1/alpha))"))
    exact = {key: sp.Integer(pl.value)} if can.gd and mp.isfinite(value) else {}
    values = {key: value} if pl.error is None else {key: value, "error_estimate": pl.error}
    return Quantity(model=model.name, quantity="plateau-length", params=params, dps=dps, values=values, exact=exact,
                    method=pl.method, regime=can.setting.regime, note=_join(*pl.notes, _sensing_note(can)),
                    approximations=approx)


def _regime(params) -> str | None:
    from .setting import EXACT, OVER, UNDER

    if "r" not in params or "sigma" not in params:
        return None
    r, rs = int(params["r"]), len(params["sigma"])
    return OVER if r > rs else EXACT if r == rs else UNDER


def _sensing(params) -> str:
    m = params.get("m")
    return "" if m in (None, "inf") else "sensing: the plateau is at the sensing minimizer Z_k, loss f(Z_k)"


def constants(model, params, *, dps: int = 30, certify: bool = False) -> Quantity:
    params.require("sigma", "d", "r", purpose="the init constants")
    sigma, d, r = params["sigma"], int(params["d"]), int(params["r"])
    c = init_constants(d, r, len(sigma), int(params["init_seed"]), dps=dps)
    values = {f"c_{k + 1}": v for k, v in enumerate(c.values)}
    exact = {f"c_{k + 1}": v for k, v in enumerate(c.exact) if len(sp.sstr(v)) <= _SHORT}
    note = _join(f"the c_k are exact rationals (the float64 entries of Ubar are dyadic); the two routes differ by "
                 f"{mp.nstr(c.error, 3)} relative", *c.notes)
    return Quantity(model=model.name, quantity="init-constants", params=params, dps=dps, values=values, exact=exact,
                    method=c.method, regime=_regime(params), note=note)


def plateau_loss(model, params, *, dps: int = 30, certify: bool = False) -> Quantity:
    from ...errors import ParameterError
    from ...exact import to_mp

    params.require("sigma", "r", "k", purpose="plateau-loss")
    sigma, r, k = params["sigma"], int(params["r"]), int(params["k"])
    learnable = min(r, len(sigma))
    if k > learnable:
        raise ParameterError(f"k={k}: plateau-loss needs k <= min(r, len(sigma)) = {learnable} (the plateau after "
                             f"k components; with r = {r} columns at most {learnable} are learned)")
    loss = params["loss_scale"] * sum((x ** 2 for x in sigma[k:]), sp.Integer(0))
    return Quantity(model=model.name, quantity="plateau-loss", params=params, dps=dps, values={"loss": to_mp(loss, dps)},
                    exact={"loss": loss}, method="critical point P_{1..k} of the full-observation loss (exact): "
                    "loss_scale sum_(i > k) sigma_i^2", regime=_regime(params), note=_sensing(params))


def step_condition(model, params, *, dps: int = 30, certify: bool = False) -> Quantity:
    from ...exact import to_mp

    params.require("sigma", "eta", purpose="step-condition")
    rate, s1, eta = 4 * params["loss_scale"], params["sigma"][0], params["eta"]
    p = rate * eta * s1
    exact = {"mu_sigma_1": p, "stability_margin": 1 - p, "monotone_margin": sp.Rational(1, 2) - p,
             "eta_stable_below": 1 / (rate * s1), "eta_monotone_up_to": 1 / (2 * rate * s1)}
    verdict = ("stable and monotone (no overshoot)" if p <= sp.Rational(1, 2) else "stable, not monotone (mu sigma_1 "
               "> 1/2: the scalar map overshoots)")
    return Quantity(model=model.name, quantity="step-condition", params=params, dps=dps,
                    values={k: to_mp(v, dps) for k, v in exact.items()}, exact=exact,
                    method="exact rational conditions of the scalar map (spec 2.4), mu = 4 loss_scale eta",
                    regime=_regime(params), note=_join(verdict, "with sensing replace sigma_1 by (1 + delta) sigma_1 "
                                                       "(RIP constant delta)"))


COMPUTED = {
    "learning-time": learning_time,
    "plateau-length": plateau_length,
    "init-constants": constants,
    "plateau-loss": plateau_loss,
    "step-condition": step_condition,
}


def boundary_exact(model, quantity: str, params):  # pragma: no cover - every quantity is in COMPUTED
    raise KeyError(quantity)
