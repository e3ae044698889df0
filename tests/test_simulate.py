"""Finite-size simulator of rank-one denoising: exact routes against each other.

The references here are independent computations of the same finite-n linear
algebra: ``scipy.linalg.expm`` of the full chiral matrix (and Van Loan's block
exponential for time integrals), the eigendecomposition of the smaller Gram
matrix, Lanczos, direct integration of each flow's ODE, the GD recursion itself,
mpmath at 50 digits for the scaled basis functions, and an SVD of X for the
large-time limits.  None of them is the n = infinity theory.
"""

from __future__ import annotations

import math
import tracemalloc

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import symdyn as sd
from symdyn.errors import ParameterError
from symdyn.models.rank_one_denoising.simulation import RankOneSimulator, draw_instance, instance_sizes
from symdyn.simulate import spawn_streams
from symdyn.simulate.chiral import flow_functions, gd_functions, unscale

M = sd.model("rank-one-denoising")
SIM = M.simulator()


def _params(**kw):
    base = dict(c="3/5", theta="3/2", alpha="3/10", beta="-1/2")
    base.update(kw)
    return M.params(**base)


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float = 0.0) -> float:
    """Largest violation ratio of |a - b| <= atol + rtol |b| (infinities must match exactly)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    inf = np.isinf(a) | np.isinf(b)
    assert np.array_equal(a[inf], b[inf]), (a[inf], b[inf])
    fin = ~inf
    err = np.abs(a[fin] - b[fin]) / (atol + rtol * np.abs(b[fin]))
    return float(err.max()) if err.size else 0.0


# ----------------------------------------------------------------------------- the model and its instances


def test_simulator_type_and_sizes():
    assert isinstance(SIM, RankOneSimulator)
    assert instance_sizes(M.params(c="1/2", theta="1", alpha="0", beta="0")["c"], 1001) == (501, 1001)
    assert instance_sizes(sd.parse_number("2"), 100) == (200, 100)
    res = SIM.run(_params(c="1/3"), ["1"], n=100, trials=1, seed=0)
    assert res.sizes == {"p": 33, "n": 100}
    assert res.effective["c"] == pytest.approx(0.33)


def test_reported_sigma_n_is_spec_5_2_with_p_and_n_in_their_places():
    """sigma_n^2 = zeta_u (1 - alpha^2)/p + kappa^2 zeta_v (1 - beta^2)/n (spec 5.2), with c = 1/4 so that p != n
    and zeta_u != zeta_v: a p/n swap changes it by 11%.  The same number as the finite-size hook's."""
    from symdyn.models.rank_one_denoising.finite_size import finite_size

    c, th, al, be = 0.25, 1.5, 0.4, -0.5
    zu = (th**4 - c) / (th**2 * (th**2 + c))
    zv = (th**4 - c) / (th**2 * (th**2 + 1))
    params = M.params(c="1/4", theta="3/2", alpha="2/5", beta="-1/2")
    res = SIM.run(params, ["1"], n=400, trials=1, seed=0)
    p, n = res.sizes["p"], res.sizes["n"]
    assert (p, n) == (100, 400)
    expected = math.sqrt(zu * (1 - al**2) / p + zv * (1 - be**2) / n)
    swapped = math.sqrt(zu * (1 - al**2) / n + zv * (1 - be**2) / p)
    assert abs(swapped / expected - 1) > 0.1
    assert res.effective["sigma_n"] == pytest.approx(expected, rel=1e-12)
    assert finite_size(M, params, res.sizes).sign.sigma == pytest.approx(expected, rel=1e-12)
    assert res.effective["amplitude_predicted"] == pytest.approx(al * math.sqrt(zu) + be * math.sqrt(zv), rel=1e-12)


