"""The derivation framework: every verification strategy must catch a wrong identity."""

from __future__ import annotations

import random

import mpmath as mp
import pytest
import sympy as sp

from symdyn.models.rank_one_denoising import spectral as spikes
from symdyn.derive import (
    Agree,
    AllOf,
    Derivation,
    Numeric,
    Points,
    Status,
    Step,
    Symbolic,
    factor_radicands,
    format_table,
    reduce_modulo,
)
from symdyn.laws import marchenko_pastur as mpl
from symdyn.models.rank_one_denoising import derivation as D
from symdyn.symbols import c, theta, z

Q = sp.Rational
R = mpl.R_symbol
MOD_R = {R: (z - mpl.lambda_minus()) * (z - mpl.lambda_plus())}
p = sp.Symbol("p", positive=True)
ABOVE = {c: theta**4 / (1 + p) ** 2}
BELOW = {c: theta**4 * (1 + p) ** 2}
ABOVE_PTS = Points({c: (Q(1, 10), Q(3)), theta: (Q(1, 2), Q(5, 2))}, count=3,
                   where=lambda pt: pt[theta] ** 4 > Q(6, 5) * pt[c], label="above")


# ------------------------------------------------------------------------- Symbolic


def test_symbolic_modulo_R_passes_and_catches_a_wrong_sign_in_T():
    right = z * mpl.m1(z, R) * mpl.m2(z, R) - mpl.T_closed(z, R)
    wrong = z * mpl.m1(z, R) * mpl.m2(z, R) - (z - 1 - c + R) / (2 * c)   # sign of R flipped
    ok = Symbolic(right, modulo=MOD_R).verify()
    bad = Symbolic(wrong, modulo=MOD_R).verify()
    assert ok.status is Status.PASSED and ok.residual == "0"
    assert bad.status is Status.FAILED
    assert "identity is false" in bad.evidence and bad.residual not in (None, "0")


def test_symbolic_needs_the_relation():
    # without reducing modulo R^2 the (true) self-consistency equation is not an identity in R
    res = Symbolic(mpl.self_consistency(mpl.m1(z, R))).verify()
    assert res.status is Status.FAILED
    assert Symbolic(mpl.self_consistency(mpl.m1(z, R)), modulo=MOD_R).verify().passed


def test_symbolic_regime_parametrisation_decides_the_branch():
    claim = mpl.R(spikes.outlier_eigenvalue()) - (theta**4 - c) / theta**2
    assert Symbolic(claim, substitute=ABOVE).verify().passed
    below = Symbolic(claim, substitute=BELOW).verify()   # below threshold R(lambda*) = (c - theta^4)/theta^2
    assert below.status is Status.FAILED and "identity is false" in below.evidence


def test_symbolic_several_residuals_and_lazy_residuals():
    x = sp.Symbol("x", positive=True)
    calls = []

    def build():
        calls.append(1)
        return [sp.integrate(sp.exp(-x * sp.Symbol("y", positive=True)), (sp.Symbol("y", positive=True), 0, sp.oo))
                - 1 / x]

    lazy = Symbolic(build)
    assert calls == []            # built when the check runs, not at construction
    assert lazy.verify().passed and calls == [1]
    res = Symbolic([sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1, sp.exp(sp.log(x)) - x + 1]).verify()
    assert res.status is Status.FAILED and "residual 2 of 2" in res.evidence


def test_symbolic_matrix_residual():
    a, b = sp.symbols("a b", positive=True)
    M = sp.Matrix([[a, b], [b, a]])
    assert Symbolic(M * M.inv() - sp.eye(2)).verify().passed
    assert not Symbolic(M * M.T - sp.eye(2)).verify().passed


def test_helpers():
    assert factor_radicands(sp.sqrt(p**2 + 2 * p + 1)) == p + 1
    y = sp.Symbol("y")
    assert reduce_modulo(R**4 - y**2, {R: y}) == 0
    assert reduce_modulo(R**3, {R: y}) == sp.expand(R * y)


