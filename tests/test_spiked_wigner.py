"""The spiked Wigner model (spec section 6): known results, invariance, regimes, conventions, bad input, CLI.

Reference values come from routes independent of the fast evaluator: the literal
formula by ``mpmath.quad`` (:mod:`symdyn.models.spiked_wigner.reference`, no angle
substitution, no pole subtraction, no Bessel function), closed forms from the
literature (BBP overlap ``1 - theta^-2``, Catalan moments), and the Bessel function
against quadrature of the semicircle density.
"""

from __future__ import annotations

import json

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from symdyn.errors import ParameterError, UnsupportedError
from symdyn.laws import semicircle as sc
from symdyn.models.spiked_wigner.reference import reference_observables
from symdyn.numeric.arithmetic import FLOAT64, MPMATH
from symdyn.numeric.rules import TanhSinh
from symdyn.laws.bbp import Regime

from cli_helpers import run_cli, run_json
from helpers import assert_digits, rel_diff


@pytest.fixture(scope="module")
def wig():
    return sd.model("spiked-wigner")


def _ref(model, params, t, dps):
    can = model.canonical(params)
    tc = t if can.gd else sd.parse_number(t) * can.time_factor
    return reference_observables(can, tc, dps)


# ----------------------------------------------------------------------------- known results


def test_registered_and_described(wig):
    assert "spiked-wigner" in sd.available_models()
    d = wig.describe()
    assert [p["name"] for p in d["parameters"]][:3] == ["theta", "epsilon", "alpha"]
    assert [o["name"] for o in d["observables"]] == ["m", "energy", "N", "Q"]
    assert {"threshold", "outlier"} <= {q["name"] for q in d["quantities"]}


@pytest.mark.parametrize("theta", ["1/2", "1", "3/2", "threshold"])
@pytest.mark.parametrize("alpha", ["-7/10", "1/10", "1"])
def test_m_at_time_zero_is_alpha_exactly(wig, theta, alpha):
    p = wig.params(theta=theta, alpha=alpha)
    tr = wig.evaluate(p, ["0"], dps=40, observables=["m", "energy", "N", "Q"])
    assert_digits(tr["m"][0], sd.to_mp(sd.parse_number(alpha), 50), 40, "m(0)")
    # x0^T Y x0 -> alpha^2 theta at t = 0, and Q(0) = |x0|^2 = 1
    th = sp.Integer(1) if theta == "threshold" else sd.parse_number(theta)
    assert_digits(tr["energy"][0], sd.to_mp(sd.parse_number(alpha) ** 2 * th, 50), 38, "energy(0)")
    assert_digits(tr["Q"][0], 1, 40, "Q(0)")
    gd = wig.evaluate(wig.params(theta=theta, alpha=alpha, eta="1/3"), ["0"], dps=30)
    assert_digits(gd["m"][0], sd.to_mp(sd.parse_number(alpha), 40), 30, "GD m_0")


def test_bbp_limit_literature_value(wig):
    # Wigner BBP: <x, v1>^2 = 1 - theta^-2; at theta = 2 the overlap is sqrt(3)/2
    p = wig.params(theta="2", alpha="1/10")
    lim = wig.limit(p, dps=40, check=False)
    assert lim.regime is Regime.ABOVE
    with mp.workdps(50):
        assert_digits(lim.values["m"], mp.sqrt(3) / 2, 40, "m(inf)")
        assert_digits(lim.values["energy"], mp.mpf(5) / 2, 40, "energy(inf)")
    tr = wig.evaluate(p, ["10000"], dps=30)   # exp(-t (lambda* - 2)) = exp(-5000): the limit itself
    with mp.workdps(50):
        assert_digits(tr["m"][0], mp.sqrt(3) / 2, 30, "m(1e4)")
    neg = wig.limit(wig.params(theta="2", alpha="-1/10"), dps=30, check=False)
    assert neg.values["m"] < 0 and abs(neg.values["m"] + lim.values["m"]) < mp.mpf(10) ** -29


