"""Lanczos diagnostics of the top singular pair: converged or NaN, never silently inaccurate."""

from __future__ import annotations

import numpy as np

import symdyn as sd


def test_lanczos_top_pair_matches_the_exact_route_above_threshold():
    m = sd.model("rank-one-denoising")
    sim = m.simulator()
    p = m.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
    exact = sim.run(p, ["1"], n=800, trials=4, seed=11, method="gram", threads=1)
    krylov = sim.run(p, ["1"], n=800, trials=4, seed=11, method="lanczos", threads=1)
    for key in ("amplitude", "overlap_u1", "overlap_v1"):
        np.testing.assert_allclose(krylov.extra[key], exact.extra[key], rtol=0, atol=1e-7)


def test_unconverged_top_pair_is_reported_as_nan():
    m = sd.model("rank-one-denoising")
    p = m.params(c="1/2", theta="3/5", alpha="2/5", beta="-1/2")  # below threshold: no separated outlier
    res = m.simulator().run(p, ["1"], n=800, trials=3, seed=5, method="lanczos", threads=1)
    bound = res.extra["top_pair_bound"]
    amp = res.extra["amplitude"]
    assert np.all(np.isnan(amp[bound >= 1e-8])) and np.all(np.isfinite(amp[bound < 1e-8]))