def test_instance_follows_the_spec():
    rng = np.random.default_rng(5)
    inst = draw_instance(rng, 300, 500, 1.5, 0.3, -0.5, 1.4)
    assert inst.u @ inst.u == pytest.approx(1, abs=1e-14) and inst.v @ inst.v == pytest.approx(1, abs=1e-14)
    assert np.linalg.norm(inst.a0) == pytest.approx(1, abs=1e-14)
    assert np.linalg.norm(inst.b0) == pytest.approx(1.4, abs=1e-14)
    assert inst.u @ inst.a0 == pytest.approx(0.3, abs=1e-14)
    assert inst.v @ inst.b0 / 1.4 == pytest.approx(-0.5, abs=1e-14)
    Z = inst.X - 1.5 * np.outer(inst.u, inst.v)
    # entries N(0, 1/n): the sample variance of 150000 entries is within a few 1e-3 relative
    assert Z.var() * 500 == pytest.approx(1, rel=0.02)
    assert abs(Z.mean()) < 5 / math.sqrt(Z.size * 500)


# ----------------------------------------------------------------------------- scaled basis functions vs mpmath


@pytest.mark.parametrize("t", [0.0, 1e-3, 0.7, 13.0, 1e4])
def test_flow_functions_against_mpmath(t):
    s = np.array([0.0, 1e-12, 1e-5, 0.03, 0.9, 2.2])
    smax = 2.2
    f = flow_functions(np.array([t]), s, smax, integrals=True)
    with mp.workdps(50):
        T = mp.mpf(t)
        sc = mp.exp(-T * smax)
        for j, sj in enumerate(s):
            S = mp.mpf(sj)
            if sj == 0:
                exact = {"C": 1, "S": T, "G": T**2 / 2, "IC2": T, "ICS": T**2 / 2, "IS2": T**3 / 3}
            else:
                exact = {
                    "C": mp.cosh(T * S), "S": mp.sinh(T * S) / S, "G": (mp.cosh(T * S) - 1) / S**2,
                    "IC2": T / 2 + mp.sinh(2 * T * S) / (4 * S), "ICS": mp.sinh(T * S) ** 2 / (2 * S**2),
                    "IS2": (mp.sinh(2 * T * S) - 2 * T * S) / (4 * S**3),
                }
            for key, val in exact.items():
                ref = mp.mpf(val) * (sc if key in ("C", "S", "G") else sc**2)
                got = f[key][0, j]
                if abs(ref) < mp.mpf("1e-290"):
                    assert abs(got) < 1e-280
                    continue
                assert abs(got - ref) <= 4e-14 * abs(ref), (key, t, sj, got, ref)


def _gd_exact(eta, k, s, smax):
    """C_k, sigma_k and (C_k - 1)/s^2 from their binomial expansions (positive terms only, no cancellation)."""
    with mp.workdps(60):
        e, S = mp.mpf(eta), mp.mpf(s)
        sc = (1 + e * smax) ** (-k)
        x = e * S
        C = mp.fsum(mp.binomial(k, j) * x**j for j in range(0, k + 1, 2))
        sig = e * mp.fsum(mp.binomial(k, j) * x ** (j - 1) for j in range(1, k + 1, 2))
        G = e**2 * mp.fsum(mp.binomial(k, j) * x ** (j - 2) for j in range(2, k + 1, 2))
        return C * sc, sig * sc, G * sc


@pytest.mark.parametrize("eta", [0.05, 0.7, 3.0])
@pytest.mark.parametrize("k", [0, 1, 2, 3, 10, 1000])
def test_gd_functions_against_mpmath(eta, k):
    smax = 2.4
    s = np.array([x for x in (0.0, 1e-9, 1e-4, 0.3, 1.0 / eta, 1.7, smax) if x <= smax])
    f = gd_functions(eta, np.array([k]), s, smax)
    rtol = _gd_rtol(eta, k, smax)
    for j, sj in enumerate(s):
        for key, ref in zip(("C", "S", "G"), _gd_exact(eta, k, float(sj), smax)):
            got = f[key][0, j]
            if abs(ref) < mp.mpf("1e-290"):
                assert abs(got) < 1e-280
                continue
            assert abs(got - ref) <= rtol * abs(ref) + 1e-300, (key, eta, k, sj, got, ref)


def _gd_rtol(eta, k, smax):
    """(1 + x)^k in floating point carries the relative error k eps log(1 + x) of its exponent."""
    return 2e-14 * max(1.0, k * math.log1p(eta * smax))


