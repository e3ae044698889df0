"""Certified quantities of the rank-one model: algebraic boundaries, trajectories, amplitudes, hitting time.

References come from independent routes: the spec section 9 values (a separate reference
computation), SymPy evalf of the closed forms, the fast evaluator at twice the digits
(Gauss-Chebyshev with pole subtraction in MPFR), the literal spec formulas of
``reference.py`` (mpmath tanh-sinh in lambda), and plain ``mpmath.quad``.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp

flint = pytest.importorskip("flint")

import symdyn as sd  # noqa: E402
from symdyn.certify import arb_bounds, certify_trajectory, integrate, workprec  # noqa: E402
from symdyn.errors import CertificationError  # noqa: E402
from symdyn.exact import to_mp  # noqa: E402
from symdyn.models.rank_one_denoising import certified as cert  # noqa: E402

# spec section 9 (c = 1/2, theta = 6/5; 50 digits)
SPEC = {
    ("threshold", "1/4"): "0.70710678118654752440084436210484903928483593768847",
    ("threshold", "1/2"): "0.84089641525371454303112547623321489504003426235678",
    ("threshold", "2"): "1.1892071150027210667174999705604759152929720924638",
    "s1": "1.8130698337963218735513795556946545069642810116837",
    "s_plus": "1.7071067811865475244008443621048490392848359376885",
    "zeta_u": "0.5632875143184421534936998854524627720504009163803",
    "zeta_v": "0.44785974499089253187613843351548269581056466302368",
    "ratio_k1": "-0.89167368875228944600887519132523992145784312050017",
    "ratio_spheres": "-1.2610170238447336315154353008532520850550049066199",
}
SPEC_TRAJ = {
    "m_u": {"1": "0.2320476610057535508076492979945085181366891757472",
            "5": "0.59540495655801739964044730109906423073507567697901",
            "20": "0.75142706931353620813809934996610130784780693691375"},
    "m_v": {"1": "0.21542339491039138575464650516071903600306857263876",
            "5": "0.53055954995098899144722321268056834463447861679697",
            "20": "0.67001520511267422795453489218958593041161233288155"},
}


def near(lo: mp.mpf, hi: mp.mpf, text: str) -> bool:
    """The enclosure meets [x - u, x + u] for a decimal x quoted to its last digit (u = one unit there)."""
    mantissa = text.lower().split("e")[0]
    digits = len(mantissa.lstrip("-").replace(".", "").lstrip("0"))
    with mp.workdps(120):
        x = mp.mpf(text)
        u = abs(x) * mp.mpf(10) ** (1 - digits)
        return bool(lo <= x + u and x - u <= hi)


def inside(lo: mp.mpf, hi: mp.mpf, x: mp.mpf) -> bool:
    return bool(lo <= x <= hi)


def exact_fraction(x: mp.mpf) -> Fraction:
    sign, man, exp, _ = x._mpf_
    q = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -q if sign else q


def rel_width(lo, hi) -> mp.mpf:
    with mp.workdps(80):
        return (hi - lo) / max(abs(lo), abs(hi))


@pytest.fixture(scope="module")
def m():
    return sd.model("rank-one-denoising")


# ----------------------------------------------------------------------------- algebraic boundaries


@pytest.mark.parametrize("c", ["1/4", "1/2", "2"])
def test_threshold_against_spec_at_dps50(m, c):
    b = m.boundary("threshold", m.params(c=c), dps=50, certify=True)
    lo, hi = b.enclosures["theta_c"]
    assert rel_width(lo, hi) < mp.mpf(10) ** -50
    assert near(lo, hi, SPEC[("threshold", c)])
    with mp.workdps(150):  # independent: c^(1/4) by mpmath at 150 digits
        assert inside(lo, hi, mp.root(mp.mpf(sp.Rational(c).p) / sp.Rational(c).q, 4))
    assert "minimal polynomial" in b.method


def test_boundaries_against_spec_at_dps50(m):
    p = m.params(c="1/2", theta="6/5")
    cases = [
        (m.boundary("outlier", p, dps=50, certify=True), "s1", SPEC["s1"]),
        (m.boundary("overlaps", p, dps=50, certify=True), "zeta_u", SPEC["zeta_u"]),
        (m.boundary("overlaps", p, dps=50, certify=True), "zeta_v", SPEC["zeta_v"]),
        (m.boundary("critical-ratio", p, dps=50, certify=True), "ratio", SPEC["ratio_k1"]),
        (m.boundary("critical-ratio", m.params(c="1/2", theta="6/5", convention="spheres-sqrt"), dps=50,
                    certify=True), "ratio", SPEC["ratio_spheres"]),
        (m.boundary("edge", m.params(c="1/2"), dps=50, certify=True), "s_plus", SPEC["s_plus"]),
    ]
    for b, key, text in cases:
        lo, hi = b.enclosures[key]
        assert rel_width(lo, hi) < mp.mpf(10) ** -50, key
        assert near(lo, hi, text), (key, lo, hi)
        # the mpmath value (adaptive evalf of the closed form at 150 digits) lies inside
        assert inside(lo, hi, to_mp(b.exact[key], 150)), key
    lam = m.boundary("outlier", p, dps=50, certify=True).enclosures["lambda_star"]
    with mp.workdps(100):
        assert inside(*lam, mp.mpf(5917) / 1800)


@pytest.mark.parametrize("quantity,kw", [
    ("critical-ratio", dict(c="1/3", epsilon="1e-20")),
    ("overlaps", dict(c="1/3", epsilon="1e-20")),
    ("relaxation-time", dict(c="2", theta="3/2", convention="balanced")),
    ("outlier", dict(c="3", theta="2", convention="noise-sigma", sigma="7/4")),
    ("threshold", dict(c="5", convention="noise-1/p")),
])
def test_boundaries_in_other_settings(m, quantity, kw):
    b = m.boundary(quantity, m.params(**kw), dps=40, certify=True)
    for key, (lo, hi) in b.enclosures.items():
        ref = to_mp(b.exact[key], 120)
        assert inside(lo, hi, ref), (key, lo, hi, ref)
        assert rel_width(lo, hi) < mp.mpf(10) ** -40


def test_boundary_widths_shrink_with_dps(m):
    p = m.params(c="1/2", theta="6/5")
    widths = []
    for dps in (20, 50, 100):
        lo, hi = m.boundary("critical-ratio", p, dps=dps, certify=True).enclosures["ratio"]
        widths.append(rel_width(lo, hi))
        assert widths[-1] < mp.mpf(10) ** -dps
    assert widths[0] > widths[1] > widths[2]


@pytest.mark.parametrize("c", ["1/2", "2", "1"])
def test_critical_ratio_exactly_at_threshold(m, c):
    # at theta = theta_c, (theta^2 + c)/(theta^2 + 1) = sqrt(c), so the ratio is -c^(1/4)
    b = m.boundary("critical-ratio", m.params(c=c, theta="threshold"), dps=40, certify=True)
    lo, hi = b.enclosures["ratio"]
    q = sp.Rational(c)
    with mp.workdps(120):
        assert inside(lo, hi, -mp.root(mp.mpf(q.p) / q.q, 4))
    # at threshold the overlaps are exactly zero and the outlier sticks to the edge
    ov = m.boundary("overlaps", m.params(c=c, theta="threshold"), dps=40, certify=True)
    assert ov.enclosures["zeta_u"] == (0, 0)
    out = m.boundary("outlier", m.params(c=c, theta="threshold"), dps=40, certify=True)
    with mp.workdps(120):
        assert inside(*out.enclosures["s1"], 1 + mp.sqrt(mp.mpf(q.p) / q.q))


def test_boundary_below_threshold_has_no_critical_ratio(m):
    with pytest.raises(sd.errors.UnsupportedError):
        m.boundary("critical-ratio", m.params(c="1/2", theta="1/2"), dps=30, certify=True)


# ----------------------------------------------------------------------------- trajectories


def test_trajectory_against_spec_values(m):
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    r = certify_trajectory(m, p, ["1", "5", "20"], dps=50, observables=["m_u", "m_v"])
    for name in ("m_u", "m_v"):
        for i, t in enumerate(["1", "5", "20"]):
            cv = r[name][i]
            assert cv.relative_width() < mp.mpf(10) ** -50
            assert near(cv.lower, cv.upper, SPEC_TRAJ[name][t]), (name, t)


def test_trajectory_widths_shrink_with_dps(m):
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    w = [certify_trajectory(m, p, ["5"], dps=d, observables=["m_u"])["m_u"][0].relative_width() for d in (20, 45)]
    assert w[0] > w[1] and w[1] < mp.mpf(10) ** -45


CASES = [
    ("below", dict(c="1/2", theta="3/5", alpha="3/10", beta="1/2"), ["1", "7"], None),
    ("at-threshold", dict(c="1/2", theta="threshold", alpha="3/10", beta="1/2"), ["1", "7"], None),
    ("critical-ratio", dict(c="1/2", theta="2", alpha="critical", beta="3/10"), ["1", "20"], None),
    ("c=1", dict(c="1", theta="6/5", alpha="1/10", beta="1/10"), ["1", "5"], None),
    ("c=2, opposite signs", dict(c="2", theta="9/5", alpha="2/5", beta="-1/2"), ["1", "3"], None),
    ("near threshold", dict(c="1/2", epsilon="1e-8", alpha="1/10", beta="1/10"), ["3"], ["m_u", "m_v"]),
    ("F3 norms", dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10", flow="F3"), ["1", "5"], None),
    ("F2 kappa=2", dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10", kappa="2", flow="F2"), ["1", "5"], None),
    ("GD", dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10", eta="1/4"), ["4", "40"], None),
    ("GD c=1", dict(c="1", theta="1/2", alpha="1/10", beta="-1/5", eta="1/3"), ["7"], None),
    ("balanced convention", dict(c="1/2", theta="6/5", alpha="1/10", beta="1/10", convention="balanced"),
     ["1", "5"], None),
    ("F0 all observables", dict(c="1", theta="1/2", alpha="1/10", beta="1/10", flow="F0"), ["1", "5"],
     ["m_u", "m_v", "N_u", "N_v", "Q_a", "Q_b", "a_share"]),
]


@pytest.mark.parametrize("label,kw,times,obs", CASES, ids=[c[0] for c in CASES])
def test_enclosures_contain_the_evaluator_at_twice_the_digits(m, label, kw, times, obs):
    p = m.params(**kw)
    dps = 20
    r = certify_trajectory(m, p, times, dps=dps, observables=obs)
    tr = m.evaluate(p, times, dps=2 * dps + 10, observables=list(r.observables))
    for name, cvs in r.observables.items():
        for i, cv in enumerate(cvs):
            assert cv.relative_width() < mp.mpf(10) ** -dps or cv.width < mp.mpf(10) ** -dps
            assert cv.contains(tr[name][i]), (label, name, times[i], cv.lower, cv.upper, tr[name][i])


def test_enclosures_contain_the_literal_spec_formulas(m):
    from symdyn.models.rank_one_denoising.reference import reference_observables

    p = m.params(c="2", theta="3/2", alpha="2/5", beta="-1/2")
    can = m.canonical(p, need=("theta", "beta"))
    r = certify_trajectory(m, p, ["2"], dps=25, observables=["m_u", "m_v"])
    ref = reference_observables(can, 2, 25, guard=15, energy=False)
    for name in ("m_u", "m_v"):
        cv = r[name][0]
        with mp.workdps(60):  # the reference quadrature is good to about its working digits
            dist = max(cv.lower - ref[name], ref[name] - cv.upper, 0)
            assert dist < mp.mpf(10) ** -22 * abs(ref[name]), (name, dist)


def test_critical_ratio_trajectory_is_exactly_cancelled(m):
    # spec 5.2: at c = 0.5, theta = 2, beta = 0.3, m_u(t) at t = 20, 40, 80 is -2.84e-3, -1.68e-3, -1.00e-3
    p = m.params(c="1/2", theta="2", alpha="critical", beta="3/10")
    r = certify_trajectory(m, p, ["20", "40", "80"], dps=25, observables=["m_u"])
    for cv, text in zip(r["m_u"], ["-2.84e-3", "-1.68e-3", "-1.00e-3"]):
        assert near(cv.lower, cv.upper, text)
        assert cv.relative_width() < mp.mpf(10) ** -25
    assert any("critical ratio" in n for n in r.notes)


def test_gd_beyond_the_polynomial_limit_is_refused_before_any_proof(m):
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", eta="1/4")
    with pytest.raises(sd.ParameterError, match="limited to k <= 4000"):
        certify_trajectory(m, p, ["1", str(cert.MAX_GD_STEPS + 1)], dps=20)


def test_flows_beyond_the_certified_range_are_refused_before_any_proof(m):
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    with pytest.raises(sd.ParameterError, match="supported range of certified evaluation"):
        certify_trajectory(m, p, ["1", "100000"], dps=20)


# ----------------------------------------------------------------------------- the analytic flag at the model level


def _lambda_space_bracket(flag: bool, prec: int = 120):
    """<cosh(t sqrt(lambda))>_{nu_uv} (bulk part) at c = 1/2, theta = 6/5, t = 5, integrated in lambda:
    the density has square-root edges, so sqrt must get the analytic flag."""
    with workprec(prec):
        c, th = flint.arb(flint.fmpq(1, 2)), flint.arb(flint.fmpq(6, 5))
        sc = c.sqrt()
        lm, lp = (1 - sc) ** 2, (1 + sc) ** 2
        lst = (1 + th * th) * (c + th * th) / (th * th)

    def f(u, analytic):
        a = analytic if flag else False
        lam = lm + (lp - lm) * u
        r = ((lp - lam) * (lam - lm)).sqrt(analytic=a)
        return (5 * lam.sqrt(analytic=a)).cosh() * r / (2 * flint.arb.pi() * th * (lst - lam)) * (lp - lm)

    return f


def _mpmath_bracket():
    with mp.workdps(60):
        c, th = mp.mpf(1) / 2, mp.mpf(6) / 5
        lm, lp = (1 - mp.sqrt(c)) ** 2, (1 + mp.sqrt(c)) ** 2
        lst = (1 + th**2) * (c + th**2) / th**2
        return mp.quad(lambda l: mp.cosh(5 * mp.sqrt(l)) * mp.sqrt((lp - l) * (l - lm)) / (2 * mp.pi * th * (lst - l)),
                       [lm, lp])


def test_missing_analytic_flag_in_the_spectral_integral_is_detected():
    ref = _mpmath_bracket()
    good = integrate(_lambda_space_bracket(True), 0, 1, prec=120)
    assert inside(*arb_bounds(good), ref)
    bad = integrate(_lambda_space_bracket(False), 0, 1, prec=120, crosscheck=False)
    lo, hi = arb_bounds(bad)
    assert not inside(lo, hi, ref)                     # tight and wrong
    assert rel_width(lo, hi) < mp.mpf(10) ** -25       # ... and it looks trustworthy
    with pytest.raises(CertificationError, match="analytic"):
        integrate(_lambda_space_bracket(False), 0, 1, prec=120)


# ----------------------------------------------------------------------------- limits and amplitudes


def test_decay_amplitudes_below_threshold(m):
    p = m.params(c="1/2", theta="3/5", alpha="3/10", beta="1/2")
    out = cert.certify_limit(m, p, dps=40)
    lim = m.limit(p, dps=40, check=False)
    for key in ("m_u", "m_v"):
        cv = out[f"K_{key}"]
        assert cv.contains(to_mp(lim.decay.exact[key], 300)) and cv.relative_width() < mp.mpf(10) ** -40
        assert "interval evaluation" in cv.method  # pi^(1/4): not algebraic
    # spec 5.3 quotes K_u = 3.270 at c = 0.5, theta = 0.6, (alpha, beta) = (0.3, 0.5)
    assert near(out["K_m_u"].lower, out["K_m_u"].upper, "3.270")


@pytest.mark.parametrize("kw", [dict(c="1/2", theta="threshold", alpha="3/10", beta="1/2"),
                                dict(c="1/2", theta="2", alpha="critical", beta="3/10"),
                                dict(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")])
def test_limits_and_amplitudes_in_every_regime(m, kw):
    p = m.params(**kw)
    out = cert.certify_limit(m, p, dps=30)
    lim = m.limit(p, dps=30, check=False)
    for key, expr in lim.exact.items():  # adaptive evalf far beyond the width of the balls
        assert out[key].contains(to_mp(expr, 300)), key
    if lim.decay is not None:
        for key, expr in lim.decay.exact.items():
            assert out[f"K_{key}"].contains(to_mp(expr, 300)), key


# ----------------------------------------------------------------------------- hitting time


def test_hitting_time_is_bracketed_and_first(m):
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="1/2")
    b = m.boundary("hitting-time", p, dps=30, certify=True)
    lo, hi = b.enclosures["time"]
    assert rel_width(lo, hi) < mp.mpf(10) ** -30
    assert "first crossing proved" in b.method and "ASSUMED" not in b.note
    # independent: the evaluator at 50 digits has m_u - 1/2 of opposite signs at the two ends
    ts = [f"{q.numerator}/{q.denominator}" for q in (exact_fraction(lo), exact_fraction(hi))]
    tr = m.evaluate(p, ts, dps=50, observables=["m_u"])
    with mp.workdps(60):
        assert tr["m_u"][0] < mp.mpf(1) / 2 < tr["m_u"][1]
    # the uncertified root at more digits lies inside
    b40 = m.boundary("hitting-time", p, dps=40)
    assert inside(lo, hi, b40.value)


def test_hitting_time_reports_an_assumed_first_crossing(m, monkeypatch):
    monkeypatch.setattr(cert, "COVER_BUDGET", 2)
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="1/2")
    b = m.boundary("hitting-time", p, dps=20, certify=True)
    assert "ASSUMED" in b.note and "assumed" in b.method
    lo, hi = b.enclosures["time"]
    assert hi - lo < mp.mpf(10) ** -19 * hi  # the bracket of a crossing is still proved


def test_first_crossing_cover_is_not_vacuous(m):
    # spec 5.1 transient overshoot: c = 1/2, theta = 6/5, (alpha, beta) = (1/2, 3/10) rises above 0.78 near
    # t = 2 and comes back below it near t = 5.55
    p = m.params(c="1/2", theta="6/5", alpha="1/2", beta="3/10", level="39/50")
    b = m.boundary("hitting-time", p, dps=20, certify=True)
    lo, hi = b.enclosures["time"]
    assert 1.9 < lo < 2.1 and "first crossing proved" in b.method
    # claiming that the later, downward crossing is the first one must be refuted by the cover
    ev = cert.CertifiedRankOne(m, p)
    with mp.workdps(20):
        second = Fraction(mp.nstr(mp.findroot(
            lambda t: m.evaluate(p, [mp.nstr(t, 20)], dps=20, observables=["m_u"])["m_u"][0] - mp.mpf(39) / 50,
            (mp.mpf(11) / 2, mp.mpf(45) / 8), solver="anderson"), 16))
    assert Fraction(11, 2) < second < Fraction(45, 8)
    eps = Fraction(1, 10**12)
    with pytest.raises(CertificationError, match="earlier crossing"):
        cert.prove_first_crossing(ev, sp.Rational(39, 50), 1, second - eps, second + eps, Fraction(11, 2))


def test_hitting_time_special_cases(m):
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="1/10")
    b = m.boundary("hitting-time", p, dps=20, certify=True)
    assert b.enclosures["time"] == (0, 0) and b.value == 0
    far = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="99/100")
    with pytest.raises(CertificationError):
        m.boundary("hitting-time", far, dps=20, certify=True)
    never = m.boundary("hitting-time", far, dps=20)  # not reached: m_u(inf) = 0.7505 is on the start's side
    assert never.value == mp.inf and never.note.startswith("never reached") and "not a proof" in never.note
    with pytest.raises(sd.errors.ParameterError):
        m.boundary("hitting-time", m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10"), dps=20)


def test_hitting_time_beyond_the_scan_with_the_limit_past_the_level_is_refused(m, monkeypatch):
    # m_u(inf) = 0.7505 > 7/10: the crossing exists; with a scan range of 5 time units it is not seen
    monkeypatch.setattr(cert, "MAX_SCAN_TIME", 1)
    p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10", level="7/10")
    with pytest.raises(sd.errors.ParameterError, match="the crossing exists but after the scan"):
        m.boundary("hitting-time", p, dps=20)


def test_never_reached_level_exits_0_with_inf_and_1_when_certification_is_asked():
    from cli_helpers import run_cli

    words = ("boundary", "rank-one-denoising", "hitting-time", "c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10",
             "level=99/100")
    status, out, err = run_cli(*words, "--json")
    assert status == 0 and '"value": "inf"' in out and "never reached" in out
    status, out, err = run_cli(*words, "--certify")
    assert status == 1 and "cannot be certified" in err


# ----------------------------------------------------------------------------- harder cases (a few seconds each)


def test_extremely_near_threshold(m):
    p = m.params(c="1/2", epsilon="1e-20", alpha="1/10", beta="1/10")
    r = certify_trajectory(m, p, ["5"], dps=30, observables=["m_u", "m_v"])
    tr = m.evaluate(p, ["5"], dps=60, observables=["m_u", "m_v"])
    for name in ("m_u", "m_v"):
        assert r[name][0].contains(tr[name][0])


def test_hitting_time_below_threshold(m):
    p = m.params(c="1/2", theta="3/5", alpha="3/10", beta="1/2", level="1/5")
    b = m.boundary("hitting-time", p, dps=30, certify=True)
    lo, hi = b.enclosures["time"]
    b40 = m.boundary("hitting-time", p, dps=40)
    assert inside(lo, hi, b40.value)
    assert "first crossing proved" in b.method


# ----------------------------------------------------------------------------- property: random rational parameters

from hypothesis import given, settings, strategies as st  # noqa: E402

RATIONALS = st.fractions(min_value=Fraction(1, 20), max_value=Fraction(5), max_denominator=97)


@settings(max_examples=25, deadline=None)
@given(c=RATIONALS, theta=RATIONALS)
def test_algebraic_boundaries_random_parameters(c, theta):
    m = sd.model("rank-one-denoising")
    p = m.params(c=f"{c.numerator}/{c.denominator}", theta=f"{theta.numerator}/{theta.denominator}")
    above = theta**4 > c
    quantities = ["threshold", "edge", "outlier", "overlaps"] + (["critical-ratio", "relaxation-time"] if above else [])
    for q in quantities:
        b = m.boundary(q, p, dps=30, certify=True)
        for key, (lo, hi) in b.enclosures.items():
            assert inside(lo, hi, to_mp(b.exact[key], 200)), (q, key)
            assert hi == lo == 0 or rel_width(lo, hi) < mp.mpf(10) ** -30
