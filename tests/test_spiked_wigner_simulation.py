"""The spiked Wigner simulator: instances, exact routes, reproducibility, and theory against simulation.

Theory vs simulation (spec 6, "n = 2000, 10 seeds"): one check per regime (below, at
and above threshold), each with its own root seed (spec 11: never reuse a noise
stream across theta values).  The checker's verdict is Holm over Student-t rows at
a 5% family-wise false-alarm rate; a false-alarm study of the same check (10 seeds
per check, alpha = 1/2, t = 1, 3, 8) measured 0/40 rejections at n = 2000 and 3/100 at
n = 500, for theta = 7/10 and 3/2.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import symdyn as sd
from symdyn.check import check
from symdyn.errors import ParameterError
from symdyn.models.spiked_wigner.simulation import draw_instance, goe
from symdyn.simulate import spawn_streams
from symdyn.simulate.chiral import Flow, Steps
from symdyn.simulate.symmetric import dense_dynamics, eigh_dynamics, iterate_gd, lanczos_dynamics

from cli_helpers import run_cli


@pytest.fixture(scope="module")
def wig():
    return sd.model("spiked-wigner")


def test_goe_and_instance(wig):
    rng = np.random.default_rng(7)
    n = 600
    W = goe(rng, n)
    assert np.array_equal(W, W.T)
    off = W[np.triu_indices(n, 1)]
    assert abs(off.var() * n - 1) < 0.02          # E W_ij^2 = 1/n (179,700 entries: s.e. 0.0033)
    assert abs(np.diag(W).var() * n - 2) < 0.35   # E W_ii^2 = 2/n (600 entries: s.e. 0.12)
    inst = draw_instance(np.random.default_rng(3), 300, 1.5, 0.3)
    assert np.array_equal(inst.Y, inst.Y.T)
    assert abs(np.linalg.norm(inst.x) - 1) < 1e-14 and abs(np.linalg.norm(inst.x0) - 1) < 1e-14
    assert abs(inst.x @ inst.x0 - 0.3) < 1e-14
    # the spike: Y - theta x x^T is the GOE part, whose spectrum fills [-2, 2]
    ev = np.linalg.eigvalsh(inst.Y - 1.5 * np.outer(inst.x, inst.x))
    assert -2.3 < ev[0] < -1.7 and 1.7 < ev[-1] < 2.3


@pytest.mark.parametrize("gd", [False, True])
def test_exact_routes_agree(gd):
    rng = np.random.default_rng(11)
    inst = draw_instance(rng, 150, 1.3, -0.4)
    prop = Steps(0.7, np.array([0, 3, 17, 60])) if gd else Flow(np.array([0.0, 0.5, 3.0, 40.0]))
    ref = eigh_dynamics(inst.Y.copy(), inst.x0, inst.x, prop)
    others = [lanczos_dynamics(inst.Y, inst.x0, inst.x, prop), dense_dynamics(inst.Y, inst.x0, inst.x, prop)]
    if gd:
        others.append(iterate_gd(inst.Y, inst.x0, inst.x, prop))
    m_ref = ref.n / np.sqrt(ref.q)
    e_ref = ref.energy / ref.q
    for o in others:
        assert np.max(np.abs(o.n / np.sqrt(o.q) - m_ref)) < 1e-11
        assert np.max(np.abs(o.energy / o.q - e_ref)) < 1e-11
        # the unscaled norms: log|y| agrees too
        assert np.max(np.abs((o.log_scale + 0.5 * np.log(o.q)) - (ref.log_scale + 0.5 * np.log(ref.q)))) < 1e-9


def test_methods_agree_through_the_simulator(wig):
    sim = wig.simulator()
    p = wig.params(theta="1", alpha="1/2")
    times = ["0", "1", "4"]
    runs = {m: sim.run(p, times, n=120, trials=2, seed=4, method=m, observables=["m", "energy", "N", "Q"])
            for m in ("eigh", "lanczos", "expm", "ode")}
    for m, r in runs.items():
        for o in ("m", "energy"):
            assert np.allclose(r.values[o], runs["eigh"].values[o], rtol=0, atol=1e-9), (m, o)
        assert np.allclose(r.values["Q"], runs["eigh"].values["Q"], rtol=1e-9), m
    assert np.all(runs["eigh"].values["m"][:, 0] == pytest.approx(0.5, abs=1e-14))   # m(0) = alpha exactly
    g = wig.params(theta="2", alpha="1/3", eta="1/2")
    a = sim.run(g, ["0", "5", "30"], n=120, trials=2, seed=4, method="gd-iterate")
    b = sim.run(g, ["0", "5", "30"], n=120, trials=2, seed=4, method="eigh")
    assert np.allclose(a.values["m"], b.values["m"], atol=1e-11)


def test_seeds_reproduce_and_streams_are_per_trial(wig):
    sim = wig.simulator()
    p = wig.params(theta="3/2", alpha="1/5")
    a = sim.run(p, ["1", "3"], n=100, trials=3, seed=9)
    b = sim.run(p, ["1", "3"], n=100, trials=3, seed=9)
    c = sim.run(p, ["1", "3"], n=100, trials=2, seed=9)
    d = sim.run(p, ["1", "3"], n=100, trials=3, seed=10)
    assert np.array_equal(a.values["m"], b.values["m"])
    assert np.array_equal(a.values["m"][:2], c.values["m"])     # trial i uses SeedSequence(seed).spawn(.)[i]
    assert not np.allclose(a.values["m"], d.values["m"])
    inst = draw_instance(spawn_streams(9, 3)[1], 100, 1.5, 0.2)
    assert a.values["m"][1, 0] == pytest.approx(float(eigh_dynamics(inst.Y, inst.x0, inst.x, Flow(np.array([1.0])))
                                                      .n[0] / math.sqrt(eigh_dynamics(inst.Y, inst.x0, inst.x,
                                                                                      Flow(np.array([1.0]))).q[0])),
                                                abs=1e-12)


def test_large_times_and_outlier_diagnostics(wig):
    sim = wig.simulator()
    p = wig.params(theta="2", alpha="1/2")
    r = sim.run(p, ["10", "10000"], n=800, trials=2, seed=1, observables=["m", "energy", "N", "Q"])
    assert np.all(np.isfinite(r.values["m"])) and np.all(np.isfinite(r.values["energy"]))
    assert np.all(np.isinf(r.values["Q"][:, 1])) and any("overflowed" in note for note in r.notes)
    # at t = 10^4 the estimate is the top eigenvector: m = <x, v1> = sqrt(1 - theta^-2) up to O(n^-1/2);
    # both fluctuate on the scale n^(-1/2) = 0.035 (Gaussian outlier fluctuations); generous bounds
    assert np.allclose(r.values["m"][:, 1], r.extra["overlap_v1"], atol=1e-10)
    assert np.all(np.abs(r.extra["overlap_v1"] - math.sqrt(0.75)) < 4 / math.sqrt(800))
    assert np.all(np.abs(r.extra["lambda_max"] - 2.5) < 4 * math.sqrt(2 * 0.75 / 800))
    assert r.effective["lambda_max_predicted"] == 2.5


def test_plan_and_memory(wig):
    sim = wig.simulator()
    p = wig.params(theta="1/2", alpha="1/2")
    assert sim.plan(p, ["1"], n=100).method == "eigh"
    assert sim.plan(p, ["1", "8"], n=2000).method == "lanczos"
    assert sim.plan(p, ["1"], n=100, method="gram").method == "eigh"
    assert sim.memory_estimate(p, 2000, "eigh") > 8 * 2000 * 2000
    assert sim.observables(p) == ("m", "energy", "N", "Q")


@pytest.mark.parametrize("kw, call, fragment", [
    ({}, dict(n=1, trials=2), "n=1 is too small"),
    ({}, dict(n=50, trials=0), "trials=0"),
    ({}, dict(n=50, trials=2, method="svd"), "unknown method 'svd'"),
    ({}, dict(n=50, trials=2, method="gd-iterate"), "give eta"),
    ({"eta": "1/2"}, dict(n=50, trials=2, method="ode"), "not discrete GD"),
    ({}, dict(n=1300, trials=1, method="expm"), "n = 1300 > 1200"),
    ({}, dict(n=50, trials=2, observables=["m_u"]), "unknown observable"),
    ({}, dict(n=50, trials=2, seed=-1), "seed=-1"),
])
def test_simulator_bad_input(wig, kw, call, fragment):
    p = wig.params(theta="1", alpha="1/2", **kw)
    with pytest.raises(ParameterError) as exc:
        wig.simulator().run(p, ["1"], **call)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_cli_simulate_table_and_methods():
    status, out, err = run_cli("simulate", "spiked-wigner", "theta=3/2", "alpha=1/2", "--n", "100", "--seeds", "2",
                               "--t", "1", "--method", "eigh")
    assert status == 0, err
    assert "n = 100" in err and "method eigh" in err and "m" in out
    status, _, err = run_cli("simulate", "spiked-wigner", "theta=3/2", "alpha=1/2", "--n", "100", "--seeds", "2",
                             "--t", "1", "--method", "svd")
    assert status == 2 and "eigh" in err


# ----------------------------------------------------------------------------- theory against simulation


@pytest.mark.parametrize("theta, seed", [("7/10", 101), ("1", 102), ("3/2", 103)])
def test_check_at_n2000_with_10_seeds(wig, theta, seed):
    """Spec 6: n = 2000, 10 seeds, t = 1, 3, 8; m and the energy (about 2-3 s per regime)."""
    p = wig.params(theta=theta, alpha="1/2")
    res = check(wig, p, n=2000, seeds=10, times=[1, 3, 8], seed=seed)
    assert res.passed, res.summary()
    assert {r.observable for r in res.rows} == {"m", "energy"} and len(res.rows) == 6
    assert res.sizes == {"n": 2000} and res.trials == 10


def test_check_discrete_gd(wig):
    p = wig.params(theta="2", alpha="1/2", eta="1/2")
    res = check(wig, p, n=1000, seeds=10, times=[2, 6, 20], seed=104)
    assert res.passed, res.summary()
    assert res.time_name == "k"


def test_check_detects_a_wrong_theory(wig):
    """The check can fail: predictions of theta = 3/2 tested against a simulation at theta = 6/5."""
    wrong = wig.evaluate(wig.params(theta="3/2", alpha="1/2"), ["1", "3", "8"], dps=20, observables=["m"])
    against = {"times": ["1", "3", "8"], "observables": {"m": [sd.mp_to_decimal(v, 20) for v in wrong["m"]]}}
    res = check(wig, wig.params(theta="6/5", alpha="1/2"), n=1000, seeds=10, against=against, seed=105)
    assert not res.passed


# ----------------------------------------------------------------------------- finite-size sign risk


def test_reported_sigma_n_is_the_spread_of_the_outlier_amplitude(wig):
    """sigma_n^2 = (1 - alpha^2)(1 - zeta)/n with zeta = 1 - theta^-2, as the finite-size hook's."""
    from symdyn.models.spiked_wigner.finite_size import finite_size

    p = wig.params(theta="3/2", alpha="1/5")
    r = wig.simulator().run(p, ["1"], n=300, trials=1, seed=0)
    expected = math.sqrt((1 - 0.2**2) * (1 / 1.5**2) / 300)
    assert r.effective["sigma_n"] == pytest.approx(expected, rel=1e-12)
    assert finite_size(wig, p, r.sizes).sign.sigma == pytest.approx(expected, rel=1e-12)
    assert r.effective["amplitude_predicted"] == pytest.approx(0.2 * math.sqrt(1 - 1 / 1.5**2), rel=1e-12)


