"""The self-verifying derivation of the matrix-sensing model: every step passes, and the checks can fail."""

from __future__ import annotations

import os
import shutil

import mpmath as mp
import pytest
import sympy as sp

from symdyn.derive import Numeric, Points, Symbolic
from symdyn.models.matrix_sensing import derivation as D
from symdyn.models.matrix_sensing.derivation import notation as N, routes
from symdyn.models.matrix_sensing import learning as L

_KEYS = [s.key for s in D.derivation()]
_CACHE: dict[str, object] = {}


def _verified(key: str):
    if key not in _CACHE:
        _CACHE[key] = D.derivation().verify(dps=30, keys=[key])[key]
    return _CACHE[key]


def test_structure():
    d = D.derivation()
    for key in ("gradient", "time-unit", "riccati-k", "riccati", "scaled-pencil", "logistic", "gram-identity",
                "gram-zero", "limit-formula", "limit-order", "modified-equation", "step-condition",
                "critical-points", "sensing-optimality", "race"):
        assert key in _KEYS
    assert d.key == "matrix-sensing" and "jin_et_al_2023" in d.bibliography


@pytest.mark.parametrize("key", _KEYS)
def test_every_step_verifies_at_30_digits(key):
    res = _verified(key)
    assert res.passed, res.evidence


@pytest.mark.slow
def test_every_step_verifies_at_60_digits():
    res = D.derivation().verify(dps=60, seed=3)
    assert res.passed, res.failed


def test_a_wrong_gradient_factor_fails():
    U = N.mat("u", 2, 2)
    X = N.mat("x", 2, 2, symmetric=True)
    R = U * U.T - X
    f = N.s * N.fro2(R)
    grad = sp.Matrix(2, 2, lambda i, j: sp.diff(f, U[i, j]))
    assert Symbolic(list(grad - 4 * N.s * R * U)).verify().passed
    assert not Symbolic(list(grad - 2 * N.s * R * U)).verify().passed        # the 1/2-vs-1/4 pitfall


def test_a_wrong_riccati_closed_form_fails():
    t, s1, a = N.t, N.sigma_1, sp.Symbol("a", positive=True)
    Y = sp.exp(s1 * t) * a
    wrong_K = 1 + a ** 2 * (sp.exp(s1 * t) - 1) / s1          # phi with e^(s t) instead of e^(2 s t)
    P = Y * Y / wrong_K
    assert not Symbolic(sp.diff(P, t) - 2 * s1 * P + 2 * P ** 2).verify().passed


def test_a_wrong_escape_rate_fails(monkeypatch):
    original = L.critical_points

    def doubled(setting, **kw):
        from dataclasses import replace

        return tuple(replace(p, escape_rate=2 * p.escape_rate) for p in original(setting, **kw))

    monkeypatch.setattr(L, "critical_points", doubled)
    chk = Numeric(routes.hessian_residual, N.sigma_points(1), loss=10)
    assert not chk.verify(dps=30).passed


def test_a_wrong_error_order_fails(monkeypatch):
    original = L.gamma
    monkeypatch.setattr(L, "gamma", lambda sigma, k: 2 * original(sigma, k))
    pts = Points({N.sigma_1: (sp.Rational(5, 2), 4), N.sigma_2: (sp.Rational(6, 5), sp.Rational(9, 4)),
                  N.sigma_3: (sp.Rational(1, 5), 1), N.seed: (0, 100), N.e: (20, 22)}, fixed={N.k: 1}, count=1)
    assert not Numeric(routes.order_residual, pts, tolerance=sp.Rational(1, 20)).verify(dps=30).passed


def test_the_modified_equation_with_the_wrong_sign_fails():
    w, eta, sig = N.w, N.eta, N.sigma
    g = w * (sig - w ** 2)
    gh = g + eta / 2 * g * sp.diff(g, w)
    flow = w + eta * gh + eta ** 2 / 2 * sp.diff(gh, w) * gh
    assert not Symbolic(sp.expand(flow - (w + eta * g)).coeff(eta, 2)).verify().passed


def test_step_count_check_rejects_the_flow_estimate():
    # t/mu alone is several steps short: the same check with the uncorrected flow estimate fails
    def flow_only(point, dps):
        from symdyn.models.matrix_sensing import scalar

        with mp.workdps(dps + 10):
            s = mp.mpf(point[N.sigma].p) / point[N.sigma].q
            lam0 = mp.mpf(point[N.c].p) / point[N.c].q / 10 ** int(point[N.e])
            mu = mp.mpf(point[N.mu].p) / point[N.mu].q / s
            n, *_ = L.scalar_hitting_step(s, lam0, s / 2, mu, dps=dps)
            return {"|n - T/mu|": abs(n - scalar.logistic_time(s, lam0, s / 2) / mu)}

    pts = Points({N.sigma: (sp.Rational(1, 2), 4), N.c: (sp.Rational(1, 100), 1), N.e: (30, 60),
                  N.mu: (sp.Rational(1, 100), sp.Rational(1, 20))}, count=2)
    assert not Numeric(flow_only, pts, tolerance=1).verify(dps=30).passed


def test_latex_document(tmp_path):
    d = D.derivation()
    res = d.verify(dps=20, keys=["gradient", "logistic", "step-condition"])
    tex = res.to_latex()
    assert tex.startswith("\\documentclass") and "3 of 3 steps verified at 20 digits" in tex
    assert d.to_latex().count("\\label{step:") == len(d)
    if shutil.which("pdflatex") is None:
        if os.environ.get("SYMDYN_REQUIRE_PDFLATEX"):
            pytest.fail("pdflatex is required (SYMDYN_REQUIRE_PDFLATEX is set) but not installed")
        pytest.skip("pdflatex is not installed")
    from symdyn.tex import compile_pdf

    pdf = compile_pdf(d.to_latex(), tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 10_000
