"""Known results reached by routes independent of the fast evaluator.

Reference values: spec section 9 (an independent 50-digit computation), closed forms
solved numerically (findroot on theta^2 T(z) = 1), residues by numerical limits, the
literature's BBP thresholds, and quadrature of the measures.
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from symdyn.models.rank_one_denoising import spectral as spikes
from symdyn.laws import marchenko_pastur as mpl
from symdyn.symbols import c as C, theta as TH

from helpers import assert_digits

# spec section 9, c = 1/2, theta = 6/5 (50 digits; last digit of m_v(20) corrected, see below)
SPEC9 = {
    "theta_c(1/4)": "0.70710678118654752440084436210484903928483593768847",
    "theta_c(1/2)": "0.84089641525371454303112547623321489504003426235678",
    "theta_c(2)": "1.1892071150027210667174999705604759152929720924638",
    "s1": "1.8130698337963218735513795556946545069642810116837",
    "s_plus": "1.7071067811865475244008443621048490392848359376885",
    "zeta_u": "0.5632875143184421534936998854524627720504009163803",
    "zeta_v": "0.44785974499089253187613843351548269581056466302368",
    "ratio_k1": "-0.89167368875228944600887519132523992145784312050017",
    "ratio_ksqrt": "-1.2610170238447336315154353008532520850550049066199",
    "m_u(1)": "0.2320476610057535508076492979945085181366891757472",
    "m_v(1)": "0.21542339491039138575464650516071903600306857263876",
    "m_u(5)": "0.59540495655801739964044730109906423073507567697901",
    "m_v(5)": "0.53055954995098899144722321268056834463447861679697",
    "m_u(20)": "0.75142706931353620813809934996610130784780693691375",
    # spec prints ...288155; the value is 0.670015205112674227954534892189585930411612332881544...,
    # so 50 digits round to ...288154 (confirmed at 70 digits by two rules)
    "m_v(20)": "0.67001520511267422795453489218958593041161233288154",
}


def _mp(s: str, dps: int = 60):
    with mp.workdps(dps):
        return mp.mpf(s)


def test_spec_trajectory_values_at_40_digits(rank_one):
    p = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    tr = rank_one.evaluate(p, ["1", "5", "20"], dps=45)
    for i, t in enumerate(("1", "5", "20")):
        assert_digits(tr["m_u"][i], _mp(SPEC9[f"m_u({t})"]), 40, f"m_u({t})")
        assert_digits(tr["m_v"][i], _mp(SPEC9[f"m_v({t})"]), 40, f"m_v({t})")


def test_spec_trajectory_values_with_the_independent_rule_too(rank_one):
    from symdyn.numeric.rules import TanhSinh

    p = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    tr = rank_one.evaluate(p, ["5"], dps=45, rule=TanhSinh())
    assert_digits(tr["m_u"][0], _mp(SPEC9["m_u(5)"]), 40, "m_u(5) tanh-sinh")


def test_spec_boundary_values_at_40_digits(rank_one):
    for cval, key in (("1/4", "theta_c(1/4)"), ("1/2", "theta_c(1/2)"), ("2", "theta_c(2)")):
        b = rank_one.boundary("threshold", rank_one.params(c=cval), dps=45)
        assert_digits(b.value, _mp(SPEC9[key]), 40, key)
    assert rank_one.boundary("threshold", rank_one.params(c="1"), dps=30).exact["theta_c"] == 1
    p = rank_one.params(c="1/2", theta="6/5")
    out = rank_one.boundary("outlier", p, dps=45)
    assert out.exact["lambda_star"] == sp.Rational(5917, 1800)
    assert_digits(out.values["s1"], _mp(SPEC9["s1"]), 40, "s1")
    ov = rank_one.boundary("overlaps", p, dps=45)
    assert_digits(ov.values["zeta_u"], _mp(SPEC9["zeta_u"]), 40, "zeta_u")
    assert_digits(ov.values["zeta_v"], _mp(SPEC9["zeta_v"]), 40, "zeta_v")
    assert_digits(rank_one.boundary("edge", p, dps=45).value, _mp(SPEC9["s_plus"]), 40, "s+")
    assert_digits(rank_one.boundary("critical-ratio", p, dps=45).value, _mp(SPEC9["ratio_k1"]), 40, "ratio k=1")
    q = rank_one.params(c="1/2", theta="6/5", kappa=str(sp.N(1 / sp.sqrt(sp.Rational(1, 2)), 60)))
    assert_digits(rank_one.boundary("critical-ratio", q, dps=45).value, _mp(SPEC9["ratio_ksqrt"]), 40,
                  "ratio kappa = c^-1/2")
    r = rank_one.params(c="1/2", theta="6/5", convention="spheres-sqrt")
    assert_digits(rank_one.boundary("critical-ratio", r, dps=45).value, _mp(SPEC9["ratio_ksqrt"]), 40,
                  "ratio via the spheres-sqrt convention")


@pytest.mark.parametrize("cval, thval", [("1/2", "6/5"), ("2", "9/5"), ("1", "3/2"), ("1/10", "1")])
def test_outlier_solves_the_resolvent_equation_and_residues_give_the_overlaps(rank_one, cval, thval):
    cv, tv = sp.Rational(cval), sp.Rational(thval)
    b = rank_one.boundary("outlier", rank_one.params(c=cval, theta=thval), dps=40)
    ov = rank_one.boundary("overlaps", rank_one.params(c=cval, theta=thval), dps=40)
    with mp.workdps(50):
        cm, tm = mp.mpf(cv.p) / cv.q, mp.mpf(tv.p) / tv.q
        lam_plus = (1 + mp.sqrt(cm)) ** 2
        root = mp.re(mp.findroot(lambda z: tm**2 * mpl.T_numeric(z, cm) - 1, lam_plus + 1))
        assert_digits(mp.sqrt(root), b.values["s1"], 38, "s1 from theta^2 T = 1")
        # residues at the pole: zeta_u = -Res u^T (XX^T - z)^-1 u = -lim (z - l*) m1/(1 - theta^2 T)
        res_u = -mp.limit(lambda z: (z - root) * mpl.stieltjes_numeric(z, cm, 1) / (1 - tm**2 * mpl.T_numeric(z, cm)),
                          root, direction=1)
        res_v = -mp.limit(lambda z: (z - root) * mpl.stieltjes_numeric(z, cm, 2) / (1 - tm**2 * mpl.T_numeric(z, cm)),
                          root, direction=1)
    assert_digits(res_u, ov.values["zeta_u"], 25, "zeta_u residue")
    assert_digits(res_v, ov.values["zeta_v"], 25, "zeta_v residue")


@pytest.mark.parametrize("cval, thval", [("1/2", "6/5"), ("1/2", "3/5"), ("2", "1"), ("1", "1/2"), ("3", "3")])
def test_measures_have_unit_mass_and_the_spec_moments(cval, thval):
    vals = {C: sp.Rational(cval), TH: sp.Rational(thval)}
    th, cv = sp.Rational(thval), sp.Rational(cval)
    expected = {
        "nu_uu": (1, 1 + th**2), "nu_vv": (1, cv + th**2), "nu_uv": (th, th * (1 + th**2 + cv)),
    }
    for name, (mass, first) in expected.items():
        mu = getattr(spikes, name)().subs(vals)
        assert_digits(mu.mass(30), sd.to_mp(mass, 40), 28, f"{name} mass")
        assert_digits(mu.moment(1, 30), sd.to_mp(first, 40), 28, f"{name} first moment")
    for mu in (mpl.mu1().subs(vals), mpl.mu2().subs(vals)):
        assert_digits(mu.mass(30), sd.to_mp(1, 40), 28, f"{mu.name} mass")


def test_literature_thresholds_in_other_conventions(rank_one):
    # BBP with noise variance 1/sqrt(pn) ("balanced"): threshold 1; variance 1/p: c^(-1/4);
    # signal (theta/n) u' v'^T with |u'|^2 = p, |v'|^2 = n: c^(-1/4); noise variance sigma^2/n: sigma c^(1/4)
    cases = {
        ("balanced", None): lambda c: sp.Integer(1),
        ("noise-1/p", None): lambda c: c ** sp.Rational(-1, 4),
        ("signal-over-n", None): lambda c: c ** sp.Rational(-1, 4),
        ("noise-sigma", "3/2"): lambda c: sp.Rational(3, 2) * c ** sp.Rational(1, 4),
        ("bgn", None): lambda c: c ** sp.Rational(1, 4) if c <= 1 else c ** sp.Rational(-1, 4),
    }
    for (conv, sigma), law in cases.items():
        for cval in ("1/3", "1", "5/2"):
            kw = dict(c=cval, convention=conv)
            if sigma:
                kw["sigma"] = sigma
            b = rank_one.boundary("threshold", rank_one.params(**kw), dps=30)
            assert sd.exact_sign(b.exact["theta_c"] - law(sp.Rational(cval))) == 0, (conv, cval)