@pytest.mark.parametrize("tau", ["1/2", "3", "69/4"])
def test_bessel_closed_form_against_quadrature_at_50_digits(tau):
    with mp.workdps(70):
        tv = mp.mpf(sd.to_mp(sd.parse_number(tau), 70))
        quad = mp.quad(lambda x: mp.exp(tv * x) * mp.sqrt(4 - x * x) / (2 * mp.pi), [-2, 0, 2])
        quad_l = mp.quad(lambda x: x * mp.exp(tv * x) * mp.sqrt(4 - x * x) / (2 * mp.pi), [-2, 0, 2])
        assert rel_diff(sc.mgf_numeric(tv), quad, 70) < mp.mpf(10) ** -50
        assert rel_diff(sc.mgf_lambda_scaled_numeric(tv, 0), quad_l, 70) < mp.mpf(10) ** -50
    # and symbolically: d/dtau I_1(2 tau)/tau = 2 I_2(2 tau)/tau, the ODE and the Catalan series
    from symdyn.symbols import tau as TAU

    assert sp.simplify(sp.diff(sc.mgf_closed(TAU), TAU) - sc.mgf_lambda_closed(TAU)) == 0
    assert sp.simplify(sc.mgf_ode(sc.mgf_closed(TAU))) == 0
    assert sp.expand(sp.series(sc.mgf_closed(TAU), TAU, 0, 12).removeO() - sc.mgf_series(TAU, 6)) == 0


def test_evaluator_uses_the_bessel_form_for_the_semicircle_part(wig):
    # with alpha = 0 the energy is <lambda e^{2t lambda}>_sc/<e^{2t lambda}>_sc = 2 I_2(4t)/I_1(4t) exactly
    p = wig.params(theta="3/2", alpha="0")
    tr = wig.evaluate(p, ["1/3", "7", "1000"], dps=50, observables=["m", "energy"])
    for t, e in zip(("1/3", "7", "1000"), tr["energy"]):
        with mp.workdps(70):
            x = 4 * sd.to_mp(sd.parse_number(t), 70)
            assert_digits(e, 2 * mp.besseli(2, x) / mp.besseli(1, x), 48, f"energy at t={t}")
    assert all(v == 0 for v in tr["m"])


def test_catalan_moments_and_gd_sums():
    assert [sc.moment(j) for j in range(9)] == [1, 0, 1, 0, 2, 0, 5, 0, 14]
    eta, k = sp.Rational(2, 7), 9
    with mp.workdps(60):
        e = mp.mpf(2) / 7
        quad = mp.quad(lambda x: (1 + e * x) ** (2 * k) * mp.sqrt(4 - x * x) / (2 * mp.pi), [-2, 0, 2])
        assert rel_diff(sd.to_mp(sc.gd_moment_closed(eta, k), 60), quad, 60) < mp.mpf(10) ** -45
        assert rel_diff(sc.gd_moment_scaled(e, k, 1), quad, 60) < mp.mpf(10) ** -45


# ----------------------------------------------------------------------------- independent routes


@pytest.mark.parametrize("kw", [
    dict(theta="3/2", alpha="1/5"),
    dict(theta="1/2", alpha="-3/5"),
    dict(theta="9/10", alpha="1/3"),
    dict(theta="7/10", alpha="1/3", eta="1/4"),
    dict(theta="2", alpha="-1/3", eta="3/2"),
])
def test_fast_evaluator_against_the_literal_formula(wig, kw):
    p = wig.params(**kw)
    times = ["0", "2", "15"] if "eta" in kw else ["1/10", "1", "6"]
    tr = wig.evaluate(p, times, dps=40, observables=["m", "energy", "N", "Q"])
    assert tr.converged
    for i, t in enumerate(times):
        ref = _ref(wig, p, t, 40)
        for name in ("m", "energy", "N", "Q"):
            assert_digits(tr[name][i], ref[name], 36, f"{name}({t}) {kw}")


def test_independent_rule_and_arithmetics_agree(wig):
    p = wig.params(theta="6/5", alpha="1/10")
    base = wig.evaluate(p, ["1", "5", "20"], dps=45)
    ts = wig.evaluate(p, ["1", "5", "20"], dps=45, rule=TanhSinh())
    mm = wig.evaluate(p, ["1", "5", "20"], dps=45, arithmetic=MPMATH)
    fl = wig.evaluate(p, ["1", "5", "20"], dps=15, arithmetic=FLOAT64)
    for i in range(3):
        assert_digits(ts["m"][i], base["m"][i], 40, "tanh-sinh")
        assert_digits(mm["m"][i], base["m"][i], 43, "mpmath backend")
        assert rel_diff(fl["m"][i], base["m"][i]) < mp.mpf("1e-12")
    # the error estimate is the difference of two independent evaluations, tiny but recorded
    assert all(e is not None and e < mp.mpf(10) ** -45 for e in base.errors("m"))


