"""Figures of sweeps: one axis (log axes, certified bands, failed points), two axes (heatmap,
hatched failures, the solved boundary), labels in mathtext, and `symdyn plot` from a saved file."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from matplotlib.collections import PatchCollection, PolyCollection, QuadMesh

from symdyn.plot import plot_sweep, save
from symdyn.sweep import load, sweep

from cli_helpers import run_cli

ROD = "rank-one-denoising"


def _legend_texts(ax):
    leg = ax.get_legend()
    return [t.get_text() for t in leg.get_texts()] if leg is not None else []


def test_one_axis_plot_on_a_log_axis_with_bands_and_failed_points(tmp_path):
    res = sweep(ROD, "critical-ratio", {"c": "1/2"}, {"epsilon": "-1/2:-1/4:2"}, dps=30, certify=True)
    assert res.failed == 2  # epsilon < 0 is below threshold
    res = sweep(ROD, "critical-ratio", {"c": "1/2"}, {"epsilon": "1e-12:1:7:log"}, dps=30, certify=True)
    fig, ax = plot_sweep(res)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == r"$\varepsilon$"
    assert "critical-ratio" in ax.get_ylabel()
    (line,) = ax.get_lines()
    assert np.allclose(line.get_xdata(), [10.0**k for k in range(-12, 1, 2)])
    assert np.allclose(line.get_ydata(), [float(p.values["ratio"]) for p in res.points])
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1 and any(t.startswith("certified enclosure (widths <= ") for t in _legend_texts(ax))
    (legend,) = [t for t in _legend_texts(ax) if t.startswith("certified enclosure")]
    stated = float(legend.split("<= ")[1].rstrip(")"))  # the widths are far below float64's resolution
    with mp.workdps(80):
        widest = max(mp.mpf(p.enclosures["ratio"]["upper"]) - mp.mpf(p.enclosures["ratio"]["lower"])
                     for p in res.points)
    assert 0 < widest <= stated < 10 * widest
    save(fig, tmp_path / "eps.png")
    assert (tmp_path / "eps.png").stat().st_size > 10_000


def test_failed_points_are_marked_along_the_axis_with_their_reason():
    res = sweep(ROD, "critical-ratio", {"c": "1/2"}, {"theta": "1/2:2:7"}, dps=20)
    fig, ax = plot_sweep(res)
    assert ax.get_xlabel() == r"$\theta$" and ax.get_xscale() == "linear"
    marks = [ln for ln in ax.get_lines() if ln.get_label().startswith("failed")]
    assert len(marks) == 1
    assert list(marks[0].get_xdata()) == [0.5, 0.75]
    assert any("failed (2): below threshold" in t for t in _legend_texts(ax))


def test_solved_boundary_is_drawn_against_its_axis_with_the_solved_parameter_on_y():
    res = sweep(ROD, "critical-ratio", {}, {"c": "1/16:1:5"}, dps=20, solve="theta=1/2:4", equals="-9/10")
    fig, ax = plot_sweep(res)
    assert ax.get_xlabel() == "$c$" and ax.get_ylabel() == r"$\theta$"
    assert "theta where critical-ratio = -0.9" in ax.get_title()


def test_two_axis_heatmap_hatches_failed_cells_and_draws_the_solved_curve(tmp_path):
    grid = sweep(ROD, "critical-ratio", {}, {"theta": "1/2:3/2:11", "c": "1/16:1:11"}, dps=20)
    # theta in [1, 3/2] is above threshold for every c <= 1; roots exist for 0.1 < c < 0.44
    curve = sweep(ROD, "critical-ratio", {}, {"c": "1/16:1:11"}, dps=20, solve="theta=1:3/2", equals="-0.85")
    fig, ax = plot_sweep(grid, curve=curve)
    assert ax.get_xlabel() == "$c$" and ax.get_ylabel() == r"$\theta$"
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    assert meshes[0].get_array().shape == (11, 11)
    hatched = [c for c in ax.collections if isinstance(c, PatchCollection) and c.get_hatch()]
    assert sum(len(c.get_paths()) for c in hatched) == grid.failed > 0
    assert any(t.startswith("failed") for t in _legend_texts(ax))
    solved = [ln for ln in ax.get_lines() if "(solved)" in ln.get_label()]
    assert len(solved) == 1
    ok = [p for p in curve.points if p.ok]
    assert len(ok) >= 3 and len(solved[0].get_xdata()) == len(ok)
    assert np.allclose(sorted(solved[0].get_ydata()), sorted(float(p.values["theta"]) for p in ok))
    cbar = fig.axes[1]
    assert "critical-ratio" in cbar.get_ylabel()
    save(fig, tmp_path / "map.png")


def test_symdyn_plot_redraws_a_saved_sweep_without_recomputing(tmp_path, monkeypatch):
    csv = tmp_path / "map.csv"
    line = tmp_path / "line.jsonl"
    assert run_cli("sweep", ROD, "limit:m_u", "theta=1/2:2:5", "c=1/4:1:4", "alpha=1/5", "beta=1/10",
                   "--out", str(csv))[0] == 0
    assert run_cli("sweep", ROD, "limit:m_u", "c=1/4:1:4", "alpha=1/5", "beta=1/10", "--solve", "theta=1/2:2",
                   "--equals", "1/2", "--out", str(line))[0] == 0
    import symdyn as sd

    def no_points(*a, **k):
        raise AssertionError("symdyn plot computed a point")

    for method in ("evaluate", "limit", "boundary"):  # every point of a sweep is computed by one of these
        monkeypatch.setattr(type(sd.model(ROD)), method, no_points)
    status, out, err = run_cli("plot", str(csv), "--curve", str(line), "--out", str(tmp_path / "m.svg"))
    assert status == 0, err
    assert (tmp_path / "m.svg").read_text().startswith("<?xml")
    status, out, err = run_cli("plot", str(line))
    assert status == 0 and (tmp_path / "line.png").exists(), err
    fig, ax = plot_sweep(load(csv))
    assert ax.get_ylabel() == r"$\theta$" and ax.get_xlabel() == "$c$"
    assert r"\lim" in fig.axes[1].get_ylabel()


@pytest.mark.parametrize("args, fragment", [
    (("nothing.csv",), "no such sweep file"),
    (("{csv}", "--out", "x.gif"), ".png, .pdf or .svg"),
    (("{csv}", "--values", "nope"), "no value nope"),
])
def test_plot_input_errors_exit_2(tmp_path, args, fragment):
    csv = tmp_path / "t.csv"
    run_cli("sweep", ROD, "threshold", "c=1:2:3", "--out", str(csv))
    status, _, err = run_cli("plot", *[a.format(csv=csv) for a in args])
    assert status == 2 and fragment in err, err


@pytest.mark.parametrize("name, content, fragment", [
    ("bin.jsonl", b"\xff\xfe{}\n", "not UTF-8"),
    ("deep.json", b"[" * 100_000, "nested too deeply"),
])
def test_unreadable_sweep_files_exit_2_for_plot_and_resume(tmp_path, name, content, fragment):
    bad = tmp_path / name
    bad.write_bytes(content)
    status, _, err = run_cli("plot", str(bad), "--out", str(tmp_path / "x.png"))
    assert status == 2 and fragment in err and len(err.strip().splitlines()) == 1, err
    status, _, err = run_cli("sweep", ROD, "threshold", "c=1:2:3", "--out", str(bad), "--resume")
    assert status == 2 and fragment in err and len(err.strip().splitlines()) == 1, err
    assert bad.read_bytes() == content
