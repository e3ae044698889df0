"""Generic checker additions: bound rows (events compared with a quantity by <= or >=), simulators whose size is
fixed by a parameter, a deterministic simulator's default of one trial, and order checks of asymptotics in a
small parameter.

``BoundToy`` has a dimension parameter ``m`` that fixes its simulator's size and a deterministic "hitting step"
``hit = 10 m + shift``; its quantity ``window`` says ``lower = 10 m - slack_lo <= hit <= upper = 10 m + slack_hi``.
The events ``hit_exact`` (==), ``hit_below`` (<= upper) and ``hit_above`` (>= lower) are one measured value
compared three ways.
"""

from __future__ import annotations

import json

import mpmath as mp
import numpy as np
import pytest

from symdyn.asymptotics import order_check
from symdyn.check import MeanTest, PairedTest, Tolerance, check
from symdyn.errors import ParameterError
from symdyn.models import register
from symdyn.models.base import EventSpec, Model, ObservableSpec, QuantitySpec
from symdyn.params import Integer, Interval, ParamSpec
from symdyn.results import Estimate, Quantity, Trajectory
from symdyn.simulate.result import SimulationResult, Simulator


class BoundSimulator(Simulator):
    size_name = "m"
    size_help = "the parameter m"
    deterministic = True
    size_parameter = "m"

    def __init__(self, model):
        self.model = model

    def observables(self, params):
        return ("x",)

    def memory_estimate(self, params, n, method="auto"):
        return 64

    def run(self, params, times, *, n=None, trials=1, seed=0, method="auto", observables=None, progress=None):
        m = self.resolve_size(params, n)
        times = self.model.parse_times(params, list(times))
        hit = 10.0 * m + float(params["shift"])
        x = np.tile(np.array([float(t) for t in times]), (trials, 1))
        return SimulationResult(model=self.model.name, params=params, sizes={"m": m}, trials=trials, root_seed=seed,
                                times=tuple(times), time_name="t", values={"x": x}, method="closed form", seconds=0.0,
                                memory_bytes=64, events={e: np.full(trials, hit) for e in
                                                         ("hit_exact", "hit_below", "hit_above")})


class BoundToy(Model):
    name = "toy-bounds"
    title = "Toy model with bound events"
    summary = "x(t) = t; hit = 10 m + shift within [10 m - slack_lo, 10 m + slack_hi]"
    parameter_specs = (
        ParamSpec("m", "size", Integer(1), default="3", latex="m"),
        ParamSpec("shift", "offset of the simulated hit (a wrong theory)", Interval(), default="0", latex="s"),
        ParamSpec("slack_lo", "lower slack", Interval(), default="2", latex="a"),
        ParamSpec("slack_hi", "upper slack", Interval(), default="2", latex="b"),
    )
    observable_specs = (ObservableSpec("x", "x(t) = t", "x"),)
    quantity_specs = (QuantitySpec("window", "[10 m - slack_lo, 10 m + slack_hi] and its centre", ("m",)),)
    event_specs = (
        EventSpec("hit_exact", "the hit", quantity="window", value="centre"),
        EventSpec("hit_below", "the hit, at most the upper end", quantity="window", value="upper", relation="<="),
        EventSpec("hit_above", "the hit, at least the lower end", quantity="window", value="lower", relation=">="),
    )
    capabilities = frozenset({"evaluate", "boundary", "simulate", "report"})
    #: registered models obey tests/test_model_contract.py, which takes the example from here
    report_example = {"params": {"m": "3"}, "seeds": 1, "times": ["0", "1"]}

    def evaluate(self, params, times, *, dps=30, observables=None, progress=None, **options):
        times = self.parse_times(params, list(times))
        with mp.workdps(dps):
            vals = {"x": tuple(Estimate(mp.mpf(t.p) / t.q, None) for t in times)}
        return Trajectory(model=self.name, params=params, dps=dps, times=tuple(times), time_name="t",
                          observables=vals, method="closed form")

    def boundary(self, quantity, params, *, dps=30, certify=False):
        self.quantity(quantity)
        c = 10 * params["m"]
        with mp.workdps(dps):
            values = {"centre": mp.mpf(int(c)), "upper": mp.mpf(float(c + params["slack_hi"])),
                      "lower": mp.mpf(float(c - params["slack_lo"]))}
        return Quantity(model=self.name, quantity=quantity, params=params, dps=dps, values=values, exact={},
                        method="closed form")

    def default_comparison(self, params):
        return Tolerance(abs=0.5)

    def simulator(self):
        return BoundSimulator(self)


BOUND_TOY = register(BoundToy(), replace=True)


def _rows(res):
    return {r.observable: r for r in res.rows}