@settings(max_examples=60, deadline=None)
@given(eta=st.floats(1e-3, 5.0), k=st.integers(0, 400), s=st.floats(0.0, 3.0))
def test_gd_functions_property(eta, k, s):
    smax = 3.0
    f = gd_functions(eta, np.array([k]), np.array([s]), smax)
    rtol = _gd_rtol(eta, k, smax)
    for key, ref in zip(("C", "S", "G"), _gd_exact(eta, k, s, smax)):
        got = f[key][0, 0]
        assert abs(got - ref) <= rtol * abs(ref) + 1e-300, (key, got, ref)


def test_unscale_never_nan():
    out = unscale(np.array([0.5, -0.5, 0.0, 1e-300]), np.array([800.0, 800.0, 800.0, 10.0]))
    assert out[0] == np.inf and out[1] == -np.inf and out[2] == 0.0
    assert out[3] == pytest.approx(1e-300 * math.exp(10.0))


# ----------------------------------------------------------------------------- exact routes against each other

CASES = [  # (c, theta, n): p < n above threshold, p > n (transposed), c = 1 below threshold, p < n below
    ("3/5", "3/2", 20),
    ("5/3", "3/2", 12),
    ("1", "1/2", 16),
    ("3/5", "1/2", 20),
]
TIMES = ["0", "1/2", "3", "20", "10000"]


def _observables(p):
    return SIM.observables(p)


@pytest.mark.parametrize("c,theta,n", CASES)
@pytest.mark.parametrize("flow", ["F1", "F2", "F3", "F0"])
def test_gram_lanczos_expm_agree(c, theta, n, flow):
    kappa = "1" if flow in ("F1", "F3") else "7/5"
    p = _params(c=c, theta=theta, flow=flow, kappa=kappa, r0="3/2")
    obs = _observables(p)
    res = {m: SIM.run(p, TIMES, n=n, trials=2, seed=11, method=m, observables=obs) for m in ("expm", "gram", "lanczos")}
    if c == "5/3":
        assert res["gram"].sizes["p"] > res["gram"].sizes["n"]
    for o in obs:
        ref = res["expm"].values[o]
        for m in ("gram", "lanczos"):
            got = res[m].values[o]
            if o in ("N_u", "N_v", "Q_a", "Q_b"):
                assert _close(got, ref, rtol=1e-11) <= 1, (o, m)
            elif o == "norm_sq":
                # Van Loan's block exponential is itself only good to ~1e-9 at t = 1e4
                assert _close(got[:, :-1], ref[:, :-1], rtol=1e-11, atol=1e-12) <= 1, (o, m)
                assert _close(got[:, -1], ref[:, -1], rtol=1e-8) <= 1, (o, m)
            else:
                assert _close(got, ref, rtol=1e-11, atol=1e-11) <= 1, (o, m)
        # Gram and Lanczos agree with each other more tightly, including t = 1e4
        for o2 in ("m_u", "m_v"):
            assert _close(res["lanczos"].values[o2], res["gram"].values[o2], rtol=0, atol=2e-12) <= 1
    # diagnostics: SVD (expm route) vs Gram eigendecomposition vs Ritz values
    for key in ("s_max", "amplitude", "overlap_u1", "overlap_v1"):
        assert _close(res["gram"].extra[key], res["expm"].extra[key], rtol=1e-9, atol=1e-10) <= 1, key
        assert _close(res["lanczos"].extra[key], res["expm"].extra[key], rtol=1e-8, atol=1e-8) <= 1, key


@pytest.mark.parametrize("c,theta,n", CASES[:3])
@pytest.mark.parametrize("flow", ["F1", "F2", "F3", "F0"])
def test_ode_agrees_with_exact_dynamics(c, theta, n, flow):
    kappa = "1" if flow in ("F1", "F3") else "7/5"
    p = _params(c=c, theta=theta, flow=flow, kappa=kappa, r0="3/2")
    times = ["0", "1/2", "2", "6"]
    ode = SIM.run(p, times, n=n, trials=2, seed=4, method="ode")
    obs = ode.observables if flow != "F0" else ("m_u", "m_v", "N_u", "Q_a", "Q_b")
    ode = SIM.run(p, times, n=n, trials=2, seed=4, method="ode", observables=obs)
    gram = SIM.run(p, times, n=n, trials=2, seed=4, method="gram", observables=obs)
    for o in obs:
        assert _close(ode.values[o], gram.values[o], rtol=1e-8, atol=1e-9) <= 1, o


