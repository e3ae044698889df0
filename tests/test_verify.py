r"""``symdyn.verify``: literature formulas agree, wrong ones give a counterexample at a reported point,
points are reproducible from the seed, and bad input is refused before any computation.

Reference values are computed here directly with mpmath from the literature formulas at the reported
exact points, independently of symdyn's evaluation and of the claim parser.
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import ClassVar

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from symdyn.errors import ParameterError
from symdyn.models.base import Model, QuantitySpec
from symdyn.params import Domain, Integer, Interval, ParamSpec, parse_number
from symdyn.results import Boundary
from symdyn.verify import VerifyResult
from symdyn.verify import prepare

R1 = "rank-one-denoising"
SW = "spiked-wigner"
DPS = 50


def num(text: str) -> mp.mpf:
    q = Fraction(text)
    return mp.mpf(q.numerator) / q.denominator


def check_values(result: VerifyResult, truth, claim=None) -> None:
    """Every reported symdyn value (and claim value) against an independent mpmath formula at its point."""
    with mp.workdps(DPS + 20):
        for p in result.points:
            v = {k: num(x) for k, x in p.params.items()}
            assert abs(p.value - truth(v)) <= mp.mpf(10) ** (-DPS + 2) * max(1, abs(truth(v)))
            if claim is not None:
                assert abs(p.claim - claim(v)) <= mp.mpf(10) ** (-DPS + 2) * max(1, abs(claim(v)))


# --------------------------------------------------------------------------- literature claims agree


def test_bbp_threshold_c_to_the_quarter_agrees_and_is_proved_equal():
    r = sd.verify(R1, "threshold", "c^{1/4}")
    assert r.verdict == "agree" and r.symbolic == "equal" and r.counterexample is None
    assert len(r.points) == 20 and all(p.digits >= DPS - 5 for p in r.points)
    assert len({p.params["c"] for p in r.points}) == 20  # c is drawn, point by point
    check_values(r, lambda v: v["c"] ** mp.mpf(0.25))


def test_spiked_wigner_outlier_theta_plus_one_over_theta_agrees_and_is_proved_equal():
    r = sd.verify(SW, "outlier", r"\theta+\frac{1}{\theta}", theta="1:4")
    assert r.verdict == "agree" and r.symbolic == "equal"
    assert all(p.regime == "above-threshold" for p in r.points)
    check_values(r, lambda v: v["theta"] + 1 / v["theta"])


def test_critical_ratio_agrees_and_below_threshold_draws_are_skipped():
    claim = r"-\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}"
    r = sd.verify(R1, "critical-ratio", claim)
    assert r.verdict == "agree" and r.symbolic == "equal"
    assert r.skipped > 0 and "no critical ratio" in r.skip_reason  # theta^4 < c: undefined there
    assert "kappa" in r.drawn  # the claim uses kappa, so kappa is drawn too (not left at its default 1)
    assert len({p.params["kappa"] for p in r.points}) > 1
    check_values(r, lambda v: -v["kappa"] * mp.sqrt((v["theta"] ** 2 + v["c"]) / (v["theta"] ** 2 + 1)))


def test_overlaps_and_outlier_of_the_rectangular_model_agree():
    above = {"c": "1/4:2", "theta": "6/5:3"}
    zeta_u = sd.verify(R1, "overlaps:zeta_u", r"\frac{\theta^4-c}{\theta^2(\theta^2+c)}", points=8, **above)
    s1 = sd.verify(R1, "outlier", r"\frac{\sqrt{(1+\theta^2)(c+\theta^2)}}{\theta}", points=8, **above)
    assert zeta_u.verdict == s1.verdict == "agree" and zeta_u.symbolic == s1.symbolic == "equal"
    check_values(zeta_u, lambda v: (v["theta"] ** 4 - v["c"]) / (v["theta"] ** 2 * (v["theta"] ** 2 + v["c"])))


def test_time_target_checks_the_bessel_form_of_the_semicircle_moment():
    # alpha = 0: Q(t) = I_1(4t)/(2t), the semicircle moment generating function at 2t
    r = sd.verify(SW, "Q", r"\frac{I_1(4t)}{2t}", theta="3/2", alpha="0", t="1/10:6", points=6)
    assert r.verdict == "agree" and r.symbolic is None
    check_values(r, lambda v: mp.besseli(1, 4 * v["t"]) / (2 * v["t"]))
    wrong = sd.verify(SW, "Q", r"\frac{I_2(4t)}{2t}", theta="3/2", alpha="0", t=["1", "2"])
    assert wrong.verdict == "counterexample" and [p.params["t"] for p in wrong.points] == ["1", "2"]


def test_limit_target_checks_the_bbp_overlap_with_its_sign():
    r = sd.verify(SW, "limit:m", r"\operatorname{sgn}(\alpha)\sqrt{1-\theta^{-2}}", theta="1:4", alpha="-1:1",
                  points=10)
    assert r.verdict == "agree" and r.symbolic == "equal"
    assert {p.params["alpha"][0] == "-" for p in r.points} == {True, False}  # both signs were drawn
    unsigned = sd.verify(SW, "limit:m", r"\sqrt{1-\theta^{-2}}", theta="1:4", alpha="-1:1", points=10)
    assert unsigned.verdict == "counterexample" and unsigned.counterexample.params["alpha"].startswith("-")


# --------------------------------------------------------------------------- wrong claims


@pytest.mark.parametrize("target, claim, params, truth, wrong", [
    ("critical-ratio", r"-\kappa\sqrt{\frac{\theta^2+1}{\theta^2+c}}", {"c": "1/4:2", "theta": "6/5:3"},  # c <-> 1
     lambda v: -v["kappa"] * mp.sqrt((v["theta"] ** 2 + v["c"]) / (v["theta"] ** 2 + 1)),
     lambda v: -v["kappa"] * mp.sqrt((v["theta"] ** 2 + 1) / (v["theta"] ** 2 + v["c"]))),
    ("critical-ratio", r"\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}", {"c": "1/4:2", "theta": "6/5:3"},  # sign
     lambda v: -v["kappa"] * mp.sqrt((v["theta"] ** 2 + v["c"]) / (v["theta"] ** 2 + 1)),
     lambda v: v["kappa"] * mp.sqrt((v["theta"] ** 2 + v["c"]) / (v["theta"] ** 2 + 1))),
    ("overlaps:zeta_u", r"\frac{\theta^2-c}{\theta^2(\theta^2+c)}", {"c": "1/4:2", "theta": "6/5:3"},  # theta^2
     lambda v: (v["theta"] ** 4 - v["c"]) / (v["theta"] ** 2 * (v["theta"] ** 2 + v["c"])),
     lambda v: (v["theta"] ** 2 - v["c"]) / (v["theta"] ** 2 * (v["theta"] ** 2 + v["c"]))),
    ("threshold", "c^{1/2}", {}, lambda v: v["c"] ** mp.mpf(0.25), lambda v: mp.sqrt(v["c"])),
])
def test_deliberately_wrong_claims_give_a_counterexample_at_a_reported_point(target, claim, params, truth, wrong):
    r = sd.verify(R1, target, claim, **params)
    assert r.verdict == "counterexample" and r.symbolic == "different"
    p = r.counterexample
    assert p is r.points[0] and p.digits < DPS - 5
    with mp.workdps(DPS + 20):
        v = {k: num(x) for k, x in p.params.items()}
        assert abs(p.value - truth(v)) < mp.mpf(10) ** (-DPS + 2)
        assert abs(p.claim - wrong(v)) < mp.mpf(10) ** (-DPS + 2)
        assert abs(truth(v) - wrong(v)) > mp.mpf(10) ** -10
    assert "counterexample at point 1" in str(r) and p.where() in str(r)


def test_a_formula_valid_only_above_threshold_fails_where_symdyn_says_below():
    r = sd.verify(SW, "outlier", r"\theta+\frac{1}{\theta}", seed=3)  # theta drawn from (0, 3)
    assert r.verdict == "counterexample"
    assert r.counterexample.regime == "below-threshold" and num(r.counterexample.params["theta"]) < 1
    assert r.counterexample.value == 2  # the bulk edge


def test_a_claim_right_to_60_digits_agrees_at_50_but_is_proved_different():
    r = sd.verify(R1, "threshold", "c^{1/4} + 10^{-60}", points=3)
    assert r.verdict == "agree" and r.symbolic == "different"
    deeper = sd.verify(R1, "threshold", "c^{1/4} + 10^{-60}", points=3, dps=80)
    assert deeper.verdict == "counterexample" and deeper.counterexample.digits in range(55, 66)


def test_symbolic_proof_needs_its_budget():
    denested = r"\sqrt{1+c+2\sqrt{c}}"  # = 1 + sqrt(c), not equal on construction
    r = sd.verify(R1, "edge", denested, points=4)
    assert r.verdict == "agree" and r.symbolic == "equal" and "minimal polynomial" in r.symbolic_evidence
    starved = sd.verify(R1, "edge", denested, points=4, symbolic_seconds=0)
    assert starved.verdict == "agree" and starved.symbolic == "undecided" and "budget" in starved.symbolic_evidence


def test_a_claim_undefined_at_a_point_is_a_counterexample_there():
    r = sd.verify(SW, "outlier", r"\frac{\theta^2}{\theta-2} - \frac{3\theta}{\theta - 2} + \frac{1}{\theta}",
                  theta="2")
    assert r.verdict == "counterexample" and r.counterexample.claim is None
    assert "divides by zero" in r.counterexample.note and len(r.points) == 1


def test_a_complex_claim_value_disagrees():
    r = sd.verify(R1, "outlier", r"\frac{\sqrt{(\theta^4-c)}}{\theta}", c="2", theta="1/2", points=1)
    assert r.verdict == "counterexample" and isinstance(r.counterexample.claim, mp.mpc)


# --------------------------------------------------------------------------- sampling and reproducibility


def test_points_are_reproducible_from_the_seed():
    a = sd.verify(R1, "critical-ratio", r"-\sqrt{\frac{\theta^2+c}{\theta^2+1}}", seed=11, points=5)
    b = sd.verify(R1, "critical-ratio", r"-\sqrt{\frac{\theta^2+c}{\theta^2+1}}", seed=11, points=5)
    c = sd.verify(R1, "critical-ratio", r"-\sqrt{\frac{\theta^2+c}{\theta^2+1}}", seed=12, points=5)
    assert a.to_json() == b.to_json()
    assert [p.params for p in a.points] != [p.params for p in c.points]


def test_ranges_are_respected_and_fixed_values_kept_exact():
    r = sd.verify(R1, "critical-ratio", r"-\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}", c="1/2",
                  theta="3/2:2", kappa="2", points=10)
    assert {p.params["c"] for p in r.points} == {"1/2"} and {p.params["kappa"] for p in r.points} == {"2"}
    assert all(Fraction(3, 2) < Fraction(p.params["theta"]) < 2 for p in r.points)
    assert r.drawn == ("theta",) and r.skipped == 0


def test_special_words_and_alternatives_resolve_before_the_claim_is_evaluated():
    # theta = threshold is c^(1/4) exactly: the overlap vanishes there
    r = sd.verify(R1, "overlaps:zeta_u", r"\frac{\theta^4-c}{\theta^2(\theta^2+c)}", theta="threshold", points=4)
    assert r.verdict == "agree" and r.symbolic == "equal" and all(p.value == 0 for p in r.points)
    # epsilon sets theta = c^(1/4) (1 + epsilon); the claim may use either
    e = sd.verify(R1, "threshold", r"\frac{\theta}{1+\varepsilon}", epsilon="1/10:1", points=4)
    assert e.verdict == "agree" and e.symbolic == "equal"


def test_everything_fixed_gives_one_point():
    r = sd.verify(SW, "outlier", r"\frac{13}{6}", theta="3/2")
    assert len(r.points) == 1 and r.points[0].params == {"theta": "3/2"} and r.verdict == "agree"


@pytest.mark.parametrize("kwargs, words", [
    ({"target": "thresh"}, "unknown target"),
    ({"target": "limit:nope"}, "unknown observable"),
    ({"target": "overlaps:"}, "empty key"),
    ({"gamma": "1"}, "unknown parameter 'gamma'"),
    ({"theta": "1:2", "epsilon": "1"}, "give either"),
    ({"c": "-1:2"}, "outside the domain"),
    ({"c": "2:1"}, "empty"),
    ({"c": "a:b"}, "range"),
    ({"flow": "F1:F2"}, "takes no range"),
    ({"c": "-3"}, "outside its domain"),
    ({"claim": r"c+\eta"}, "optional and not given"),
    ({"claim": "c t"}, "unknown symbol t"),
    ({"t": "1:2"}, "does not depend on time"),
    ({"claim": r"\frac{1}{c"}, "never closed"),
    ({"points": 0}, "points=0"),
    ({"dps": 5}, "dps=5"),
])
def test_bad_input_is_refused_before_any_computation(monkeypatch, kwargs, words):
    calls = []
    monkeypatch.setattr(type(sd.model(R1)), "boundary", lambda *a, **k: calls.append(a))
    args = {"target": "threshold", "claim": "c^{1/4}"}
    args.update(kwargs)
    model_args = {k: v for k, v in args.items() if k not in ("target", "claim")}
    with pytest.raises(ParameterError) as info:
        sd.verify(R1, args["target"], args["claim"], **model_args)
    assert "\n" not in str(info.value) and (words is None or words in str(info.value))
    assert calls == []


def test_the_time_of_discrete_gd_is_the_step_count_k():
    with pytest.raises(ParameterError, match="unknown symbol t: .* and the time k"):
        prepare(SW, "m", "t", theta="3/2", alpha="1/2", eta="1/10", t="1:5")
    with pytest.raises(ParameterError, match="called t here, not k"):
        prepare(SW, "m", "t", theta="3/2", alpha="1/2", k="1:5")
    _, _, plan, _ = prepare(SW, "m", "k", theta="3/2", alpha="1/2", eta="1/10", k="2:9")
    assert (plan.time_range.lo, plan.time_range.hi) == (2, 9)
    _, _, plan, claim = prepare(SW, "m", "k", theta="3/2", alpha="1/2", eta="1/10")
    assert plan.time_name == "k" and plan.time_range.integer and claim.uses_time


def test_the_module_is_callable_and_its_function_is_the_same():
    import symdyn.verify

    assert callable(sd.verify) and symdyn.verify.verify.__name__ == "verify"
    a = sd.verify(SW, "edge", "2")
    b = symdyn.verify.verify(SW, "edge", "2")
    assert a.to_json() == b.to_json()


def test_json_carries_the_keys_and_full_precision_decimal_strings():
    r = sd.verify(R1, "critical-ratio", r"\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}", c="1/4:2",
                  theta="6/5:3", points=3)
    data = r.to_json()
    assert {"verdict", "symbolic", "claim", "points", "counterexample"} <= set(data)
    assert set(data["claim"]) >= {"latex", "text"}
    for p in data["points"] + [data["counterexample"]]:
        assert {"params", "claim", "value", "digits"} <= set(p)
        assert isinstance(p["claim"], str) and isinstance(p["value"], str) and isinstance(p["digits"], int)
        digits = p["value"].lstrip("-").replace(".", "").lstrip("0")
        assert len(digits) >= DPS


# --------------------------------------------------------------------------- a model the code has never seen


class _Numbers(Domain):
    """A list-valued domain (like the coming Vector): '3,2,1' -> exact rationals."""

    element = Interval(lo=0, lo_closed=False)

    def parse(self, raw):
        return tuple(parse_number(x) for x in str(raw).split(","))

    def contains(self, value):
        return all(v > 0 for v in value)

    def describe(self):
        return "a comma-separated list of numbers > 0"


class _Toy(Model):
    """Learning time t_k = log(1/a)/sigma_k of a toy staircase (generic code must handle it unchanged)."""

    name: ClassVar[str] = "toy"
    title = summary = "toy"
    parameter_specs = (
        ParamSpec("sigma", "target values", _Numbers(), latex=r"\sigma"),
        ParamSpec("k", "index", Integer(lo=1), latex="k"),
        ParamSpec("a", "initial scale", Interval(lo=0, hi=1, lo_closed=False, hi_closed=False), latex=r"\alpha"),
    )
    observable_specs = ()
    quantity_specs = (QuantitySpec("learning-time", "log(1/a)/sigma_k", ("sigma", "k", "a")),)
    citations = ()

    def derivation(self):  # pragma: no cover - not used
        raise NotImplementedError

    def evaluate(self, params, times, **kw):  # pragma: no cover - not used
        raise NotImplementedError

    def limit(self, params, *, dps=30, check=True):  # pragma: no cover - not used
        raise NotImplementedError

    def boundary(self, quantity, params, *, dps=30, certify=False):
        sigma, k = params["sigma"], params["k"]
        if k > len(sigma):
            raise ParameterError(f"k={k} is larger than len(sigma)={len(sigma)}")
        exact = sp.log(1 / params["a"]) / sigma[int(k) - 1]
        with mp.workdps(dps):
            value = sd.to_mp(exact, dps)
        return Boundary(self.name, quantity, params, dps, {"time": value}, {"time": exact}, "closed form")


def test_list_valued_and_integer_parameters_of_a_new_model():
    toy = _Toy()
    r = sd.verify(toy, "learning-time", r"\frac{\log(1/\alpha)}{\sigma_k}", sigma="3,2,1", points=10)
    assert r.verdict == "agree" and r.symbolic == "equal"
    assert {p.params["sigma"] for p in r.points} == {"3,2,1"}
    ks = {p.params["k"] for p in r.points}
    assert ks <= {"1", "2", "3"} and len(ks) > 1 and r.skipped > 0  # k is drawn from 1..10, k > 3 skipped
    shifted = sd.verify(toy, "learning-time", r"\frac{\log(1/\alpha)}{\sigma_{k+1}}", sigma="3,2,1,1/2", k="1:3")
    assert shifted.verdict == "counterexample"
    first = sd.verify(toy, "learning-time", r"\frac{\log(1/\alpha)}{\sigma_1}", sigma="3,2,1", k="1", points=3)
    assert first.verdict == "agree" and first.claim.latex == r"\frac{\ln{\left(\frac{1}{\alpha} \right)}}{\sigma_{1}}"
    with pytest.raises(ParameterError, match="give sigma=VALUE"):
        sd.verify(toy, "learning-time", r"\sigma_1")
    with pytest.raises(ParameterError, match="outside 1..3"):
        sd.verify(toy, "learning-time", r"\sigma_{k+1}", sigma="3,2,1", k="3")


def test_extreme_but_legal_claims_get_an_answer_not_a_crash():
    tower = sd.verify(R1, "threshold", "e^{e^{e^{e^{e^{e^{c}}}}}}", points=2)
    assert tower.verdict == "counterexample" and "floating-point exponent" in tower.counterexample.note
    assert tower.symbolic == "undecided"
    hard = sd.verify(R1, "threshold", r"\sin(10^{1000}c)", points=2)  # never printed as a wrong 0
    assert hard.counterexample.claim is None and "cannot evaluate" in hard.counterexample.note


@pytest.mark.parametrize("claim, words", [
    (r"\exp(\exp(\exp(1000 c)))", "exp of an argument of about"),    # exp(exp(e^200)): hours of argument reduction
    (r"2^{2^{e^{e^{200c}}}}", "a power a^b with b log|a| of about"),
    (r"\sin(e^{e^{200c}})", "cannot evaluate"),                       # sin of ~10^(3e86): hours
    (r"J_1(e^{e^{200c}})", "cannot evaluate"),                        # was an internal TypeError in mpmath
], ids=["exp-tower", "power-tower", "sin", "bessel-j"])
def test_towers_of_exponentials_are_refused_at_the_point_in_seconds(claim, words):
    start = time.perf_counter()
    r = sd.verify(R1, "threshold", claim, c="1/5")
    assert time.perf_counter() - start < 10
    p = r.counterexample
    assert r.verdict == "counterexample" and p.claim is None and words in p.note
    assert r.symbolic == "undecided"


def test_a_parameter_in_an_exponent_is_evaluated_at_the_drawn_points():
    # the drawn kappa = 20673/10000 is an exponent with a numerator beyond the literal limit of 1000
    r = sd.verify(R1, "threshold", r"c^{\kappa/4}", points=3)
    assert r.verdict == "counterexample" and r.symbolic == "different" and r.points[0].claim is not None
    same = sd.verify(R1, "threshold", r"\left(c^{\kappa}\right)^{\frac{1}{4\kappa}}", points=3)
    assert same.verdict == "agree" and same.symbolic == "equal"
    with pytest.raises(ParameterError, match="exceeds the limit of 1000 in absolute value"):
        sd.verify(R1, "threshold", r"2^{2^{\theta}}", theta="2000")


def test_large_but_evaluable_exponentials_are_still_evaluated():
    r = sd.verify(R1, "threshold", r"e^{-e^{200c}} + \sqrt[4]{c}", c="1")  # exp(-7e86): a tiny, exact correction
    assert r.verdict == "agree" and r.points[0].claim is not None and r.symbolic == "different"


def test_a_claim_that_is_exactly_zero_but_not_numerically_separable_is_proved_zero():
    # below threshold m_u -> 0; cosh^2 - sinh^2 - 1 is 0 but strict evalf cannot show it
    r = sd.verify(R1, "limit:m_u", r"\cosh^2(c) - \sinh^2(c) - 1", c="1", theta="1/2", alpha="1/2", beta="1/2")
    assert r.verdict == "agree" and r.symbolic == "equal" and r.points[0].claim == 0


def test_the_symbolic_budget_interrupts_a_simplification_that_would_run_for_long():
    # simplify() of this exact zero runs far beyond 30 s (measured); the budget stops it
    claim = r"c^{1/4} + \cosh^{40}(c) - \left(\frac{e^{c}+e^{-c}}{2}\right)^{40}"
    start = time.perf_counter()
    r = sd.verify(R1, "threshold", claim, c="1/2", symbolic_seconds=1)
    assert time.perf_counter() - start < 10  # generous: about 1.1 s
    assert r.verdict == "agree" and r.symbolic == "undecided" and "budget" in r.symbolic_evidence


# --------------------------------------------------------------------------- the list-valued models

DF = "deep-factorization"
MS = "matrix-sensing"
SHORT = 30  # digits of the slower special-function checks


def flow_time_quad(v, dps: int) -> mp.mpf:
    """T(lambda0 -> theta s) = int dl / (N l^(2-2/N) (s - l)), by quadrature (independent of every closed form)."""
    N, s, th = v["N"], v["s"], v["level"]
    l0 = v["lambda0"] if "lambda0" in v else v["alpha"] ** N
    p = 2 - 2 / N
    with mp.workdps(dps + 10):
        return mp.quad(lambda x: 1 / (N * x**p * (s - x)), [l0, (l0 + th * s) / 2, th * s])


def check_against_quadrature(r: VerifyResult, dps: int) -> None:
    with mp.workdps(dps + 10):
        for p in r.points:
            v = {k: num(x) for k, x in p.params.items()}
            truth = flow_time_quad(v, dps)
            assert abs(p.value - truth) <= mp.mpf(10) ** (-dps + 3) * truth
            assert abs(p.claim - truth) <= mp.mpf(10) ** (-dps + 3) * truth


# s, level and the start are ranged so that lambda0 < level s: the formulas hold from below the level
BELOW = {"s": "1:2", "level": "1/2:9/10"}
F_N = (r"s^{2/N-2}\left(\frac{(\lambda_0/s)^{-(N-2)/N} - \theta^{-(N-2)/N}}{N-2} + \frac{\theta^{2/N}}{2}\,"
       r"{}_2F_1\left(1, \tfrac{2}{N}; 1+\tfrac{2}{N}; \theta\right) - \frac{(\lambda_0/s)^{2/N}}{2}\,"
       r"{}_2F_1\left(1, \tfrac{2}{N}; 1+\tfrac{2}{N}; \frac{\lambda_0}{s}\right)\right)")


def test_deep_factorization_logistic_time_of_depth_two_agrees_and_is_proved_equal():
    # N = 2: lambda' = 2 lambda (s - lambda), T = log(theta (s - lambda0) / (lambda0 (1 - theta))) / (2 s)
    claim = r"\frac{1}{2s}\log\frac{\theta(s-\lambda_0)}{\lambda_0(1-\theta)}"
    r = sd.verify(DF, "time-to-reach", claim, N="2", lambda0="1/1000:1/10", points=8, **BELOW)
    assert r.verdict == "agree" and r.symbolic == "equal"
    check_values(r, lambda v: mp.log(v["level"] * (v["s"] - v["lambda0"]) / (v["lambda0"] * (1 - v["level"])))
                 / (2 * v["s"]))
    check_against_quadrature(r, DPS)
    per_layer = sd.verify(DF, "time-to-reach", claim.replace(r"\lambda_0", r"\alpha^2"), N="2", alpha="1/100:1/3",
                          points=4, **BELOW)  # lambda0 = alpha^N with alpha the scale of each layer
    assert per_layer.verdict == "agree" and per_layer.symbolic == "equal"


@pytest.mark.parametrize("claim", [
    r"\frac{1}{s}\log\frac{\theta(s-\lambda_0)}{\lambda_0(1-\theta)}",   # the rate 2s read as s
    r"\frac{1}{2s}\log\frac{(1-\theta)(s-\lambda_0)}{\lambda_0\theta}",  # theta and 1 - theta swapped
    r"\frac{1}{2s}\log\frac{\theta s}{\lambda_0}",                       # the saturation factor dropped
])
def test_deep_factorization_wrong_logistic_times_give_a_counterexample(claim):
    r = sd.verify(DF, "time-to-reach", claim, N="2", lambda0="1/1000:1/10", points=4, **BELOW)
    assert r.verdict == "counterexample" and r.symbolic == "different" and r.counterexample is r.points[0]
    with mp.workdps(DPS + 10):
        v = {k: num(x) for k, x in r.counterexample.params.items()}
        assert abs(r.counterexample.value - flow_time_quad(v, DPS)) < mp.mpf(10) ** (-DPS + 3) * r.counterexample.value


def test_deep_factorization_time_with_the_gauss_hypergeometric_function_agrees_for_every_depth():
    # F_N(x) = -x^{-(N-2)/N}/(N-2) + (x^{2/N}/2) 2F1(1, 2/N; 1 + 2/N; x), T = s^{-p} [F_N(theta) - F_N(lambda0/s)]
    r = sd.verify(DF, "time-to-reach", F_N, N="3:8", lambda0="1/1000000:1/100", points=8, dps=SHORT, **BELOW)
    assert r.verdict == "agree" and r.symbolic == "equal"
    assert len({p.params["N"] for p in r.points}) > 2
    check_against_quadrature(r, SHORT)
    wrong = sd.verify(DF, "time-to-reach", F_N.replace(r"1, \tfrac{2}{N};", r"1, \tfrac{1}{N};"), N="3:8",
                      lambda0="1/1000000:1/100", points=4, dps=SHORT, **BELOW)
    assert wrong.verdict == "counterexample" and wrong.symbolic == "different"


def test_deep_factorization_elementary_and_lerch_forms_agree():
    # N = 4: F_4(x) = (1/2) artanh(sqrt x) - 1/(2 sqrt x); lambda0 = alpha^4, so sqrt(lambda0/s) = alpha^2/sqrt(s)
    n4 = (r"s^{-3/2}\left(\frac{1}{2}\operatorname{artanh}\sqrt{\theta} - \frac{1}{2\sqrt{\theta}} - "
          r"\frac12\operatorname{artanh}\frac{\alpha^2}{\sqrt{s}} + \frac{\sqrt{s}}{2\alpha^2}\right)")
    r = sd.verify(DF, "time-to-reach", n4, N="4", alpha="1/100:1/2", points=4, dps=SHORT, **BELOW)
    assert r.verdict == "agree" and r.symbolic == "equal"
    check_against_quadrature(r, SHORT)
    # N = 3 in u = x^{1/3}: G_3(u) = -1/u - log(1-u)/3 + log(u^2+u+1)/6 - atan((2u+1)/sqrt 3)/sqrt 3
    n3 = (r"s^{-4/3}\left(\frac{s^{1/3}}{\alpha} - \theta^{-1/3} - \frac{1}{3}\log\frac{1-\theta^{1/3}}{1-\alpha "
          r"s^{-1/3}} + \frac16\log\frac{\theta^{2/3}+\theta^{1/3}+1}{\alpha^2 s^{-2/3}+\alpha s^{-1/3}+1} - "
          r"\frac{1}{\sqrt3}\left(\arctan\frac{2\theta^{1/3}+1}{\sqrt3} - \arctan\frac{2\alpha s^{-1/3}+1}{\sqrt3}"
          r"\right)\right)")
    r = sd.verify(DF, "time-to-reach", n3, N="3", alpha="1/100:1/2", points=3, dps=SHORT, symbolic_seconds=2,
                  **BELOW)
    assert r.verdict == "agree" and r.symbolic in ("equal", "undecided")
    check_against_quadrature(r, SHORT)
    # the Lerch form F_N(x) = (1/N) x^a Phi(x, 1, a), a = 2/N - 1 (N >= 3)
    lerch = (r"\frac{s^{2/N-2}}{N}\left(\theta^{2/N-1}\Phi(\theta, 1, \tfrac{2}{N}-1) - \left(\frac{\lambda_0}{s}"
             r"\right)^{2/N-1}\Phi\left(\frac{\lambda_0}{s}, 1, \tfrac{2}{N}-1\right)\right)")
    r = sd.verify(DF, "time-to-reach", lerch, N="3:6", lambda0="1/10000:1/100", points=3, dps=SHORT,
                  symbolic_seconds=2, **BELOW)
    assert r.verdict == "agree" and r.symbolic in ("equal", "undecided")
    check_against_quadrature(r, SHORT)


def test_deep_factorization_step_condition():
    r = sd.verify(DF, "step-condition", r"\eta N \sigma_1^{2-2/N}", points=6)
    assert r.verdict == "agree" and r.symbolic == "equal"
    check_list_values(r, lambda v: v["eta"] * v["N"] * v["sigma"][0] ** (2 - 2 / v["N"]))
    wrong = sd.verify(DF, "step-condition", r"\eta N \sigma_1^{2-1/N}", points=6)
    assert wrong.verdict == "counterexample"


def check_list_values(result: VerifyResult, truth) -> None:
    """Like :func:`check_values`, with the list parameter ``sigma`` as a list of numbers."""
    with mp.workdps(DPS + 20):
        for p in result.points:
            v = {k: ([num(e) for e in x.split(",")] if k == "sigma" else num(x)) for k, x in p.params.items()}
            assert abs(p.value - truth(v)) <= mp.mpf(10) ** (-DPS + 2) * max(1, abs(truth(v)))


def test_matrix_sensing_plateau_and_final_losses_agree_and_wrong_indices_do_not():
    # Gissin et al.: the loss after k of the components is loss_scale sum_{i > k} sigma_i^2 (loss_scale = 1/4)
    r = sd.verify(MS, "plateau-loss", r"\frac{\sigma_3^2}{4}", r="2", k="2")
    assert r.verdict == "agree" and r.symbolic == "equal"
    check_list_values(r, lambda v: v["sigma"][2] ** 2 / 4)
    both = sd.verify(MS, "plateau-loss", r"s(\sigma_2^2+\sigma_3^2)", r="3", k="1", points=8)
    assert both.verdict == "agree" and "loss_scale" in both.drawn  # the claim uses s: drawn, not its default
    final = sd.verify(MS, "limit:loss", r"\frac{1}{4}\sigma_3^2", r="2", points=8)  # under-parameterized
    assert final.verdict == "agree" and final.symbolic == "equal"
    check_list_values(final, lambda v: v["sigma"][2] ** 2 / 4)
    assert sd.verify(MS, "limit:loss", "0", r="3", points=4).verdict == "agree"  # r = r*: exact recovery
    for claim, params in ((r"\frac{\sigma_2^2}{4}", {"r": "2", "k": "2"}),
                          (r"\frac{\sigma_3^2}{2}", {"r": "2", "k": "2"}),
                          (r"\frac{\sigma_{k}^2}{4}", {"r": "2"})):
        bad = sd.verify(MS, "plateau-loss", claim, **params)
        assert bad.verdict == "counterexample" and bad.symbolic == "different"


def test_matrix_sensing_step_condition_is_mu_sigma_1():
    r = sd.verify(MS, "step-condition", r"4 s \eta \sigma_1", points=6)
    assert r.verdict == "agree" and r.symbolic == "equal"
    check_list_values(r, lambda v: 4 * v["loss_scale"] * v["eta"] * v["sigma"][0])
    assert sd.verify(MS, "step-condition", r"2 s \eta \sigma_1", points=6).verdict == "counterexample"


def test_list_parameters_are_drawn_ordered_with_the_examples_length_and_indices_within_range():
    r = sd.verify(MS, "plateau-loss", r"\frac{1}{4}\sigma_3^2", points=20, seed=4)
    lists = [[Fraction(x) for x in p.params["sigma"].split(",")] for p in r.points]
    assert all(len(x) == 3 and x[0] > x[1] > x[2] > 0 and x[0] < 3 for x in lists)  # the example: 3,2,1
    assert len({tuple(x) for x in lists}) == 20
    assert all(1 <= int(p.params["k"]) <= min(3, int(p.params["r"])) for p in r.points)
    assert r.skipped == 0  # k is drawn within 1..min(r, len(sigma)): no draw is wasted
    assert any("sigma: a strictly decreasing list of 3 entries in (0, 3)" in n for n in r.notes)
    again = sd.verify(MS, "plateau-loss", r"\frac{1}{4}\sigma_3^2", points=20, seed=4)
    assert again.to_json() == r.to_json()
    ranged = sd.verify(MS, "plateau-loss", r"\frac{\sigma_3^2}{4}", sigma="1:2", r="2", k="2", points=5)
    assert all(all(1 < Fraction(x) < 2 for x in p.params["sigma"].split(",")) for p in ranged.points)
    fixed = sd.verify(DF, "T0", "1", sigma="2,1,1/2", eta="1/40", alpha="1/10", N="3", points=6)
    assert {p.params["k"] for p in fixed.points} <= {"1", "2", "3"}
    with pytest.raises(ParameterError, match="outside the domain of sigma"):
        sd.verify(MS, "plateau-loss", "1", sigma="-1:2")


def test_a_needed_parameter_that_cannot_be_drawn_comes_from_the_models_example():
    from symdyn.params import Choice

    class WithChoice(_Toy):
        name: ClassVar[str] = "toy-choice"
        parameter_specs = _Toy.parameter_specs + (ParamSpec("rule", "which rule", Choice(("one", "two"))),)
        quantity_specs = (QuantitySpec("learning-time", "log(1/a)/sigma_k", ("sigma", "k", "a", "rule")),)
        report_example: ClassVar[dict] = {"params": {"rule": "two"}}

    r = sd.verify(WithChoice(), "learning-time", r"\frac{\log(1/\alpha)}{\sigma_k}", sigma="3,2,1", points=3)
    assert r.verdict == "agree" and {p.params.get("rule", "two") for p in r.points} == {"two"}
    assert "taken from the model's example: rule=two" in " ".join(r.notes)


def test_a_symbolic_budget_holds_when_its_first_alarm_is_swallowed():
    """Python ignores an exception raised inside a gc callback (and a library may catch it): the budget
    must still stop the work, through the alarms that follow."""
    from symdyn.verify import Budget, BudgetExceeded

    def busy(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    def swallowing():
        try:
            busy(3.0)
        except BudgetExceeded:  # what a gc callback does to the first alarm
            pass
        busy(3.0)
        return "finished"

    start = time.monotonic()
    with pytest.raises(BudgetExceeded):
        Budget(0.2).run(swallowing)
    assert time.monotonic() - start < 2.0
    assert Budget(5.0).run(lambda: "done") == "done"  # a finished call is not interrupted afterwards
    busy(0.3)  # and its timer is off: no alarm arrives later
