"""Closed forms of the deep-factorization scalar flow: three routes, spec values, extreme precision (B5)."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

from symdyn.errors import ParameterError
from symdyn.models.deep_factorization import closed_forms as cf

Q = sp.Rational


# Reference values quoted by the spec (section 3.3) from an independent computation.
SPEC_F = {
    3: ("-2.042113518630771387873355", "-0.8502506921408279245738504", "-0.03271153007356025812476327"),
    4: ("-1.417413754965560444338179", "-0.2664199876767760117845397", "0.3821769529213035230753672"),
}
SPEC_T = {
    2: "23.02585092994045684017491454684364207601",
    3: "4641587.983362086751558943832900998197918",
    4: "4999999999.733580012273223988215460300385",
}


@pytest.mark.parametrize("N", [3, 4])
def test_F_matches_the_spec_constants_at_25_digits(N):
    with mp.workdps(40):
        for x, ref in zip((Q(1, 10), Q(1, 2), Q(9, 10)), SPEC_F[N]):
            assert abs(cf.F(x, N) - mp.mpf(ref)) < mp.mpf(10) ** -24


@pytest.mark.parametrize("N", [2, 3, 4])
def test_time_from_1e_minus_20_to_one_half_matches_the_spec_at_40_digits(N):
    T = cf.flow_time(Q(1, 10**20), Q(1, 2), 1, N, dps=40)
    with mp.workdps(60):
        ref = mp.mpf(SPEC_T[N])
        assert abs(T.value - ref) / ref < mp.mpf(10) ** -38


@pytest.mark.parametrize("N", [2, 3, 4])
def test_three_routes_agree_at_40_digits(N):
    """B5: 2F1 form, elementary form and tanh-sinh quadrature (split, in log variables)."""
    for l0, lev, s in ((Q(1, 10**20), Q(1, 2), Q(1)), (Q(3, 10**7), Q(9, 10), Q(5, 2)), (Q(1, 10**3), Q(1, 10), Q(2, 3))):
        T = cf.flow_time(l0, lev * s, s, N, dps=40)
        q = cf.flow_time_quad(l0, lev * s, s, N, dps=40)
        with mp.workdps(50):
            p = 2 - mp.mpf(2) / N
            el = mp.power(mp.mpf(s.p) / s.q, -p) * (cf.F_elementary(lev, N) - cf.F_elementary(l0 / s, N))
            assert abs(T.value - q) / T.value < mp.mpf(10) ** -35
            assert abs(T.value - el) / T.value < mp.mpf(10) ** -35


@pytest.mark.parametrize("N", [Q(5, 2), Q(7, 2), 5, Q(13, 2)])
def test_non_integer_depths_agree_with_lerch_series_and_quadrature(N):
    with mp.workdps(45):
        for x in (Q(1, 20), Q(1, 3), Q(4, 5)):
            a = cf.F(x, N)
            assert abs(a - cf.F_lerch(x, N)) < mp.mpf(10) ** -38
            assert abs(a - cf.F_series(x, N)) < mp.mpf(10) ** -38
            assert abs(a - cf.F_hyp2f1(x, N)) < mp.mpf(10) ** -38
    T = cf.flow_time(Q(1, 10**9), Q(7, 10), 1, N, dps=40)
    q = cf.flow_time_quad(Q(1, 10**9), Q(7, 10), 1, N, dps=40)
    assert abs(T.value - q) / T.value < mp.mpf(10) ** -35


def test_elementary_form_without_its_constant_is_rejected():
    """Broken on purpose: G_3 without C_3 = pi sqrt(3)/18 must not pass for F_3."""
    with mp.workdps(30):
        x = Q(1, 3)
        assert abs(cf.F_elementary(x, 3) - cf.F(x, 3)) < mp.mpf(10) ** -28
        assert abs(cf.F_elementary(x, 3, constant=False) - cf.F(x, 3)) > mp.mpf(10) ** -2


def test_swapped_target_and_level_are_rejected_by_quadrature():
    """Broken on purpose: T with s and the level confused disagrees with the independent quadrature."""
    good = cf.flow_time(Q(1, 10**6), Q(3, 5), Q(2), 3, dps=30).value
    wrong = cf.flow_time(Q(1, 10**6), Q(3, 5), Q(3, 2), 3, dps=30).value
    q = cf.flow_time_quad(Q(1, 10**6), Q(3, 5), Q(2), 3, dps=30)
    assert abs(good - q) < mp.mpf(10) ** -25 and abs(wrong - q) > 1


def test_alpha_1e_minus_30_keeps_every_digit_of_the_order_one_part():
    T = cf.time_to_reach(1, Q(1, 2), 3, alpha=Q(1, 10**30), dps=40)
    assert mp.nstr(T.value, 40) == "999999999999999999999999999999.1497493079"
    with mp.workdps(40):
        # independent route: the elementary form of F_3(1/2), and the exact singular part 10^30
        assert abs(T.singular - mp.mpf(10) ** 30) < mp.mpf(10) ** -8
        assert abs(T.regular - cf.F_elementary(Q(1, 2), 3)) < mp.mpf(10) ** -38
    assert (1e30 + float(T.regular)) - 1e30 != float(T.regular)  # float64 cannot hold it


def test_alpha_power_far_below_float64_range():
    T = cf.time_to_reach(1, Q(1, 2), 4, alpha=Q(1, 10**100), dps=30)
    A = cf.time_to_reach_asymptotic(1, Q(1, 2), 4, alpha=Q(1, 10**100), dps=30)
    with mp.workdps(30):
        assert abs(T.value / (mp.mpf(10) ** 200 / 2) - 1) < mp.mpf(10) ** -25
        assert abs(T.value - A.value) <= abs(A.next_term) * 2 + T.value * mp.mpf(10) ** -28
    # inverting needs t with all 200 digits of its magnitude plus the wanted ones
    t = cf.time_to_reach(1, Q(1, 2), 4, alpha=Q(1, 10**100), dps=240).value
    lam = cf.flow_eigenvalue(t, 1, 4, alpha=Q(1, 10**100), dps=20)
    assert abs(lam.value - mp.mpf(1) / 2) < mp.mpf(10) ** -15


def test_levels_within_1e_minus_50_of_the_target_keep_their_digits():
    lev = 1 - Q(1, 10**50)
    for N in (3, 4):
        with mp.workdps(40):
            a = cf.F(lev, N)
            b = cf.F_elementary(lev, N)
            assert abs(a - b) < mp.mpf(10) ** -36
            assert abs(a - (-mp.log(mp.mpf(10) ** -50) / N)) < 2


@pytest.mark.parametrize("N", [2, 3, 4, Q(7, 2)])
@pytest.mark.parametrize("case", ["growth", "above", "negative", "zero"])
def test_inverse_reproduces_the_ode_solution(N, case):
    """lambda(t) from the closed forms against mpmath's Taylor ODE integrator (independent)."""
    l0, s = {"growth": (Q(1, 100), Q(3, 2)), "above": (Q(2), Q(1)), "negative": (Q(1, 10), Q(-1, 2)),
             "zero": (Q(1, 10), Q(0))}[case]
    with mp.workdps(25):
        Nm = mp.mpf(sp.Rational(N).p) / sp.Rational(N).q
        p = 2 - 2 / Nm
        f = mp.odefun(lambda tt, v: Nm * v**p * (mp.mpf(s.p) / s.q - v), 0, mp.mpf(l0.p) / l0.q)
        for tt in (Q(1, 5), Q(3, 2)):
            lam = cf.flow_eigenvalue(tt, s, N, lambda0=l0, dps=20)
            assert abs(lam.value - f(mp.mpf(tt.p) / tt.q)) < mp.mpf(10) ** -15