@pytest.mark.parametrize("c,n", [("3/5", 20), ("5/3", 12), ("1", 16)])
@pytest.mark.parametrize("eta", ["1/10", "7/10"])
def test_gd_routes_agree(c, n, eta):
    p = _params(c=c, eta=eta)
    ks = ["0", "1", "2", "3", "10", "200"]
    obs = ("m_u", "m_v", "N_u", "N_v", "Q_a", "Q_b", "a_share")
    res = {m: SIM.run(p, ks, n=n, trials=2, seed=9, method=m, observables=obs)
           for m in ("gram", "lanczos", "expm", "gd-iterate")}
    assert res["gram"].time_name == "k"
    for o in obs:
        for m in ("lanczos", "expm", "gd-iterate"):
            rtol = 1e-11 if m != "gd-iterate" else 1e-10  # the recursion accumulates k rounding errors
            assert _close(res[m].values[o], res["gram"].values[o], rtol=rtol, atol=rtol) <= 1, (o, m)


def test_gd_differs_from_flow_and_k0_is_the_start():
    p = _params(eta="1/4")
    gd = SIM.run(p, ["0", "4"], n=40, trials=3, seed=2, method="gram")
    flow = SIM.run(_params(), ["0", "1"], n=40, trials=3, seed=2, method="gram")
    assert np.allclose(gd.values["m_u"][:, 0], 0.3, atol=1e-14)
    assert np.allclose(gd.values["m_v"][:, 0], -0.5, atol=1e-14)
    assert np.max(np.abs(gd.values["m_u"][:, 1] - flow.values["m_u"][:, 1])) > 1e-3  # spec 2.3 pitfall (ii)


# ----------------------------------------------------------------------------- large times, limits, conservation


def test_large_time_limits_against_svd():
    """At t = 1e4 and a wide gap the flow sits on the top singular pair: m -> sign(amplitude) <u, u1>,
    the F1 energy and the F3 norm |a|^2 tend to s_max (spec 4.4).  References: an SVD of X."""
    p = _params(theta="3", alpha="1/2", beta="1/2", flow="F1")
    svd = SIM.run(p, ["0"], n=30, trials=3, seed=1, method="expm")
    for method in ("gram", "lanczos"):
        r = SIM.run(p, ["10000"], n=30, trials=3, seed=1, method=method)
        sgn = np.sign(svd.extra["amplitude"])
        assert np.allclose(r.values["m_u"][:, 0], sgn * svd.extra["overlap_u1"], atol=1e-12)
        assert np.allclose(r.values["m_v"][:, 0], sgn * svd.extra["overlap_v1"], atol=1e-12)
        assert np.allclose(r.values["energy"][:, 0], svd.extra["s_max"], rtol=1e-12)
        f3 = SIM.run(_params(theta="3", alpha="1/2", beta="1/2", flow="F3", r0="1/3"), ["10000"], n=30, trials=3,
                     seed=1, method=method)
        assert np.allclose(f3.values["norm_sq"][:, 0], svd.extra["s_max"], rtol=1e-12)


def test_overflow_is_reported_not_nan():
    p = _params(flow="F2", kappa="7/5")
    r = SIM.run(p, ["1", "10000"], n=20, trials=2, seed=0, method="gram",
                observables=["m_u", "N_u", "Q_b", "a_share"])
    assert np.all(np.isinf(r.values["N_u"][:, 1])) and np.all(np.isinf(r.values["Q_b"][:, 1]))
    assert np.all(np.isfinite(r.values["N_u"][:, 0]))
    assert np.all(np.isfinite(r.values["m_u"])) and np.all(np.isfinite(r.values["a_share"]))
    assert any("overflowed" in note for note in r.notes)
    assert not np.any(np.isnan(r.values["N_u"]))


