"""False alarms of the mean test inside the BBP window, both spectral models at their threshold (issue 12).

Smaller than ``benchmarks/bbp_false_alarms.py`` (which measures n = 500 to 2000 over 200-400 roots): 200 root
seeds at n = 300, 10 trials each, through ``check`` itself.  The family-wise rejection rate must not exceed
the level beyond binomial noise, and every row's p-values must be uniform (Kolmogorov-Smirnov)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import symdyn as sd
from symdyn.check import check

CASES = [("spiked-wigner", dict(theta="threshold", alpha="1/2")),
         ("rank-one-denoising", dict(c="1/2", theta="threshold", alpha="1/2", beta="1/2"))]


@pytest.mark.slow
@pytest.mark.parametrize("name,kw", CASES)
def test_false_alarm_rate_and_p_value_uniformity_at_threshold(name, kw):
    m = sd.model(name)
    params = m.params(**kw)
    roots, level = 200, 0.05
    rejected, ps = 0, []
    for r in range(roots):
        res = check(m, params, size=300, seeds=10, times=[1, 3, 8, 20], seed=r, level=level)
        assert any("BBP window" in c for c in res.caveats)
        rejected += not res.passed
        ps.append([row.p for row in res.rows if row.tested])
    P = np.array(ps)
    upper = level + 3.5 * math.sqrt(level * (1 - level) / roots)
    assert rejected / roots <= upper, f"false-alarm rate {rejected / roots}"
    ks = [stats.kstest(P[:, k], "uniform").pvalue for k in range(P.shape[1])]
    assert min(ks) * P.shape[1] > 1e-3, ks
