"""A synthetic model with known truth for the checker's statistics (generic over models).

``ToyModel`` predicts ``x(t) = mu e^{-t}`` and ``y(t) = mu (1 - e^{-t})``; its
simulator returns ``prediction + shift + bias/n + noise`` where the noise has
standard deviation ``sd/sqrt(n)`` per row and correlation ``rho`` between all
rows of one trial (one common factor).  ``shift`` plays a wrong theory,
``bias`` a finite-size bias of order ``1/n``.  Other tests import it.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from symdyn.models.base import Model, ObservableSpec
from symdyn.params import Interval, ParamSpec
from symdyn.results import Estimate, Trajectory
from symdyn.simulate.result import SimulationResult, Simulator, spawn_streams


class ToySimulator(Simulator):
    def __init__(self, model: "ToyModel") -> None:
        self.model = model

    def observables(self, params) -> tuple[str, ...]:
        return ("x", "y")

    def memory_estimate(self, params, n: int, method: str = "auto") -> int:
        return 16 * n

    def run(self, params, times: Sequence[Any], *, n: int, trials: int, seed: int = 0, method: str = "auto",
            observables=None, progress=None) -> SimulationResult:
        times = self.model.parse_times(params, list(times))
        obs = tuple(observables) if observables is not None else ("x", "y")
        mu, rho, sd_, shift, bias = (float(params[k]) for k in ("mu", "rho", "sd", "shift", "bias"))
        T = len(times)
        tf = np.array([float(t) for t in times])
        truth = {"x": mu * np.exp(-tf), "y": mu * (1 - np.exp(-tf))}
        scale = sd_ / math.sqrt(n)
        vals = {o: np.empty((trials, T)) for o in obs}
        amp = np.empty(trials)
        for i, rng in enumerate(spawn_streams(seed, trials)):
            common = rng.standard_normal()
            own = rng.standard_normal((len(obs), T))
            noise = scale * (math.sqrt(rho) * common + math.sqrt(1 - rho) * own)
            k = float(params["tails"])
            if k > 0:  # centred, standardised gamma noise of shape k: skewness 2/sqrt(k)
                noise = scale * (rng.gamma(k, size=(len(obs), T)) - k) / math.sqrt(k)
            for k, o in enumerate(obs):
                vals[o][i] = truth[o] + shift + bias / n + noise[k]
            amp[i] = rng.standard_normal()
        return SimulationResult(model=self.model.name, params=params, sizes={"n": n}, trials=trials, root_seed=seed,
                                times=tuple(times), time_name="t", values=vals, method="toy", seconds=0.0,
                                memory_bytes=16 * n, effective={}, extra={"amplitude": amp})


class ToyModel(Model):
    name = "toy"
    title = "Toy model with known truth"
    summary = "x = mu exp(-t), y = mu (1 - exp(-t)) plus Gaussian noise sd/sqrt(n), correlation rho"
    parameter_specs = (
        ParamSpec("mu", "scale", Interval(), default="1"),
        ParamSpec("rho", "correlation of the rows of a trial", Interval(lo=0, hi=1, hi_closed=False), default="0"),
        ParamSpec("sd", "per-trial s.d. times sqrt(n)", Interval(lo=0, lo_closed=False), default="1/2"),
        ParamSpec("shift", "offset of the simulation from the theory (a wrong theory)", Interval(), default="0"),
        ParamSpec("bias", "finite-size bias times n", Interval(), default="0"),
        ParamSpec("tails", "0: Gaussian noise; k > 0: centred gamma(k) noise, skewness 2/sqrt(k)", Interval(lo=0),
                  default="0"),
    )
    observable_specs = (ObservableSpec("x", "decaying", "x(t)"), ObservableSpec("y", "growing", "y(t)"))
    quantity_specs = ()
    citations = ()
    capabilities = frozenset({"evaluate", "simulate"})
    convergence_slope = -0.5  # the noise is sd/sqrt(n)

    def evaluate(self, params, times, *, dps=30, observables=None, progress=None, **options) -> Trajectory:
        times = self.parse_times(params, list(times))
        obs = tuple(observables) if observables is not None else ("x", "y")
        with mp.workdps(dps):
            mu = mp.mpf(sp.Rational(params["mu"]).p) / sp.Rational(params["mu"]).q
            vals = {"x": [mu * mp.exp(-mp.mpf(t.p) / t.q) for t in times],
                    "y": [mu * (1 - mp.exp(-mp.mpf(t.p) / t.q)) for t in times]}
        return Trajectory(model=self.name, params=params, dps=dps, times=tuple(times), time_name="t",
                          observables={o: tuple(Estimate(v, None) for v in vals[o]) for o in obs},
                          method="closed form")

    def simulator(self):
        return ToySimulator(self)


TOY = ToyModel()


def test_toy_model_is_what_it_says():
    p = TOY.params(mu="2", sd="1")
    traj = TOY.evaluate(p, ["0", "1"])
    assert float(traj["x"][0]) == 2.0 and abs(float(traj["y"][1]) - 2 * (1 - math.exp(-1))) < 1e-15
    sim = TOY.simulator().run(p, ["0", "1"], n=400, trials=4000, seed=1)
    # mean and spread of the synthetic simulation: the truth the checker is tested against
    assert np.allclose(sim.mean("x"), [2.0, 2 * math.exp(-1)], atol=5 * 0.05 / math.sqrt(4000) * 3)
    assert np.allclose(sim.values["x"].std(axis=0), 1 / math.sqrt(400), rtol=0.05)
    corr = np.corrcoef(TOY.simulator().run(TOY.params(rho="9/10"), ["1"], n=100, trials=3000, seed=2).values["x"][:, 0],
                       TOY.simulator().run(TOY.params(rho="9/10"), ["1"], n=100, trials=3000, seed=2).values["y"][:, 0])
    assert corr[0, 1] == pytest.approx(0.9, abs=0.02)
