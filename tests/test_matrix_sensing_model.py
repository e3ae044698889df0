"""matrix-sensing through the generic model interface: parameters, evaluation, limit, quantities,
simulator, per-trial predictions and the check with its stated tolerances (issue 10).

Reference values come from independent routes: the textbook Riccati route (d x d matrices at a
generous fixed precision), DOP853 integration, float64 GD, and exact rationals.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symdyn as sd
from symdyn.check import check
from symdyn.errors import ParameterError
from symdyn.models.matrix_sensing.conditional import InstanceTheory
from symdyn.models.matrix_sensing.dynamics import flow_run, gd_run
from symdyn.models.matrix_sensing.instance import draw_ubar
from symdyn.models.matrix_sensing.model import MatrixSensing
from symdyn.models.matrix_sensing.simulation import MatrixSensingSimulator

M = sd.model("matrix-sensing")
Q = sp.Rational
SMALL = dict(sigma="3,2,1", d="12", r="4", alpha="1e-8", init_seed="1")


# --------------------------------------------------------------------------- parameters


def test_contract_parameters_parse_exactly_and_round_trip():
    p = M.params(sigma="3,2,1.999999999999999999", d="12", r="2", alpha="1e-300", eta="1/100")
    assert p["sigma"] == (3, 2, Q("1.999999999999999999")) and p["alpha"] == Q(1, 10 ** 300)
    assert p["init_seed"] == 0 and p["m"] == "inf" and p["loss_scale"] == Q(1, 4) and p["level"] == Q(1, 2)
    again = M.params(**{k: v for k, v in p.to_json().items() if k in p.given})
    assert again.values == p.values
    assert M.params(**SMALL, m="2500")["m"] == 2500
    assert "time" in next(s for s in M.parameter_specs if s.name == "loss_scale").meaning
    assert all(s.latex for s in M.parameter_specs)


@pytest.mark.parametrize("bad, fragment", [
    (dict(sigma="1,2"), "strictly decreasing"), (dict(sigma="3,3"), "strictly decreasing"),
    (dict(sigma="3,0"), "entry 2"), (dict(sigma="3,-1"), "entry 2"), (dict(sigma=","), "empty"),
    (dict(sigma="3,x"), "entry 2"), (dict(d="2"), "smaller than len"), (dict(d="2.5"), "whole number"),
    (dict(d="0"), "whole number"), (dict(r="0"), "whole number"), (dict(r="13"), "exceeds d"),
    (dict(m="0"), "whole number"), (dict(m="2.5"), "whole number"), (dict(k="4"), "out of range"),
    (dict(k="0"), "whole number"), (dict(k="1.5"), "whole number"), (dict(alpha="0"), "> 0"),
    (dict(alpha="-1e-3"), "> 0"), (dict(level="1"), r"\(0, 1\)"), (dict(level="0"), r"\(0, 1\)"),
    (dict(eta="1/3"), "eta < 1/3"), (dict(eta="1", loss_scale="1/2"), "eta < 1/6"),
])
def test_bad_input_is_one_line_naming_the_rule(bad, fragment):
    with pytest.raises(ParameterError, match=fragment) as err:
        M.params(**{**SMALL, **bad})
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------- evaluation


def _direct_P(setting, tau, dps):
    """P(tau) from the d x d matrices of the textbook route (independent of the scaled pencil)."""
    u = draw_ubar(setting.d, setting.r, setting.init_seed)
    with mp.workdps(dps):
        alpha = mp.mpf(setting.alpha.p) / setting.alpha.q
        U0 = mp.matrix([[alpha * mp.mpf(float(x)) for x in row] for row in u])
        sig = [mp.mpf(x.p) / x.q for x in setting.sigma] + [mp.mpf(0)] * (setting.d - setting.r_star)
        E = mp.diag([mp.exp(s * tau) for s in sig])
        Phi = mp.diag([mp.expm1(2 * s * tau) / s if s != 0 else 2 * tau for s in sig])
        Y = E * U0
        K = mp.eye(setting.r) + U0.T * Phi * U0
        return Y * mp.inverse(K) * Y.T


def test_every_observable_matches_the_textbook_route_at_alpha_1e_30():
    p = M.params(sigma="3,2,1", d="8", r="4", alpha="1e-30")
    s = M.canonical(p).setting
    tr = M.evaluate(p, ["36", "70"], dps=25)
    assert tr.regime == "over-parameterized" and tr.converged
    for j, t in enumerate((36, 70)):
        P = _direct_P(s, mp.mpf(t), 320)
        with mp.workdps(320):
            ev = sorted(mp.eigsy(P, eigvals_only=True), reverse=True)
            X = mp.diag([3, 2, 1] + [0] * 5)
            R = P - X
            loss = mp.fsum(R[a, b] ** 2 for a in range(8) for b in range(8)) / 4
            rank = sum(1 for k, sk in enumerate((3, 2, 1)) if ev[k] >= mp.mpf(sk) / 2)
            T = P - mp.diag([3, 2, 1][:rank] + [0] * (8 - rank))
            dist = mp.sqrt(mp.fsum(T[a, b] ** 2 for a in range(8) for b in range(8)))
            pt = [mp.mpf(x) / sum(ev[:4]) for x in ev[:4]]
            erank = mp.exp(-mp.fsum(x * mp.log(x) for x in pt))
        ref = {"lambda_1": ev[0], "lambda_3": ev[2], "lambda_4": ev[3], "loss": loss, "erank": erank,
               "rank": mp.mpf(rank), "truncation_distance": dist}
        for name, value in ref.items():
            got = tr.observables[name][j]
            with mp.workdps(30):
                assert abs(got.value - value) <= mp.mpf(10) ** -22 * abs(value), (name, t)
                assert got.error <= mp.mpf(10) ** -20 * abs(value) + mp.mpf(10) ** -300


def test_error_estimates_bound_the_error_of_a_low_precision_evaluation():
    p = M.params(**SMALL)
    low = M.evaluate(p, ["9"], dps=15)
    high = M.evaluate(p, ["9"], dps=60)
    for name in low.observables:
        with mp.workdps(60):
            err = abs(low[name][0] - high[name][0])
            scale = abs(high[name][0]) or mp.mpf(1)
            assert err <= scale * mp.mpf(10) ** -14 and err <= 100 * low.errors(name)[0] + scale * mp.mpf(10) ** -15


def test_gd_times_are_the_flow_at_n_eta_and_loss_scale_is_a_time_unit():
    a = M.evaluate(M.params(**SMALL, eta="1/50"), ["300"], dps=20, observables=["lambda_1", "loss"])
    b = M.evaluate(M.params(**SMALL), ["6"], dps=20, observables=["lambda_1", "loss"])
    c = M.evaluate(M.params(**SMALL, loss_scale="1/2"), ["3"], dps=20, observables=["lambda_1", "loss"])
    with mp.workdps(20):
        assert abs(a["lambda_1"][0] - b["lambda_1"][0]) < mp.mpf(10) ** -18 * b["lambda_1"][0]
        assert abs(c["lambda_1"][0] - b["lambda_1"][0]) < mp.mpf(10) ** -18 * b["lambda_1"][0]
        assert abs(c["loss"][0] - 2 * b["loss"][0]) < mp.mpf(10) ** -18 * b["loss"][0]
    assert a.time_name == "k" and any("t = n eta" in n for n in a.notes)


def test_unknown_and_out_of_range_observables_are_refused():
    p = M.params(**SMALL)
    with pytest.raises(ParameterError, match="lambda_5"):
        M.evaluate(p, ["1"], observables=["lambda_5"])


# --------------------------------------------------------------------------- limit and quantities


def test_limit_regimes_and_the_exact_final_loss():
    under = M.limit(M.params(sigma="3,2,1", d="12", r="2", alpha="1e-6"), dps=30)
    assert under.regime == "under-parameterized" and under.exact["loss"] == Q(1, 4) and under.check.passed
    assert M.limit(M.params(sigma="3,2,1", d="12", r="3", alpha="1e-6"), check=False).regime == "exactly-parameterized"
    over = M.limit(M.params(sigma="3,2,1", d="12", r="5", alpha="1e-6", loss_scale="1/2"), check=False)
    assert over.regime == "over-parameterized" and over.exact["loss"] == 0 and over.exact["lambda_5"] == 0
    scaled = M.limit(M.params(sigma="3,2,1", d="12", r="1", alpha="1e-6", loss_scale="1/2"), check=False)
    assert scaled.exact["loss"] == Q(5, 2)


def test_the_under_parameterized_final_loss_against_gd():
    p = M.params(sigma="3,2,1", d="12", r="2", alpha="1e-6", eta="1/20")
    run = gd_run(M.canonical(p).setting, Q(1, 20), [3000])
    assert abs(run.loss[0] - 0.25) < 1e-12 and run.learning_steps[2] is None


def test_flow_learning_time_agrees_with_dop853_events():
    p = M.params(**{**SMALL, "alpha": "1e-6"})
    run = flow_run(M.canonical(p).setting, [25.0], learning=True)
    for k in (1, 2, 3):
        q = M.boundary("learning-time", p.replace(k=k), dps=30)
        assert abs(float(q.value) - run.learning_times[k - 1]) < 1e-9 * float(q.value)
        js = q.to_json()
        assert "alpha->0" in js["approximations"] and "gamma_k" in js["approximations"]["alpha->0"]["error"]


def test_gd_learning_step_agrees_with_simulated_gd_and_never_learned_is_inf():
    p = M.params(**SMALL, eta="1/50")
    run = gd_run(M.canonical(p).setting, Q(1, 50), [1500])
    for k in (1, 2, 3):
        q = M.boundary("learning-time", p.replace(k=k))
        assert int(q.value) == run.learning_steps[k - 1]
        assert {"flow", "modified-equation", "leading"} <= set(q.to_json()["approximations"])
    never = M.boundary("learning-time", M.params(**{**SMALL, "r": "2"}, k="3", eta="1/50"))
    assert never.to_json()["value"] == "inf" and "c_k = 0" in never.note


def test_init_constants_plateau_loss_and_step_condition_are_exact():
    c = M.boundary("init-constants", M.params(**{**SMALL, "r": "2"}))
    assert c.exact["c_3"] == 0 and c.values["c_1"] > 0
    assert M.boundary("plateau-loss", M.params(**SMALL, k="1")).exact["loss"] == Q(5, 4)
    with pytest.raises(ParameterError, match="plateau-loss needs k <= "):
        M.boundary("plateau-loss", M.params(**{**SMALL, "r": "2"}, k="3"))
    sc = M.boundary("step-condition", M.params(**SMALL, eta="1/6"))
    assert sc.exact["mu_sigma_1"] == Q(1, 2) and sc.exact["eta_stable_below"] == Q(1, 3)
    assert "monotone" in sc.note


def test_plateau_length_is_the_simulated_difference_of_learning_steps():
    p = M.params(**SMALL, eta="1/50", k="1")
    run = gd_run(M.canonical(p).setting, Q(1, 50), [1500])
    assert int(M.boundary("plateau-length", p).value) == run.learning_steps[1] - run.learning_steps[0]


# --------------------------------------------------------------------------- simulator


def test_simulator_declares_its_size_states_its_cost_and_refuses_what_does_not_fit():
    sim = M.simulator()
    p = M.params(**SMALL, eta="1/50", m="500")
    assert sim.size_name == "d" and sim.resolve_size(p, None) == 12 and sim.deterministic
    plan = sim.plan(p, ["0", "100"])
    assert plan.memory > 0 and plan.sizes == {"d": 12, "r": 4, "m": 500} and plan.seconds > 0
    with pytest.raises(ParameterError, match="dimension d"):
        sim.plan(p, ["0"], n=13)
    with pytest.raises(ParameterError, match="GB"):
        sim.plan(M.params(sigma="3,2,1", d="300", r="2", alpha="1e-8", eta="1/50", m="1000000"), ["0", "10"])
    with pytest.raises(ParameterError, match="1e-100"):
        sim.plan(M.params(**{**SMALL, "alpha": "1e-200"}, eta="1/50"), ["0"])
    with pytest.raises(ParameterError, match="method ode"):
        sim.plan(p, ["0"], method="ode")


def test_each_trial_draws_its_operator_from_its_own_stream_reproducibly():
    sim = M.simulator()
    p = M.params(**SMALL, eta="1/50", m="400")
    a = sim.run(p, ["0", "200"], trials=2, seed=3)
    b = sim.run(p, ["0", "200"], trials=2, seed=3)
    ga, gb = (np.asarray(x.instances[0].operator.gram()) for x in (a, b))
    assert np.array_equal(ga, gb) and np.array_equal(a.values["loss"], b.values["loss"])
    assert not np.allclose(a.instances[0].operator.gram(), a.instances[1].operator.gram())
    assert a.values["loss"][0, 0] != a.values["loss"][1, 0]     # f(U0) depends on the trial's measurements


# --------------------------------------------------------------------------- the check


def _events(res):
    return {r.observable: r for r in res.rows if r.t is None}


def test_full_observation_check_tests_steps_linear_phase_and_plateaus():
    p = M.params(**SMALL, eta="1/50")
    res = check(M, p, seeds=1, times=["0", "200", "450", "700", "1500"])
    assert res.passed and res.comparison.name == "tolerance"
    ev = _events(res)
    assert [r.test for r in ev.values()] == ["tolerance"] * 3 and all(r.max_deviation == 0 for r in ev.values())
    rows = {(r.observable, str(r.t)): r for r in res.rows}
    assert rows[("loss", "1500")].tested and float(rows[("loss", "1500")].theory) < 1e-20
    assert rows[("rank", "200")].tested and rows[("lambda_1", "200")].max_deviation < 1e-12   # linear phase
    assert rows[("loss", "700")].tested and rows[("loss", "700")].theory == pytest.approx(0.25)  # plateau P_2
    assert not rows[("loss", "450")].tested                                                      # a transition
    assert res.to_json()["test"]["per_name"]["learning_step"] == {"rel": 0.0, "abs": 1.0}


def test_a_wrong_loss_scale_is_rejected():
    # GD on loss_scale 1/4 checked against the theory of loss_scale 1/2 (twice the rates): rejected
    class QuarterSimulator(MatrixSensingSimulator):
        def run(self, params, times, **kw):
            return super().run(params.replace(loss_scale=Q(1, 4)), times, **kw)

    class Wrong(MatrixSensing):
        __module__ = MatrixSensing.__module__          # its views are the model package's modules
        name = "matrix-sensing-wrong-scale"

        def simulator(self):
            return QuarterSimulator(self)

    wrong = Wrong()
    times = ["0", "300", "1500"]
    ok = check(M, M.params(**SMALL, eta="1/100"), seeds=1, times=times)
    bad = check(wrong, wrong.params(**SMALL, eta="1/100", loss_scale="1/2"), seeds=1, times=times)
    assert ok.passed and not bad.passed
    assert all(r.rejected for r in _events(bad).values() if math.isfinite(float(r.theory)))
    sensing = check(wrong, wrong.params(**SMALL, eta="1/100", loss_scale="1/2", m="600"), seeds=1, times=times)
    assert not sensing.passed and any(r.rejected for r in _events(sensing).values())


def test_sensing_check_race_within_one_percent_plateaus_at_z_s():
    p = M.params(**SMALL, eta="1/50", m="1500")
    res = check(M, p, seeds=2, times=["0", "200", "700", "1500"])
    assert res.passed, res.summary()
    ev = _events(res)
    assert all(r.tested and r.max_deviation <= 1 + 0.01 * float(r.theory) for r in ev.values())
    rows = {(r.observable, str(r.t)): r for r in res.rows}
    # the plateau sits at Z_s, not at the truncation: the predicted distance to X*_s is O(delta) > 0
    td = rows[("truncation_distance", "700")]
    assert td.tested and float(td.theory) > 0.05 and rows[("loss", "700")].tested


def test_plateau_predictions_are_the_truncations_under_full_observation_and_shift_under_sensing():
    can = M.canonical(M.params(**SMALL, eta="1/50"))
    full = InstanceTheory(can, None)
    assert full.plateaus[2]["loss"] == pytest.approx(0.25) and full.plateaus[2]["truncation_distance"] == 0
    assert full.predict((full.steps[0] + full.steps[1]) / 2) is None or full.settle[0] < full.quiet[1]
    assert full.events(10)["learning_step_1"] == math.inf       # predicted after the horizon: not reached


def test_flow_check_against_dop853_with_tight_tolerances():
    p = M.params(**{**SMALL, "alpha": "1e-6"})
    res = check(M, p, seeds=1, times=["0", "5", "12", "25"])
    assert res.passed and all(r.tested for r in res.rows)
    assert res.to_json()["test"]["per_name"]["lambda"]["rel"] == 1e-7


def test_staircase_figure_has_log_axes_and_the_predicted_steps():
    from symdyn.models.matrix_sensing.staircase import staircase

    fig, data = staircase(M, M.params(**SMALL, eta="1/50"), horizon=1500, points=120)
    ax_l, ax_f, ax_e = fig.axes[:3]
    assert ax_l.get_yscale() == "log" and ax_f.get_yscale() == "log" and ax_e.get_yscale() == "linear"
    assert data["predicted"] == {k: v for k, v in data["simulated"].items()}          # A1: 0 steps off
    vertical = [ln for ln in ax_e.get_lines() if len(set(ln.get_xdata())) == 1]
    assert sorted(float(ln.get_xdata()[0]) for ln in vertical) == sorted(data["predicted"].values())


def test_under_parameterized_check_tests_the_final_loss():
    p = M.params(**{**SMALL, "r": "2"}, eta="1/50")
    res = check(M, p, seeds=1, times=["0", "1500"])
    rows = {(r.observable, str(r.t)): r for r in res.rows}
    final = rows[("loss", "1500")]
    assert res.passed and final.tested and final.theory == pytest.approx(0.25) and final.max_deviation < 1e-6
    assert _events(res)["learning_step_3"].theory == math.inf and _events(res)["learning_step_3"].tested