def test_bound_rows_pass_inside_the_window_and_carry_their_relation():
    res = check(BOUND_TOY, BOUND_TOY.params(shift="1"), times=["1"])   # no size: the parameter m fixes it
    rows = _rows(res)
    assert res.n == 3 and res.sizes == {"m": 3}
    assert rows["hit_exact"].rejected and rows["hit_exact"].relation == "=="      # 31 != 30 (tolerance 1/2)
    assert not rows["hit_below"].rejected and rows["hit_below"].relation == "<="  # 31 <= 32
    assert not rows["hit_above"].rejected and rows["hit_above"].relation == ">="  # 31 >= 28
    assert rows["hit_below"].max_deviation == 0.0
    js = res.to_json()
    assert {r["observable"]: r.get("relation") for r in js["rows"]}["hit_below"] == "<="


@pytest.mark.parametrize("shift, bad", [("3", "hit_below"), ("-3", "hit_above")])
def test_a_violated_bound_is_rejected_only_on_its_side(shift, bad):
    res = check(BOUND_TOY, BOUND_TOY.params(shift=shift), times=["1"])
    rows = _rows(res)
    assert not res.passed and rows[bad].rejected
    other = "hit_above" if bad == "hit_below" else "hit_below"
    assert not rows[other].rejected
    assert rows[bad].max_deviation == pytest.approx(1.0)   # 3 beyond a slack of 2


def test_tolerance_bounds_with_infinite_values():
    tol = Tolerance(abs=0.5)
    inf = mp.inf
    cases = [("<=", inf, 5.0, False), ("<=", 5.0, np.inf, True), (">=", inf, 5.0, True), (">=", inf, np.inf, False),
             (">=", 5.0, np.inf, False), ("<=", 5.0, -np.inf, False), ("==", inf, np.inf, False)]
    for relation, pred, x, rejected in cases:
        row = tol.rows("e", (None,), (pred,), np.array([[x]]), relation=relation)[0]
        assert row.rejected is rejected, (relation, pred, x)


def test_statistical_comparisons_use_one_sided_p_values_for_bounds():
    rng = np.random.default_rng(1)
    x = (10.0 + 0.1 * rng.standard_normal(30)).reshape(-1, 1)
    for comp in (MeanTest(), PairedTest()):
        above = comp.decide(comp.rows("e", (None,), (mp.mpf(12),), x, relation="<="))[0]   # far below the bound
        assert not above.rejected and above.p > 0.99
        below = comp.decide(comp.rows("e", (None,), (mp.mpf(12),), x, relation=">="))[0]   # violates >= 12
        assert below.rejected and below.p < 1e-10
        two = comp.decide(comp.rows("e", (None,), (mp.mpf(12),), x))[0]
        assert below.p == pytest.approx(two.p / 2)


def test_a_simulator_size_parameter_refuses_another_size():
    with pytest.raises(ParameterError, match="parameter m = 3"):
        check(BOUND_TOY, BOUND_TOY.params(), size=5, times=["1"])
    assert check(BOUND_TOY, BOUND_TOY.params(m="4"), size=4, times=["1"]).sizes == {"m": 4}


def test_cli_check_without_n_uses_the_parameter_and_one_trial_for_a_deterministic_simulator():
    from cli_helpers import run_cli

    code, out, err = run_cli("check", "toy-bounds", "m=2", "--t", "0,1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["seeds"] == 1 and data["sizes"] == {"m": 2}


def test_cli_check_exit_codes_follow_the_bound_rows():
    from cli_helpers import run_cli

    code, out, err = run_cli("check", "toy-bounds", "m=2", "shift=1", "slack_lo=2", "slack_hi=2", "--t", "1",
                             "--json")
    rows = {r["observable"]: r for r in json.loads(out)["rows"]}
    assert code == 1 and rows["hit_exact"]["passed"] is False and rows["hit_below"]["passed"] is True
    code, out, err = run_cli("check", "toy-bounds", "m=2", "--n", "7", "--t", "1")
    assert code == 2 and "drop --n" in err and err.count("\n") == 1


def test_order_check_measures_the_error_order_and_fails_a_wrong_one():
    def dev(h):
        return mp.exp(mp.mpf(h.p) / h.q) - 1 - mp.mpf(h.p) / h.q   # h^2/2 + ...

    ok = order_check(dev, ["1/10", "1/20", "1/40"], order=2, name="h", dps=30)
    assert ok.passed and abs(ok.observed["slope_2"] - 2) < 0.02
    wrong = order_check(dev, ["1/10", "1/20", "1/40"], order=1, name="h", dps=30)
    assert wrong.passed is False
    with pytest.raises(ValueError):
        order_check(dev, ["1/10", "1/5"], order=2, name="h", dps=30)