def test_finite_size_hook(wig):
    from symdyn.models.spiked_wigner.finite_size import finite_size

    assert finite_size(wig, wig.params(theta="1/2", alpha="1/2"), {"n": 2000}) is None
    near = finite_size(wig, wig.params(theta="21/20", alpha="1/2"), {"n": 2000})
    assert near.notes and "BBP window" in near.notes[0]
    fs = finite_size(wig, wig.params(theta="3/2", alpha="1/50"), {"n": 2000})
    s = fs.sign
    assert s.amplitude == pytest.approx(0.02 * math.sqrt(5 / 9), rel=1e-12)
    assert s.sigma == pytest.approx(math.sqrt((1 - 0.02**2) * (4 / 9) / 2000), rel=1e-12)
    # at the realised amplitude A the per-trial theory is the model's own theory
    tr = wig.evaluate(wig.params(theta="3/2", alpha="1/50"), ["1", "5"], dps=20, observables=["m", "energy"])
    for o in ("m", "energy"):
        at_A = s.at_amplitude(o, ["1", "5"], np.array(s.amplitude))
        assert np.allclose(at_A, [float(v) for v in tr[o]], rtol=1e-12)
    # sign flips pull the mean towards zero at large t
    bias = s.mixture_bias("m", ["1", "20"])
    assert abs(bias[0]) < 1e-3 and bias[1] < -0.1