@pytest.mark.parametrize("method", ["gram", "lanczos"])
def test_conservation_law(method):
    """|a~|^2 - |b~|^2 = |a0|^2 - |b0|^2 = 1 - kappa^2 along the linear flow (spec 4.2)."""
    p = _params(flow="F0", kappa="7/5")
    r = SIM.run(p, ["0", "1", "3", "8"], n=60, trials=2, seed=3, method=method, observables=["Q_a", "Q_b"])
    diff = r.values["Q_a"] - r.values["Q_b"]
    scale = r.values["Q_a"] + r.values["Q_b"]
    assert np.all(np.abs(diff - (1 - 1.96)) <= 1e-13 * scale + 1e-13)


def test_fused_chiral_matvec():
    from symdyn.simulate.chiral import ChiralMatvec

    rng = np.random.default_rng(0)
    X = rng.standard_normal((701, 1003))
    q = rng.standard_normal(1704)
    mv = ChiralMatvec(X)
    assert mv.fused and 701 % mv.rows != 0
    w = np.empty(1704)
    mv(q, w)
    ref = np.concatenate([X @ q[701:], X.T @ q[:701]])
    assert np.max(np.abs(w - ref)) <= 1e-12 * np.max(np.abs(ref))
    plain = ChiralMatvec(np.asfortranarray(X))
    assert not plain.fused
    plain(q, w)
    assert np.max(np.abs(w - ref)) <= 1e-12 * np.max(np.abs(ref))


def test_large_size_lanczos_matches_gram():
    """The Krylov route at a size where it is the cheaper one, against the Gram route, t up to 1e3."""
    p = _params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    times = ["1", "5", "50", "1000"]
    lan = SIM.run(p, times, n=1100, trials=1, seed=7, method="lanczos")
    gram = SIM.run(p, times, n=1100, trials=1, seed=7, method="gram")
    for o in ("m_u", "m_v", "energy"):
        assert _close(lan.values[o], gram.values[o], rtol=1e-12, atol=1e-13) <= 1, o
    below = SIM.run(_params(c="1/2", theta="1/2"), times, n=1100, trials=1, seed=7, method="lanczos")
    below_g = SIM.run(_params(c="1/2", theta="1/2"), times, n=1100, trials=1, seed=7, method="gram")
    assert _close(below.values["m_u"], below_g.values["m_u"], rtol=0, atol=1e-13) <= 1


# ----------------------------------------------------------------------------- seeds


def test_reproducible_from_seed():
    p = _params()
    a = SIM.run(p, ["1", "5"], n=60, trials=4, seed=123, method="gram")
    b = SIM.run(p, ["1", "5"], n=60, trials=4, seed=123, method="gram")
    c = SIM.run(p, ["1", "5"], n=60, trials=4, seed=124, method="gram")
    for o in a.values:
        assert np.array_equal(a.values[o], b.values[o])
        assert not np.allclose(a.values[o], c.values[o])
    for key in a.extra:
        assert np.array_equal(a.extra[key], b.extra[key])
    # trial i uses SeedSequence(root).spawn(trials)[i]: a longer run extends a shorter one
    longer = SIM.run(p, ["1", "5"], n=60, trials=6, seed=123, method="gram")
    assert np.array_equal(longer.values["m_u"][:4], a.values["m_u"])
    # and it is exactly the documented stream
    rng = spawn_streams(123, 4)[2]
    inst = draw_instance(rng, 36, 60, 1.5, 0.3, -0.5, 1.0)
    u1 = np.linalg.svd(inst.X)[0][:, 0]
    assert abs(u1 @ inst.u) == pytest.approx(a.extra["overlap_u1"][2], abs=1e-12)


# ----------------------------------------------------------------------------- memory, methods, bad input


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("method,c", [("gram", "1/2"), ("gram", "2"), ("lanczos", "1/2")])
def test_memory_estimate_bounds_measured_peak(method, c):
    p = _params(c=c)
    n = 400
    est = SIM.memory_estimate(p, n, method, times=["1", "5"], max_steps=200)
    peak = _peak(lambda: SIM.run(p, ["1", "5"], n=n, trials=1, seed=0, method=method, max_steps=200))
    assert peak <= est <= 4 * peak + 2_000_000, (peak, est)