def test_two_precisions_agree(wig):
    p = wig.params(theta="1", alpha="-1/4")
    a = wig.evaluate(p, ["3", "300"], dps=30)
    b = wig.evaluate(p, ["3", "300"], dps=80)
    for i in range(2):
        assert_digits(a["m"][i], b["m"][i], 30, "30 vs 80 digits")


def test_large_times_do_not_overflow(wig):
    for theta in ("1/2", "1", "3/2"):
        p = wig.params(theta=theta, alpha="1/5")
        fast = wig.evaluate(p, ["10000"], dps=15, arithmetic=FLOAT64)
        ref = wig.evaluate(p, ["10000"], dps=30)
        assert rel_diff(fast["m"][0], ref["m"][0]) < mp.mpf("1e-11"), theta
        big = wig.evaluate(p, ["10000"], dps=20, observables=["N", "Q"])
        assert mp.isfinite(big["Q"][0]) and big["Q"][0] > mp.mpf(10) ** 17000


def test_near_threshold_costs_no_extra_nodes(wig):
    at = wig.evaluate(wig.params(theta="1", alpha="1/2"), ["50"], dps=40)
    near = wig.evaluate(wig.params(epsilon="1e-20", alpha="1/2"), ["50"], dps=40)
    below = wig.evaluate(wig.params(epsilon="-1e-20", alpha="1/2"), ["50"], dps=40)
    counts = [near.nodes[0], at.nodes[0], below.nodes[0]]
    assert max(counts) <= 1.05 * min(counts), counts
    assert str(near.regime) == "above-threshold" and str(below.regime) == "below-threshold"
    # continuity in theta: the difference is O(1e-20)
    assert abs(near["m"][0] - at["m"][0]) < mp.mpf("1e-18")
    assert abs(below["m"][0] - at["m"][0]) < mp.mpf("1e-18")


# ----------------------------------------------------------------------------- limits per regime


def test_limit_regimes_and_amplitudes(wig):
    above = wig.limit(wig.params(theta="5/4", alpha="3/10"), dps=30)
    assert above.regime is Regime.ABOVE and above.check.passed
    assert above.exact["m"] == sp.Rational(3, 5)              # sqrt(1 - 16/25)
    assert above.decay.time_scale is not None
    assert_digits(above.decay.time_scale, 20, 28, "theta/(theta-1)^2")

    below = wig.limit(wig.params(theta="1/2", alpha="1/5"), dps=30)
    assert below.regime is Regime.BELOW and below.values["m"] == 0 and below.check.passed
    assert below.decay.exponent == sp.Rational(-3, 4)
    # K = (2/pi)^(1/4) alpha/((1 - theta) sqrt(alpha^2 + (1 - alpha^2)(1 - theta)^2))
    with mp.workdps(40):
        K = (2 / mp.pi) ** mp.mpf(0.25) * mp.mpf("0.2") / (mp.mpf("0.5") * mp.sqrt(mp.mpf("0.04") + mp.mpf("0.96") / 4))
    assert_digits(below.decay.amplitudes["m"], K, 28, "K below")

    at = wig.limit(wig.params(theta="threshold", alpha="-1/10"), dps=30)
    assert at.regime is Regime.AT and at.check.passed and at.decay.exponent == sp.Rational(-1, 4)
    with mp.workdps(40):
        assert_digits(at.decay.amplitudes["m"], -(2 / mp.pi) ** mp.mpf(0.25), 28, "K at threshold")


def test_decay_amplitude_by_an_independent_route(wig):
    # t^(3/4) m(t) from the literal quadrature (reference route) at large t, extrapolated in 1/t
    p = wig.params(theta="1/2", alpha="1/3")
    K = wig.limit(p, dps=20, check=False).decay.amplitudes["m"]
    ts = [800, 1600, 3200]
    with mp.workdps(25):
        f = [mp.mpf(t) ** mp.mpf(0.75) * _ref(wig, p, str(t), 20)["m"] for t in ts]
        extrap = (8 * f[2] - 6 * f[1] + f[0]) / 3
    assert rel_diff(extrap, K) < mp.mpf("1e-4")


