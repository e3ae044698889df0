"""Simulations at extreme but legal requests: t = 1e300, overflowing unnormalised observables, and
requests whose size (trials x times x observables) exceeds the machine, refused before any work."""

from __future__ import annotations

import time

import mpmath as mp
import numpy as np
import pytest

from cli_helpers import run_cli
from symdyn.simulate.chiral import flow_functions
from symdyn.simulate.result import iter_streams, spawn_streams

M = "rank-one-denoising"
P = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")


def test_flow_basis_stays_finite_and_exact_at_huge_times():
    s = np.array([0.0, 0.3, 1.0, 1.7])
    for t in (20.0, 1e150, 1e300):
        f = flow_functions(np.array([t]), s, 1.7, integrals=True)
        for key in ("C", "S", "G", "IC2", "ICS", "IS2"):
            assert np.all(np.isfinite(f[key])), (key, t)
        with mp.workdps(40):  # G = e^{-t s_max} (cosh(ts) - 1)/s^2 (t^2/2 at s = 0), independently in mpmath
            for j, sj in enumerate(s):
                T, S = mp.mpf(t), mp.mpf(sj)
                ref = mp.exp(-T * mp.mpf(1.7)) * ((mp.cosh(T * S) - 1) / S**2 if sj else T**2 / 2)
                assert abs(f["G"][0, j] - ref) <= 1e-12 * abs(ref) + 1e-300, (t, sj)
                is2 = mp.exp(-2 * T * mp.mpf(1.7)) * ((mp.sinh(2 * T * S) - 2 * T * S) / (4 * S**3) if sj
                                                       else T**3 / 3)
                assert abs(f["IS2"][0, j] - is2) <= 1e-12 * abs(is2) + 1e-300, (t, sj)


@pytest.mark.parametrize("method", ["gram", "lanczos"])
def test_simulate_at_t_1e300_gives_finite_normalised_observables(method):
    status, out, err = run_cli("simulate", M, *P, "--n", "100", "--seeds", "2", "--t", "1,1e300", "--method", method,
                               "--json")
    assert status == 0, err
    import json

    data = json.loads(out)
    for name in ("m_u", "m_v", "energy"):
        for row in data["observables"][name]:
            assert all(np.isfinite(float(v)) for v in row["values"]), (name, row["t"])


def test_overflowing_observables_print_inf_without_raw_warnings():
    status, out, err = run_cli("simulate", M, *P, "--n", "200", "--seeds", "3", "--t", "10000",
                               "--observables", "N_u,Q_a,m_u")
    assert status == 0, err
    assert "Warning" not in err and "warning" not in err
    assert "inf" in out and "overflowed float64" in out
    assert "nan" not in out


@pytest.mark.parametrize("seeds, extra", [("1000000000", ()), ("100000000", ("--json",))])
def test_requests_beyond_the_machine_are_refused_with_the_estimate(seeds, extra):
    # 1e9 trials: 112 GB of results; 1e8 with --json: 179 GB of printed values (the machine has about 24)
    t0 = time.perf_counter()
    status, out, err = run_cli("simulate", M, *P, "--n", "200", "--seeds", seeds, "--t", "1,5", *extra)
    assert time.perf_counter() - t0 < 15
    assert status == 2 and out == "" and "GB of memory" in err and "available" in err
    assert len(err.strip().splitlines()) == 1


def test_the_estimate_of_a_feasible_request_is_printed_before_it_runs():
    status, out, err = run_cli("simulate", M, *P, "--n", "200", "--seeds", "2", "--t", "1")
    assert status == 0 and "memory needed about" in err and " s" in err


def test_streams_are_made_lazily_and_equal_the_spawned_ones():
    a = [g.standard_normal(4) for g in iter_streams(2024, 6)]
    b = [g.standard_normal(4) for g in spawn_streams(2024, 6)]
    c = [np.random.default_rng(s).standard_normal(4) for s in np.random.SeedSequence(2024).spawn(6)]
    assert all(np.array_equal(x, y) and np.array_equal(x, z) for x, y, z in zip(a, b, c))
    it = iter_streams(0, 10**12)  # a trillion trials: nothing is made up front
    assert next(it) is not None


@pytest.mark.parametrize("method, t", [("ode", "1e300"), ("expm", "1e20")])
def test_cross_check_methods_refuse_times_they_cannot_reach(method, t):
    status, out, err = run_cli("simulate", M, *P, "--n", "50", "--seeds", "1", "--t", t, "--method", method)
    assert status == 2 and "cross-check for t s_max" in err


def test_library_warnings_reach_stderr_as_one_counted_line(monkeypatch):
    import warnings

    import symdyn.cli.meta as meta

    real = meta.available_models

    def noisy():
        for _ in range(3):
            warnings.warn("invalid value encountered in subtract", RuntimeWarning)
        return real()

    monkeypatch.setattr(meta, "available_models", noisy)
    status, out, err = run_cli("models")
    assert status == 0
    assert err.strip().splitlines() == ["symdyn: warning: RuntimeWarning: invalid value encountered in subtract "
                                        "(3 times)"]
