"""Figures: (fig, ax) returned, Agg canvas, no pyplot or global matplotlib state touched, sane content."""

from __future__ import annotations

import sys

import matplotlib
import numpy as np
import pytest
from test_check_toy import TOY

import symdyn as sd
from symdyn.check import check, convergence
from symdyn.errors import SymdynError
from symdyn.plot import (
    panels,
    plot_check,
    plot_convergence,
    plot_power_law,
    plot_sign,
    save,
    theory_curve,
)


def test_no_global_state_is_changed(tmp_path):
    backend, rc = matplotlib.get_backend(), dict(matplotlib.rcParams)
    had_pyplot = "matplotlib.pyplot" in sys.modules
    res = check(TOY, TOY.params(), n=100, seeds=5, times=[0.5, 1, 2], seed=1)
    fig, axes = plot_check(res, model=TOY)
    save(fig, tmp_path / "a.png")
    conv = convergence(TOY, TOY.params(), sizes=[100, 400], seeds=5, times=[1], seed=1)
    fig, ax = plot_convergence(conv)
    save(fig, tmp_path / "b.svg")
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == rc
    assert ("matplotlib.pyplot" in sys.modules) == had_pyplot


def test_check_figure_content(tmp_path):
    res = check(TOY, TOY.params(), n=100, seeds=5, times=[0.5, 1, 2], seed=1)
    fig, axes = plot_check(res, model=TOY, points=41)
    assert len(axes) == 2                      # x and y are different observables: two panels
    line = axes[0].get_lines()[0]
    x, y = line.get_data()
    assert len(x) == 41 and x[0] == 0 and y[0] == pytest.approx(1.0)   # theory x(0) = mu = 1
    assert axes[-1].get_xlabel() == "$t$"
    # axis labels are the declared symbols in mathtext
    assert axes[0].get_ylabel() == "$x(t)$" and axes[1].get_ylabel() == "$y(t)$"
    path = save(fig, tmp_path / "c.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_theory_curve_fast_path_matches_the_reference(rank_one):
    p = rank_one.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    fast = theory_curve(rank_one, p, 20, points=11, observables=["m_u"])
    ref = rank_one.evaluate(p, [str(t) for t in np.linspace(0, 20, 11)], dps=30, observables=["m_u"])
    assert [float(v) for v in fast["m_u"]] == pytest.approx([float(v) for v in ref["m_u"]], rel=1e-12, abs=1e-14)


def test_power_law_plot_has_guide_and_fit():
    from symdyn.check import fit_power_law

    n, y = [250, 500, 1000, 2000], [0.02, 0.0141, 0.01, 0.0071]
    fit = fit_power_law(n, y, [0.001] * 4)
    fig, ax = plot_power_law(n, y, [0.001] * 4, fit=fit)
    labels = [l.get_label() for l in ax.get_lines()]
    assert any("guide" in l for l in labels) and any("fit" in l for l in labels)
    assert ax.get_xscale() == "log"


def test_panels_and_errors(tmp_path):
    assert panels(["m_u", "m_v", "energy"]) == [["m_u", "m_v"], ["energy"]]
    res = check(TOY, TOY.params(), n=100, seeds=5, times=[1], seed=1)
    with pytest.raises(SymdynError, match="no finite-n sign risk"):
        plot_sign(res)
    fig, _ = plot_check(res, model=TOY)
    with pytest.raises(SymdynError, match=".png"):
        save(fig, tmp_path / "x.jpg")


def test_plot_titles_write_lists_as_tuples_and_powers_of_ten_as_exponents():
    from symdyn.plot import param_text

    m = sd.model("matrix-sensing")
    text = param_text(m.params(sigma="3,2,1", d="30", r="5", alpha="1e-8", eta="1/100"))
    assert r"$\alpha = 10^{-8}$" in text and r"$\sigma = (3, 2, 1)$" in text and r"$\eta = 1/100$" in text


def test_python_dash_m_symdyn_runs_the_command_line():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "symdyn", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Usage: symdyn" in out.stdout
