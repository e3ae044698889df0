"""A third kind of model, end to end: a vector parameter, an indexed family, a seeded instance,
per-trial (conditional) predictions, scalar events checked with t = null, a tolerance with one trial.

``InstanceToy`` has weights ``w = (w_1 > w_2 > ...)``, an initialization ``u_i`` drawn from
``init_seed`` (shared by theory and simulation) and, per trial, a random rate perturbation
``b_i ~ spread N(0, 1)`` drawn from the trial's seed stream (the trial's *instance*).  Its
observables are ``z_i(t) = u_i w_i (1 - exp(-t (1 + b_i)/w_i))`` and its events the hitting times
``hit_i`` of ``z_i = level u_i w_i``: ``-w_i log(1 - level)/(1 + b_i)``.  The theory without the
instance (``b = 0``) is the quantity ``hit-time``; given each trial's instance it is exact, so the
deterministic simulator is checked with a tolerance.  ``shift`` plays a wrong theory.
"""

from __future__ import annotations

import json
import math
from typing import Any, Sequence

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symdyn as sd
from symdyn.check import ConditionalPredictions, MeanTest, PairedTest, Tolerance, check
from symdyn.errors import ParameterError, UnsupportedError
from symdyn.models import register
from symdyn.models.base import EventSpec, Model, ObservableSpec, QuantitySpec
from symdyn.params import Integer, Interval, ParamSpec, Seed, Vector
from symdyn.results import Estimate, Quantity, Trajectory
from symdyn.simulate.driver import run_trials
from symdyn.simulate.result import SimulationResult, Simulator


def _init(params) -> np.ndarray:
    return np.random.default_rng(int(params["init_seed"])).uniform(0.5, 1.5, len(params["w"]))


class InstanceSimulator(Simulator):
    size_name = "n"
    size_help = "unused (the toy's instances have no size)"
    deterministic = True

    def __init__(self, model: "InstanceToy") -> None:
        self.model = model

    def observables(self, params) -> tuple[str, ...]:
        return self.model.observable_names(params)

    def memory_estimate(self, params, n: int, method: str = "auto") -> int:
        return 64 * len(params["w"])

    def run(self, params, times: Sequence[Any], *, n: int, trials: int, seed: int = 0, method: str = "auto",
            observables=None, progress=None) -> SimulationResult:
        times = self.model.parse_times(params, list(times))
        names = self.model.check_observables(params, observables)
        w = np.array([float(x) for x in params["w"]])
        u, level, spread, shift = _init(params), float(params["level"]), float(params["spread"]), float(params["shift"])
        tf = np.array([float(t) for t in times])
        instances: list[np.ndarray] = []
        events: dict[str, np.ndarray] = {f"hit_{i + 1}": np.empty(trials) for i in range(w.size)}

        def trial(rng):
            b = spread * rng.standard_normal(w.size)
            instances.append(b)
            z = u[:, None] * w[:, None] * (1 - np.exp(-tf[None, :] * (1 + b[:, None]) / w[:, None]))
            k = len(instances) - 1
            for i in range(w.size):
                events[f"hit_{i + 1}"][k] = -w[i] * math.log(1 - level) / (1 + b[i]) + shift
            return {f"z_{i + 1}": z[i] + shift for i in range(w.size) if f"z_{i + 1}" in names}, {}

        out = run_trials(trial, trials=trials, seed=seed, observables=names, n_times=len(times), label="toy",
                         progress=progress)
        return SimulationResult(model=self.model.name, params=params, sizes={"n": n}, trials=trials, root_seed=seed,
                                times=tuple(times), time_name="t", values=out.values, method="closed form",
                                seconds=out.seconds, memory_bytes=64 * w.size, events=events,
                                instances=tuple(instances))