def test_memory_estimate_scales_and_refuses():
    p = _params(c="1/2")
    small = SIM.memory_estimate(p, 1000, "lanczos")
    big = SIM.memory_estimate(p, 4000, "lanczos")
    assert 8 * 500 * 1000 < small < big
    assert big >= 8 * 2000 * 4000
    assert SIM.memory_estimate(p, 4000, "gram") > 8 * 2000 * 4000 + 8 * 2000**2
    with pytest.raises(ParameterError, match="needs about"):
        SIM.run(p, ["1"], n=3_000_000, trials=1)


def test_auto_method_choice():
    p = _params(c="1/2")
    assert SIM.plan(p, ["1", "5"], n=200).method == "gram"
    assert SIM.plan(p, ["1", "5"], n=8000).method == "lanczos"
    r = SIM.run(p, ["1"], n=100, trials=1)
    assert any("auto chose" in note for note in r.notes)


@pytest.mark.parametrize(
    "kwargs,call,match",
    [
        ({}, dict(method="nope"), "unknown method"),
        ({}, dict(method="gd-iterate"), "eta"),
        ({"eta": "1/10"}, dict(method="ode"), "discrete GD"),
        ({}, dict(observables=["bogus"]), "unknown observable"),
        ({"flow": "F2"}, dict(observables=["energy"]), "not available"),
        ({}, dict(observables=["m_u", "m_u"]), "twice"),
        ({}, dict(observables=[]), "no observables"),
        ({}, dict(n=1), "too small"),
        ({}, dict(trials=0), "trials"),
        ({}, dict(seed=-1), "seed"),
        ({}, dict(method="expm", n=2000), "expm"),
        ({}, dict(times=["-1"]), "negative"),
        ({"eta": "1/10"}, dict(times=["3/2"]), "whole number"),
    ],
)
def test_bad_input(kwargs, call, match):
    p = _params(**kwargs)
    args = dict(times=["1"], n=20, trials=1, seed=0)
    args.update(call)
    times = args.pop("times")
    with pytest.raises(ParameterError, match=match) as info:
        SIM.run(p, times, **args)
    assert "\n" not in str(info.value)


def test_bad_parameters():
    with pytest.raises(ParameterError, match="theta"):
        SIM.run(M.params(c="1/2", alpha="0", beta="0"), ["1"], n=20, trials=1)
    with pytest.raises(ParameterError, match="kappa"):
        SIM.run(_params(flow="F1", kappa="2"), ["1"], n=20, trials=1)
    with pytest.raises(ParameterError):
        SIM.run(_params(c="1/100"), ["1"], n=20, trials=1)  # p = 0


def test_progress_is_reported_per_trial():
    class Meter:
        def __init__(self):
            self.total, self.done = None, 0

        def task(self, description, total=None):
            from contextlib import contextmanager

            meter = self

            @contextmanager
            def cm():
                meter.total = total

                class T:
                    def advance(self, amount=1):
                        meter.done += amount

                yield T()

            return cm()

    meter = Meter()
    SIM.run(_params(), ["1"], n=20, trials=5, progress=meter)
    assert meter.total == 5 and meter.done == 5


def test_result_statistics_and_json():
    r = SIM.run(_params(), ["1", "5"], n=40, trials=5, seed=2)
    v = r.values["m_u"]
    assert np.allclose(r.mean("m_u"), v.mean(axis=0))
    assert np.allclose(r.stderr("m_u"), v.std(axis=0, ddof=1) / math.sqrt(5))
    js = r.to_json()
    assert js["observables"]["m_u"][1]["t"] == "5"
    assert len(js["observables"]["m_u"][0]["values"]) == 5
    assert float(js["observables"]["m_u"][0]["mean"]) == pytest.approx(v[:, 0].mean())
    assert set(js["extra"]) >= {"s_max", "amplitude", "overlap_u1"}
    assert all(isinstance(x, str) for x in js["extra"]["amplitude"])


