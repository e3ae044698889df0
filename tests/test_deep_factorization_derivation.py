"""The deep-factorization derivation verifies, a broken step fails; hyp2f1 in the certified toolkit."""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

from symdyn.certify import certify_closed_form
from symdyn.derive import Agree, Derivation, Points, Step, Symbolic
from symdyn.errors import CertificationError
from symdyn.models.deep_factorization import closed_forms as cf
from symdyn.models.deep_factorization import derivation as dv
from symdyn.models.deep_factorization.derivation import notation

Q = sp.Rational

pytest.importorskip("flint")


@pytest.fixture(scope="module")
def verified():
    return dv.derivation().verify(dps=30)


def test_every_step_verifies(verified):
    assert verified.passed, verified.failed
    keys = [s.step.key for s in verified.steps]
    for must in ("gradient", "equal-layers", "scalar-ode", "F-hypergeometric", "elementary-3", "three-routes",
                 "asymptotics", "modified-equation", "step-counts", "interval", "spectral-condition",
                 "step-condition", "weyl-davis-kahan", "second-order-shift", "noise-fitting", "early-stopping",
                 "unimodal", "limit"):
        assert must in keys


def test_every_step_verifies_at_the_smallest_precision():
    """The interval check once cancelled its own digits below dps 25 (its routes now work with 60 more)."""
    from symdyn.params import MIN_DPS

    res = dv.derivation().verify(dps=MIN_DPS)
    assert res.passed, res.failed


def test_the_checks_whose_tolerance_is_not_the_precision_verify_at_the_largest():
    from symdyn.params import MAX_DPS

    res = dv.derivation().verify(dps=MAX_DPS, keys=["interval", "asymptotics", "inverse", "limit"])
    assert res.passed, res.failed


def test_the_latex_document_holds_every_step(verified):
    tex = verified.to_latex()
    assert r"\begin{document}" in tex and tex.count(r"\subsection") >= len(verified.steps)
    assert "real branch" in tex


@pytest.mark.parametrize("N", [2, 3, 4])
def test_sympy_antiderivative_is_complex_and_the_real_form_is_not(N):
    raw = dv.sympy_antiderivative(N)
    assert any(isinstance(a, sp.log) and sp.sympify(a.args[0]).subs(notation.u, Q(1, 2)) < 0 for a in raw.atoms(sp.log))
    assert complex(sp.N(dv.real_antiderivative(N).subs(notation.u, Q(1, 2)))).imag == 0


def test_a_wrong_antiderivative_fails_its_step():
    """Broken on purpose: a sign error in G_3's log(1 - u) term, and a missing constant."""
    u = notation.u
    wrong = -1 / u + sp.log(1 - u) / 3 + sp.log(u**2 + u + 1) / 6 - sp.atan((2 * u + 1) / sp.sqrt(3)) / sp.sqrt(3)
    step = Step("bad", "Bad", "A wrong antiderivative.", (), Symbolic(sp.diff(wrong, u) - u ** (-2) / (1 - u**3)))
    assert not Derivation("bad", "Bad", (step,)).verify(dps=20).passed
    x = notation.x
    res = Agree(lambda p, d: cf.F_elementary(p[x], 3, constant=False), lambda p, d: cf.F(p[x], 3),
                Points({x: (Q(1, 10), Q(9, 10))}, count=2)).verify(dps=20)
    assert not res.passed


def test_hyp2f1_enclosures_contain_the_value_also_next_to_one():
    """The certified toolkit's hyp2f1 against the connection series (mpmath's hyp2f1 loses digits there)."""
    for b, z in ((Q(2, 3), Q(1, 2)), (Q(1, 2), Q(-7, 2)), (Q(2, 3), 1 - Q(1, 10**30)), (Q(4, 3), Q(9, 10))):
        v = certify_closed_form(sp.hyper((1, b), (1 + b,), z), 30)
        with mp.workdps(80):
            if z > Q(1, 2):
                ref = cf.phi1(mp.mpf(b.p) / b.q, mp.mpf(z.p) / z.q, mp.mpf((1 - z).p) / (1 - z).q)
            else:
                ref = mp.hyp2f1(1, mp.mpf(b.p) / b.q, 1 + mp.mpf(b.p) / b.q, mp.mpf(z.p) / z.q)
        assert v.contains(ref)
        assert v.relative_width() < mp.mpf(10) ** -30


def test_hyp2f1_on_its_branch_cut_is_refused():
    with pytest.raises(CertificationError, match="below 1"):
        certify_closed_form(sp.hyper((1, Q(2, 3)), (Q(5, 3),), Q(3, 2)), 20)


@pytest.mark.parametrize("N, kw", [(3, dict(alpha=Q(1, 10**30))), (2, dict(alpha=Q(1, 10**5))),
                                   (4, dict(lambda0=Q(1, 10**8))), (Q(7, 2), dict(lambda0=Q(1, 10**6)))])
def test_certified_time_to_reach_contains_the_closed_form(N, kw):
    from symdyn.models.deep_factorization.certified import certify_time_to_reach

    for lev in (Q(1, 10), Q(1, 2), 1 - Q(1, 10**20)):
        v = certify_time_to_reach(2, lev, N, dps=30, **kw)
        # the reference must be finer than the ball, which can be far narrower than 10^-30
        T = cf.time_to_reach(2, lev, N, dps=200, **kw)
        assert v.contains(T.value)
