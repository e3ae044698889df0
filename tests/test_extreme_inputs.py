"""Extreme but legal inputs get a correct answer, or one line and exit 2, in seconds.

Parameters far from 1 (c = 1e20, theta = 1e-30, the whole supported range 1e-100 .. 1e100), times far
beyond the supported range of direct evaluation (t = 1e12, 1e300), and sizes of exact values beyond
what the exact constants can afford (c = 1e999, c = 10**400).  Reference values come from the literal
route of the spec (tanh-sinh over lambda, unfactored atoms: ``reference_observables``) and from
closed forms.
"""

from __future__ import annotations

import re
import time

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from cli_helpers import run_cli
from symdyn.models.rank_one_denoising.reference import reference_observables
from symdyn.numeric.adaptive import MAX_WORK, QuadratureKernel, planned_work

M = "rank-one-denoising"
P = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")


@pytest.mark.parametrize("c, theta, t", [("1e20", "6/5", "1"), ("1/2", "1e-30", "1"), ("1e-30", "6/5", "2"),
                                         ("1e6", "1/1000", "3/2")])
def test_far_from_one_parameters_agree_with_the_literal_route(rank_one, c, theta, t):
    p = rank_one.params(c=c, theta=theta, alpha="1/10", beta="1/10")
    ours = rank_one.evaluate(p, [t], dps=20, observables=["m_u", "m_v"])
    ref = reference_observables(rank_one.canonical(p), sd.parse_number(t), 20)
    for name in ("m_u", "m_v"):
        with mp.workdps(30):
            assert abs(ours[name][0] - ref[name]) <= abs(ref[name]) * mp.mpf(10) ** -18, (name, ours[name], ref[name])


@pytest.mark.parametrize("c", ["1e-100", "1/2", "1e100"])
@pytest.mark.parametrize("theta", ["1e-100", "6/5", "1e100", "threshold"])
def test_whole_supported_range_gives_finite_converged_values(rank_one, c, theta):
    p = rank_one.params(c=c, theta=theta, alpha="1/10", beta="1/10")
    tr = rank_one.evaluate(p, ["0", "1", "1000"], dps=30)
    assert tr.converged
    for name in tr.observables:
        for e in tr.observables[name]:
            assert mp.isfinite(e.value) and e.error <= max(abs(e.value), 1) * mp.mpf(10) ** -30


def test_deep_below_threshold_at_huge_c_has_m_u_of_order_c_to_the_minus_half(rank_one):
    # m_u = O(c^(-1/2)) and m_v converges as c grows: c^(1/2) m_u(1) is the same at c = 1e60 and 1e100
    vals = []
    for c in ("1e60", "1e100"):
        tr = rank_one.evaluate(rank_one.params(c=c, theta="6/5", alpha="1/10", beta="1/10"), ["1"], dps=30)
        with mp.workdps(40):
            vals.append((tr["m_u"][0] * mp.sqrt(sd.to_mp(sp.Rational(c), 40)), tr["m_v"][0]))
    with mp.workdps(40):
        assert abs(vals[0][0] - vals[1][0]) < mp.mpf(10) ** -25
        assert abs(vals[0][1] - vals[1][1]) < mp.mpf(10) ** -25


def test_spiked_wigner_far_above_threshold_is_the_outlier():
    m = sd.model("spiked-wigner")
    for theta in ("1e30", "1e100"):
        tr = m.evaluate(m.params(theta=theta, alpha="1/5"), ["1", "100"], dps=30)
        th = sd.to_mp(sp.Rational(theta), 40)
        for j in range(2):
            assert tr["m"][j] == 1 or abs(tr["m"][j] - 1) < mp.mpf(10) ** -30
            with mp.workdps(40):
                assert abs(tr["energy"][j] - (th + 1 / th)) <= (th + 1 / th) * mp.mpf(10) ** -29


def test_large_times_keep_their_digits(rank_one):
    # the exponents t s need log10(t s) guard digits: t = 1e5 below threshold, 1e7 above, at 30 and 50 digits
    for theta, t in (("1/2", "100000"), ("6/5", "10000000")):
        p = rank_one.params(c="1/2", theta=theta, alpha="1/10", beta="1/10")
        _same_to_the_stated_error(rank_one.evaluate(p, [t], dps=30, observables=["m_u"]),
                                  rank_one.evaluate(p, [t], dps=50, observables=["m_u"]))