def test_gd_limits(wig):
    above = wig.limit(wig.params(theta="2", alpha="1/3", eta="3/4"), dps=25)
    assert above.check.passed and above.exact["m"] == sp.sqrt(3) / 2
    below = wig.limit(wig.params(theta="7/10", alpha="1/3", eta="1/4"), dps=25)
    assert below.check.passed and below.decay.law == "k^(-3/4)"
    flow = wig.limit(wig.params(theta="7/10", alpha="1/3"), dps=25, check=False)
    # effective time k eta/(1 + 2 eta): K_GD = K_flow (eta/(1 + 2 eta))^(-3/4)
    with mp.workdps(30):
        unit = mp.mpf(1) / 4 / (1 + mp.mpf(1) / 2)
        assert_digits(below.decay.amplitudes["m"], flow.decay.amplitudes["m"] * unit ** mp.mpf(-0.75), 20, "K_GD")


def test_gd_differs_from_the_flow(wig):
    gd = wig.evaluate(wig.params(theta="3/2", alpha="1/5", eta="1/4"), ["4"], dps=20)
    flow = wig.evaluate(wig.params(theta="3/2", alpha="1/5"), ["1"], dps=20)
    assert abs(gd["m"][0] - flow["m"][0]) > mp.mpf("1e-3")


def test_alpha_zero_gives_zero(wig):
    p = wig.params(theta="2", alpha="0")
    assert all(v == 0 for v in wig.evaluate(p, ["1", "50"], dps=20)["m"])
    lim = wig.limit(p, dps=20)
    assert lim.values["m"] == 0 and lim.check.passed


# ----------------------------------------------------------------------------- boundaries and conventions


def test_boundaries(wig):
    assert wig.boundary("threshold", wig.params(), dps=20).exact["theta_c"] == 1
    out = wig.boundary("outlier", wig.params(theta="3"), dps=20)
    assert out.exact["lambda_star"] == sp.Rational(10, 3) and out.regime is Regime.ABOVE
    assert wig.boundary("outlier", wig.params(theta="1/3"), dps=20).exact["lambda_star"] == 2
    assert wig.boundary("outlier", wig.params(theta="1"), dps=20).exact["lambda_star"] == 2
    assert wig.boundary("overlap", wig.params(theta="3"), dps=20).exact["zeta"] == sp.Rational(8, 9)
    assert wig.boundary("relaxation-time", wig.params(theta="3"), dps=20).exact["time"] == sp.Rational(3, 4)
    with pytest.raises(UnsupportedError):
        wig.boundary("relaxation-time", wig.params(theta="1"), dps=20)
    sig = wig.boundary("threshold", wig.params(convention="noise-sigma", sigma="3/2"), dps=20)
    assert sig.exact["theta_c"] == sp.Rational(3, 2)


def test_relaxation_time_is_in_the_user_time_units(wig):
    """theta/(theta - 1)^2 in canonical time, divided by the time factor t_canonical/t_user (by hand)."""
    p = wig.params(theta="3", time_scale="2")
    assert wig.boundary("relaxation-time", p, dps=20).exact["time"] == sp.Rational(3, 4) / 2
    # noise-sigma: theta = theta'/sigma = 2 canonically, t_canonical = sigma t'
    q = wig.params(theta="3", convention="noise-sigma", sigma="3/2")
    assert wig.boundary("relaxation-time", q, dps=20).exact["time"] == sp.Rational(2, 1) / sp.Rational(3, 2)
    lim = wig.limit(wig.params(theta="3", alpha="1/2", convention="noise-sigma", sigma="3/2"), dps=20, check=False)
    assert float(lim.decay.time_scale) == pytest.approx(4 / 3, rel=1e-15)


def test_conventions_are_rescalings(wig):
    base = wig.evaluate(wig.params(theta="6/5", alpha="1/4"), ["2"], dps=30, observables=["m", "energy"])
    # noise variance sigma^2/n: theta' = sigma theta, t' = t/sigma, energy' = sigma energy
    sig = wig.evaluate(wig.params(theta="9/5", alpha="1/4", convention="noise-sigma", sigma="3/2"), ["4/3"],
                       dps=30, observables=["m", "energy"])
    assert_digits(sig["m"][0], base["m"][0], 28, "noise-sigma m")
    with mp.workdps(40):
        assert_digits(sig["energy"][0], base["energy"][0] * 3 / 2, 28, "noise-sigma energy")
    bm = wig.evaluate(wig.params(theta="6/5", alpha="1/4", convention="bodin-macris"), ["2"], dps=30)
    assert bm["m"][0] == base["m"][0]
    ts = wig.evaluate(wig.params(theta="6/5", alpha="1/4", time_scale="2"), ["1"], dps=30)
    assert_digits(ts["m"][0], base["m"][0], 28, "time_scale")
    th = wig.params(theta="threshold", alpha="1/4", convention="noise-sigma", sigma="2")
    assert th["theta"] == 2 and wig.limit(th, dps=20, check=False).regime is Regime.AT