def test_float_literals_are_refused():
    x = sp.Symbol("x")
    with pytest.raises(ValueError, match="float"):
        Symbolic(sp.Float(0.5) * x + 1)
    with pytest.raises(ValueError, match="float"):
        Numeric(sp.Float(0.5) * x, Points({x: (0, 1)}))
    with pytest.raises(ValueError, match="float"):
        Symbolic(x, modulo={x: sp.Float(2.0)})


# ------------------------------------------------------------------------- Numeric


def _exact_weight_residual(weight):
    """lim (lambda* - z) G_uu(z) at exact numeric (c, theta) minus the claimed weight."""
    def residual(pt, dps):
        vals = {c: pt[c], theta: pt[theta]}
        L = spikes.outlier_eigenvalue().subs(vals)
        lim = sp.limit(((L - z) * spikes.resolvent_uu(z)).subs(vals), z, L)
        return lim - sp.sympify(weight).subs(vals)
    return residual


def test_numeric_exact_residue_passes_and_catches_a_wrong_residue():
    ok = Numeric(_exact_weight_residual(spikes.zeta_u()), ABOVE_PTS).verify(dps=30, seed=3)
    wrong = (theta**4 - c) / (theta**2 * (theta**2 + 1))   # zeta_v's denominator instead of zeta_u's
    bad = Numeric(_exact_weight_residual(wrong), ABOVE_PTS).verify(dps=30, seed=3)
    assert ok.passed and len(ok.points) == 3 and ok.dps == 30
    assert bad.status is Status.FAILED
    assert all(not pr.passed for pr in bad.points)
    assert mp.mpf(bad.residual) > 1e-3


def test_sympy_free_symbol_limit_pitfall_is_caught():
    # With free positive c, theta SymPy's limit returns 0 for the residue: a silent wrong answer.
    claimed = D.free_symbol_residue("uu")
    assert claimed == 0, "SymPy's parametric limit changed; keep the numeric-parameter route anyway"
    res = Numeric(_exact_weight_residual(claimed), ABOVE_PTS).verify(dps=30)
    assert res.status is Status.FAILED
    # the exact limit at numeric parameters is the overlap zeta_u
    assert Numeric(_exact_weight_residual(spikes.zeta_u()), ABOVE_PTS).verify(dps=30).passed


def test_sympy_competing_exponentials_pitfall():
    # STYLE.md regression: with a, b > 0 free, SymPy returns 0 whatever the order of a and b
    a, b, t = sp.symbols("a b t", positive=True)
    assert sp.limit(sp.exp(a * t) / (sp.exp(a * t) + sp.exp(b * t)), t, sp.oo) == 0
    # split regimes instead: a > b -> 1, checked numerically at an interior point
    expr = sp.exp(a * t) / (sp.exp(a * t) + sp.exp(b * t))
    pts = Points({a: (2, 3), b: (0, 1)}, count=2)
    assert Numeric(lambda pt, dps: expr.subs({a: pt[a], b: pt[b], t: 200}) - 1, pts, tolerance=Q(1, 10**30)) \
        .verify(dps=40).passed
    assert not Numeric(lambda pt, dps: expr.subs({a: pt[a], b: pt[b], t: 200}) - 0, pts).verify(dps=40).passed


def test_numeric_mapping_residuals_and_fixed_tolerance():
    x = sp.Symbol("x", positive=True)
    pts = Points({x: (1, 2)}, count=2)
    res = Numeric(lambda pt, dps: {"a": mp.mpf(0), "b": mp.mpf("1e-3")}, pts, tolerance=Q(1, 100)).verify(dps=20)
    assert res.passed and mp.mpf(res.tolerance) == mp.mpf("0.01")
    assert set(res.points[0].values) == {"a", "b"}
    assert not Numeric(lambda pt, dps: {"a": mp.mpf(0), "b": mp.mpf("1e-3")}, pts).verify(dps=20).passed


def test_numeric_tolerance_follows_dps():
    x = sp.Symbol("x", positive=True)
    pts = Points({x: (1, 2)}, count=1)
    # a route accurate to 25 digits passes at 20 digits and fails at 40
    route = lambda pt, dps: mp.mpf(10) ** -25  # noqa: E731
    assert Numeric(route, pts, loss=2).verify(dps=20).passed
    assert not Numeric(route, pts, loss=2).verify(dps=40).passed