def test_cancelling_observables_converge_by_raising_the_precision(rank_one):
    # at threshold with c = 1e-100 the energy (1e-27 at t = 0) is a difference of O(1) terms
    p = rank_one.params(c="1e-100", theta="threshold", alpha="1/10", beta="1/10")
    a = rank_one.evaluate(p, ["0", "1"], dps=30)
    assert a.converged
    _same_to_the_stated_error(a, rank_one.evaluate(p, ["0", "1"], dps=50), "energy")
    assert abs(a["energy"][0] - sd.to_mp(sp.Rational(1, 10**25) * sp.Rational(1, 100), 30)) < mp.mpf(10) ** -55


def _same_to_the_stated_error(a, b, name="m_u"):
    assert a.converged
    with mp.workdps(60):
        for j in range(len(a.times)):
            true_err = abs(a[name][j] - b[name][j])
            assert true_err <= abs(b[name][j]) * mp.mpf(10) ** -29
            assert true_err <= 10 * a.errors(name)[j] + abs(b[name][j]) * mp.mpf(10) ** -31


@pytest.mark.parametrize("t", ["1e12", "1e300", "1e400", "1e9999"])
def test_times_beyond_the_supported_range_are_refused_in_one_line_fast(t):
    t0 = time.perf_counter()
    status, out, err = run_cli("eval", M, *P, "--t", t)
    assert time.perf_counter() - t0 < 20
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert "symdyn limit" in err and len(err) < 400


def test_the_stated_largest_time_is_within_the_budget_and_beyond_it_is_not(rank_one):
    status, _, err = run_cli("eval", M, *P, "--t", "1e12")
    largest = float(re.search(r"allows t up to about ([0-9.e+]+)", err).group(1))
    from symdyn.models.rank_one_denoising.evaluation import Evaluator
    from symdyn.models.rank_one_denoising.constants import exact_constants
    from symdyn.numeric.arithmetic import MPFR
    from symdyn.numeric.rules import GaussChebyshev

    p = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    can = rank_one.canonical(p)
    kernel = QuadratureKernel(Evaluator(can, exact_constants(can), MPFR, GaussChebyshev()))
    assert planned_work(kernel, 0.99 * largest, 30)[1] <= MAX_WORK < planned_work(kernel, 1.05 * largest, 30)[1]
    assert 1e7 < largest < 1e10  # measured range of direct evaluation at these parameters


def test_gd_beyond_the_supported_number_of_steps_is_refused():
    status, out, err = run_cli("eval", M, *P, "eta=1/10", "--t", "1000000000000")
    assert status == 2 and "symdyn limit" in err


def test_tanh_sinh_route_has_its_own_supported_range():
    status, out, err = run_cli("eval", M, *P, "--t", "10000", "--rule", "tanh-sinh")
    assert status == 2 and "allows t up to about" in err


@pytest.mark.parametrize("value", ["1e999", "1e-999", "123" * 40])
def test_parameters_beyond_the_supported_size_are_refused_in_one_line(value):
    status, out, err = run_cli("eval", M, f"c={value}", "theta=6/5", "alpha=1/10", "beta=1/10", "--t", "1")
    assert status == 2 and "at most 101 digits" in err and len(err.strip().splitlines()) == 1


def test_api_huge_integer_parameter_is_a_parameter_error(rank_one):
    with pytest.raises(sd.ParameterError, match="401 digits"):
        rank_one.params(c=10**400, theta="6/5", alpha="1/10", beta="1/10")


def test_limit_checks_at_extreme_parameters_never_report_a_false_failure(rank_one):
    cases = [dict(c="1/2", theta="1e100"), dict(c="1e-100", theta="threshold"), dict(c="1e-100", theta="1e-100"),
             dict(c="1/2", theta="6/5", eta="1e-100")]
    for kw in cases:
        lim = rank_one.limit(rank_one.params(alpha="1/10", beta="1/10", **kw), dps=30)
        assert lim.check.passed is not False, (kw, lim.check.description)
    lim = sd.model("spiked-wigner").limit(sd.model("spiked-wigner").params(theta="1e100", alpha="1/5"), dps=30)
    assert lim.check.passed is True


def test_huge_exponents_are_planned_with_guard_digits_not_found_by_refinement(rank_one):
    # t s_ref = 1e53 at c = 1e100 loses 53 digits in exp(t (s - s_ref)): planned as guard digits, the first
    # pair of evaluations agrees (without them the driver refines 4 times: 2396 nodes instead of about 600)
    nodes = {c: rank_one.evaluate(rank_one.params(c=c, theta="6/5", alpha="1/10", beta="1/10"), ["1000"],
                                  dps=30, observables=["m_v"]).nodes[0] for c in ("1/2", "1e100")}
    assert nodes["1e100"] < 2.5 * nodes["1/2"]