def test_inverse_gap_is_accurate_next_to_the_target():
    lam = cf.flow_eigenvalue(200, 1, 3, lambda0=Q(1, 10), dps=30)
    with mp.workdps(30):
        # far past the transition 1 - lambda ~ exp(-N s^p t): the gap keeps its digits where lambda rounds to 1
        assert 0 < lam.gap < mp.mpf(10) ** -200
        assert lam.value == 1
        T = cf.flow_time(Q(1, 10), 1 - Q(1, 10**60), 1, 3, dps=30)
        back = cf.flow_eigenvalue(T.value, 1, 3, lambda0=Q(1, 10), dps=30)
        assert abs(back.gap / mp.mpf(10) ** -60 - 1) < mp.mpf(10) ** -20


@pytest.mark.parametrize("N", [2, 3, 4])
def test_asymptotic_error_is_the_predicted_next_term(N):
    for a in (Q(1, 10**4), Q(1, 10**6)):
        T = cf.time_to_reach(2, Q(9, 10), N, alpha=a, dps=60)
        A = cf.time_to_reach_asymptotic(2, Q(9, 10), N, alpha=a, dps=60)
        with mp.workdps(60):
            ratio = (T.value - A.value) / A.next_term
            assert abs(ratio - 1) < 10 * mp.mpf(a) ** min(N, 2)