# ------------------------------------------------------------------------- Agree


def _pole_quadrature(pt, dps):
    with mp.workdps(dps + 10):
        cv = mp.mpf(int(pt[c].p)) / int(pt[c].q)
        zz = (1 + mp.sqrt(cv)) ** 2 + mp.mpf(int(pt[p].p)) / int(pt[p].q)
        f = lambda ph: 4 * cv * mp.sin(ph) ** 2 / (zz - 1 - cv - 2 * mp.sqrt(cv) * mp.cos(ph))  # noqa: E731
        return mp.quad(f, [0, mp.pi / 2, mp.pi]) / (2 * mp.pi)


def _pole_closed(sign):
    def route(pt, dps):
        with mp.workdps(dps + 10):
            cv = mp.mpf(int(pt[c].p)) / int(pt[c].q)
            zz = (1 + mp.sqrt(cv)) ** 2 + mp.mpf(int(pt[p].p)) / int(pt[p].q)
            Rz = mp.sqrt(zz - (1 - mp.sqrt(cv)) ** 2) * mp.sqrt(zz - (1 + mp.sqrt(cv)) ** 2)
            return ((zz - 1 - cv) + sign * Rz) / 2
    return route


def test_agree_passes_and_catches_a_wrong_closed_form():
    pts = Points({c: (Q(1, 10), Q(3)), p: (Q(1, 10), Q(3))}, count=3)
    ok = Agree(_pole_closed(-1), _pole_quadrature, pts, names=("closed", "quadrature")).verify(dps=30)
    bad = Agree(_pole_closed(+1), _pole_quadrature, pts).verify(dps=30)
    assert ok.passed and ok.method == "two-routes"
    assert set(ok.points[0].values) == {"first", "second"}
    assert bad.status is Status.FAILED and "exceed the tolerance" in bad.evidence


def test_agree_requires_the_same_quantities():
    x = sp.Symbol("x", positive=True)
    res = Agree(lambda pt, dps: {"a": 1}, lambda pt, dps: {"b": 1}, Points({x: (0, 1)})).verify(dps=20)
    assert res.status is Status.ERROR and "different quantities" in res.evidence


def test_agree_with_contour_integral_catches_a_wrong_uv_weight():
    pts = [r for r in D.regions("above")][:1]
    right = Agree(D.closed_weights, D.contour_weights, pts).verify(dps=30)
    assert right.passed

    def wrong(pt, dps):
        w = D.closed_weights(pt, dps)
        w["uv"] = w["uv"] / D.mp_at(theta, pt, dps + 10)   # (theta^4 - c)/theta^4 instead of /theta^3
        return w

    assert not Agree(wrong, D.contour_weights, pts).verify(dps=30).passed


# ------------------------------------------------------------------------- AllOf, errors


def test_allof_fails_if_one_part_fails_and_reports_errors():
    x = sp.Symbol("x", positive=True)
    good = Symbolic(sp.exp(sp.log(x)) - x)
    bad = Symbolic(sp.exp(sp.log(x)) - 2 * x)
    res = AllOf(good, bad).verify()
    assert res.status is Status.FAILED and "part 2" in res.evidence
    assert [r.passed for r in res.parts] == [True, False]

    def boom(pt, dps):
        raise ZeroDivisionError("boom")

    crashed = AllOf(good, Numeric(boom, Points({x: (0, 1)}))).verify()
    assert crashed.status is Status.ERROR and "ZeroDivisionError" in crashed.evidence
    with pytest.raises(TypeError):
        AllOf()