# ----------------------------------------------------------------------------- pitfall


def test_free_symbol_residue_pitfall_is_avoided():
    from symdyn.models.spiked_wigner.derivation import derivation, free_symbol_residue, numeric_residue

    # SymPy with a free positive theta: a wrong 0 (the weight is 1 - theta^-2 > 0 for theta > 1)
    assert free_symbol_residue() == 0
    # at explicit numeric theta the same limit is right, and 0 below threshold
    assert numeric_residue(sp.Rational(3, 2)) == sp.Rational(5, 9)
    assert numeric_residue(sp.Rational(7, 3)) == sp.Rational(40, 49)
    assert numeric_residue(sp.Rational(1, 2)) == 0
    res = derivation().verify(dps=30, keys=["nu-outlier"])
    assert res.passed
    assert all(float(sp.Rational(p.point["theta"])) > 1 for p in res["nu-outlier"].parts[2].points)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("kw, fragment", [
    (dict(theta="-1", alpha="1/2"), "theta=-1 is outside its domain"),
    (dict(theta="0", alpha="1/2"), "theta=0 is outside its domain"),
    (dict(theta="abc", alpha="1/2"), "is not a number"),
    (dict(theta="1", alpha="2"), "alpha=2 is outside its domain"),
    (dict(theta="1", epsilon="1/10", alpha="0"), "give either"),
    (dict(theta="1", alpha="0", sigma="2"), "sigma is only used by convention=noise-sigma"),
    (dict(theta="1", alpha="0", c="1/2"), "unknown parameter 'c'"),
    (dict(theta="1", alpha="0", convention="weird"), "convention=weird is outside its domain"),
])
def test_bad_parameters(wig, kw, fragment):
    with pytest.raises(ParameterError, match=None) as exc:
        wig.params(**kw)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_bad_requests(wig):
    with pytest.raises(ParameterError, match="missing parameter alpha"):
        wig.evaluate(wig.params(theta="1"), ["1"])
    with pytest.raises(ParameterError, match="missing parameter theta"):
        wig.limit(wig.params(alpha="1/2"))
    with pytest.raises(ParameterError, match="negative"):
        wig.evaluate(wig.params(theta="1", alpha="1/2"), ["-1"])
    with pytest.raises(ParameterError, match="not a whole number"):
        wig.evaluate(wig.params(theta="1", alpha="1/2", eta="1/2"), ["3/2"])
    with pytest.raises(UnsupportedError, match="not available"):
        wig.evaluate(wig.params(theta="1", alpha="1/2"), ["1"], observables=["m_u"])
    with pytest.raises(ParameterError, match="dps"):
        wig.evaluate(wig.params(theta="1", alpha="1/2"), ["1"], dps=5)