def test_convention_units_follow_the_theory():
    """noise-sigma: X_user = sigma X, t = sigma t'; overlaps are the same, the energy is sigma times larger."""
    p1 = _params(theta="3/2")
    p2 = M.params(c="3/5", theta="3", alpha="3/10", beta="-1/2", convention="noise-sigma", sigma="2")
    r1 = SIM.run(p1, ["2"], n=30, trials=2, seed=5, method="gram")
    r2 = SIM.run(p2, ["1"], n=30, trials=2, seed=5, method="gram")
    assert np.allclose(r1.values["m_u"], r2.values["m_u"], atol=1e-13)
    assert np.allclose(2 * r1.values["energy"], r2.values["energy"], rtol=1e-13)


# ----------------------------------------------------------------------------- against the n = infinity theory

# spec section 9, 50-digit reference values at c = 1/2, theta = 6/5, alpha = beta = 1/10
SPEC_REFERENCE = {("m_u", 0): 0.2320476610057535508, ("m_v", 0): 0.21542339491039138575,
                  ("m_u", 1): 0.59540495655801739964, ("m_v", 1): 0.53055954995098899144}


def test_simulation_agrees_with_spec_reference_values():
    p = M.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    r = SIM.run(p, ["1", "5"], n=1000, trials=40, seed=2026)
    for (o, j), ref in SPEC_REFERENCE.items():
        z = (r.mean(o)[j] - ref) / r.stderr(o)[j]
        assert abs(z) < 4, (o, j, r.mean(o)[j], r.stderr(o)[j], ref)


THEORY_CASES = [
    # (parameters, times, observables)
    (dict(c="1/2", theta="6/5", alpha="1/2", beta="3/10"), ["1", "3", "10"], ["m_u", "m_v", "energy"]),
    (dict(c="1/2", theta="6/5", alpha="1/2", beta="3/10", flow="F3", r0="2"), ["1", "3"], ["norm_sq"]),
    (dict(c="2", theta="9/5", alpha="2/5", beta="1/2", flow="F2", kappa="7/5"), ["1", "3"], ["m_u", "m_v", "a_share"]),
    (dict(c="1/2", theta="1/2", alpha="1/2", beta="3/10"), ["1", "3"], ["m_u", "m_v"]),
    (dict(c="1/2", theta="6/5", alpha="1/2", beta="3/10", eta="1/4"), ["4", "12", "40"], ["m_u", "m_v"]),
]


@pytest.mark.slow
@pytest.mark.parametrize("kw,times,obs", THEORY_CASES)
def test_simulation_agrees_with_theory(kw, times, obs):
    """Means over 60 seeds at n = 600 against the deterministic equivalents (model.evaluate):
    the fluctuations are O(n^-1/2) and the bias smaller (spec 9), so |z| < 4 on every row."""
    p = M.params(**kw)
    theory = M.evaluate(p, times, dps=20, observables=obs)
    r = SIM.run(p, times, n=600, trials=60, seed=31, observables=obs, method="lanczos")
    for o in obs:
        for j in range(len(times)):
            z = (r.mean(o)[j] - float(theory[o][j])) / r.stderr(o)[j]
            assert abs(z) < 4, (kw, o, times[j], r.mean(o)[j], r.stderr(o)[j], float(theory[o][j]))


def test_blas_threads_scoped_and_restored():
    from symdyn.simulate.threads import blas_threads, openblas_pools

    pools = openblas_pools()
    if not pools:
        pytest.skip("no OpenBLAS loaded in this process")
    before = [get() for _, get, _ in pools]
    with blas_threads(1):
        assert all(get() == 1 for _, get, _ in pools)
    assert [get() for _, get, _ in pools] == before
    with pytest.raises(ParameterError, match="threads"):
        with blas_threads(0):
            pass
    p = _params()
    a = SIM.run(p, ["1", "5"], n=60, trials=2, seed=8, method="gram", threads=1)
    b = SIM.run(p, ["1", "5"], n=60, trials=2, seed=8, method="gram")
    assert np.allclose(a.values["m_u"], b.values["m_u"], atol=1e-13)
    assert [get() for _, get, _ in pools] == before