def test_check_with_sign_risk(wig):
    """alpha = 1/50 above threshold: about 1 trial in 4 converges to -sqrt(zeta) at n = 1000."""
    p = wig.params(theta="3/2", alpha="1/50")
    res = check(wig, p, n=1000, seeds=20, times=[1, 5, 20], seed=201)
    assert res.passed, res.summary()
    assert res.sign is not None and ("m", 20) in [(o, int(t)) for o, t in res.sign.rows_at_risk]
    assert res.sign.binomial_p > 0.01          # observed wrong-sign frequency consistent with the prediction
    assert any(r.test == "amplitude-corrected" for r in res.rows)


# ----------------------------------------------------------------------------- generic commands: check, report


def _command_exists(name: str) -> bool:
    from symdyn.cli import cli

    return name in cli.commands


def test_cli_check_json():
    if not _command_exists("check"):
        pytest.skip("symdyn check is not registered yet")
    import json

    status, out, err = run_cli("check", "spiked-wigner", "theta=1", "alpha=1/2", "--n", "2000", "--seeds", "10",
                               "--t", "1,3,8", "--seed", "102", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["passed"] is True and data["model"] == "spiked-wigner"
    rows = data["rows"]
    assert {(r["observable"], r["t"]) for r in rows} == {(o, t) for o in ("m", "energy") for t in ("1", "3", "8")}
    assert all({"theory", "mean", "stderr", "z"} <= set(r) for r in rows)
    status, _, err = run_cli("check", "spiked-wigner", "theta=1", "--n", "200", "--seeds", "3", "--t", "1")
    assert status == 2 and err.count("\n") == 1 and "alpha" in err
    # the simulator's own method names are accepted (eigh), others refused with the list
    status, out, err = run_cli("check", "spiked-wigner", "theta=3/2", "alpha=1/2", "--n", "200", "--seeds", "4",
                               "--t", "1", "--method", "eigh", "--json")
    assert status == 0 and json.loads(out)["simulation"]["method"] == "eigh", err
    status, _, err = run_cli("check", "spiked-wigner", "theta=3/2", "alpha=1/2", "--n", "200", "--seeds", "4",
                             "--t", "1", "--method", "svd")
    assert status == 2 and "eigh" in err


@pytest.mark.slow
def test_report(tmp_path):
    """The generic report on the model's built-in example settings, reduced (about 10-20 s)."""
    rep = pytest.importorskip("symdyn.report")
    m = sd.model("spiked-wigner")
    r = rep.report(m, {"theta": "3/2", "alpha": "3/10"}, out=tmp_path, n=500, seeds=10, times=["1", "5"],
                   sizes=[250, 500], pdf=False)
    assert r.check.passed
    names = {f.name for f in r.files}
    assert {"report.tex", "summary.json", "trajectory.png"} <= names
    assert r.summary["derivation"]["passed"] is True
    if _command_exists("report"):
        status, _, err = run_cli("report", "spiked-wigner", "theta=1/2", "alpha=1/2", "--out", str(tmp_path / "cli"))
        assert status == 0, err
