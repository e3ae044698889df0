"""Result objects print their full precision as readable text (``__str__``) and render as LaTeX in
Jupyter (``_repr_latex_``); the LaTeX compiles (pdflatex, when installed)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

import symdyn as sd

M = sd.model("rank-one-denoising")
P = M.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")


def _balanced(tex: str) -> None:
    assert tex.startswith("$") and tex.endswith("$") and tex.count("$") == 2
    assert tex.count("{") == tex.count("}")
    assert tex.count(r"\begin{") == tex.count(r"\end{")


def test_print_of_a_60_digit_quantity_shows_60_digits():
    ratio = M.boundary("critical-ratio", P, dps=60)
    text = str(ratio)
    assert sd.mp_to_decimal(ratio.value, 60) in text and "sqrt(11834)/122" in text
    tex = ratio._repr_latex_()
    _balanced(tex)
    assert r"\frac{\sqrt{11834}}{122}" in tex and sd.mp_to_decimal(ratio.value, 60) in tex


def test_trajectory_and_its_estimates_print_every_digit():
    tr = M.evaluate(P, ["1", "5"], dps=50)
    text = str(tr)
    for name in tr.observables:
        for e in tr.observables[name]:
            assert sd.mp_to_decimal(e.value, 50) in text
            assert sd.mp_to_decimal(e.value, 50) in str(e) and "error" in str(e)
            _balanced(e._repr_latex_())
    tex = tr._repr_latex_()
    _balanced(tex)
    assert "m_{u}(t)" in tex and r"\times 10^{" in tex


def test_limit_prints_values_closed_forms_and_check():
    lim = M.limit(P, dps=45)
    text = str(lim)
    assert sd.mp_to_decimal(lim.values["m_u"], 45) in text and "sqrt(190799)/582" in text and "numerical check" in text
    tex = lim._repr_latex_()
    _balanced(tex)
    assert r"\lim_{t \to \infty} m_{u}(t)" in tex and r"\frac{\sqrt{190799}}{582}" in tex


def test_certified_results_print_their_enclosures():
    pytest.importorskip("flint")
    tr = M.certify_trajectory(P, ["1"], dps=25, observables=["m_u"])
    j = tr["m_u"][0].to_json()
    assert str(tr) == tr.render() and j["value"] in str(tr) and j["lower"] in str(tr)
    for tex in (tr._repr_latex_(), tr["m_u"][0]._repr_latex_()):
        _balanced(tex)
        assert r"\in [" in tex and j["upper"] in tex


def test_check_result_prints_rows_and_verdict():
    res = sd.check(M, P, n=200, seeds=5, times=[1, 5], observables=["m_u"])
    text = str(res)
    assert res.summary() in text and "m_u" in text and "p (Holm)" in text
    _balanced(res._repr_latex_())


@pytest.mark.skipif(shutil.which("pdflatex") is None and not os.environ.get("SYMDYN_REQUIRE_PDFLATEX"),
                    reason="pdflatex not installed")
def test_every_latex_repr_compiles(tmp_path):
    pytest.importorskip("flint")
    objs = [M.boundary("critical-ratio", P, dps=30, certify=True), M.evaluate(P, ["1", "5"], dps=30),
            M.limit(P, dps=30), M.evaluate(P, ["1"], dps=30).observables["m_u"][0],
            M.certify_trajectory(P, ["1"], dps=20, observables=["m_u"]),
            sd.check(M, P, n=200, seeds=5, times=[1], observables=["m_u"])]
    body = "\n\n".join(o._repr_latex_() for o in objs)
    doc = ("\\documentclass{article}\\usepackage{amsmath}\\usepackage[a3paper,landscape,margin=1cm]{geometry}"
           "\\begin{document}\n" + body + "\n\\end{document}\n")
    (tmp_path / "r.tex").write_text(doc)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "r.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