@pytest.mark.parametrize("args", [
    ("eval", "spiked-wigner", "theta=-1", "alpha=1/2", "--t", "1"),
    ("eval", "spiked-wigner", "theta=1", "--t", "1"),
    ("eval", "spiked-wigner", "theta=1", "alpha=1/2", "--t", "1,,2"),
    ("eval", "spiked-wigner", "theta=1", "alpha=1/2", "eta=1/2", "--t", "1.5"),
    ("limit", "spiked-wigner", "theta=1", "alpha=3"),
    ("boundary", "spiked-wigner", "outlier"),
    ("boundary", "spiked-wigner", "critical-ratio", "theta=2"),
    ("boundary", "spiked-wigner", "relaxation-time", "theta=1"),
    ("simulate", "spiked-wigner", "theta=1", "alpha=1/2", "--n", "1", "--seeds", "2", "--t", "1"),
    ("simulate", "spiked-wigner", "theta=1", "alpha=1/2", "--n", "50", "--seeds", "2", "--t", "1",
     "--method", "ode", "eta=1/2"),
])
def test_cli_bad_input_exits_2_with_one_line(args):
    status, out, err = run_cli(*args)
    assert status == 2, (args, status, out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("symdyn: error: ")
    assert "Traceback" not in err


# ----------------------------------------------------------------------------- CLI and invariance


def test_cli_models_lists_spiked_wigner():
    data = run_json("models")
    names = [m["name"] for m in data["models"]]
    assert "spiked-wigner" in names


def test_cli_eval_json_shape_and_invariance(wig):
    data = run_json("eval", "spiked-wigner", "theta=6/5", "alpha=1/10", "--t", "1,5,20", "--dps", "40",
                    "--observables", "m,energy,N,Q")
    assert data["model"] == "spiked-wigner" and data["dps"] == 40 and data["times"] == ["1", "5", "20"]
    assert set(data["observables"]) == {"m", "energy", "N", "Q"}
    assert data["regime"] == "above-threshold" and data["time_variable"] == "t"
    assert all(isinstance(v, str) for v in data["observables"]["m"])
    # the CLI's decimal strings agree with the literal formula (a direct route) to 36 digits
    p = wig.params(theta="6/5", alpha="1/10")
    for i, t in enumerate(("1", "5", "20")):
        ref = _ref(wig, p, t, 40)
        with mp.workdps(50):
            assert_digits(mp.mpf(data["observables"]["m"][i]), ref["m"], 36, f"CLI m({t})")
            assert_digits(mp.mpf(data["observables"]["energy"][i]), ref["energy"], 36, f"CLI energy({t})")
    gd = run_json("eval", "spiked-wigner", "theta=1/2", "alpha=1/2", "eta=1/4", "--t", "0,10")
    assert gd["time_variable"] == "k" and set(gd["observables"]) == {"m", "energy"}


def test_cli_limit_and_boundary_json(wig):
    lim = run_json("limit", "spiked-wigner", "theta=2", "alpha=-1/10", "--dps", "25")
    assert lim["regime"] == "above-threshold" and set(lim["values"]) == {"m", "energy"}
    with mp.workdps(30):
        assert_digits(mp.mpf(lim["values"]["m"]), -mp.sqrt(3) / 2, 24, "CLI limit")
    assert lim["check"]["passed"] is True
    below = run_json("limit", "spiked-wigner", "theta=1/2", "alpha=1/5")
    assert below["regime"] == "below-threshold" and below["values"]["m"] == "0"
    assert below["decay"]["law"] == "t^(-3/4)" and "m" in below["decay"]["amplitudes"]
    b = run_json("boundary", "spiked-wigner", "outlier", "theta=3/2", "--dps", "20")
    assert b["quantity"] == "outlier" and b["exact"]["lambda_star"] == "13/6"
    with mp.workdps(30):
        assert_digits(mp.mpf(b["value"]), mp.mpf(13) / 6, 19, "CLI outlier")
    t = run_json("boundary", "spiked-wigner", "threshold")
    assert t["exact"]["theta_c"] == "1"


def test_cli_simulate_json_shape():
    data = run_json("simulate", "spiked-wigner", "theta=3/2", "alpha=1/2", "--n", "200", "--seeds", "3",
                    "--t", "1,3", "--seed", "5")
    assert data["model"] == "spiked-wigner" and data["sizes"] == {"n": 200} and data["trials"] == 3
    obs = data["observables"]
    assert set(obs) == {"m", "energy"}
    assert [row["t"] for row in obs["m"]] == ["1", "3"]
    assert {"mean", "stderr", "values"} <= set(obs["m"][0]) and len(obs["m"][0]["values"]) == 3
    again = run_json("simulate", "spiked-wigner", "theta=3/2", "alpha=1/2", "--n", "200", "--seeds", "3",
                     "--t", "1,3", "--seed", "5", "--method", "gram")
    assert again["observables"]["m"][0]["values"] == obs["m"][0]["values"]   # same seed, same numbers


def test_cli_cite():
    status, out, _ = run_cli("cite", "spiked-wigner")
    assert status == 0 and "bodin_macris_2021" in out and "@" in out


def test_json_numbers_carry_full_precision():
    status, out, err = run_cli("eval", "spiked-wigner", "theta=1", "alpha=1/3", "--t", "7", "--dps", "60", "--json")
    assert status == 0, err
    value = json.loads(out)["observables"]["m"][0]
    assert len(value.replace("-", "").replace(".", "").split("e")[0]) >= 60
