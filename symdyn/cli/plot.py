"""``symdyn plot``: draw a saved sweep without recomputing it."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ParameterError
from .common import split_names
from .sweep import check_figure_path

__all__ = ["plot_cmd"]


@click.command("plot")
@click.argument("sweep_file", metavar="FILE")
@click.option("--out", "out_path", metavar="FIGURE", help="Figure to write (.png, .pdf, .svg; default FILE with .png).")
@click.option("--values", "value_names", metavar="NAMES", help="Comma-separated values to draw (default: all; a "
              "two-axis map draws the first).")
@click.option("--curve", "curve_file", metavar="FILE", help="A one-axis --solve sweep drawn on a two-axis map "
              "(the phase boundary).")
def plot_cmd(sweep_file, out_path, value_names, curve_file):
    """Draw a sweep saved by `symdyn sweep --out FILE` (.csv, .json or .jsonl).

    One axis: the values against it (certified bands, failed points marked); two axes: a
    heatmap with failed cells hatched, and the --curve boundary on top.

    Example: symdyn plot ratio.csv --out ratio.png
    """
    from ..plot import plot_sweep, save
    from ..sweep import load

    src = Path(sweep_file)
    if not src.is_file():
        raise ParameterError(f"{src}: no such sweep file")
    out = Path(out_path) if out_path else src.with_suffix(".png")
    check_figure_path(str(out), "--out")
    result = load(src)
    curve = load(curve_file) if curve_file else None
    fig, _ = plot_sweep(result, values=split_names(value_names, "--values"), curve=curve)
    save(fig, out)
    click.echo(f"wrote {out} ({len(result.points)} points of {result.spec.command})")
