"""The deep-factorization model through the generic interface: parameters, quantities, evaluation, limit and the
check against full-matrix GD, each value against an independent route (quadrature, the plain mpmath recursion,
the fixed-point corrected flow, matrices built from the eigen-decomposition, full-matrix GD)."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import symdyn as sd
from symdyn.check import check
from symdyn.errors import ParameterError
from symdyn.models.deep_factorization import DeepFactorization
from symdyn.models.deep_factorization import closed_forms as cf
from symdyn.models.deep_factorization import steps as st
from symdyn.models.deep_factorization.canonical import canonical

M = sd.model("deep-factorization")
Q = sp.Rational
BASE = dict(N="3", sigma="2,1,1/2", alpha="1/10", eta="1/40")
PERTURBED = dict(N="3", sigma="2,1", d="6", alpha="1/25", eta="1/40", noise="1/20", noise_seed="2")


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("raw, fragment", [
    (dict(N="1", sigma="2,1", alpha="1/20"), "N=1 is outside"),
    (dict(N="5/2", sigma="2,1", alpha="1/20"), "whole number >= 2"),
    (dict(N="3", sigma="1,2", alpha="1/20"), "strictly decreasing"),
    (dict(N="3", sigma="2,0", alpha="1/20"), "entry 2"),
    (dict(N="3", sigma="2,1", d="1", alpha="1/20"), "d=1 is smaller than r"),
    (dict(N="3", sigma="2,1", alpha="0"), "alpha=0 is outside"),
    (dict(N="3", sigma="2,1", alpha="1/20", lambda0="1e-3"), "not both"),
    (dict(N="3", sigma="2,1", alpha="1/20", eps="1/2"), r"\(0, 1/2\)"),
    (dict(N="3", sigma="2,1", alpha="1/20", eps_small="0"), r"\(0, 1/2\)"),
    (dict(N="3", s="1", alpha="1/20", level="1"), r"\(0, 1\)"),
    (dict(N="3", sigma="2,1", alpha="1/20", k="3"), "k=3 is out of range: 1 <= k <= 2"),
    (dict(N="3", sigma="2,1", alpha="1/20", noise="-1/10"), "noise=-1/10 is outside"),
    (dict(N="3", sigma="2,1", d="3", alpha="1/20", lam_hat="2,1"), "it must have d = 3"),
    (dict(N="3", sigma="2,1", alpha="1/20", eta="1"), "unstable.*use eta < 0.2645"),
    (dict(N="2", sigma="2,1", d="3", lam_hat="2,1,-3", alpha="1/2", eta="1/3"), "overshoots the negative"),
    (dict(N="3", sigma="2,1", alpha="1/20", lam_hat="2,1", noise_seed="3"), "noise_seed goes with noise"),
    (dict(N="3", alpha="1/20", k="1"), "k needs the target"),
])
def test_bad_input_is_a_one_line_parameter_error(raw, fragment):
    with pytest.raises(ParameterError, match=fragment) as err:
        M.params(**raw)
    assert "\n" not in str(err.value)


def test_every_digit_of_sigma_and_the_alternatives_are_kept():
    p = M.params(N="2", sigma="2,1.999999999999999999", alpha="1/10")
    assert p["sigma"][1] == Q(1999999999999999999, 10**18) and p["d"] == 2
    assert canonical(M.params(N="3", sigma="2,1", lambda0="1e-3")).alpha == Q(1, 10)
    q = M.params(N="3", sigma="2,1", d="3", alpha="1/20", lam_hat="21/10,1,-1/10")
    assert q["noise"] == Q(1, 10) and canonical(q).lam_hat == (Q(21, 10), 1, Q(-1, 10))
    assert M.params(N="3", sigma="2,1", alpha="1/20", eps_learn="1/5")["eps_small"] == Q(1, 10)


def test_describe_says_which_initialization_is_per_layer_and_which_for_the_product():
    params = {p["name"]: p for p in M.describe()["parameters"]}
    assert "PER LAYER" in params["alpha"]["meaning"] and "PRODUCT" in params["lambda0"]["meaning"]
    assert params["alpha"]["alternative"] == "lambda0" and params["noise"]["alternative"] == "lam_hat"
    assert all(p["latex"] for p in params.values())


def test_the_arora2019_preset_fills_what_is_not_given():
    p = M.params(preset="arora2019")
    assert (p["N"], p["lambda0"], p["eta"], p["d"]) == (3, Q(1, 1000), Q(1, 100), 100)
    assert M.params(preset="arora2019", alpha="1/5")["alpha"] == Q(1, 5)
    ends = [(int(M.boundary("T0", p.replace(k=k)).value), M.boundary("T1", p.replace(k=k)).value) for k in (1, 5)]
    assert ends[0] == (202, 220) and ends[1][0] == 998 and mp.isinf(ends[1][1])


# ----------------------------------------------------------------------------- quantities


def test_time_to_reach_has_the_spec_digits_and_matches_quadrature():
    p = M.params(N="3", s="1", lambda0="1e-90", level="1/2")
    b = M.boundary("time-to-reach", p, dps=40)
    assert mp.nstr(b.value, 40) == "999999999999999999999999999999.1497493079"   # spec 3.3
    q = M.params(N="4", s="1", lambda0="1e-20", level="1/2")
    v = M.boundary("time-to-reach", q, dps=40).value
    with mp.workdps(40):
        assert abs(v - cf.flow_time_quad(Q(1, 10**20), Q(1, 2), 1, 4, dps=40)) < mp.mpf(10) ** -28
    asym = {a.name: a for a in M.boundary("time-to-reach", M.params(N="3", s="1", alpha="1/1000", level="9/10"),
                                          dps=30).approximations}
    assert "O(alpha^2" in asym["asymptotic-2"].error and abs(asym["asymptotic-2"].deviation["time"]) < 1e-6


def test_the_asymptotic_error_order_is_measured():
    b = M.boundary("time-to-reach", M.params(N="3", s="1", alpha="1/1000", level="9/10"), dps=30)
    assert b.check.passed and abs(float(b.check.observed["slope_2"]) - 2) < 0.05
    L = M.boundary("interval-length", M.params(N="3", sigma="2,1", alpha="1e-3", k="1"), dps=30)
    assert L.check.passed and abs(float(L.check.observed["slope_2"]) - 2) < 0.05
    a = L.approximations[0]
    assert a.error == "O(alpha^2)" and mp.nstr(L.value, 12) == "497.970867686"      # spec 3.5
    assert abs(float(a.deviation["length"]) + 3.75e-7) < 2e-8   # -(3/8) alpha^2 (B9)


def test_time_to_reach_in_steps_is_the_plain_recursion_with_the_modified_equation_estimate():
    p = M.params(N="4", s="1", alpha="3/20", level="9/10", eta="3/200")
    b = M.boundary("time-to-reach", p)
    assert int(b.value) == st.hitting_steps_plain(1, ["9/10"], 4, "3/200", alpha="3/20")[0]
    me = {a.name: a for a in b.approximations}["modified-equation"]
    assert abs(float(me.values["steps"]) - float(b.value)) <= 1


def test_interval_endpoints_in_steps_are_the_plain_recursion_and_T1_is_inf_without_a_next_target():
    p = M.params(**BASE)
    lam = (2, 1, Q(1, 2))
    for k in (1, 2):
        t0 = int(M.boundary("T0", p.replace(k=k)).value)
        t1 = int(M.boundary("T1", p.replace(k=k)).value)
        assert t0 == max(st.hitting_steps_plain(lam[i], ["9/10"], 3, "1/40", alpha="1/10")[0] for i in range(k))
        assert t1 == st.hitting_steps_plain(lam[k], ["1/10"], 3, "1/40", alpha="1/10")[0]
    inf = M.boundary("T1", p.replace(k=3))
    assert mp.isinf(inf.value) and inf.to_json()["value"] == "inf" and "infinite" in inf.note


def test_a_near_degenerate_gap_keeps_its_length():
    """spec 5: sigma = (1, 1 - 1e-25), N = 3, alpha = 1e-30: T1 - T0 = 99997.99..., float64 gives 0."""
    p = M.params(N="3", sigma="1,0.9999999999999999999999999", alpha="1e-30", k="1")
    L = M.boundary("interval-length", p, dps=30)
    assert mp.nstr(L.value, 9) == "99997.9906" and L.regime == "nonempty-interval"
    assert (1e30 / (1 - 1e-25)) - 1e30 == 0.0


def test_condition_step_condition_weyl_and_noise_fitting():
    p = M.params(**PERTURBED)
    c = M.boundary("condition", p.replace(k=1))
    assert c.values["nonempty"] == 1 and c.regime == "nonempty-interval"
    sc = M.boundary("step-condition", p)
    lam1 = float(canonical(p).lam_hat[0])
    assert abs(float(sc.value) - (1 / 40) * 3 * lam1 ** (4 / 3)) < 1e-12
    w = M.boundary("weyl-interval", p.replace(k=1))
    t0 = int(M.boundary("T0", p.replace(k=1)).value)
    assert t0 <= int(w.values["T0_upper"])
    nf = M.boundary("noise-fitting-time", p)
    assert int(nf.value) == int(M.boundary("T1", p.replace(k=2)).value)
    assert M.boundary("noise-fitting-time", M.params(**BASE)).to_json()["value"] == "inf"


def test_early_stopping_compares_the_decoupled_optimum_not_the_spec_value():
    p = M.params(**PERTURBED)
    es = M.boundary("early-stopping", p)
    assert es.values["inside"] == 1 and es.values["T0"] <= es.values["argmin"] <= es.values["T1"]
    assert es.values["optimum"] < es.values["truncation"]   # B8's ||W^_r - W*||_F is not the optimum
    with pytest.raises(ParameterError, match="needs a perturbation"):
        M.boundary("early-stopping", M.params(**BASE))


def test_the_certified_time_to_reach_contains_the_value():
    pytest.importorskip("flint")
    p = M.params(N="3", s="1", alpha="1e-10", level="1/2")
    b = M.boundary("time-to-reach", p, dps=30, certify=True)
    lo, hi = b.enclosures["time"]
    v = M.boundary("time-to-reach", p, dps=60).value     # the enclosure is narrower than 10^-40 relative
    assert lo <= v <= hi and "lower" in b.to_json()


# ----------------------------------------------------------------------------- evaluation and the limit


def test_flow_evaluation_inverts_the_quadrature_time():
    p = M.params(N="3", sigma="1", alpha="1/100")
    with mp.workdps(40):
        t = cf.flow_time_quad(Q(1, 10**6), Q(1, 2), 1, 3, dps=40)
    tr = M.evaluate(p, [sp.Rational(mp.nstr(t, 38))], dps=30, observables=["lambda_1"])
    assert abs(tr["lambda_1"][0] - mp.mpf(1) / 2) < mp.mpf(10) ** -30
    assert tr.max_error() < mp.mpf(10) ** -30


def test_gd_evaluation_is_the_plain_recursion_and_the_corrected_flow_the_fixed_point():
    p = M.params(**BASE)
    tr = M.evaluate(p, ["0", "250", "900"], dps=30, observables=["lambda_1", "lambda_3"])
    ref = st.iterate(Q(1, 2), 3, "1/40", [0, 250, 900], alpha="1/10", dps=50)
    assert all(abs(a - b) < mp.mpf(10) ** -28 for a, b in zip(tr["lambda_3"], ref))
    cfp = M.evaluate(p.replace(gd_theory="corrected-flow"), ["250"], dps=20, observables=["lambda_2"])
    fixed = st.corrected_flow(250, 1, 3, "1/40", alpha="1/10", dps=20)
    assert abs(cfp["lambda_2"][0] - fixed) < mp.mpf(10) ** -15


def test_loss_and_error_match_matrices_built_from_the_eigen_decomposition():
    p = M.params(**PERTURBED)
    can = canonical(p)
    P = can.perturbation
    tr = M.evaluate(p, ["600"], dps=20)
    lam = np.array([float(tr[f"lambda_{i}"][0]) for i in range(1, 7)])
    W = (P.Q * lam) @ P.Q.T
    Ws = np.diag([float(v) for v in P.sigma_padded()])
    assert abs(float(tr["loss"][0]) - 0.5 * np.sum((W - P.target()) ** 2)) < 1e-12
    assert abs(float(tr["error"][0]) - np.linalg.norm(W - Ws)) < 1e-12


def test_limit_is_the_positive_part_with_its_decay_law_checked():
    p = M.params(N="4", sigma="2,1", d="6", alpha="1/5", noise="1/5", noise_seed="3")
    lim = M.limit(p, dps=20)
    lam = canonical(p).lam_hat
    assert [lim.values[f"lambda_{i}"] for i in range(1, 7)] == [mp.mpf(max(v, 0)) for v in lam]
    neg = [v for v in lam if v < 0]
    assert lim.exact["loss"] == sum(v**2 for v in neg) / 2
    assert lim.regime == ("overfits-noise" if lam[2] > 0 else "positive-part")
    assert lim.decay.exponent == 2 and lim.check.passed        # t^(-N/(N-2)) for negative targets, N = 4
    noiseless = M.limit(M.params(N="3", sigma="2,1", d="4", alpha="1/10"), dps=20)
    assert noiseless.regime == "exact-recovery" and noiseless.decay.exponent == Q(3, 4) and noiseless.check.passed


# ----------------------------------------------------------------------------- the check against full-matrix GD


def test_the_noiseless_check_passes_with_exact_endpoints():
    res = check(M, M.params(**BASE, d="5"), times=["0", "150", "300", "600", "900"], seeds=1, dps=20)
    assert res.passed and res.comparison.name == "tolerance"
    ev = {r.observable: r for r in res.rows if r.t is None}
    assert {"T0_1", "T1_1", "T0_3", "T1_3"} <= set(ev) and all(r.max_deviation == 0 for r in ev.values())
    assert mp.isinf(ev["T1_3"].theory)


def test_the_perturbed_check_has_weyl_and_early_stopping_rows_that_pass():
    res = check(M, M.params(**PERTURBED), times=["0", "400", "800"], seeds=1, dps=20)
    rows = {r.observable: r for r in res.rows}
    assert res.passed, res.summary()
    assert rows["weyl_T0_1"].relation == "<=" and rows["weyl_T1_1"].relation == ">="
    assert rows["min_error"].max_deviation < 1e-10 and rows["argmin_error"].max_deviation <= 1
    assert rows["T1_2"].tested and rows["T1_2"].mean > 800        # the run continued to the noise-fitting time


def test_the_corrected_flow_trajectories_agree_within_1e3_of_the_targets():
    res = check(M, M.params(**BASE, gd_theory="corrected-flow"), times=["100", "200", "300", "500"], seeds=1)
    lam_rows = [r for r in res.rows if r.observable.startswith("lambda_")]
    assert res.passed and all(r.max_deviation <= 1e-3 * max(float(r.theory), 1e-3) for r in lam_rows)


class _Wrong(DeepFactorization):
    """A wrong theory: T0 two steps late, the Weyl bound on T0~ 150 steps too small, lambda 1% too large."""

    name = "deep-factorization-wrong"

    def boundary(self, quantity, params, *, dps=30, certify=False):
        from dataclasses import replace

        q = super().boundary(quantity, params, dps=dps, certify=certify)
        if quantity == "T0":
            return replace(q, values={**q.values, "T0": q.values["T0"] + 2})
        if quantity == "weyl-interval":
            return replace(q, values={**q.values, "T0_upper": q.values["T0_upper"] - 150})
        return q

    def evaluate(self, params, times, **kw):
        from dataclasses import replace

        from symdyn.results import Estimate

        tr = super().evaluate(params, times, **kw)
        obs = {k: tuple(Estimate(e.value * (mp.mpf("1.01") if k.startswith("lambda_") else 1), e.error) for e in v)
               for k, v in tr.observables.items()}
        return replace(tr, observables=obs)


def test_a_wrong_prediction_is_rejected():
    wrong = _Wrong()
    res = check(wrong, wrong.params(**PERTURBED), times=["0", "400", "800"], seeds=1, dps=20)
    rejected = {r.observable for r in res.rejected_rows}
    assert not res.passed
    assert {"T0_1", "T0_2", "weyl_T0_1", "weyl_T0_2"} <= rejected
    assert "lambda_1" in rejected and "T1_1" not in rejected and "weyl_T1_1" not in rejected


def test_the_simulator_states_its_cost_and_refuses_the_flow_and_long_runs():
    sim = M.simulator()
    plan = sim.plan(M.params(**BASE), ["0", "100"], n=None)
    assert plan.sizes == {"d": 3} and plan.memory > 0 and plan.seconds > 0
    with pytest.raises(ParameterError, match="give eta"):
        sim.plan(M.params(N="3", sigma="2,1", alpha="1/10"), ["1"], n=None)
    with pytest.raises(ParameterError, match="needs about"):
        sim.plan(M.params(N="3", sigma="2,1", d="400", alpha="1/10", eta="1/40"), ["100000000"], n=None)
    with pytest.raises(ParameterError, match="drop --n"):
        sim.plan(M.params(**BASE), ["1"], n=7)
