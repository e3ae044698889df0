"""``symdyn sweep``: a quantity over a parameter grid, on joblib or a Dask cluster."""

from __future__ import annotations

import click

from ..errors import ParameterError
from ..sweep import parse_axis, sweep, write
from .common import DPS_OPTION, JSON_OPTION, emit_json, load_model, progress_meter


@click.command("sweep")
@click.argument("model_name", metavar="MODEL")
@click.argument("target", metavar="QUANTITY")
@click.argument("assignments", nargs=-1, metavar="NAME=START:STOP:COUNT|NAME=VALUE...")
@DPS_OPTION
@click.option("--n-jobs", default=1, show_default=True, type=int, help="Parallel worker processes (-1: all cores).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786), or 'local'.")
@click.option("--out", "out_path", metavar="FILE", help="Write the sweep to FILE (.csv or .json).")
@JSON_OPTION
def sweep_cmd(model_name, target, assignments, dps, n_jobs, scheduler, out_path, as_json):
    """Evaluate QUANTITY over a grid: a boundary quantity (threshold, critical-ratio, ...),
    'limit', or OBS@T (an observable at time T, e.g. m_u@20).

    Example: symdyn sweep rank-one-denoising critical-ratio c=1/2 theta=1:3:21 --n-jobs 2 --out ratio.csv
    """
    model = load_model(model_name)
    fixed, axes = {}, {}
    for word in assignments:
        name, sep, value = word.partition("=")
        if not sep or not name or not value:
            raise ParameterError(f"{word!r} is not NAME=VALUE or NAME=START:STOP:COUNT")
        if name in fixed or name in axes:
            raise ParameterError(f"parameter {name} is given twice")
        if value.count(":") == 2:
            axes[name] = parse_axis(name, value)
        else:
            fixed[name] = value
    result = sweep(model.name, target, fixed, axes, dps=dps, n_jobs=n_jobs, scheduler=scheduler,
                   progress=progress_meter())
    if out_path:
        write(result, out_path)
    if as_json:
        emit_json(result.to_json())
    elif not out_path:
        click.echo(result.to_csv(), nl=False)
    else:
        ok = sum(p.status == "ok" for p in result.points)
        click.echo(f"{len(result.points)} points ({ok} ok) in {result.seconds:.2f} s on {result.backend}: wrote {out_path}")
