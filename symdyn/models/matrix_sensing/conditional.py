"""The theory of each simulated trial: learning steps, the linear phase and the plateaus.

The predictions are per instance (spec 2.3-2.7): under full observation the instance is
``Ubar`` alone (every trial is the same), under sensing it is also the trial's measurement
operator, kept by the simulator (:class:`.simulation.TrialInstance`).  For each trial:

* **learning steps** ``learning_step_k``: full observation, the exact hitting step of the
  scalar map from ``alpha^2 c_k`` (GD) or the exact Riccati root (flow); sensing, the GLRL
  race on the trial's operator (:func:`.glrl.glrl_race`, the matrix race).  Components
  ``k > min(r, r*)`` are never learned (``inf``); a prediction beyond the simulated horizon
  is ``inf`` too (not reached), and one within the tolerance of the horizon has no
  prediction (too close to call);
* **the linear phase** (before the first component reaches ``PLATEAU_TOL/2 sigma_min``):
  ``U_n = (I + mu M_0)^n U0`` (GD) or ``e^(tau M_0) U0`` (flow), ``M_0 = A*A(X*)`` (``X*``
  under full observation), exact up to a relative ``O(lambda_1/sigma_1)``; every observable
  is computed from it;
* **the plateaus**: once components ``1..s`` are within ``PLATEAU_TOL/2`` of their limits and
  before component ``s+1`` reaches ``PLATEAU_TOL/2 sigma_min`` (windows from the scalar map of
  the race's last stage), ``UU^T`` sits at ``Z_s``: ``lambda = lambda(Z_s)``, ``loss = f(Z_s)``,
  ``truncation_distance = ||Z_s - X*_s||_F`` (full observation: ``P_s``, ``f = loss_scale
  sum_(i > s) sigma_i^2``, distance 0); after the last component, the final state;
* inside a transition there is no prediction (``nan``: the row is excluded).

Under the full-observation flow the observables are predicted exactly at every time by the
closed form (the shared prediction); only the events come from here.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ...check import ConditionalPredictions
from .dynamics import erank_of
from .glrl import glrl_race, saturating_map_steps
from .learning import learning_step, learning_time
from .instance import draw_ubar, init_constants
from .tolerances import PLATEAU_TOL, event_tolerance

__all__ = ["conditional_predictions", "InstanceTheory"]


class InstanceTheory:
    """The theory of one instance (a measurement operator, or ``None`` for full observation).

    Times are in the spec's units throughout (GD steps, or the spec's time ``tau = 4
    loss_scale t`` for the flow).
    """

    def __init__(self, can, operator, *, dps: int = 20) -> None:
        s = self.setting = can.setting
        self.can, self.op = can, operator
        self.mu = None if can.mu is None else float(can.mu)
        self.rate = float(s.rate)
        L = self.L = s.learnable
        sig = self.sig = np.array([float(x) for x in s.sigma])
        self.level = float(s.level)
        self.X = np.zeros(s.d)
        self.X[: s.r_star] = sig
        self.U0 = float(s.alpha) * np.array(draw_ubar(s.d, s.r, s.init_seed))
        tol = PLATEAU_TOL / 2
        self.race = None
        if operator is None:
            if can.gd:
                steps = [float(learning_step(s, k, can.eta, dps=dps).value) for k in range(1, L + 1)]
            else:
                steps = [float(learning_time(s, k, dps=dps).value) * self.rate for k in range(1, L + 1)]
            c = init_constants(s.d, s.r, s.r_star, s.init_seed, dps=dps).values
            zeta = sig[:L]
            rho = sig[:L]
            quiet = [self._duration(float(s.alpha) ** 2 * float(c[k]), tol * sig[-1], sig[k]) for k in range(L)]
            self.M0 = (np.eye(s.d), self.X.copy())
            self.plateaus = [self._plateau(np.concatenate([sig[:j], np.zeros(s.r - j)]),
                                           float(s.loss_scale) * float(np.sum(sig[j:] ** 2)), 0.0, j)
                             for j in range(L + 1)]
        else:
            race = self.race = glrl_race(s, operator, can.eta)
            steps = list(race.spec_steps)
            zeta, rates = race.saturation, race.rates
            rho = np.array([rates[k, k] for k in range(L)])
            q = tol * min(float(sig[-1]), float(np.min(zeta)))
            quiet = []
            for k in range(L):
                begin = 0.0 if k == 0 else steps[k - 1]
                if race.starts[k] < q:
                    quiet.append(begin + saturating_map_steps(race.starts[k], rho[k], zeta[k], q, self.mu))
                elif k == 0:
                    quiet.append(0.0)
                else:
                    per = 2 * math.log1p(self.mu * rates[k - 1, k]) if self.mu is not None else 2 * rates[k - 1, k]
                    quiet.append(begin - math.log(race.starts[k] / q) / per if per > 0 else -math.inf)
            ev, V = np.linalg.eigh(operator.apply(np.diag(self.X)))
            self.M0 = (V, ev)
            self.plateaus = []
            for j, zm in enumerate(race.minimizers):
                lam = np.concatenate([zm.eigenvalues[:j], np.zeros(s.r - j)])
                self.plateaus.append(self._plateau(lam, zm.loss, zm.distance_to_truncation, j))
        self.steps = steps
        self.quiet = quiet
        self.settle = [steps[k] + saturating_map_steps(self.level * sig[k], rho[k], zeta[k], (1 - tol) * zeta[k],
                                                       self.mu) for k in range(L)]

    def _duration(self, lam0: float, lam1: float, s: float) -> float:
        """Spec time (or GD steps) of linear growth from *lam0* to *lam1* at rate *s*."""
        if lam0 >= lam1:
            return 0.0
        per = 2 * math.log1p(self.mu * s) if self.mu is not None else 2 * s
        return math.log(lam1 / lam0) / per

    def _plateau(self, lam: np.ndarray, loss: float, dist: float, rank: int) -> dict[str, float]:
        out = {f"lambda_{i + 1}": float(v) for i, v in enumerate(lam)}
        out.update(loss=float(loss), erank=float(erank_of(lam[None, :rank])[0]) if rank else math.nan,
                   rank=float(rank), truncation_distance=float(dist))
        return out

    def linear(self, u: float) -> dict[str, float]:
        """Every observable of the linear phase at spec time (or step) *u*."""
        V, ev = self.M0
        g = np.power(1 + self.mu * ev, u) if self.mu is not None else np.exp(ev * u)
        U = V @ (g[:, None] * (V.T @ self.U0))
        lam = np.sort(np.linalg.svd(U, compute_uv=False) ** 2)[::-1]
        P = U @ U.T
        R = P - np.diag(self.X)
        scale = float(self.setting.loss_scale)
        loss = scale * (float(np.sum(R * R)) if self.op is None else self.op.quadratic(R))
        rank = int(np.sum(lam[: self.L] >= self.level * self.sig[: self.L]))
        T = P.copy()
        T[np.arange(rank), np.arange(rank)] -= self.sig[:rank]
        out = {f"lambda_{i + 1}": float(v) for i, v in enumerate(lam)}
        out.update(loss=loss, erank=float(erank_of(lam[None, :])[0]), rank=float(rank),
                   truncation_distance=float(np.linalg.norm(T)))
        return out

    def predict(self, u: float) -> dict[str, float] | None:
        """The observables at spec time (or step) *u*, or ``None`` inside a transition."""
        if u <= self.quiet[0]:
            return self.linear(u)
        done = [k for k in range(self.L) if self.settle[k] <= u]
        s = len(done)
        if s == 0 or done != list(range(s)):
            return None
        if s == self.L or u <= self.quiet[s]:
            return self.plateaus[s]
        return None

    def events(self, horizon: float) -> dict[str, float]:
        """``learning_step_k`` in the user's units, censored at the simulated *horizon* (user units)."""
        rel, ab = event_tolerance(self.can)
        out = {}
        for k in range(1, self.setting.r_star + 1):
            if k > self.L:
                out[f"learning_step_{k}"] = math.inf
                continue
            value = self.steps[k - 1] if self.mu is not None else self.steps[k - 1] / self.rate
            slack = ab + rel * abs(value)
            out[f"learning_step_{k}"] = (math.inf if value > horizon + slack else
                                         math.nan if value > horizon - slack else value)
        return out