class InstanceToy(Model):
    name = "toy-instance"
    title = "Toy model with per-instance predictions"
    summary = "z_i(t) = u_i w_i (1 - exp(-t (1 + b_i)/w_i)); hitting times of z_i = level u_i w_i"
    parameter_specs = (
        ParamSpec("w", "weights, strictly decreasing", Vector(Interval(lo=0, lo_closed=False), order="decreasing",
                                                               max_len=8), default="2,1", latex="w"),
        ParamSpec("level", "hitting level (fraction of u_i w_i)", Interval(lo=0, hi=1, lo_closed=False,
                                                                            hi_closed=False), default="1/2",
                  latex=r"\ell"),
        ParamSpec("init_seed", "seed of the initialization u_i ~ U(1/2, 3/2)", Seed(), default="0"),
        ParamSpec("spread", "s.d. of the per-trial rate perturbation b_i", Interval(lo=0), default="1/10"),
        ParamSpec("shift", "offset of the simulation from the theory (a wrong theory)", Interval(), default="0"),
        ParamSpec("k", "component of the quantity hit-time", Integer(1), optional=True),
    )
    observable_specs = (ObservableSpec("z", "i-th component", r"z_{i}(t)", index="i", size="w"),)
    event_specs = (EventSpec("hit", "hitting time of component i", r"t_{i}", index="i", size="w",
                             quantity="hit-time"),)
    quantity_specs = (QuantitySpec("hit-time", "-w_k log(1 - level) (no perturbation)", ("w", "level", "k"),
                                   index="k"),)
    capabilities = frozenset({"evaluate", "boundary", "simulate", "conditional"})

    def _resolve(self, values, given):
        if values.get("k") is not None and values["k"] > len(values["w"]):
            raise ParameterError(f"k={values['k']} is out of range: w has {len(values['w'])} components")
        return values

    def evaluate(self, params, times, *, dps=30, observables=None, progress=None, **options) -> Trajectory:
        times = self.parse_times(params, list(times))
        names = self.check_observables(params, observables)
        u = _init(params)
        vals = {}
        with mp.workdps(dps + 5):
            for name in names:
                i = int(name.split("_")[1]) - 1
                wi, ui = params["w"][i], mp.mpf(float(u[i]))
                w_mp = mp.mpf(wi.p) / wi.q
                vals[name] = tuple(Estimate(ui * w_mp * (1 - mp.exp(-(mp.mpf(t.p) / t.q) / w_mp)), None)
                                   for t in times)
        return Trajectory(model=self.name, params=params, dps=dps, times=tuple(times), time_name="t",
                          observables=vals, method="closed form")

    def boundary(self, quantity, params, *, dps=30, certify=False) -> Quantity:
        self.quantity(quantity)
        params.require("k", purpose="hit-time")
        k = int(params["k"])
        exact = -params["w"][k - 1] * sp.log(1 - params["level"])
        return Quantity(model=self.name, quantity=quantity, params=params, dps=dps,
                        values={"time": sd.to_mp(exact, dps)}, exact={"time": exact}, method="closed form")

    def conditional_predictions(self, params, sim, *, dps=30, observables=None):
        w = np.array([float(x) for x in params["w"]])
        u, level = _init(params), float(params["level"])
        tf = np.array([float(t) for t in sim.times])
        b = np.array(sim.instances)                                  # (trials, components)
        z = u[None, :, None] * w[None, :, None] * (1 - np.exp(-tf[None, None, :] * (1 + b[:, :, None])
                                                              / w[None, :, None]))
        values = {f"z_{i + 1}": z[:, i, :] for i in range(w.size) if f"z_{i + 1}" in sim.values}
        events = {f"hit_{i + 1}": -w[i] * math.log(1 - level) / (1 + b[:, i]) for i in range(w.size)}
        return ConditionalPredictions(values=values, events=events,
                                      description="given each trial's rate perturbation b_i")

    def default_comparison(self, params):
        return Tolerance(rel=1e-12, abs=1e-12)

    def simulator(self):
        return InstanceSimulator(self)


INSTANCE_TOY = register(InstanceToy(), replace=True)


def _cli(*args):
    from cli_helpers import run_cli

    status, out, err = run_cli(*args)
    return status, out + err


# --------------------------------------------------------------------------- the new parameter and name machinery


def test_vector_and_seed_parameters_parse_validate_and_round_trip():
    p = INSTANCE_TOY.params(w="3,2,1/2", init_seed="7")
    assert p["w"] == (3, 2, sp.Rational(1, 2)) and p["init_seed"] == 7
    again = INSTANCE_TOY.params(**{k: v for k, v in json.loads(json.dumps(p.to_json())).items()})
    assert again.values == p.values
    for bad, fragment in [("1,2", "decreasing"), ("3,,1", "entry 2"), ("3,x", "entry 2"), ("3,-1", "entry 2"),
                          ("9,8,7,6,5,4,3,2,1", "9 entries")]:
        with pytest.raises(ParameterError, match=fragment):
            INSTANCE_TOY.params(w=bad)
    with pytest.raises(ParameterError, match="seed"):
        INSTANCE_TOY.params(init_seed="-1")