def test_points_are_seeded_exact_and_respect_conditions():
    x = sp.Symbol("x", positive=True)
    n = sp.Symbol("n", integer=True)
    pts = Points({x: (0, 2), n: (3, 9)}, fixed={c: 1}, count=5, where=lambda pt: pt[x] > 1)
    a = pts.sample(random.Random("s"))
    b = pts.sample(random.Random("s"))
    other = pts.sample(random.Random("t"))
    assert a == b and a != other
    for pt in a:
        assert isinstance(pt[x], sp.Rational) and 1 < pt[x] < 2
        assert pt[n].is_Integer and 3 <= pt[n] <= 9 and pt[c] == 1
    impossible = Points({x: (0, 1)}, where=lambda pt: pt[x] > 5, max_tries=50)
    with pytest.raises(ValueError):
        impossible.sample(random.Random(0))
    assert Numeric(x, impossible).verify(dps=20).status is Status.ERROR
    with pytest.raises(ValueError):
        Points({x: (2, 1)})


def test_dps_must_be_sensible():
    with pytest.raises(ValueError):
        Symbolic(sp.Integer(0)).verify(dps=5)


# ------------------------------------------------------------------------- steps and derivations


def _demo(wrong: bool = False) -> Derivation:
    x = sp.Symbol("x", positive=True)
    steps = (
        Step("first", "Hyperbolic identity", r"$\cosh^2 x - \sinh^2 x = 1$.", (r"\cosh^2 x - \sinh^2 x = 1",),
             Symbolic(sp.cosh(x) ** 2 - sp.sinh(x) ** 2 - 1), section="A"),
        Step("second", "A root", r"$\sqrt{x^2} = x$ for $x > 0$.", (r"\sqrt{x^2} = x",),
             Numeric(sp.sqrt(x**2) - (-x if wrong else x), Points({x: (1, 2)}, count=2)), section="B"),
    )
    return Derivation("demo", "Demo derivation", steps, introduction="Two identities.")


def test_step_validation():
    v = Symbolic(sp.Integer(0))
    with pytest.raises(ValueError):
        Step("bad key!", "T", "S.", (), v)
    with pytest.raises(TypeError):
        Step("k", "T", "S.", "x = 1", v)
    with pytest.raises(TypeError):
        Step("k", "T", "S.", (), "not a verification")
    with pytest.raises(ValueError):
        Derivation("d", "D", (Step("k", "T", "S.", (), v), Step("k", "T", "S.", (), v)))


def test_derivation_result_json_and_table():
    res = _demo(wrong=True).verify(dps=20, seed=4)
    assert not res.passed and res.failed == ("second",)
    data = res.to_json()
    assert data["passed"] is False and data["failed"] == ["second"] and data["dps"] == 20
    step = data["steps"][1]
    assert {"key", "title", "statement", "statement_text", "latex", "verification"} <= set(step)
    assert step["verification"]["status"] == "failed" and step["verification"]["method"] == "numeric"
    assert step["verification"]["points"][0]["point"]["x"]
    table = format_table(res)
    assert "FAILED: second" in table and "1/2 steps passed" in table
    assert _demo().verify(dps=20).passed


def test_step_points_do_not_depend_on_which_steps_run():
    d = _demo()
    alone = d.verify(dps=20, seed=9, keys=["second"])["second"]
    full = d.verify(dps=20, seed=9)["second"]
    assert [pr.point for pr in alone.points] == [pr.point for pr in full.points]
    with pytest.raises(KeyError):
        d.verify(keys=["nope"])


def test_latex_of_a_derivation():
    d = _demo(wrong=True)
    res = d.verify(dps=20)
    tex = res.to_latex()
    assert "\\label{step:first}" in tex and "\\label{eq:second}" in tex
    assert "\\textbf{FAILED}" in tex and "1 of 2 steps verified" in tex
    assert "Verification (not run)" in d.to_latex()


def test_the_derivation_engine_does_not_import_the_models():
    # `symdyn/__init__.py` imports everything, so the package is replaced by an empty one with the
    # same path: what is then loaded is exactly what `symdyn.derive` itself needs.
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = (
        "import json, sys, types\n"
        f"pkg = types.ModuleType('symdyn'); pkg.__path__ = [{str(root / 'symdyn')!r}]\n"
        "sys.modules['symdyn'] = pkg\n"
        "import symdyn.derive\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('symdyn'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(proc.stdout)
    assert "symdyn.derive._derivation" in loaded
    assert not [m for m in loaded if m.startswith(("symdyn.models", "symdyn.check", "symdyn.cli"))], loaded