def conditional_predictions(model, params, sim, *, dps: int = 30,
                            observables: Sequence[str] | None = None) -> ConditionalPredictions:
    """Per-trial predictions of a :class:`~.simulation.MatrixSensingSimulator` run (see the module docstring)."""
    can = model.canonical(params)
    names = [o for o in (observables if observables is not None else sim.values) if o in sim.values]
    times = [float(t) for t in sim.times]
    units = [t if can.gd else t * float(can.setting.rate) for t in times]
    exact_flow = not can.gd and not can.sensing
    trials = sim.trials
    values = {o: np.full((trials, len(times)), np.nan) for o in names}
    events: dict[str, np.ndarray] = {}
    shared: InstanceTheory | None = None
    for i, inst in enumerate(sim.instances):
        if inst.operator is None:
            shared = shared or InstanceTheory(can, None, dps=min(dps, 20))
            theory = shared
        else:
            theory = InstanceTheory(can, inst.operator, dps=min(dps, 20))
        for name, v in theory.events(inst.horizon).items():
            events.setdefault(name, np.empty(trials))[i] = v
        if exact_flow:
            continue
        for j, u in enumerate(units):
            pred = theory.predict(u)
            if pred is not None:
                for o in names:
                    values[o][i, j] = pred[o]
    if can.sensing:
        what = ("given each trial's measurement operator: learning steps from the GLRL (matrix) race, the linear "
                "phase U = (I + mu A*A(X*))^n U0, the plateaus at the sensing minimizers Z_s; rows inside a "
                "transition have no prediction")
    elif exact_flow:
        what = "learning times: exact roots of the Riccati closed form (the observables: the closed form itself)"
    else:
        what = ("learning steps: exact hitting steps of the scalar map from alpha^2 c_k; the linear phase "
                "U = (I + mu X*)^n U0 and the plateaus P_s; rows inside a transition have no prediction")
    return ConditionalPredictions(values={} if exact_flow else values, events=events, description=what)
