"""The model contract: every registered model (and the checker's toy models) obeys the interface.

A new model is covered by registering it: its ``report_example`` supplies the example parameters
(models without a report example are listed in ``EXAMPLES``).  What is checked: the description,
example parameters and their JSON round trip, evaluation at t = 0, every declared quantity,
the limit, the simulator's observables inside the declared names, the JSON keys of the
command-line contract (docs/CLI.md), undeclared views refused with UnsupportedError,
and bad parameters rejected with ParameterError.
"""

from __future__ import annotations

import json

import pytest

import symdyn as sd
from symdyn.errors import ParameterError, SymdynError, UnsupportedError
from symdyn.models.base import CAPABILITIES
from symdyn.simulate import SimulationPlan

from test_check_instance_toy import INSTANCE_TOY
from test_check_toy import TOY

EXAMPLES = {TOY.name: {"mu": "2"}, INSTANCE_TOY.name: {"w": "3,2,1"}}
MODELS = {**{name: sd.model(name) for name in sd.available_models()}, TOY.name: TOY}


def _example(m):
    if m.name in EXAMPLES:
        return m.params(**EXAMPLES[m.name])
    assert m.has("report") and m.report_example is not None, f"{m.name} needs a report example"
    return m.params(**m.report_example["params"])


pytestmark = pytest.mark.parametrize("m", list(MODELS.values()), ids=list(MODELS))


def test_describe_is_plain_data_with_latex_names(m):
    d = json.loads(json.dumps(m.describe()))
    assert d["name"] == m.name and d["parameters"] and d["observables"]
    names = [p["latex"] for p in d["parameters"] if p["latex"]]
    assert names and len(set(names)) == len(names)   # the symbols a LaTeX claim may use (symdyn verify)
    assert set(d["capabilities"]) <= CAPABILITIES
    assert all(isinstance(r, str) for r in d["regimes"])


def test_example_parameters_round_trip_through_json(m):
    p = _example(m)
    raw = json.loads(json.dumps(p.to_json()))
    given = {k: v for k, v in raw.items() if k in p.given}
    assert m.params(**given).values == p.values


def test_bad_parameters_are_parameter_errors(m):
    with pytest.raises(ParameterError):
        m.params(no_such_parameter="1")
    spec = next(s for s in m.parameter_specs if not s.words)
    with pytest.raises(ParameterError):
        m.params(**{spec.name: "__import__('os')"})


def test_evaluation_at_time_zero_has_the_declared_names_and_shape(m):
    if not m.has("evaluate"):
        pytest.skip("no evaluation")
    p = _example(m)
    traj = m.evaluate(p, ["0"], dps=20)
    assert set(traj.observables) <= set(m.observable_names(p))
    assert traj.regime is None or str(traj.regime) in m.regimes
    js = traj.to_json()
    assert {"model", "params", "dps", "times", "observables"} <= set(js)
    assert all(len(v) == 1 and isinstance(v[0], str) for v in js["observables"].values())


def test_every_declared_quantity_answers_or_refuses_cleanly(m):
    if not m.has("boundary"):
        with pytest.raises(UnsupportedError):
            m.boundary("anything", _example(m))
        return
    p = _example(m)
    for q in m.quantity_specs:
        try:
            b = m.boundary(q.name, p.replace(**({q.index: 1} if q.index else {})), dps=20)
        except SymdynError:
            continue  # e.g. a quantity not defined at these parameters: a one-line error, not a crash
        js = b.to_json()
        assert {"model", "quantity", "params", "dps", "value"} <= set(js)
        assert b.regime is None or str(b.regime) in m.regimes


def test_limit_has_the_contract_keys_or_is_undeclared(m):
    p = _example(m)
    if not m.has("limit"):
        with pytest.raises(UnsupportedError, match="has no limit"):
            m.limit(p)
        return
    lim = m.limit(p, dps=20, check=False)
    js = lim.to_json()
    assert {"model", "params", "dps", "regime", "values"} <= set(js)
    assert lim.regime is None or str(lim.regime) in m.regimes


def test_simulator_observables_are_declared_names(m):
    p = _example(m)
    if not m.has("simulate"):
        with pytest.raises(UnsupportedError):
            m.simulator()
        return
    sim = m.simulator()
    assert sim.methods[0] == "auto"
    assert set(sim.observables(p)) <= set(m.observable_names(p))
    assert set(m.default_observables(p)) <= set(m.observable_names(p))
    n = sim.resolve_size(p, None) if sim.size_parameter is not None else 50   # a size the parameters fix
    plan = sim.plan(p, ["0", "1"], n=n)
    assert isinstance(plan, SimulationPlan)
    assert plan.memory > 0 and plan.sizes and plan.instance_bytes >= 0
    assert plan.observables and set(plan.observables) <= set(m.observable_names(p))


def test_unknown_observables_are_parameter_errors(m):
    p = _example(m)
    with pytest.raises(ParameterError, match="not available"):
        m.check_observables(p, ["no_such_observable"])


def test_undeclared_capabilities_raise_unsupported(m):
    p = _example(m)
    for cap, call in [("limit", lambda: m.limit(p)), ("derivation", lambda: m.derivation()),
                      ("certify-trajectory", lambda: m.certify_trajectory(p, ["1"]))]:
        if not m.has(cap):
            with pytest.raises(UnsupportedError, match=f"model {m.name} has no"):
                call()
