"""The self-verifying derivation of the spiked Wigner model and its executable script."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from symdyn.derive import Agree, Numeric, Points, Symbolic
from symdyn.models.spiked_wigner import derivation as D
from symdyn.models.spiked_wigner import spectral
from symdyn.symbols import alpha, theta

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def deriv():
    return sd.model("spiked-wigner").derivation()


_CACHE: dict[str, object] = {}


def _verified(key: str):
    """One step verified at 30 digits (cached: each step is verified once per session)."""
    if key not in _CACHE:
        _CACHE[key] = sd.model("spiked-wigner").derivation().verify(dps=30, keys=[key])[key]
    return _CACHE[key]


_KEYS = [s.key for s in sd.model("spiked-wigner").derivation()]


def test_structure(deriv):
    keys = [s.key for s in deriv]
    for key in ("sc-mgf", "sc-mgf-lambda", "nu-density", "nu-outlier", "pole-subtraction", "overlap",
                "limit-above", "limit-below", "limit-at", "limit-gd", "hermitization-law",
                "hermitization-family", "hermitization-pole", "hermitization-c1"):
        assert key in keys
    sections = {s.section for s in deriv}
    assert "The rectangular model through the Hermitization" in sections
    assert deriv.key == "spiked-wigner" and "bodin_macris_2021" in deriv.bibliography


@pytest.mark.parametrize("key", _KEYS)
def test_every_step_verifies_at_30_digits(key):
    res = _verified(key)
    assert res.passed, res.evidence


@pytest.mark.slow
def test_the_pole_subtracted_kernel_is_refined_at_the_largest_precision():
    """With the planned node count alone the kernel route reached 6.6e-761 at 1000 digits (tolerance 1e-992)."""
    from symdyn.params import MAX_DPS

    res = sd.model("spiked-wigner").derivation().verify(dps=MAX_DPS, keys=["pole-subtraction"])
    assert res.passed, res.failed


def test_bessel_form_is_verified_three_ways():
    mgf = _verified("sc-mgf")
    assert [p.method for p in mgf.parts] == ["symbolic", "symbolic", "symbolic", "two-routes"]


@pytest.mark.slow
def test_every_step_verifies_at_100_digits(deriv):
    res = deriv.verify(dps=100, seed=7)
    assert res.passed, res.failed


def test_residues_are_taken_at_numeric_theta():
    outlier = _verified("nu-outlier")
    agree = outlier.parts[2]
    assert agree.method == "two-routes" and len(agree.points) == 3
    assert all(sp.Rational(p.point["theta"]) > 1 for p in agree.points)
    pole = _verified("hermitization-pole").parts[0]
    assert all(sp.Rational(p.point["theta"]) ** 4 > sp.Rational(p.point["c"]) for p in pole.points)


def test_the_checks_can_fail():
    # a wrong atom weight, a wrong amplitude and a wrong Bessel order are all rejected
    wrong_weight = Agree(lambda pt, dps: D.numeric_residue(pt[theta]), 1 - 1 / theta,
                         Points({theta: (sp.Rational(11, 10), 5)}, count=2))
    assert not wrong_weight.verify(dps=30).passed
    K = spectral.decay_amplitude()
    assert not Symbolic(K["K"] - 2 * K["K_closed"], substitute=D.BELOW).verify().passed
    from symdyn.symbols import tau

    wrong_mgf = Agree(lambda pt, dps: mp.besseli(0, 2 * sd.to_mp(pt[tau], dps + 10)) / sd.to_mp(pt[tau], dps + 10),
                      lambda pt, dps: D.sc_quad(lambda v: mp.exp(sd.to_mp(pt[tau], dps + 10) * v), dps),
                      Points({tau: (sp.Rational(1, 2), 5)}, count=1))
    assert not wrong_mgf.verify(dps=30).passed
    # an amplitude off by 1% fails the Richardson check (tolerance 1e-4)
    fake = Numeric(lambda pt, dps: {"x": D.richardson(pt, dps)["amplitude"] + sp.Rational(1, 100)},
                   Points({theta: (sp.Rational(1, 5), sp.Rational(7, 10)), alpha: (sp.Rational(1, 10), 1)}, count=1),
                   tolerance=sp.Rational(1, 10**4))
    assert not fake.verify(dps=30).passed


def test_quadrature_route_is_exact_at_threshold():
    # the angle form keeps every digit at theta = 1 (the generic measure loses about half of them there)
    pt = {theta: sp.Integer(1), alpha: sp.Rational(1, 3)}
    a = D.observables_by_quadrature(pt, sp.Rational(5, 2), 60)
    m = sd.model("spiked-wigner")
    b = m.evaluate(m.params(theta="1", alpha="1/3"), ["5/2"], dps=60)
    with mp.workdps(70):
        assert abs(a["m"] - b["m"][0]) < mp.mpf(10) ** -58


def test_latex_document(deriv, tmp_path):
    res = deriv.verify(dps=30, keys=["sc-mgf", "nu-outlier", "hermitization-c1"])
    tex = res.to_latex()
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert "I_{1}" in tex and "Hermitization" in tex and "\\label{step:nu-outlier}" in tex
    assert "3 of 3 steps verified at 30 digits" in tex
    full = deriv.to_latex()   # every step, with "Verification (not run)" lines
    assert full.count("\\label{step:") == len(deriv)
    if shutil.which("pdflatex") is None:
        if os.environ.get("SYMDYN_REQUIRE_PDFLATEX"):
            pytest.fail("pdflatex is required (SYMDYN_REQUIRE_PDFLATEX is set) but not installed")
        pytest.skip("pdflatex is not installed")
    from symdyn.tex import compile_pdf

    pdf = compile_pdf(tex, tmp_path)
    assert pdf.exists() and pdf.stat().st_size > 10_000


def _script():
    spec = importlib.util.spec_from_file_location("spiked_wigner_script", ROOT / "derivations" / "spiked_wigner.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_executable_derivation(tmp_path, capsys):
    script = _script()
    out = tmp_path / "sw.tex"
    args = ["--dps", "30", "--step", "sc-mgf", "--step", "nu-outlier", "--step", "hermitization-c1"]
    assert script.main(args + ["--latex", str(out)]) == 0
    text = capsys.readouterr().out
    assert "3/3 steps passed at 30 digits" in text
    assert out.read_text().startswith("\\documentclass")
    assert script.main(["--step", "no-such-step"]) == 2
    assert script.main(["--dps", "5"]) == 2
    assert script.main(["--dps", "30", "--step", "sc-moments", "--json"]) == 0
    assert '"passed": true' in capsys.readouterr().out


def test_symdyn_derive_command(tmp_path):
    from cli_helpers import run_cli

    tex = tmp_path / "d.tex"
    status, out, err = run_cli("derive", "spiked-wigner", "--dps", "30", "--step", "sc-mgf", "--step",
                               "hermitization-family", "--latex", str(tex), "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["model"] == "spiked-wigner" and data["passed"] is True
    assert [s["key"] for s in data["steps"]] == ["sc-mgf", "hermitization-family"]
    assert all(s["latex"] for s in data["steps"]) and tex.read_text().startswith("\\documentclass")
    status, out, err = run_cli("derive", "spiked-wigner", "--step", "nope")
    assert status == 2 and err.count("\n") == 1 and "unknown step" in err