def test_indexed_families_expand_with_the_parameters():
    p = INSTANCE_TOY.params(w="3,2,1")
    assert INSTANCE_TOY.observable_names(p) == ("z_1", "z_2", "z_3")
    assert INSTANCE_TOY.event_names(p) == ("hit_1", "hit_2", "hit_3")
    assert INSTANCE_TOY.observable("z_3", p).latex_of("z_3") == "z_{3}(t)"
    with pytest.raises(ParameterError, match="z_4"):
        INSTANCE_TOY.observable("z_4", p)
    assert INSTANCE_TOY.event_quantity("hit_2", p)[1]["k"] == 2


# --------------------------------------------------------------------------- the check


def test_per_trial_predictions_and_events_pass_a_tolerance_with_one_trial():
    p = INSTANCE_TOY.params(w="3,2,1")
    res = check(INSTANCE_TOY, p, size=1, seeds=1, times=["0", "1", "2"])
    assert res.passed and res.comparison.name == "tolerance"
    events = [r for r in res.rows if r.t is None]
    assert [r.observable for r in events] == ["hit_1", "hit_2", "hit_3"]
    assert all(r.test == "tolerance" and r.max_deviation < 1e-12 for r in res.rows)


def test_a_wrong_theory_is_rejected_by_the_tolerance():
    res = check(INSTANCE_TOY, INSTANCE_TOY.params(w="3,2,1", shift="1e-6"), size=1, seeds=1, times=["1"])
    assert not res.passed and {r.observable for r in res.rejected_rows} == {"z_1", "z_2", "z_3", "hit_1", "hit_2",
                                                                          "hit_3"}


def test_the_shared_prediction_misses_the_instances():
    # without conditioning on the trials' perturbations the events differ by ~spread: a tolerance rejects
    class Unconditioned(InstanceToy):
        name = "toy-instance-unconditioned"
        capabilities = frozenset({"evaluate", "boundary", "simulate"})

    res = check(Unconditioned(), Unconditioned().params(w="3,2,1"), size=1, seeds=3, times=["1"])
    assert not res.passed and all(r.rejected for r in res.rows)


def test_per_trial_predictions_need_the_paired_test_not_the_mean_test():
    p = INSTANCE_TOY.params(w="2,1")
    with pytest.raises(ParameterError, match="paired"):
        check(INSTANCE_TOY, p, size=1, seeds=4, times=["1"], comparison=MeanTest())
    ok = check(INSTANCE_TOY, p, size=1, seeds=30, times=["1"], comparison=PairedTest())
    assert ok.passed and all(r.test == "paired" for r in ok.rows)
    bad = check(INSTANCE_TOY, INSTANCE_TOY.params(w="2,1", shift="1e-3"), size=1, seeds=30, times=["1"],
                comparison=PairedTest())
    assert not bad.passed


def test_check_json_from_the_command_line_has_event_rows_with_null_time():
    code, out = _cli("check", "toy-instance", "w=3,2,1", "--n", "1", "--seeds", "1", "--t", "0,1", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["passed"] is True and data["test"]["method"] == "tolerance"
    rows = {r["observable"]: r for r in data["rows"]}
    assert rows["hit_2"]["t"] is None and rows["hit_2"]["passed"] is True
    assert all(k in rows["hit_2"] for k in ("observable", "t", "theory", "mean", "passed"))
    code, out = _cli("check", "toy-instance", "w=3,2,1", "shift=1e-6", "--n", "1", "--seeds", "1", "--t", "1",
                     "--json")
    assert code == 1 and json.loads(out)["passed"] is False


def test_undeclared_views_are_refused_clearly():
    p = INSTANCE_TOY.params()
    with pytest.raises(UnsupportedError, match="has no limit"):
        INSTANCE_TOY.limit(p)
    code, out = _cli("limit", "toy-instance")
    assert code == 2 and "model toy-instance has no limit" in out and out.count("\n") == 1
