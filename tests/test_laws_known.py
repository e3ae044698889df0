"""Known results for the spectral laws (Marchenko-Pastur, semicircle), reached by independent routes."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

from symdyn.laws import marchenko_pastur as mpl
from symdyn.laws import semicircle as sc
from symdyn.symbols import c, tau, x, z

Q = sp.Rational


def test_edges_exact():
    assert mpl.lambda_minus().subs(c, Q(1, 4)) == Q(1, 4)
    assert mpl.lambda_plus().subs(c, Q(1, 4)) == Q(9, 4)
    assert mpl.lambda_minus().subs(c, 1) == 0 and mpl.edge().subs(c, 1) == 2


@pytest.mark.parametrize("cv", [Q(1, 7), Q(1, 2), Q(1), Q(3)])
def test_T_at_the_edge_and_at_infinity(cv):
    with mp.workdps(40):
        cm = mp.mpf(cv.p) / cv.q
        lp = (1 + mp.sqrt(cm)) ** 2
        assert abs(mpl.T_numeric(lp, cm) - 1 / mp.sqrt(cm)) < mp.mpf(10) ** -35
        big = mp.mpf(10) ** 12
        assert abs(big * mpl.stieltjes_numeric(big, cm, 1) + 1) < mp.mpf(10) ** -10   # m1 ~ -1/z
        assert abs(big * mpl.T_numeric(big, cm) - 1) < mp.mpf(10) ** -10               # T ~ 1/z


@pytest.mark.parametrize("cv", [Q(1, 3), Q(5, 2)])
def test_narayana_moments_by_quadrature(cv):
    """int lambda^k dmu1 = 1, 1 + c, 1 + 3c + c^2 (Narayana polynomials); mu2 carries c times them."""
    m1, m2 = mpl.mu1().subs({c: cv}), mpl.mu2().subs({c: cv})
    narayana = [Q(1), Q(1), 1 + cv, 1 + 3 * cv + cv**2]
    for k_, n_k in enumerate(narayana):
        a = m1.integrate(lambda v, k_=k_: v**k_, 30)
        b = m2.integrate(lambda v, k_=k_: v**k_, 30)
        expected_b = Q(1) if k_ == 0 else cv * n_k
        with mp.workdps(40):
            assert abs(a - _mpq(n_k)) < mp.mpf(10) ** -28, k_
            assert abs(b - _mpq(expected_b)) < mp.mpf(10) ** -28, k_


def _mpq(r: sp.Rational) -> mp.mpf:
    return mp.mpf(int(r.p)) / int(r.q)


def test_mass_at_c1_to_moderate_precision():
    # lambda_- = 0: the density has a 1/sqrt(lambda) edge; the mass is still 1
    m = mpl.mu1().subs({c: 1})
    assert abs(m.integrate(lambda v: mp.mpf(1), 30) - 1) < mp.mpf(10) ** -20


def test_full_precision_at_c1():
    """Regression: lambda next to lambda_- = 0 must be formed without cancellation."""
    m = mpl.mu1().subs({c: 1})
    assert abs(m.integrate(lambda v: mp.mpf(1), 30) - 1) < mp.mpf(10) ** -29


@pytest.mark.parametrize("tv", [Q(1, 3), Q(2), Q(7)])
def test_semicircle_mgf_is_bessel(tv):
    """<exp(tau x)>_sc = I_1(2 tau)/tau against quadrature of the density, at 30 digits."""
    dens = sp.lambdify(x, sc.density(x), "mpmath")
    with mp.workdps(40):
        tm = mp.mpf(tv.p) / tv.q
        quad = mp.quad(lambda th: dens(2 * mp.cos(th)) * mp.exp(tm * 2 * mp.cos(th)) * 2 * mp.sin(th), [0, mp.pi])
        assert abs(quad - sc.mgf_numeric(tm)) < mp.mpf(10) ** -30 * abs(quad)
    assert sp.simplify(sc.mgf_closed(tau).subs(tau, tv) - sp.besseli(1, 2 * tv) / tv) == 0


def test_semicircle_stieltjes_branch():
    with mp.workdps(30):
        assert abs(sc.stieltjes_numeric(3) - (-3 + mp.sqrt(5)) / 2) < mp.mpf(10) ** -28
        assert abs(sc.stieltjes_numeric(-3) - (3 - mp.sqrt(5)) / 2) < mp.mpf(10) ** -28   # g ~ -1/z on both sides
        g = sc.stieltjes_numeric(mp.mpc(1, 1))
        assert abs(g**2 + mp.mpc(1, 1) * g + 1) < mp.mpf(10) ** -28 and g.imag > 0
    assert sp.simplify(sc.stieltjes(z).subs(z, 3) - (-3 + sp.sqrt(5)) / 2) == 0
