"""The adaptive driver's error estimate: two evaluations at different levels and precisions, an estimate
that bounds the true error (against a reference at twice the precision) and is not zero."""

from __future__ import annotations

import mpmath as mp
import pytest

import symdyn as sd
from symdyn.numeric.adaptive import GUARD_DIGITS, SECOND_GUARD, Plan, QuadratureKernel, evaluate_times


class ExpSeries:
    """exp(t) by its Taylor series with ``level`` terms: a method whose error is known and shrinks with the
    level.  ``start`` is the planned level (deliberately too coarse, so the driver has to refine)."""

    max_dps = None

    def __init__(self, start: int = 4) -> None:
        self.start = start
        self.calls: list[tuple[float, int, int]] = []

    def plan(self, t, dps):
        return Plan(self.start)

    def refine(self, level):
        return 2 * level

    def size(self, level):
        return level

    def values(self, t_exact, level, dps, names):
        self.calls.append((float(t_exact), level, dps))
        with mp.workdps(dps):
            t = mp.mpf(t_exact)
            return {"f": mp.fsum(t**k / mp.factorial(k) for k in range(level))}


def test_the_two_evaluations_use_different_levels_and_precisions():
    k = ExpSeries()
    evaluate_times(k, [(1, 1)], ["f"], dps=20)
    pairs = list(zip(k.calls[0::2], k.calls[1::2]))
    assert pairs
    assert pairs[0][0][2] == 20 + GUARD_DIGITS      # the first evaluation at dps + guard digits
    previous = 0
    for (t1, l1, p1), (t2, l2, p2) in pairs:
        assert t1 == t2 and l2 == k.refine(l1) and l2 != l1
        assert p2 == p1 + SECOND_GUARD and p1 >= previous  # a refinement raises the precision, never lowers it
        previous = p1


@pytest.mark.parametrize("t", [mp.mpf("0.5"), mp.mpf(3), mp.mpf(12)])
def test_error_estimate_bounds_the_true_error_and_is_not_zero(t):
    dps = 25
    run = evaluate_times(ExpSeries(), [(t, t)], ["f"], dps=dps)
    est = run.values["f"][0]
    with mp.workdps(2 * dps):
        true = abs(est.value - mp.exp(t))
        rounding = abs(est.value) * mp.mpf(2) ** (-mp.libmp.dps_to_prec(dps))   # the value is stored at dps
    assert est.error > 0
    assert true <= est.error + rounding
    assert est.error <= abs(est.value) * mp.mpf(10) ** (-dps)    # and it met the requested precision
    assert run.converged


def test_a_method_that_cannot_converge_is_reported():
    class Stuck(ExpSeries):
        def refine(self, level):
            return level + 1   # far too slow for 25 digits at t = 30

    run = evaluate_times(Stuck(), [(30, 30)], ["f"], dps=25)
    assert not run.converged and "still differ" in run.notes[0]


class Geometric(ExpSeries):
    """exp(t) plus an error of exactly 10^-level that shrinks one digit per refinement: the driver must go on
    until the two evaluations differ by less than the requested precision, not stop digits early."""

    def __init__(self, start: int = 15) -> None:
        super().__init__(start)

    def refine(self, level):
        return level + 1

    def values(self, t_exact, level, dps, names):
        self.calls.append((float(t_exact), level, dps))
        with mp.workdps(dps):
            return {"f": mp.exp(mp.mpf(t_exact)) + mp.mpf(10) ** (-level)}


def test_the_estimate_is_the_difference_of_the_two_evaluations_and_meets_the_precision():
    dps = 20
    k = Geometric()
    run = evaluate_times(k, [(1, 1)], ["f"], dps=dps)
    est = run.values["f"][0]
    (t1, l1, p1), (t2, l2, p2) = k.calls[-2:]
    v1 = k.values(t1, l1, p1, ["f"])["f"]
    v2 = k.values(t2, l2, p2, ["f"])["f"]
    with mp.workdps(dps + 5):
        assert abs(est.error - abs(v2 - v1)) <= abs(v2 - v1) * mp.mpf(10) ** (-dps)
        true = abs(est.value - mp.e)
    assert est.error <= abs(est.value) * mp.mpf(10) ** (-dps)      # 10^-l1 * 0.9 below the precision
    assert est.error > abs(est.value) * mp.mpf(10) ** (-dps - 2)   # ... and not far below: it stopped there
    assert true <= est.error and run.converged


class Spy(QuadratureKernel):
    """The real quadrature kernel of a model, recording the levels of its evaluations."""

    def __init__(self, evaluator):
        super().__init__(evaluator)
        self.calls = []

    def values(self, t_exact, level, dps, names):
        self.calls.append((level, dps))
        return super().values(t_exact, level, dps, names)


@pytest.mark.parametrize("name,kw,times", [
    ("rank-one-denoising", dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10"), ["1", "20"]),
    ("rank-one-denoising", dict(c="1/2", theta="threshold", alpha="3/10", beta="1/2"), ["10"]),
    ("spiked-wigner", dict(theta="7/10", alpha="1/2"), ["3"]),
])
def test_model_error_estimates_bound_the_error_against_twice_the_precision(name, kw, times, monkeypatch):
    m = sd.model(name)
    p = m.params(**kw)
    dps = 20
    mod = __import__(type(m).__module__.rsplit(".", 1)[0] + ".evaluation", fromlist=["QuadratureKernel"])
    spies = []

    def make(ev):
        spies.append(Spy(ev))
        return spies[-1]

    if hasattr(mod, "QuadratureKernel"):
        monkeypatch.setattr(mod, "QuadratureKernel", make)
    traj = m.evaluate(p, times, dps=dps)
    ref = m.evaluate(p, times, dps=2 * dps)
    for o in traj.observables:
        for j in range(len(times)):
            e = traj.observables[o][j]
            with mp.workdps(2 * dps + 10):
                true = abs(e.value - ref.observables[o][j].value)
            assert e.error is not None and e.error > 0, (o, times[j])
            assert true <= e.error + abs(ref.observables[o][j].value) * mp.mpf(10) ** (-dps), (o, times[j], true,
                                                                                            e.error)
    if spies:
        levels = [lv for s in spies for lv, _ in s.calls]
        assert len(set(levels)) >= 2, levels     # each time point: a planned and a refined level
        for s in spies:
            for (l1, p1), (l2, p2) in zip(s.calls[0::2], s.calls[1::2]):
                assert l1 != l2 and p1 < p2
