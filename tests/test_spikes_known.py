"""Known results for the spiked quantities of ``rank_one_denoising.spectral`` (spec sections 3, 5, reference values of 9)."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

from symdyn.models.rank_one_denoising import spectral as spikes
from symdyn.exact import to_mp
from symdyn.laws import marchenko_pastur as mpl
from symdyn.symbols import alpha, beta, c, kappa, lam, theta

Q = sp.Rational
SPEC = {c: Q(1, 2), theta: Q(6, 5)}


def _close(expr, value: str, digits: int = 45, at=SPEC) -> None:
    got = to_mp(sp.sympify(expr).subs(at), digits + 5)
    with mp.workdps(digits + 10):
        assert abs(got - mp.mpf(value)) < mp.mpf(10) ** (-digits) * max(1, abs(mp.mpf(value))), (expr, got)


def test_spec_reference_values():
    assert spikes.outlier_eigenvalue().subs(SPEC) == Q(5917, 1800)
    _close(spikes.outlier(), "1.8130698337963218735513795556946545069642810116837")
    _close(mpl.edge(), "1.7071067811865475244008443621048490392848359376885")
    _close(spikes.zeta_u(), "0.5632875143184421534936998854524627720504009163803")
    _close(spikes.zeta_v(), "0.44785974499089253187613843351548269581056466302368")
    _close(spikes.critical_ratio(), "-0.89167368875228944600887519132523992145784312050017", at={**SPEC, kappa: 1})
    _close(spikes.critical_ratio(), "-1.2610170238447336315154353008532520850550049066199",
           at={**SPEC, kappa: Q(1, 2) ** Q(-1, 2)})
    for cv, value in ((Q(1, 4), "0.70710678118654752440084436210484903928483593768847"),
                      (Q(1, 2), "0.84089641525371454303112547623321489504003426235678"),
                      (Q(2), "1.1892071150027210667174999705604759152929720924638")):
        _close(spikes.threshold(), value, at={c: cv})
    assert spikes.threshold().subs(c, 1) == 1


def test_outlier_identities_symbolic():
    assert sp.simplify(spikes.outlier_eigenvalue() - mpl.lambda_plus() - spikes.delta()) == 0
    assert sp.simplify(spikes.outlier() ** 2 - spikes.outlier_eigenvalue()) == 0
    # the critical combination times sqrt(theta^4 - c)/theta is the outlier amplitude (above threshold)
    at = {c: Q(1, 3), theta: Q(3, 2), alpha: Q(-2, 7), beta: Q(5, 9), kappa: Q(4, 3)}
    lhs = spikes.amplitude().subs(at)
    rhs = (sp.sqrt(theta**4 - c) / theta * spikes.critical_combination()).subs(at)
    assert abs(sp.N(lhs - rhs, 50)) < sp.Float("1e-45")
    # at the critical ratio the amplitude vanishes exactly
    crit = {c: Q(1, 3), theta: Q(3, 2), kappa: Q(4, 3), beta: Q(5, 9)}
    crit[alpha] = spikes.critical_ratio().subs(crit) * crit[beta]
    assert sp.simplify(spikes.amplitude().subs(crit)) == 0


@pytest.mark.parametrize("cv,thv", [(Q(1, 2), Q(6, 5)), (Q(2), Q(3, 2)), (Q(1), Q(9, 8))])
def test_uv_atom_and_overlaps_by_residues_at_numeric_parameters(cv, thv):
    vals = {c: cv, theta: thv}
    z = sp.Symbol("z")
    L = spikes.outlier_eigenvalue().subs(vals)
    for G, w in ((spikes.resolvent_uu, spikes.zeta_u()), (spikes.resolvent_vv, spikes.zeta_v()),
                 (spikes.resolvent_uv, spikes.uv_atom())):
        lim = sp.limit(((L - z) * G(z)).subs(vals), z, L)
        assert abs(sp.N(lim - w.subs(vals), 40)) < sp.Float("1e-35")
    w_uv = spikes.uv_atom().subs(vals)
    assert abs(sp.N(w_uv - (spikes.outlier() * sp.sqrt(spikes.zeta_u() * spikes.zeta_v())).subs(vals), 40)) \
        < sp.Float("1e-35")


def test_edge_weights_are_density_over_r_at_the_edge():
    at = {c: Q(1, 2), theta: Q(3, 5)}
    w = spikes.edge_weights()
    lp = mpl.lambda_plus().subs(at)
    for name, m in (("w_uu", spikes.nu_uu()), ("w_vv", spikes.nu_vv()), ("w_uv", spikes.nu_uv()),
                    ("w_1", mpl.mu1()), ("w_2", mpl.mu2())):
        near = lp - Q(1, 10**30)
        ratio = (m.density / mpl.r(lam)).subs(at).subs(lam, near)
        assert abs(sp.N(ratio - w[name].subs(at), 40)) < sp.Float("1e-25") * abs(sp.N(w[name].subs(at), 40))


def test_decay_amplitude_matches_the_spec_value():
    # spec 5.3: c = 0.5, theta = 0.6, (alpha, beta) = (0.3, 0.5): K_u = 3.270
    at = {c: Q(1, 2), theta: Q(3, 5), alpha: Q(3, 10), beta: Q(1, 2), kappa: 1}
    K_u = sp.N(spikes.decay_amplitudes()["K_u"].subs(at), 20)
    assert abs(K_u - sp.Rational(3270, 1000)) < sp.Rational(5, 10000)


def test_threshold_amplitudes_perfect_square():
    q = Q(3, 4)
    at = {c: q**4, theta: q, alpha: Q(1, 3), beta: Q(-1, 5), kappa: Q(3, 2)}
    amps = spikes.threshold_amplitudes()
    v_uu, v_vv = amps["v_uu"].subs(at), amps["v_vv"].subs(at)
    v_uv = (2 * c ** Q(1, 4) / (2 * sp.pi * theta)).subs(at)
    assert sp.simplify(v_uv / mpl.edge().subs(at) - sp.sqrt(v_uu * v_vv)) == 0
    # the sign of K follows alpha sqrt(v_uu) + kappa beta sqrt(v_vv); K_v/K_u = sqrt(v_vv/v_uu)
    assert sp.simplify(amps["K_v"].subs(at) / amps["K_u"].subs(at) - sp.sqrt(v_vv / v_uu)) == 0