def test_decay_laws_of_zero_and_negative_targets():
    with mp.workdps(30):
        for N in (3, 4):
            law = cf.decay_law(Q(-1, 2), N, lambda0=Q(1, 10))
            tt = mp.mpf(10) ** 9
            lam = cf.flow_eigenvalue(10**9, Q(-1, 2), N, lambda0=Q(1, 10), dps=25)
            assert abs(lam.value / (law.amplitude * tt ** mp.mpf(law.exponent)) - 1) < 1e-4
        law = cf.decay_law(0, 3, alpha=Q(1, 10))
        lam = cf.flow_eigenvalue(10**12, 0, 3, alpha=Q(1, 10), dps=25)
        assert abs(lam.value / (law.amplitude * (mp.mpf(10) ** 12) ** mp.mpf(law.exponent)) - 1) < 1e-6
        law = cf.decay_law(-1, 2, lambda0=Q(1, 10))
        lam = cf.flow_eigenvalue(30, -1, 2, lambda0=Q(1, 10), dps=25)
        assert abs(lam.value / (law.amplitude * mp.exp(-law.rate * 30)) - 1) < 1e-20


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(s=1, level="1/2", N=1, alpha="1/10"), "N=1"),
    (dict(s=1, level="1/2", N="5/2", alpha="1/10", integer=True), "not an integer"),
    (dict(s=1, level="3/2", N=3, alpha="1/10"), "level"),
    (dict(s=1, level="1/2", N=3, alpha="-1"), "alpha"),
    (dict(s=1, level="1/2", N=3, alpha="1/10", lambda0="1/1000"), "exactly one"),
    (dict(s=0, level="1/2", N=3, alpha="1/10"), "s=0"),
])
def test_bad_input_is_refused_with_one_line(kwargs, fragment):
    kwargs = dict(kwargs)
    if kwargs.pop("integer", False):
        from symdyn.models.deep_factorization.inputs import depth

        with pytest.raises(ParameterError, match=fragment):
            depth(kwargs["N"])
        return
    with pytest.raises(ParameterError) as exc:
        cf.time_to_reach(kwargs.pop("s"), kwargs.pop("level"), kwargs.pop("N"), **kwargs)
    assert fragment in str(exc.value) and "\n" not in str(exc.value)


def test_unreachable_levels_are_refused():
    with pytest.raises(ParameterError, match="monotonically"):
        cf.flow_time(Q(1, 2), Q(3, 2), 1, 3)


@pytest.mark.parametrize("N, a", [(3, Q(1, 10**300)), (3, Q(1, 10**400)), (4, Q(1, 10**300))])
def test_inverse_at_starts_down_to_1e_minus_400_per_layer(N, a):
    """A start of 1e-1200 for the product (F_N ~ 1e400): lambda(t) converges at t = 1 (it stays at the start to every
    printed digit: the first-order change is N lambda0^p s t ~ 1e-300 of lambda0) and returns the level at the
    closed-form time to reach it (the time computed with all its digits, independently of the inverse)."""
    l0 = a**N
    lam = cf.flow_eigenvalue(1, 3, N, alpha=a, dps=20)
    with mp.workdps(20):
        assert lam.value == mp.mpf(l0.p) / l0.q
    digits = int(mp.log10(mp.mpf(10) ** (sp.log(1 / l0, 10).evalf(30) * (1 - sp.Rational(2, N))))) + 40
    t = cf.time_to_reach(3, Q(1, 2), N, alpha=a, dps=digits).value
    back = cf.flow_eigenvalue(t, 3, N, alpha=a, dps=20)
    with mp.workdps(20):
        assert abs(back.value - mp.mpf(3) / 2) < mp.mpf(10) ** -15


@pytest.mark.parametrize("dps", [300, 330, 700, 980])
def test_the_inverse_converges_at_every_precision(dps):
    """At these precisions Newton's step once rounded to exactly zero on the bracket's end, which sent it
    back to bisection until the iteration limit ("did not converge"); the value agrees with 40 more digits."""
    Q = sp.Rational
    a = cf.flow_eigenvalue(10, Q(1, 2), 3, alpha=Q(1, 10), dps=dps).value
    b = cf.flow_eigenvalue(10, Q(1, 2), 3, alpha=Q(1, 10), dps=dps + 40).value
    with mp.workdps(dps + 40):
        assert abs(a - b) <= mp.mpf(10) ** (-dps + 1) * abs(b)


def test_every_view_of_the_model_works_at_the_largest_precision():
    """Nested calls add guard digits: a user's dps = MAX_DPS must not fail at MAX_DPS + 10 inside."""
    import symdyn as sd
    from symdyn.params import MAX_DPS

    m = sd.model("deep-factorization")
    p = m.params(N="3", sigma="2,1,1/2", d="8", alpha="1/10", k="2", noise="1/20")
    top = m.evaluate(p, ["10"], dps=MAX_DPS, observables=["lambda_1"])["lambda_1"][0]
    low = m.evaluate(p, ["10"], dps=MAX_DPS - 20, observables=["lambda_1"])["lambda_1"][0]
    L_top = m.boundary("interval-length", p, dps=MAX_DPS).values["length"]
    L_low = m.boundary("interval-length", p, dps=MAX_DPS - 20).values["length"]
    with mp.workdps(MAX_DPS):
        assert abs(top - low) <= mp.mpf(10) ** -(MAX_DPS - 25) * abs(top)
        assert abs(L_top - L_low) <= mp.mpf(10) ** -(MAX_DPS - 25) * abs(L_top)
    assert m.limit(p, dps=MAX_DPS).dps == MAX_DPS
